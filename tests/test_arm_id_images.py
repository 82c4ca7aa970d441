"""checks/arm_id.py (ids and scope arithmetic) and checks/images.py (image references)."""

from __future__ import annotations

import pytest
from fixtures import SUB, SUB_ID, load_list

from checks import arm_id
from checks.images import (
    DOCKER_HUB,
    MICROSOFT_REGISTRY,
    PUBLIC_REGISTRIES,
    ImageRef,
    parse_image,
    registry_kind,
)

RG = f"{SUB}/resourceGroups/myResourceGroup"
REG = f"{RG}/providers/Microsoft.ContainerRegistry/registries/myRegistry"
TOKEN = f"{REG}/tokens/ci"
REG_SETTING = f"{REG}/providers/Microsoft.Insights/diagnosticSettings/audit"
SUB_SETTING = f"{SUB}/providers/Microsoft.Insights/diagnosticSettings/activity"
PRICING = f"{SUB}/providers/Microsoft.Security/pricings/Containers"
GROUP = f"{RG}/providers/Microsoft.ContainerInstance/containerGroups/demo1"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci"
ROLE_DEF = "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"
DIGEST = "sha256:" + "0123456789abcdef" * 4

# --- arm_id ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("subscriptions/x/providers/AzureResourceManager/diagnosticSettings/ds4", "/subscriptions/x/providers/AzureResourceManager/diagnosticSettings/ds4"),
        ("/subscriptions/x", "/subscriptions/x"),
        ("  /subscriptions/x \n", "/subscriptions/x"),
        ("  subscriptions/x", "/subscriptions/x"),
    ],
)  # fmt: skip
def test_normalise_id(raw: str, expected: str) -> None:
    assert arm_id.normalise_id(raw) == expected


@pytest.mark.parametrize(
    ("rid", "subscription", "resource_group", "name"),
    [
        (REG, SUB_ID, "myResourceGroup", "myRegistry"),
        (REG.lower(), SUB_ID, "myresourcegroup", "myregistry"),
        (REG + "/", SUB_ID, "myResourceGroup", "myRegistry"),
        (TOKEN, SUB_ID, "myResourceGroup", "ci"),
        (REG_SETTING, SUB_ID, "myResourceGroup", "audit"),
        (SUB_SETTING, SUB_ID, None, "activity"),
        (PRICING, SUB_ID, None, "Containers"),
        (SUB, SUB_ID, None, SUB_ID),
        (RG, SUB_ID, "myResourceGroup", "myResourceGroup"),
        (ROLE_DEF, None, None, "b24988ac-6180-42a0-ab88-20f7382dd24c"),
        ("/", None, None, ""),
        ("", None, None, ""),
    ],
)
def test_parse(rid: str, subscription: str | None, resource_group: str | None, name: str) -> None:
    parsed = arm_id.parse(rid)
    assert (parsed.subscription, parsed.resource_group, parsed.name) == (
        subscription,
        resource_group,
        name,
    )


def test_subscription_scope() -> None:
    assert arm_id.subscription_scope(TOKEN) == SUB
    assert arm_id.subscription_scope(REG.lower().replace("myresourcegroup", "RG")) == SUB
    assert arm_id.subscription_scope(ROLE_DEF) is None


def test_ancestors_are_lowercase_and_most_specific_first() -> None:
    chain = arm_id.ancestors(TOKEN)
    assert chain[0] == TOKEN.lower()
    assert list(chain) == sorted(chain, key=len, reverse=True)
    assert all(c == c.lower() for c in chain)
    for scope in (REG, RG, SUB):
        assert scope.lower() in chain
    assert chain[-2:] == (SUB.lower(), "/subscriptions")
    assert arm_id.ancestors(REG + "/") == arm_id.ancestors(REG)
    assert arm_id.ancestors(SUB) == (SUB.lower(), "/subscriptions")


@pytest.mark.parametrize(
    ("rid", "owner"),
    [
        pytest.param(TOKEN, REG, id="child-token"),
        pytest.param(f"{REG}/cacheRules/hub", REG, id="child-cache-rule"),
        pytest.param(SUBNET, f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet", id="subnet"),
        pytest.param(REG_SETTING, REG, id="extension-on-registry"),
        pytest.param(
            REG_SETTING.replace("/providers/Microsoft.Insights/", "/providers/microsoft.insights/"),
            REG,
            id="extension-lowercase-provider",
        ),
        pytest.param(f"{TOKEN}/providers/Microsoft.Insights/diagnosticSettings/s", TOKEN, id="extension-on-child"),
        pytest.param(f"{GROUP}/providers/Microsoft.Authorization/roleAssignments/ra1", GROUP, id="role-assignment"),
        pytest.param(SUB_SETTING, SUB, id="subscription-setting"),
        pytest.param(arm_id.normalise_id("subscriptions/x/providers/AzureResourceManager/diagnosticSettings/ds4"), "/subscriptions/x", id="published-sub-setting"),
        pytest.param(PRICING, SUB, id="pricing"),
        pytest.param(REG, RG, id="top-level-resource"),
        pytest.param(RG, SUB, id="resource-group"),
        pytest.param(SUB, "/", id="subscription"),
        pytest.param(ROLE_DEF, "/", id="tenant-level"),
        pytest.param(f"{RG}/providers/Microsoft.ContainerRegistry/registries/providers/tokens/t", f"{RG}/providers/Microsoft.ContainerRegistry/registries/providers", id="registry-named-providers"),
        pytest.param(TOKEN + "/", REG, id="trailing-slash"),
    ],
)  # fmt: skip
def test_owner_of(rid: str, owner: str) -> None:
    assert arm_id.owner_of(rid) == owner.lower()


def test_owner_of_published_setting_ids() -> None:
    """The spec's own diagnostic-setting id hangs off the logic workflow it names."""
    setting = load_list("Microsoft.Insights/2021-05-01-preview/listDiagnosticSettings.json")[0]
    assert arm_id.owner_of(setting["id"]) == (
        "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1"
        "/providers/microsoft.logic/workflows/viruela6"
    )


@pytest.mark.parametrize(
    ("rid", "rtype"),
    [
        (REG, "Microsoft.ContainerRegistry/registries"),
        (REG.lower(), "microsoft.containerregistry/registries"),
        (TOKEN, "Microsoft.ContainerRegistry/registries/tokens"),
        (SUBNET, "Microsoft.Network/virtualNetworks/subnets"),
        (REG_SETTING, "Microsoft.Insights/diagnosticSettings"),
        (SUB_SETTING, "Microsoft.Insights/diagnosticSettings"),
        (PRICING, "Microsoft.Security/pricings"),
        (ROLE_DEF, "Microsoft.Authorization/roleDefinitions"),
        (GROUP + "/", "Microsoft.ContainerInstance/containerGroups"),
        (RG, None),
        (SUB, None),
        (f"{SUB}/providers/Microsoft.Security", None),
        ("", None),
    ],
)
def test_infer_type(rid: str, rtype: str | None) -> None:
    assert arm_id.infer_type(rid) == rtype


@pytest.mark.parametrize(
    ("rid", "rtype"),
    [
        (f"{RG}/providers/Microsoft.ContainerRegistry/registries/providers", "Microsoft.ContainerRegistry/registries"),
        (f"{RG}/providers/Microsoft.ContainerRegistry/registries/providers/tokens/t", "Microsoft.ContainerRegistry/registries/tokens"),
    ],
)  # fmt: skip
def test_infer_type_resource_named_providers(rid: str, rtype: str) -> None:
    assert arm_id.infer_type(rid) == rtype


# --- images ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "registry", "repository", "tag", "digest"),
    [
        ("nginx", DOCKER_HUB, "library/nginx", None, None),
        ("nginx:1.25", DOCKER_HUB, "library/nginx", "1.25", None),
        ("nginx:latest", DOCKER_HUB, "library/nginx", "latest", None),
        ("  nginx:1.25 ", DOCKER_HUB, "library/nginx", "1.25", None),
        ("index.docker.io/library/nginx", DOCKER_HUB, "library/nginx", None, None),
        ("docker.io/nginx", DOCKER_HUB, "library/nginx", None, None),
        ("registry-1.docker.io/bitnami/redis:7.2", DOCKER_HUB, "bitnami/redis", "7.2", None),
        ("registry.hub.docker.com/library/busybox", DOCKER_HUB, "library/busybox", None, None),
        ("Docker.IO/library/nginx", DOCKER_HUB, "library/nginx", None, None),
        ("bitnami/redis", DOCKER_HUB, "bitnami/redis", None, None),
        ("FabrikamProd.azurecr.io/app:1", "fabrikamprod.azurecr.io", "app", "1", None),
        ("fabrikam.azurecr.io/team/svc/api:2.0.1", "fabrikam.azurecr.io", "team/svc/api", "2.0.1", None),
        ("mcr.microsoft.com/azuredocs/aci-helloworld", MICROSOFT_REGISTRY, "azuredocs/aci-helloworld", None, None),
        ("localhost:5000/x:y", "localhost:5000", "x", "y", None),
        ("localhost/x", "localhost", "x", None, None),
        ("LocalHost/x", "localhost", "x", None, None),
        ("myhost:5000/app", "myhost:5000", "app", None, None),
        ("reg.example.com:443/a/b:1.0", "reg.example.com:443", "a/b", "1.0", None),
        (f"repo@{DIGEST}", DOCKER_HUB, "library/repo", None, DIGEST),
        (f"repo:tag@{DIGEST}", DOCKER_HUB, "library/repo", "tag", DIGEST),
        (f"repo:tag@{DIGEST.upper().replace('SHA256', 'sha256')}", DOCKER_HUB, "library/repo", "tag", DIGEST),
        (f"fabrikam.azurecr.io/app@{DIGEST}", "fabrikam.azurecr.io", "app", None, DIGEST),
        (f"localhost:5000/app:1@{DIGEST}", "localhost:5000", "app", "1", DIGEST),
    ],
)  # fmt: skip
def test_parse_image(
    raw: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    ref = parse_image(raw)
    assert isinstance(ref, ImageRef)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )
    assert ref.raw == raw


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("nginx", "docker.io/library/nginx"),
        ("nginx:1.25", "docker.io/library/nginx:1.25"),
        ("FabrikamProd.azurecr.io/app:1", "fabrikamprod.azurecr.io/app:1"),
        (f"repo:tag@{DIGEST}", f"docker.io/library/repo:tag@{DIGEST}"),
    ],
)
def test_canonical(raw: str, canonical: str) -> None:
    assert parse_image(raw).canonical == canonical


ESTATE = frozenset({"fabrikamprod.azurecr.io"})


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("fabrikamprod.azurecr.io", "estate"),
        ("FabrikamProd.azurecr.io", "estate"),
        (MICROSOFT_REGISTRY, "microsoft"),
        ("MCR.Microsoft.com", "microsoft"),
        (DOCKER_HUB, "public"),
        ("ghcr.io", "public"),
        ("quay.io", "public"),
        ("public.ecr.aws", "public"),
        ("contoso.azurecr.io", "foreign-acr"),
        ("contoso.azurecr.io:443", "foreign-acr"),
        ("contoso.azurecr.cn", "foreign-acr"),
        ("contoso.azurecr.us", "foreign-acr"),
        ("localhost:5000", "other"),
        ("registry.example.com", "other"),
        ("azurecr.io.evil.example", "other"),
    ],
)
def test_registry_kind(host: str, kind: str) -> None:
    assert registry_kind(host, ESTATE) == kind


def test_registry_kind_of_parsed_images() -> None:
    estate = frozenset({"fabrikamprod.azurecr.io"})
    kinds = {
        raw: registry_kind(parse_image(raw).registry, estate)
        for raw in (
            "nginx",
            "FabrikamProd.azurecr.io/app:1",
            "mcr.microsoft.com/x",
            "other.azurecr.io/y",
        )
    }
    assert kinds == {
        "nginx": "public",
        "FabrikamProd.azurecr.io/app:1": "estate",
        "mcr.microsoft.com/x": "microsoft",
        "other.azurecr.io/y": "foreign-acr",
    }
    assert DOCKER_HUB in PUBLIC_REGISTRIES and MICROSOFT_REGISTRY not in PUBLIC_REGISTRIES
