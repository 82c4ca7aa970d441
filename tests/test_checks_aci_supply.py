"""Image origin and pinning: ACI-001 … ACI-005, ACI-009, ACI-029.

Fixtures are the real ARM bodies of tests/data/arm-examples (ContainerGroupsGet_Succeeded
at 2026-05-01, ContainerGroupsGet_Failed at 2023-05-01), deep-copied and edited.
"""

from __future__ import annotations

from typing import Any

import pytest
from fixtures import (
    ACI_OLD_API,
    DELETE,
    clone,
    container_group,
    merge,
    registry,
    run_check,
    run_one,
)

from checks.model import Evidence, Result, Status
from checks.policy import Policy

CG = "Microsoft.ContainerInstance/containerGroups"
REGISTRIES = "Microsoft.ContainerRegistry/registries"
DIGEST = "sha256:" + "0123456789abcdef" * 4
OTHER_SUB = "/subscriptions/99999999-0000-0000-0000-000000000009"


def _example_container() -> dict[str, Any]:
    c = clone(container_group()["properties"]["containers"][0])
    c["properties"].pop("volumeMounts")
    return c


def ctr(name: str, image: str | None = "nginx:1.25", **props: Any) -> dict[str, Any]:
    """A container shaped like the example's, with its image and properties replaced."""
    c = _example_container()
    c["name"] = name
    if image is None:
        c["properties"].pop("image")
    else:
        c["properties"]["image"] = image
    merge(c["properties"], props)
    return c


def group(
    *images: str, init: tuple[str, ...] = (), name: str = "web", **overrides: Any
) -> dict[str, Any]:
    """The Get_Succeeded group with containers c0, c1, … and init containers i0, …"""
    props: dict[str, Any] = {"containers": [ctr(f"c{i}", img) for i, img in enumerate(images)]}
    if init:
        props["initContainers"] = [ctr(f"i{i}", img) for i, img in enumerate(init)]
    return container_group(name=name, properties=props, **overrides)


def estate_registry() -> dict[str, Any]:
    """An estate registry whose loginServer is spelled in mixed case, as ARM may."""
    return registry(name="FabrikamProd", properties={"loginServer": "FabrikamProd.azurecr.io"})


def by_path(result: Result) -> dict[str, Evidence]:
    return {ev.path: ev for ev in result.evidence}


def paths(result: Result) -> list[str]:
    """Evidence paths in order: a FAIL lists only (and every one of) its offenders."""
    return [ev.path for ev in result.evidence]


def img_path(i: int, init: bool = False) -> str:
    key = "initContainers" if init else "containers"
    return f"properties.{key}[{i}].properties.image"


# --- ACI-001 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "status", "note"),
    [
        ("fabrikamprod.azurecr.io/app:1.0", Status.PASS, "host fabrikamprod.azurecr.io: estate"),
        ("FabrikamProd.azurecr.io/app:1.0", Status.PASS, "host fabrikamprod.azurecr.io: estate"),
        (
            "mcr.microsoft.com/azuredocs/aci-helloworld:latest",
            Status.PASS,
            "host mcr.microsoft.com: microsoft",
        ),
        ("nginx", Status.FAIL, "host docker.io: public"),
        ("redis:latest", Status.FAIL, "host docker.io: public"),
        ("library/nginx", Status.FAIL, "host docker.io: public"),
        ("docker.io/library/nginx:1.25", Status.FAIL, "host docker.io: public"),
        ("index.docker.io/library/nginx:1.25", Status.FAIL, "host docker.io: public"),
        ("ghcr.io/org/app:1.0", Status.FAIL, "host ghcr.io: public"),
        (
            "contosoother.azurecr.io/app:1.0",
            Status.FAIL,
            "host contosoother.azurecr.io: foreign-acr",
        ),
        ("registry.example.com/app:1.0", Status.FAIL, "host registry.example.com: other"),
        ("myhost:5000/app:1.0", Status.FAIL, "host myhost:5000: other"),
    ],
)
def test_aci_001_classifies_each_host(image: str, status: Status, note: str) -> None:
    cg = group(image)
    res = run_one("ACI-001", cg, [estate_registry()])
    assert res.status is status
    assert "'web'" in res.message
    ev = by_path(res)[img_path(0)]
    assert ev.observed == image
    assert ev.note == note
    if status is Status.FAIL:
        kind_host = note.removeprefix("host ").split(": ")
        assert f"container 'c0' ({kind_host[1]}: {kind_host[0]})" in res.message


def test_aci_001_mixed_case_login_server_is_the_estate() -> None:
    # The registry says FabrikamProd.azurecr.io; the image says fabrikamprod.azurecr.io.
    reg = estate_registry()
    assert reg["properties"]["loginServer"] == "FabrikamProd.azurecr.io"
    res = run_one("ACI-001", group("fabrikamprod.azurecr.io/app:1.0"), [reg])
    assert res.status is Status.PASS
    assert res.message == "Container group 'web' pulls only from estate registries."


def test_aci_001_without_the_registry_in_the_snapshot_an_estate_like_acr_is_foreign() -> None:
    res = run_one("ACI-001", group("fabrikamprod.azurecr.io/app:1.0"))
    assert res.status is Status.FAIL
    assert "foreign-acr: fabrikamprod.azurecr.io" in res.message


def test_aci_001_reports_every_offending_container_and_init_container() -> None:
    cg = group(
        "fabrikamprod.azurecr.io/app:1.0",
        "nginx",
        init=("ghcr.io/org/migrate:2",),
    )
    res = run_one("ACI-001", cg, [estate_registry()])
    assert res.status is Status.FAIL
    assert "container 'c1' (public: docker.io)" in res.message
    assert "init container 'i0' (public: ghcr.io)" in res.message
    assert "'c0'" not in res.message
    # Only the offenders: the estate image of c0 is not evidence of a FAIL.
    assert paths(res) == [img_path(1), img_path(0, init=True)]
    evs = by_path(res)
    assert (evs[img_path(1)].observed, evs[img_path(1)].note) == ("nginx", "host docker.io: public")
    assert (evs[img_path(0, init=True)].observed, evs[img_path(0, init=True)].note) == (
        "ghcr.io/org/migrate:2",
        "host ghcr.io: public",
    )


def test_aci_001_pass_lists_every_image_examined() -> None:
    cg = group(
        "fabrikamprod.azurecr.io/app:1.0",
        "mcr.microsoft.com/azure-cli:2.60.0",
        init=("fabrikamprod.azurecr.io/migrate:2",),
    )
    res = run_one("ACI-001", cg, [estate_registry()])
    assert res.status is Status.PASS
    assert paths(res) == [img_path(0), img_path(1), img_path(0, init=True)]


def _gap(status: str = "denied") -> list[tuple[str, str, str, str]]:
    """Registries of a second subscription could not be listed."""
    return [(OTHER_SUB, REGISTRIES, status, "AuthorizationFailed: no read on registries")]


def test_aci_001_foreign_acr_with_a_registry_listing_gap_is_not_assessed() -> None:
    cg = group("contosoother.azurecr.io/app:1.0")
    res = run_one("ACI-001", cg, [estate_registry()], coverage=_gap())
    assert res.status is Status.NOT_ASSESSED
    assert "'web'" in res.message
    assert "99999999-0000-0000-0000-000000000009" in res.message
    ev = by_path(res)[img_path(0)]
    assert ev.observed == "contosoother.azurecr.io/app:1.0"
    assert ev.note == "host contosoother.azurecr.io: unknown ACR"


def test_aci_001_not_assessed_lists_every_image_examined() -> None:
    cg = group("fabrikamprod.azurecr.io/app:1.0", "contosoother.azurecr.io/app:1.0")
    res = run_one("ACI-001", cg, [estate_registry()], coverage=_gap())
    assert res.status is Status.NOT_ASSESSED
    assert paths(res) == [img_path(0), img_path(1)]
    assert by_path(res)[img_path(0)].note == "host fabrikamprod.azurecr.io: estate"


def test_aci_001_foreign_acr_with_a_gap_in_the_groups_own_subscription() -> None:
    cg = group("contosoother.azurecr.io/app:1.0")
    res = run_one("ACI-001", cg, omit=[REGISTRIES])
    assert res.status is Status.NOT_ASSESSED


def test_aci_001_foreign_acr_without_any_gap_fails() -> None:
    cg = group("contosoother.azurecr.io/app:1.0")
    res = run_one(
        "ACI-001",
        cg,
        [estate_registry()],
        coverage=[(OTHER_SUB, REGISTRIES, "collected")],
    )
    assert res.status is Status.FAIL
    assert "foreign-acr: contosoother.azurecr.io" in res.message


@pytest.mark.parametrize(
    ("image", "status"),
    [
        ("nginx", Status.FAIL),  # a public host is public whatever the gap
        ("mcr.microsoft.com/azure-cli:2.60.0", Status.PASS),
        ("fabrikamprod.azurecr.io/app:1.0", Status.PASS),
    ],
)
def test_aci_001_a_gap_only_matters_for_acr_hosts(image: str, status: Status) -> None:
    res = run_one("ACI-001", group(image), [estate_registry()], coverage=_gap("failed"))
    assert res.status is status


def test_aci_001_gap_plus_public_image_still_fails() -> None:
    cg = group("contosoother.azurecr.io/app:1.0", "nginx")
    res = run_one("ACI-001", cg, [estate_registry()], coverage=_gap())
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'web' pulls from outside the estate: container 'c1' (public: docker.io)."
    )
    # The unsure foreign ACR is not an offender: only the public image is evidence.
    [ev] = res.evidence
    assert (ev.path, ev.observed, ev.note) == (img_path(1), "nginx", "host docker.io: public")


def test_aci_001_group_without_image_is_not_assessed() -> None:
    cg = container_group(name="empty", properties={"containers": [ctr("c0", image=None)]})
    res = run_one("ACI-001", cg)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'empty' lists no container image."


def test_aci_001_on_the_older_api_version_example() -> None:
    cg = container_group(
        base=f"Microsoft.ContainerInstance/{ACI_OLD_API}/ContainerGroupsGet_Failed.json"
    )
    res = run_one("ACI-001", cg, api_versions={CG: ACI_OLD_API})
    assert res.status is Status.FAIL
    assert "'demo1'" in res.message
    assert by_path(res)[img_path(0)].observed == "nginx"


def test_aci_001_list_example_at_the_sdk_api_version() -> None:
    cg = container_group(base=f"Microsoft.ContainerInstance/{ACI_OLD_API}/ContainerGroupsList.json")
    [res] = run_check("ACI-001", [cg])
    assert res.status is Status.FAIL
    assert res.resource_id == cg["id"]


# --- ACI-002 / ACI-003 (policy-driven) -------------------------------------------------


@pytest.mark.parametrize("check_id", ["ACI-002", "ACI-003"])
@pytest.mark.parametrize("policy", [None, Policy()], ids=["no-policy", "empty-policy"])
def test_aci_002_003_without_a_list_are_not_applicable(
    check_id: str, policy: Policy | None
) -> None:
    res = run_one(check_id, group("nginx"), policy=policy)
    assert res.status is Status.NOT_APPLICABLE
    assert "approved_" in res.message


def test_aci_002_and_003_each_need_their_own_list() -> None:
    only_regs = Policy(approved_registries=("*.azurecr.io",))
    only_images = Policy(approved_images=("docker.io/library/nginx:*",))
    assert run_one("ACI-003", group("nginx"), policy=only_regs).status is Status.NOT_APPLICABLE
    assert run_one("ACI-002", group("nginx"), policy=only_images).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("images", "patterns", "status", "offenders"),
    [
        (("fabrikamprod.azurecr.io/app:1.0",), ("fabrikamprod.azurecr.io",), Status.PASS, []),
        (("FabrikamProd.azurecr.io/app:1.0",), ("fabrikamprod.azurecr.io",), Status.PASS, []),
        (("fabrikamprod.azurecr.io/app:1.0",), ("FabrikamProd.azurecr.io",), Status.PASS, []),
        (("fabrikamprod.azurecr.io/app:1.0",), ("*.azurecr.io",), Status.PASS, []),
        (("nginx",), ("docker.io",), Status.PASS, []),
        (("nginx",), ("*.azurecr.io", "mcr.microsoft.com"), Status.FAIL, [0]),
        (
            ("fabrikamprod.azurecr.io/app:1.0", "ghcr.io/org/x:1", "quay.io/org/y:2"),
            ("*.azurecr.io",),
            Status.FAIL,
            [1, 2],
        ),
        (
            ("ghcr.io/org/x:1", "fabrikamprod.azurecr.io/app:1.0"),
            ("*.azurecr.io",),
            Status.FAIL,
            [0],
        ),
    ],
)
def test_aci_002_matches_registry_hosts(
    images: tuple[str, ...], patterns: tuple[str, ...], status: Status, offenders: list[int]
) -> None:
    res = run_one("ACI-002", group(*images), policy=Policy(approved_registries=patterns))
    assert res.status is status
    assert "'web'" in res.message
    # PASS lists every image examined; FAIL lists the offenders and nothing else.
    shown = offenders if status is Status.FAIL else list(range(len(images)))
    assert paths(res) == [img_path(i) for i in shown]
    for i in shown:
        ev = by_path(res)[img_path(i)]
        assert ev.observed == images[i]
        assert ev.expected == f"matches one of {list(patterns)}"
    if status is Status.FAIL:
        names = ", ".join(f"container 'c{i}'" for i in offenders)
        assert res.message == (
            f"Container group 'web' runs images from registries not approved: {names}."
        )
    else:
        assert "container '" not in res.message


def test_aci_002_checks_init_containers() -> None:
    cg = group("fabrikamprod.azurecr.io/app:1.0", init=("busybox:1.36",))
    res = run_one("ACI-002", cg, policy=Policy(approved_registries=("*.azurecr.io",)))
    assert res.status is Status.FAIL
    assert "init container 'i0'" in res.message
    assert "'c0'" not in res.message
    assert paths(res) == [img_path(0, init=True)]
    assert by_path(res)[img_path(0, init=True)].note == "docker.io"


@pytest.mark.parametrize(
    ("image", "host"),
    [
        ("ghcr.io/attacker/fabrikam.azurecr.io", "ghcr.io"),
        ("ghcr.io/attacker/fabrikam.azurecr.io:1.0", "ghcr.io"),
        ("evil.example.com/fabrikamprod.azurecr.io/app:1.0", "evil.example.com"),
    ],
)
def test_aci_002_a_repository_named_like_an_approved_host_does_not_pass(
    image: str, host: str
) -> None:
    # Registry patterns are matched against the registry host only, never the raw image.
    cg = group(image)
    res = run_one("ACI-002", cg, policy=Policy(approved_registries=("*.azurecr.io",)))
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'web' runs images from registries not approved: container 'c0'."
    )
    [ev] = res.evidence
    assert (ev.path, ev.observed, ev.note) == (img_path(0), image, host)


@pytest.mark.parametrize(
    ("image", "patterns", "status", "canonical"),
    [
        (
            "fabrikamprod.azurecr.io/app:1.0",
            ("fabrikamprod.azurecr.io/app:*",),
            Status.PASS,
            "fabrikamprod.azurecr.io/app:1.0",
        ),
        (
            "FabrikamProd.azurecr.io/app:1.0",
            ("fabrikamprod.azurecr.io/app:*",),
            Status.PASS,
            "fabrikamprod.azurecr.io/app:1.0",
        ),
        (
            "fabrikamprod.azurecr.io/other:1.0",
            ("fabrikamprod.azurecr.io/app:*",),
            Status.FAIL,
            "fabrikamprod.azurecr.io/other:1.0",
        ),
        # Docker Hub short names are matched in their canonical form …
        (
            "nginx:1.25",
            ("docker.io/library/nginx:1.25",),
            Status.PASS,
            "docker.io/library/nginx:1.25",
        ),
        # … and as written.
        ("nginx:1.25", ("nginx:*",), Status.PASS, "docker.io/library/nginx:1.25"),
        ("nginx", ("docker.io/library/nginx:1.25",), Status.FAIL, "docker.io/library/nginx"),
        (
            f"mcr.microsoft.com/azure-cli@{DIGEST}",
            ("mcr.microsoft.com/*",),
            Status.PASS,
            f"mcr.microsoft.com/azure-cli@{DIGEST}",
        ),
    ],
)
def test_aci_003_matches_images(
    image: str, patterns: tuple[str, ...], status: Status, canonical: str
) -> None:
    res = run_one("ACI-003", group(image), policy=Policy(approved_images=patterns))
    assert res.status is status
    assert "'web'" in res.message
    ev = by_path(res)[img_path(0)]
    assert (ev.observed, ev.note) == (image, canonical)
    if status is Status.FAIL:
        assert "container 'c0'" in res.message


def test_aci_003_reports_every_unapproved_image() -> None:
    cg = group("fabrikamprod.azurecr.io/app:1.0", "nginx", init=("busybox",))
    res = run_one("ACI-003", cg, policy=Policy(approved_images=("fabrikamprod.azurecr.io/app:*",)))
    assert res.status is Status.FAIL
    assert "container 'c1'" in res.message
    assert "init container 'i0'" in res.message
    assert "'c0'" not in res.message
    assert paths(res) == [img_path(1), img_path(0, init=True)]
    evs = by_path(res)
    assert evs[img_path(1)].note == "docker.io/library/nginx"
    assert evs[img_path(0, init=True)].note == "docker.io/library/busybox"


@pytest.mark.parametrize("check_id", ["ACI-002", "ACI-003"])
def test_aci_002_003_group_without_image_is_not_assessed(check_id: str) -> None:
    cg = container_group(name="empty", properties={"containers": [ctr("c0", image=None)]})
    policy = Policy(approved_registries=("*",), approved_images=("*",))
    res = run_one(check_id, cg, policy=policy)
    assert res.status is Status.NOT_ASSESSED
    assert "'empty'" in res.message


# --- ACI-004 / ACI-005 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "aci_004", "aci_005", "tag_note"),
    [
        (f"nginx@{DIGEST}", Status.PASS, Status.PASS, "tag: <none>"),
        (f"nginx:latest@{DIGEST}", Status.PASS, Status.PASS, "tag: latest"),
        (f"fabrikamprod.azurecr.io/app:1.0@{DIGEST}", Status.PASS, Status.PASS, "tag: 1.0"),
        (f"myhost:5000/app@sha256:{'AB' * 32}", Status.PASS, Status.PASS, "tag: <none>"),
        ("nginx", Status.FAIL, Status.FAIL, "tag: <none>"),
        ("nginx:latest", Status.FAIL, Status.FAIL, "tag: latest"),
        ("nginx:LATEST", Status.FAIL, Status.FAIL, "tag: LATEST"),
        ("redis:latest", Status.FAIL, Status.FAIL, "tag: latest"),
        ("library/nginx", Status.FAIL, Status.FAIL, "tag: <none>"),
        ("myhost:5000/app", Status.FAIL, Status.FAIL, "tag: <none>"),
        ("myhost:5000/app:2.1", Status.FAIL, Status.PASS, "tag: 2.1"),
        ("redis:7.2", Status.FAIL, Status.PASS, "tag: 7.2"),
        ("fabrikamprod.azurecr.io/app:1.0", Status.FAIL, Status.PASS, "tag: 1.0"),
    ],
)
def test_aci_004_005_digest_and_tag(
    image: str, aci_004: Status, aci_005: Status, tag_note: str
) -> None:
    cg = group(image)
    r4 = run_one("ACI-004", cg)
    assert r4.status is aci_004
    assert "'web'" in r4.message
    ev4 = by_path(r4)[img_path(0)]
    assert (ev4.observed, ev4.expected) == (image, "@sha256:<digest>")

    r5 = run_one("ACI-005", cg)
    assert r5.status is aci_005
    assert "'web'" in r5.message
    ev5 = by_path(r5)[img_path(0)]
    assert (ev5.observed, ev5.note) == (image, tag_note)


def test_aci_004_names_every_unpinned_container() -> None:
    cg = group(f"nginx@{DIGEST}", "redis:7.2", init=("busybox:1.36",))
    res = run_one("ACI-004", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'web' has images without a digest: container 'c1', init container 'i0'."
    )
    # Only the offenders: the digest-pinned image of c0 is not evidence of a FAIL.
    assert paths(res) == [img_path(1), img_path(0, init=True)]
    evs = by_path(res)
    assert evs[img_path(1)].observed == "redis:7.2"
    assert evs[img_path(0, init=True)].observed == "busybox:1.36"


def test_aci_004_pass_lists_every_image_examined() -> None:
    cg = group(f"nginx@{DIGEST}", f"redis:7.2@{DIGEST}", init=(f"busybox@{DIGEST}",))
    res = run_one("ACI-004", cg)
    assert res.status is Status.PASS
    assert paths(res) == [img_path(0), img_path(1), img_path(0, init=True)]


def test_aci_005_names_every_floating_container() -> None:
    cg = group("redis:7.2", "nginx", "nginx:latest", init=("busybox",))
    res = run_one("ACI-005", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'web' runs floating `latest` images: container 'c1', "
        "container 'c2', init container 'i0'."
    )
    # Only the offenders: c0's versioned tag is not evidence of a FAIL.
    assert paths(res) == [img_path(1), img_path(2), img_path(0, init=True)]
    evs = by_path(res)
    assert evs[img_path(1)].note == "tag: <none>"
    assert evs[img_path(2)].note == "tag: latest"
    assert evs[img_path(0, init=True)].note == "tag: <none>"


def test_aci_005_pass_lists_every_image_examined() -> None:
    cg = group("redis:7.2", f"nginx@{DIGEST}", init=("busybox:1.36",))
    res = run_one("ACI-005", cg)
    assert res.status is Status.PASS
    assert paths(res) == [img_path(0), img_path(1), img_path(0, init=True)]


@pytest.mark.parametrize("check_id", ["ACI-004", "ACI-005"])
def test_aci_004_005_group_without_image_is_not_assessed(check_id: str) -> None:
    cg = container_group(name="empty", properties={"containers": []})
    res = run_one(check_id, cg)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'empty' lists no container image."


# --- ACI-009 ------------------------------------------------------------------------

COMMIT40 = "0f3c1a9be2d4c6e8a0b2c4d6e8f0a1b3c5d7e9f1"
COMMIT64 = "ab" * 32


def git_volume(name: str, **git: Any) -> dict[str, Any]:
    repo = {"repository": "https://github.com/contoso/app.git", "directory": "."}
    repo.update(git)
    return {"name": name, "gitRepo": repo}


@pytest.mark.parametrize(
    ("revision", "status", "shown"),
    [
        (COMMIT40, Status.PASS, COMMIT40),
        (COMMIT40.upper(), Status.PASS, COMMIT40.upper()),
        (COMMIT64, Status.PASS, COMMIT64),
        ("main", Status.FAIL, "main"),
        ("v1.2.3", Status.FAIL, "v1.2.3"),
        ("0f3c1a9", Status.FAIL, "0f3c1a9"),  # short hash: not a full commit
        (None, Status.FAIL, "<absent>"),
        ("", Status.FAIL, "<absent>"),
    ],
)
def test_aci_009_revision(revision: str | None, status: Status, shown: str) -> None:
    vol = git_volume("src") if revision is None else git_volume("src", revision=revision)
    cg = container_group(name="gitty", properties={"volumes": [vol]})
    res = run_one("ACI-009", cg)
    assert res.status is status
    assert "'gitty'" in res.message
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.volumes[0].gitRepo.revision", shown)


def test_aci_009_reports_every_unpinned_volume() -> None:
    vols = [
        {"name": "data", "emptyDir": {}},
        git_volume("a", revision=COMMIT40),
        git_volume("b", revision="main"),
        git_volume("c"),
    ]
    cg = container_group(name="gitty", properties={"volumes": vols})
    res = run_one("ACI-009", cg)
    assert res.status is Status.FAIL
    assert (
        res.message == "Container group 'gitty' clones 2 gitRepo volume(s) without a pinned commit."
    )
    # Only the offenders: the pinned volume [1] is not evidence of a FAIL.
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        ("properties.volumes[2].gitRepo.revision", "main"),
        ("properties.volumes[3].gitRepo.revision", "<absent>"),
    ]


def test_aci_009_pass_lists_every_git_repo_volume() -> None:
    vols = [
        git_volume("a", revision=COMMIT40),
        {"name": "data", "emptyDir": {}},
        git_volume("b", revision=COMMIT64),
    ]
    res = run_one("ACI-009", container_group(name="gitty", properties={"volumes": vols}))
    assert res.status is Status.PASS
    assert paths(res) == [
        "properties.volumes[0].gitRepo.revision",
        "properties.volumes[2].gitRepo.revision",
    ]


@pytest.mark.parametrize(
    "base",
    [
        "Microsoft.ContainerInstance/2026-05-01/ContainerGroupsGet_Succeeded.json",
        "Microsoft.ContainerInstance/2026-05-01/ContainerGroupsCreateOrUpdate.json",
        "Microsoft.ContainerInstance/2023-05-01/ContainerGroupsGet_Failed.json",
    ],
)
def test_aci_009_without_git_repo_is_not_applicable(base: str) -> None:
    res = run_one("ACI-009", container_group(base=base))
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'demo1' has no gitRepo volume."


def test_aci_009_without_volumes_is_not_applicable() -> None:
    cg = container_group(name="novol", properties={"volumes": DELETE})
    assert "volumes" not in cg["properties"]
    assert run_one("ACI-009", cg).status is Status.NOT_APPLICABLE


# --- ACI-029 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base",
    [
        "Microsoft.ContainerInstance/2026-05-01/ContainerGroupsGet_Succeeded.json",
        "Microsoft.ContainerInstance/2026-05-01/ContainerGroupCreateConfidential.json",
        "Microsoft.ContainerInstance/2023-05-01/ContainerGroupsGet_Failed.json",
    ],
)
def test_aci_029_without_vulnerability_data_is_not_assessed(base: str) -> None:
    # With reports given, see tests/test_vulns_checks.py.
    cg = container_group(base=base, name="vuln")
    res = run_one("ACI-029", cg)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'vuln': no vulnerability data was provided (--vulns)."
    assert res.evidence == ()


def test_unlisted_container_groups_are_reported_per_subscription() -> None:
    # The engine says when a subscription's groups could not be read at all.
    cg = group("nginx")
    results = run_check(
        "ACI-029",
        [cg],
        coverage=[(OTHER_SUB, CG, "denied", "AuthorizationFailed: no read")],
    )
    by_id = {r.resource_id: r for r in results}
    assert by_id[OTHER_SUB].status is Status.NOT_ASSESSED
    assert "AuthorizationFailed" in by_id[OTHER_SUB].message
    assert by_id[cg["id"]].status is Status.NOT_ASSESSED
