"""The fake ARM + Entra server, proven against the real azure-identity and mgmt SDKs.

If these pass, a collector test that fails against the fake fails for the collector's
reasons, not the fake's. Every client gets `connection_verify=fake.ca_path` explicitly:
these machines set REQUESTS_CA_BUNDLE / SSL_CERT_FILE globally, and the explicit value
wins over the environment.
"""

from __future__ import annotations

import base64
import copy
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions
from azure.mgmt.security import SecurityCenter
from fakearm import FakeAzure, load_example

SUB = "11111111-aaaa-4aaa-8aaa-111111111111"
SUB2 = "22222222-bbbb-4bbb-8bbb-222222222222"
RG = "rg-app"
ARM_SCOPE = "https://management.azure.com/.default"
GROUPS = "Microsoft.ContainerInstance/containerGroups"
REGISTRIES = "Microsoft.ContainerRegistry/registries"
PRINCIPAL = "33333333-cccc-4ccc-8ccc-333333333333"
SECRET_ENV = "QZX-not-a-real-password"


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeAzure]:
    with FakeAzure() as server:
        server.add_subscription(SUB, "Production")
        yield server


@pytest.fixture
def cred(fake: FakeAzure) -> ClientSecretCredential:
    return ClientSecretCredential(
        fake.tenant_id,
        fake.client_id,
        fake.client_secret,
        authority=fake.url,
        disable_instance_discovery=True,
        connection_verify=fake.ca_path,
    )


def client_kwargs(fake: FakeAzure, retry_total: int = 0) -> dict[str, Any]:
    # base_url alone would still ask Entra for the public cloud's audience; say it.
    return {
        "base_url": fake.url,
        "credential_scopes": [ARM_SCOPE],
        "connection_verify": fake.ca_path,
        "retry_total": retry_total,
        "retry_backoff_factor": 0.01,
    }


def moved(body: dict[str, Any], sub: str, rg: str, name: str) -> dict[str, Any]:
    """An example body rebased onto our subscription, resource group and name."""
    obj = copy.deepcopy(body)
    provider = obj["id"].split("/providers/", 1)[1].rsplit("/", 1)[0]
    obj["id"] = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/{name}"
    obj["name"] = name
    return obj


def registry(name: str, sub: str = SUB, rg: str = RG) -> dict[str, Any]:
    body = load_example("Microsoft.ContainerRegistry/2025-11-01/RegistryList.json")["value"][0]
    return moved(body, sub, rg, name)


def container_group(name: str, sub: str = SUB, rg: str = RG) -> dict[str, Any]:
    body = load_example(
        "Microsoft.ContainerInstance/2026-05-01/ContainerGroupCreateConfidential.json"
    )
    group = moved(body, sub, rg, name)
    group["properties"]["containers"][0]["properties"]["environmentVariables"] = [
        {"name": "DB_PASSWORD", "value": SECRET_ENV},
        {"name": "API_KEY", "secureValue": "never-returned-by-arm"},
    ]
    return group


def error_of(exc: HttpResponseError) -> Any:
    """The ARM error (`code`, `message`) azure-core parsed from the body."""
    assert exc.error is not None
    return exc.error


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def raw_get(client: Any, path: str, api_version: str, **params: str) -> Any:
    """A GET on the client's own pipeline (auth, retries, TLS trust included). How to
    reach it differs by SDK generation."""
    request = HttpRequest("GET", path, params={"api-version": api_version, **params})
    if hasattr(client, "send_request"):  # TypeSpec clients: ACR 15, subscriptions 1.0
        return client.send_request(request)
    if hasattr(client, "_send_request"):  # Resource Graph 8
        return client._send_request(request)
    # Multi-API clients (Security 7, Authorization 4): the ARMPipelineClient underneath,
    # which does not join a relative path to base_url by itself.
    request.url = client._client.format_url(request.url)
    return client._client.send_request(request)


# -- Entra ----------------------------------------------------------------------------------


def test_client_secret_credential_gets_a_token_naming_the_app(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    token = cred.get_token(ARM_SCOPE)
    claims = claims_of(token.token)
    assert claims["tid"] == fake.tenant_id
    assert claims["appid"] == fake.client_id
    assert claims["oid"] == fake.object_id
    assert claims["aud"] == "https://management.azure.com"
    assert claims["exp"] > time.time() + 3000
    assert token.expires_on > time.time() + 3000
    assert fake.token_requests == 1
    assert [r.method for r in fake.entra_requests] == ["GET", "POST"]
    # Entra traffic is not in the ARM log, and nothing recorded holds the secret.
    assert fake.requests == []
    assert fake.client_secret not in repr(fake.entra_requests)


def test_wrong_secret_is_a_client_authentication_error(fake: FakeAzure) -> None:
    wrong = ClientSecretCredential(
        fake.tenant_id,
        fake.client_id,
        "not-the-secret",
        authority=fake.url,
        disable_instance_discovery=True,
        connection_verify=fake.ca_path,
    )
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        wrong.get_token(ARM_SCOPE)


def test_unknown_tenant_is_refused_like_entra(fake: FakeAzure) -> None:
    stranger = ClientSecretCredential(
        "99999999-9999-4999-8999-999999999999",
        fake.client_id,
        fake.client_secret,
        authority=fake.url,
        disable_instance_discovery=True,
        connection_verify=fake.ca_path,
    )
    # Entra answers the tenant's discovery document with AADSTS90002; MSAL reports that
    # as an authority it cannot configure (the same message as against the real cloud).
    with pytest.raises(ClientAuthenticationError, match="Unable to get authority configuration"):
        stranger.get_token(ARM_SCOPE)


def test_arm_wants_a_bearer_token_it_issued_for_arm(fake: FakeAzure) -> None:
    url = f"{fake.url}/subscriptions?api-version=2022-12-01"
    bare = requests.get(url, verify=fake.ca_path, timeout=5)
    assert bare.status_code == 401
    assert bare.json()["error"]["code"] == "AuthenticationFailed"
    assert bare.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")
    forged = requests.get(
        url, headers={"Authorization": "Bearer e30.e30.sig"}, verify=fake.ca_path, timeout=5
    )
    assert forged.json()["error"]["code"] == "InvalidAuthenticationToken"
    graph_token = fake.issue_token("https://graph.microsoft.com")
    wrong_audience = requests.get(
        url, headers={"Authorization": f"Bearer {graph_token}"}, verify=fake.ca_path, timeout=5
    )
    assert wrong_audience.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"
    good = requests.get(
        f"{fake.url}/subscriptions",
        headers={"Authorization": f"Bearer {fake.issue_token()}"},
        verify=fake.ca_path,
        timeout=5,
    )
    assert good.status_code == 400
    assert good.json()["error"]["code"] == "MissingApiVersionParameter"
    # Every request is recorded, the refused ones too, and none keeps its token.
    assert [r.status for r in fake.requests] == [401, 401, 401, 400]
    assert all("Authorization" not in repr(r) for r in fake.requests)


# -- ARM lists and paging ----------------------------------------------------------------------


def test_subscriptions_page_through_absolute_next_links(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.add_subscription(SUB2, "Development")
    fake.add_subscription("33333333-0000-4000-8000-000000000000", "Old", state="Disabled")
    fake.page_size = 1
    client = SubscriptionClient(cred, **client_kwargs(fake))
    subs = list(client.subscriptions.list())
    assert [s.display_name for s in subs] == ["Production", "Development", "Old"]
    assert subs[0].tenant_id == fake.tenant_id
    assert [r.path for r in fake.requests] == ["/subscriptions"] * 3
    second = fake.requests[1]
    assert second.query["$skiptoken"] == "1"
    assert second.api_version == "2022-12-01"
    assert str(second.user_agent).startswith("azsdk-python-mgmt-resource-subscriptions/")
    one = client.subscriptions.get(SUB2)
    assert one.display_name == "Development"
    with pytest.raises(ResourceNotFoundError, match="SubscriptionNotFound"):
        client.subscriptions.get("44444444-0000-4000-8000-000000000000")


def test_registries_and_their_children_page_with_the_sdk(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    for name, rg in (("acr1", RG), ("acr2", RG), ("acr3", "rg-other")):
        fake.add(registry(name, rg=rg))
    parent = registry("acr1")["id"]
    for token in ("ci-push", "ci-pull", "ops"):
        fake.add(
            {
                "id": f"{parent}/tokens/{token}",
                "name": token,
                "type": "Microsoft.ContainerRegistry/registries/tokens",
                "properties": {
                    "status": "enabled",
                    "scopeMapId": f"{parent}/scopeMaps/_repositories_push",
                },
            }
        )
    fake.add(
        {
            "id": f"{parent}/cacheRules/docker-hub",
            "name": "docker-hub",
            "type": "Microsoft.ContainerRegistry/registries/cacheRules",
            "properties": {
                "sourceRepository": "docker.io/library/nginx",
                "targetRepository": "nginx",
            },
        }
    )
    connection = load_example(
        "Microsoft.ContainerRegistry/2025-11-01/PrivateEndpointConnectionList.json"
    )["value"][0]
    connection["id"] = f"{parent}/privateEndpointConnections/myConnection"
    fake.add(connection)
    fake.page_size = 2
    client = ContainerRegistryManagementClient(cred, SUB, **client_kwargs(fake))

    listed = [r.as_dict() for r in client.registries.list()]
    assert [r["name"] for r in listed] == ["acr1", "acr2", "acr3"]
    # The hybrid models keep ARM's JSON keys, unknown ones included.
    assert listed[0]["properties"]["roleAssignmentMode"] == "LegacyRegistryPermissions"
    assert [r.name for r in client.registries.list_by_resource_group("rg-other")] == ["acr3"]
    assert [t.name for t in client.tokens.list(RG, "acr1")] == ["ci-push", "ci-pull", "ops"]
    assert [c.name for c in client.cache_rules.list(RG, "acr1")] == ["docker-hub"]
    assert [c.name for c in client.private_endpoint_connections.list(RG, "acr1")] == [
        "myConnection"
    ]
    assert list(client.tokens.list(RG, "acr2")) == []

    token_pages = [r for r in fake.requests if r.path.endswith("/acr1/tokens")]
    assert len(token_pages) == 2 and token_pages[1].query["$skiptoken"] == "2"
    assert {r.api_version for r in fake.requests} == {"2025-11-01"}
    assert fake.violations == []


def test_defender_pricings_list_in_one_answer(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    for pricing in load_example("Microsoft.Security/2024-01-01/ListPricings_example.json")["value"]:
        pricing["id"] = (
            f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/{pricing['name']}"
        )
        fake.add(pricing)
    fake.page_size = 1  # pricings are never paged, whatever the page size
    client = SecurityCenter(cred, SUB, **client_kwargs(fake))
    plans = client.pricings.list(scope_id=f"subscriptions/{SUB}")
    by_name = {p.name: p for p in plans.value}
    assert len(by_name) == 13 and by_name["ContainerRegistry"].deprecated is True
    assert fake.requests[-1].api_version == "2024-01-01"


def test_role_assignments_filter_by_principal_across_pages(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c"
    scopes = (f"/subscriptions/{SUB}", f"/subscriptions/{SUB}/resourceGroups/{RG}")
    for i, (principal, scope) in enumerate(
        [(PRINCIPAL, scopes[0]), ("someone-else", scopes[0]), (PRINCIPAL, scopes[1])]
    ):
        fake.add(
            {
                "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/ra{i}",
                "name": f"ra{i}",
                "type": "Microsoft.Authorization/roleAssignments",
                "properties": {
                    "principalId": principal,
                    "principalType": "ServicePrincipal",
                    "scope": scope,
                    "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
                    f"roleDefinitions/{contributor}",
                },
            }
        )
    definition = load_example("Microsoft.Authorization/2022-04-01/GetRoleDefinitionById.json")
    definition["id"] = f"/providers/Microsoft.Authorization/roleDefinitions/{contributor}"
    definition["name"] = contributor
    fake.add(definition)
    fake.page_size = 1
    client = AuthorizationManagementClient(cred, SUB, **client_kwargs(fake))

    mine = list(
        client.role_assignments.list_for_scope(scopes[0], filter=f"principalId eq '{PRINCIPAL}'")
    )
    assert sorted(a.name for a in mine) == ["ra0", "ra2"]
    assigned = list(
        client.role_assignments.list_for_scope(
            scopes[1], filter=f"atScope() and assignedTo('{PRINCIPAL}')"
        )
    )
    assert sorted(a.name for a in assigned) == ["ra0", "ra2"]  # inherited from the sub
    # The filter rides along on the next link, decoded back to the same text.
    pages = [r for r in fake.requests if r.path.endswith("roleAssignments")]
    assert pages[1].query["$filter"] == f"principalId eq '{PRINCIPAL}'"

    by_id = client.role_definitions.get_by_id(
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{contributor}"
    )
    assert by_id.role_name == "Role name"
    assert (
        by_id.id
        == f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{contributor}"
    )
    with pytest.raises(ResourceNotFoundError, match="RoleDefinitionDoesNotExist"):
        client.role_definitions.get_by_id(
            "/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-000000000000"
        )


# -- Resource Graph -------------------------------------------------------------------------


def test_resource_graph_pages_with_skip_token(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.add_subscription(SUB2, "Development")
    for i in range(3):
        fake.add(registry(f"acr{i}"))
        fake.add(container_group(f"cg{i}", sub=SUB2, rg="RG-Batch"))
    fake.add(registry("elsewhere", sub="55555555-0000-4000-8000-000000000000"))
    fake.graph_page_size = 4
    client = ResourceGraphClient(cred, **client_kwargs(fake))
    query = (
        "Resources | where type in~ ('microsoft.containerinstance/containergroups', "
        "'Microsoft.ContainerRegistry/registries') | project id, name, type, properties"
    )
    rows: list[dict[str, Any]] = []
    skip: str | None = None
    tokens: list[str] = []
    pages = 0
    while True:
        answer = client.resources(
            QueryRequest(
                subscriptions=[SUB, SUB2],
                query=query,
                options=QueryRequestOptions(skip_token=skip, result_format="objectArray"),
            )
        )
        pages += 1
        rows.extend(answer.data)  # type: ignore[arg-type]  # objectArray: a list
        assert answer.total_records == 6 and answer.result_truncated == "false"
        skip = answer.skip_token
        if not skip:
            break
        tokens.append(skip)
    assert pages == 2 and len(rows) == 6
    assert {r["type"] for r in rows} == {
        "microsoft.containerregistry/registries",
        "microsoft.containerinstance/containergroups",
    }
    group = next(r for r in rows if r["name"] == "cg0")
    # Graph rows keep the properties a list hides; ARM still never returns secureValue.
    env = group["properties"]["containers"][0]["properties"]["environmentVariables"]
    assert env == [{"name": "DB_PASSWORD", "value": SECRET_ENV}, {"name": "API_KEY"}]
    posts = [r for r in fake.requests if r.method == "POST"]
    assert [p.body_json["query"] for p in posts] == [query, query]
    # The second page is asked for with the token the first one returned.
    assert [p.body_json["options"].get("$skipToken") for p in posts] == [None, *tokens]
    assert posts[0].api_version == "2021-03-01"


def test_resource_graph_rows_and_kql_like_the_service(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.add(registry("acr1", rg="RG-Mixed"))
    for sub_assessment in load_example(
        "Microsoft.Security/2019-01-01-preview/ListSubscriptionSubAssessments_example.json"
    )["value"]:
        fake.add(sub_assessment)
    client = ResourceGraphClient(cred, **client_kwargs(fake))

    def query(text: str, **options: Any) -> Any:
        return client.resources(
            QueryRequest(query=text, options=QueryRequestOptions(**options) if options else None)
        )

    row = query("Resources | where type =~ 'Microsoft.ContainerRegistry/registries'").data[0]
    assert row["resourceGroup"] == "rg-mixed" and row["subscriptionId"] == SUB
    assert row["tenantId"] == fake.tenant_id and row["properties"]["adminUserEnabled"] is False
    # `==` is case-sensitive and Graph's type column is lower-case: nothing matches.
    assert query("Resources | where type == 'Microsoft.ContainerRegistry/registries'").data == []
    findings = query(
        "securityresources | where type == 'microsoft.security/assessments/subassessments'"
    ).data
    assert findings[0]["properties"]["additionalData"]["repositoryName"] == "myRepo"
    table = query("Resources | project id, name", result_format="table").data
    assert [c["name"] for c in table["columns"]] == ["id", "name"] and len(table["rows"]) == 1
    # Without `id` in the projection the service cannot page: it truncates instead.
    fake.add(registry("acr2"))
    fake.graph_page_size = 1
    cut = query("Resources | project name")
    assert cut.result_truncated == "true" and cut.skip_token is None and cut.count == 1
    with pytest.raises(HttpResponseError) as info:
        query("Resources | summarize count() by type")
    assert info.value.status_code == 400
    assert "summarize" in str(info.value)

    def raw() -> Any:
        return client._send_request(
            HttpRequest(
                "POST",
                "/providers/Microsoft.ResourceGraph/resources",
                params={"api-version": "2021-03-01"},
                json={"query": "Resources"},
            )
        )

    # 15 queries per 5-second window: the ones above spent some, each one more spends one.
    response = raw()
    left = int(response.headers["x-ms-user-quota-remaining"])
    assert 0 < left < 15
    after = int(raw().headers["x-ms-user-quota-remaining"])
    assert after in (left - 1, 14)  # 14: a new window began between the two
    assert response.headers["x-ms-user-quota-resets-after"].count(":") == 2


# -- reads by id, and what lists leave out -------------------------------------------------------


def test_group_get_is_full_and_the_list_leaves_runtime_and_secrets_out(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.add(container_group("web"))
    client = ResourceGraphClient(cred, **client_kwargs(fake))
    group_id = container_group("web")["id"]

    full = raw_get(client, group_id, "2025-09-01")
    assert full.status_code == 200
    container = full.json()["properties"]["containers"][0]["properties"]
    assert container["environmentVariables"][0] == {"name": "DB_PASSWORD", "value": SECRET_ENV}
    assert "secureValue" not in json.dumps(full.json())
    assert container["securityContext"]["capabilities"]["add"] == ["CAP_NET_ADMIN"]
    assert full.json()["properties"]["instanceView"]["state"] == "Running"
    assert fake.requests[-1].api_version == "2025-09-01"
    for header in (
        "x-ms-request-id",
        "x-ms-correlation-request-id",
        "x-ms-ratelimit-remaining-subscription-reads",
    ):
        assert header in full.headers

    listed = raw_get(client, f"/subscriptions/{SUB}/providers/{GROUPS}", "2025-09-01").json()
    item = listed["value"][0]
    assert "nextLink" not in listed
    assert "instanceView" not in item["properties"]
    inner = item["properties"]["containers"][0]["properties"]
    assert "environmentVariables" not in inner and "securityContext" not in inner
    fake.aci_list_env = "empty"  # the spec's list example shows `[]` instead
    listed = raw_get(client, f"/subscriptions/{SUB}/providers/{GROUPS}", "2025-09-01").json()
    assert (
        listed["value"][0]["properties"]["containers"][0]["properties"]["environmentVariables"]
        == []
    )
    by_rg = raw_get(
        client, f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/{GROUPS}", "2023-05-01"
    )
    assert [g["name"] for g in by_rg.json()["value"]] == ["web"]


def test_missing_things_answer_like_arm(fake: FakeAzure, cred: ClientSecretCredential) -> None:
    fake.add(registry("acr1"))
    acr = ContainerRegistryManagementClient(cred, SUB, **client_kwargs(fake))
    with pytest.raises(ResourceNotFoundError) as info:
        acr.registries.get(RG, "nope")
    assert error_of(info.value).code == "ResourceNotFound"
    assert "'Microsoft.ContainerRegistry/registries/nope' under resource group 'rg-app'" in str(
        info.value
    )
    client = ResourceGraphClient(cred, **client_kwargs(fake))
    gone_rg = raw_get(
        client, f"/subscriptions/{SUB}/resourceGroups/ghost/providers/{GROUPS}", "2025-09-01"
    )
    assert gone_rg.status_code == 404 and gone_rg.json()["error"]["code"] == "ResourceGroupNotFound"
    assert gone_rg.headers["x-ms-failure-cause"] == "gateway"
    typo = raw_get(
        client,
        f"/subscriptions/{SUB}/providers/Microsoft.ContainerInstance/containerGroup",
        "2025-09-01",
    )
    assert typo.status_code == 400 and typo.json()["error"]["code"] == "InvalidResourceType"
    orphan = raw_get(client, f"{registry('ghost')['id']}/tokens", "2025-11-01")
    assert orphan.json()["error"]["code"] == "ParentResourceNotFound"


def test_extension_lists_are_not_paged(fake: FakeAzure, cred: ClientSecretCredential) -> None:
    fake.add(registry("acr1"))
    target = registry("acr1")["id"]
    for i in range(3):
        setting = load_example("Microsoft.Insights/2021-05-01-preview/getDiagnosticSetting.json")
        setting["id"] = f"{target}/providers/microsoft.insights/diagnosticSettings/s{i}"
        setting["name"] = f"s{i}"
        fake.add(setting)
    activity = load_example(
        "Microsoft.Insights/2021-05-01-preview/listSubscriptionDiagnosticSettings.json"
    )["value"][0]
    # Its real id is `subscriptions/.../providers/AzureResourceManager/...`: serve it where
    # the list is read.
    fake.add(
        activity,
        route_id=f"/subscriptions/{SUB}/providers/Microsoft.Insights/diagnosticSettings/ds4",
    )
    fake.page_size = 1
    client = ResourceGraphClient(cred, **client_kwargs(fake))
    on_registry = raw_get(
        client, f"{target}/providers/Microsoft.Insights/diagnosticSettings", "2021-05-01-preview"
    ).json()
    assert [s["name"] for s in on_registry["value"]] == ["s0", "s1", "s2"]
    assert "nextLink" not in on_registry
    on_sub = raw_get(
        client,
        f"/subscriptions/{SUB}/providers/Microsoft.Insights/diagnosticSettings",
        "2021-05-01-preview",
    ).json()
    assert (
        on_sub["value"][0]["id"].startswith("subscriptions/") and on_sub["value"][0]["type"] is None
    )
    alerts = raw_get(
        client, f"/subscriptions/{SUB}/providers/Microsoft.Insights/metricAlerts", "2018-03-01"
    )
    assert alerts.json() == {"value": []}


def test_api_versions_a_cloud_does_not_serve_are_refused(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.add(container_group("web"))
    fake.api_versions = {GROUPS: ["2023-05-01"]}
    client = ResourceGraphClient(cred, **client_kwargs(fake))
    new = raw_get(client, container_group("web")["id"], "2025-09-01")
    assert new.status_code == 400
    assert new.json()["error"]["code"] == "NoRegisteredProviderFound"
    assert "api-versions are '2023-05-01'" in new.json()["error"]["message"]
    assert raw_get(client, container_group("web")["id"], "2023-05-01").status_code == 200


# -- injected failures and retries -----------------------------------------------------------


def test_injected_403_carries_arms_code_and_text(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.fail(rf"/subscriptions/{SUB}/providers/Microsoft\.ContainerRegistry/registries$")
    client = ContainerRegistryManagementClient(cred, SUB, **client_kwargs(fake))
    with pytest.raises(HttpResponseError) as info:
        list(client.registries.list())
    assert info.value.status_code == 403
    assert error_of(info.value).code == "AuthorizationFailed"
    assert (
        f"does not have authorization to perform action "
        f"'Microsoft.ContainerRegistry/registries/read' over scope '/subscriptions/{SUB}'"
    ) in error_of(info.value).message


def test_injected_401_is_a_client_authentication_error(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.fail(r"^/subscriptions$", status=401, code="ExpiredAuthenticationToken")
    client = SubscriptionClient(cred, **client_kwargs(fake))
    with pytest.raises(ClientAuthenticationError) as info:
        list(client.subscriptions.list())
    assert error_of(info.value).code == "ExpiredAuthenticationToken"
    assert len(fake.calls(r"^/subscriptions$")) == 1  # the challenge is not retried


def test_throttling_with_retry_after_is_retried(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    rule = fake.fail(r"^/subscriptions$", status=429, times=1, retry_after=1)
    client = SubscriptionClient(cred, **client_kwargs(fake, retry_total=2))
    started = time.monotonic()
    assert [s.display_name for s in client.subscriptions.list()] == ["Production"]
    assert time.monotonic() - started >= 0.9
    assert [r.status for r in fake.calls(r"^/subscriptions$")] == [429, 200]
    assert rule.hits == 1


def test_throttled_graph_post_is_retried_too(fake: FakeAzure, cred: ClientSecretCredential) -> None:
    fake.fail(r"ResourceGraph", status=429, method="POST", times=1, retry_after=1)
    client = ResourceGraphClient(cred, **client_kwargs(fake, retry_total=2))
    assert client.resources(QueryRequest(query="Resources")).count == 0
    assert [r.status for r in fake.calls("ResourceGraph")] == [429, 200]


def test_persistent_server_error_fails_fast_without_retries(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.fail(r"^/subscriptions$", status=500)
    client = SubscriptionClient(cred, **client_kwargs(fake))
    with pytest.raises(HttpResponseError) as info:
        list(client.subscriptions.list())
    assert info.value.status_code == 500
    assert error_of(info.value).code == "InternalServerError"
    assert len(fake.calls(r"^/subscriptions$")) == 1


# -- the read-only guard ---------------------------------------------------------------------


def test_credential_and_write_calls_are_refused_and_recorded(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    fake.add(registry("acr1"))
    client = ContainerRegistryManagementClient(cred, SUB, **client_kwargs(fake))
    with pytest.raises(HttpResponseError) as info:
        client.registries.list_credentials(RG, "acr1")
    assert info.value.status_code == 403 and error_of(info.value).code == "ReadOnlyGuard"
    response = client.send_request(
        HttpRequest("DELETE", registry("acr1")["id"], params={"api-version": "2025-11-01"})
    )
    assert response.status_code == 403
    assert [(v.method, v.path.rsplit("/", 1)[-1]) for v in fake.violations] == [
        ("POST", "listCredentials"),
        ("DELETE", "acr1"),
    ]


@pytest.mark.parametrize(
    "factory",
    [
        lambda c, k: ContainerRegistryManagementClient(c, SUB, **k),
        lambda c, k: SubscriptionClient(c, **k),
        lambda c, k: ResourceGraphClient(c, **k),
        lambda c, k: SecurityCenter(c, SUB, **k),
        lambda c, k: AuthorizationManagementClient(c, SUB, **k),
    ],
    ids=["acr", "subscriptions", "graph", "security", "authorization"],
)
def test_every_client_pipeline_reaches_the_fake_for_raw_reads(
    fake: FakeAzure, cred: ClientSecretCredential, factory: Any
) -> None:
    client = factory(cred, client_kwargs(fake))
    response = raw_get(client, f"/subscriptions/{SUB}", "2022-12-01")
    assert response.status_code == 200 and response.json()["displayName"] == "Production"
    assert fake.requests[-1].path == f"/subscriptions/{SUB}"


def test_examples_are_read_from_the_repository() -> None:
    assert load_example("Microsoft.Resources/2022-12-01/GetSubscriptions.json")["value"]
    with pytest.raises(KeyError, match="no body for status 404"):
        load_example("Microsoft.Resources/2022-12-01/GetSubscriptions.json", "404")


def test_a_graph_table_can_be_denied_and_one_assessment_listed(
    fake: FakeAzure, cred: ClientSecretCredential
) -> None:
    acr = fake.add(registry("acr1"))
    key = "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5"
    collection = f"{acr['id']}/providers/Microsoft.Security/assessments/{key}/subAssessments"
    fake.add({"id": f"{collection}/f1", "type": "Microsoft.Security/assessments/subAssessments",
              "properties": {"additionalData": {"assessedResourceType": "X"}}})  # fmt: skip
    client = ResourceGraphClient(cred, **client_kwargs(fake))
    fake.deny_graph_table("SecurityResources")
    with pytest.raises(HttpResponseError) as info:
        client.resources(QueryRequest(query="securityresources | project id"))
    assert info.value.status_code == 403 and error_of(info.value).code == "AuthorizationFailed"
    assert len(client.resources(QueryRequest(query="Resources | project id")).data) == 1
    # SubAssessments_List of one assessment needs no stored assessment object.
    listed = raw_get(client, collection, "2019-01-01-preview").json()
    assert [item["id"] for item in listed["value"]] == [f"{collection}/f1"]
    other = collection.replace(key, "other")
    assert raw_get(client, other, "2019-01-01-preview").json() == {"value": []}
    assert fake.violations == []
