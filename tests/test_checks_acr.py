"""ACR-001 … ACR-016 over real ARM registry shapes: FAIL, PASS and every
NOT_ASSESSED / NOT_APPLICABLE path the catalogue (docs/CHECKLIST.md) and the code give."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fixtures import (
    ACR_API,
    ACR_OLD_API,
    DELETE,
    SUB,
    SUB_ID,
    audit_logs,
    cache_rule,
    category_logs,
    diagnostic_setting,
    private_endpoint_connections,
    registry,
    result_for,
    run_check,
    run_one,
    token,
    workspace,
)

from checks.catalogue import load_catalogue
from checks.model import Evidence, Result, Status

ABAC = f"Microsoft.ContainerRegistry/{ACR_API}/RegistryCreateAbac.json"
GET = f"Microsoft.ContainerRegistry/{ACR_API}/RegistryGet.json"
OLD_GET = f"Microsoft.ContainerRegistry/{ACR_OLD_API}/RegistryGet.json"
DIAG = "Microsoft.Insights/diagnosticSettings"
TOKENS = "Microsoft.ContainerRegistry/registries/tokens"
CACHE_RULES = "Microsoft.ContainerRegistry/registries/cacheRules"
ACR_IDS = [c.id for c in load_catalogue() if c.id.startswith("ACR-")]
AUTH_DETAIL = (
    "AuthorizationFailed: The client 'auditor@contoso.com' with object id "
    "'11111111-2222-3333-4444-555555555555' does not have authorization to perform action "
    "'Microsoft.Insights/diagnosticSettings/read'"
)

Build = Callable[[], dict[str, Any]]


def evidence(result: Result, path: str) -> Evidence:
    found = [e for e in result.evidence if e.path == path]
    assert found, f"no evidence at {path}: {result.evidence}"
    return found[0]


def assert_result(
    result: Result,
    status: Status,
    name: str = "myRegistry",
    path: str | None = None,
    observed: Any = ...,
) -> None:
    assert result.status is status, result
    assert f"'{name}'" in result.message, result.message
    if path is not None:
        ev = evidence(result, path)
        if observed is not ...:
            assert ev.observed == observed, ev


def policy(name: str, status: Any) -> dict[str, Any]:
    return {"properties": {"policies": {name: {"status": status}}}}


# --- the fixtures are the real shapes -------------------------------------------------


def test_fixture_shapes_are_the_published_examples() -> None:
    listed = registry()
    assert listed["properties"]["roleAssignmentMode"] == "LegacyRegistryPermissions"
    assert registry(base=GET) == listed
    assert "azureADAuthenticationAsArmPolicy" not in registry(base=ABAC)["properties"]["policies"]
    assert "roleAssignmentMode" not in registry(base=OLD_GET)["properties"]
    # Builders hand out copies: editing one never leaks into the next.
    listed["properties"]["adminUserEnabled"] = True
    assert registry()["properties"]["adminUserEnabled"] is False


# --- simple property checks ----------------------------------------------------------

ADMIN = "properties.adminUserEnabled"
ANON = "properties.anonymousPullEnabled"
TRUST = "properties.policies.trustPolicy.status"
QUAR = "properties.policies.quarantinePolicy.status"
RETAIN = "properties.policies.retentionPolicy.status"
EXPORT = "properties.policies.exportPolicy.status"
AAD = "properties.policies.azureADAuthenticationAsArmPolicy.status"
MODE = "properties.roleAssignmentMode"
ENC = "properties.encryption.status"
PREMIUM = {"sku": "Premium"}

# (check, registry kwargs, status, evidence path, observed)
PROPERTY_CASES = [
    # ACR-001 admin user
    ("ACR-001", {}, Status.PASS, ADMIN, False),
    ("ACR-001", {"base": ABAC}, Status.FAIL, ADMIN, True),
    ("ACR-001", {"properties": {"adminUserEnabled": DELETE}}, Status.NOT_ASSESSED, ADMIN, "<absent>"),
    ("ACR-001", {"properties": {"adminUserEnabled": None}}, Status.NOT_ASSESSED, ADMIN, "<absent>"),
    # ACR-002 anonymous pull
    ("ACR-002", {}, Status.PASS, ANON, False),
    ("ACR-002", {"properties": {"anonymousPullEnabled": True}}, Status.FAIL, ANON, True),
    ("ACR-002", {"properties": {"anonymousPullEnabled": DELETE}}, Status.NOT_ASSESSED, ANON, "<absent>"),
    # ACR-007 content trust: not Premium-gated, a Standard registry fails too
    ("ACR-007", {}, Status.FAIL, TRUST, "disabled"),
    ("ACR-007", {**PREMIUM, **policy("trustPolicy", "enabled")}, Status.PASS, TRUST, "enabled"),
    ("ACR-007", policy("trustPolicy", "Enabled"), Status.PASS, TRUST, "Enabled"),
    ("ACR-007", policy("trustPolicy", "Disabled"), Status.FAIL, TRUST, "Disabled"),
    ("ACR-007", {"sku": "Basic"}, Status.FAIL, TRUST, "disabled"),
    ("ACR-007", {"properties": {"policies": {"trustPolicy": DELETE}}}, Status.NOT_ASSESSED, TRUST, "<absent>"),
    ("ACR-007", {"properties": {"policies": DELETE}}, Status.NOT_ASSESSED, TRUST, "<absent>"),
    # ACR-008 quarantine
    ("ACR-008", {}, Status.FAIL, QUAR, "disabled"),
    ("ACR-008", policy("quarantinePolicy", "enabled"), Status.PASS, QUAR, "enabled"),
    ("ACR-008", policy("quarantinePolicy", "Enabled"), Status.PASS, QUAR, "Enabled"),
    ("ACR-008", policy("quarantinePolicy", "Disabled"), Status.FAIL, QUAR, "Disabled"),
    ("ACR-008", policy("quarantinePolicy", None), Status.NOT_ASSESSED, QUAR, "<absent>"),
    # ACR-009 retention (Premium only)
    ("ACR-009", {}, Status.NOT_APPLICABLE, "sku.name", "Standard"),
    ("ACR-009", {"sku": "Basic", **policy("retentionPolicy", "enabled")}, Status.NOT_APPLICABLE, "sku.name", "Basic"),
    ("ACR-009", {"sku": "Classic"}, Status.NOT_APPLICABLE, "sku.name", "Classic"),
    ("ACR-009", PREMIUM, Status.FAIL, RETAIN, "disabled"),
    ("ACR-009", {**PREMIUM, **policy("retentionPolicy", "Enabled")}, Status.PASS, RETAIN, "Enabled"),
    ("ACR-009", {**PREMIUM, **policy("retentionPolicy", "enabled")}, Status.PASS, RETAIN, "enabled"),
    ("ACR-009", {**PREMIUM, "properties": {"policies": {"retentionPolicy": DELETE}}}, Status.NOT_ASSESSED, RETAIN, "<absent>"),
    ("ACR-009", {"sku": DELETE}, Status.NOT_ASSESSED, "sku.name", "<absent>"),
    # ACR-010 export (Premium only)
    ("ACR-010", {}, Status.NOT_APPLICABLE, "sku.name", "Standard"),
    ("ACR-010", PREMIUM, Status.FAIL, EXPORT, "enabled"),
    ("ACR-010", {**PREMIUM, **policy("exportPolicy", "Enabled")}, Status.FAIL, EXPORT, "Enabled"),
    ("ACR-010", {**PREMIUM, **policy("exportPolicy", "disabled")}, Status.PASS, EXPORT, "disabled"),
    ("ACR-010", {**PREMIUM, **policy("exportPolicy", "Disabled")}, Status.PASS, EXPORT, "Disabled"),
    ("ACR-010", {**PREMIUM, "properties": {"policies": {"exportPolicy": DELETE}}}, Status.NOT_ASSESSED, EXPORT, "<absent>"),
    ("ACR-010", {"sku": {"tier": "Premium"}}, Status.NOT_ASSESSED, "sku.name", "<absent>"),
    # ACR-011 ARM-audience tokens
    ("ACR-011", {}, Status.FAIL, AAD, "enabled"),
    ("ACR-011", policy("azureADAuthenticationAsArmPolicy", "Enabled"), Status.FAIL, AAD, "Enabled"),
    ("ACR-011", policy("azureADAuthenticationAsArmPolicy", "disabled"), Status.PASS, AAD, "disabled"),
    ("ACR-011", policy("azureADAuthenticationAsArmPolicy", "Disabled"), Status.PASS, AAD, "Disabled"),
    ("ACR-011", {"base": ABAC}, Status.NOT_ASSESSED, AAD, "<absent>"),
    # ACR-013 ABAC
    ("ACR-013", {}, Status.FAIL, MODE, "LegacyRegistryPermissions"),
    ("ACR-013", {"base": ABAC}, Status.PASS, MODE, "AbacRepositoryPermissions"),
    ("ACR-013", {"properties": {"roleAssignmentMode": "abacrepositorypermissions"}}, Status.PASS, MODE, "abacrepositorypermissions"),
    ("ACR-013", {"base": OLD_GET}, Status.NOT_ASSESSED, MODE, "<absent>"),
    # ACR-015 customer-managed key
    ("ACR-015", {}, Status.FAIL, ENC, "disabled"),
    ("ACR-015", {"properties": {"encryption": {"status": "Disabled"}}}, Status.FAIL, ENC, "Disabled"),
    ("ACR-015", {"properties": {"encryption": {"status": "enabled", "keyVaultProperties": {"keyIdentifier": "https://kv.vault.azure.net/keys/k"}}}}, Status.PASS, ENC, "enabled"),
    ("ACR-015", {"properties": {"encryption": {"status": "Enabled"}}}, Status.PASS, ENC, "Enabled"),
    ("ACR-015", {"properties": {"encryption": DELETE}}, Status.NOT_ASSESSED, ENC, "<absent>"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("check_id", "kwargs", "status", "path", "observed"),
    PROPERTY_CASES,
    ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(PROPERTY_CASES)],
)
def test_property_checks(
    check_id: str, kwargs: dict[str, Any], status: Status, path: str, observed: Any
) -> None:
    reg = registry(**kwargs)
    assert_result(run_one(check_id, reg), status, path=path, observed=observed)


def test_absent_messages_give_the_reason() -> None:
    anon = run_one("ACR-002", registry(properties={"anonymousPullEnabled": DELETE}))
    assert "properties.anonymousPullEnabled is absent" in anon.message
    assert "2025-04-01" in anon.message
    mode = run_one("ACR-013", registry(base=OLD_GET))
    assert "2025-11-01" in mode.message
    aad = run_one("ACR-011", registry(base=ABAC))
    assert "azureADAuthenticationAsArmPolicy" in aad.message
    tier = run_one("ACR-009", registry(sku=DELETE))
    assert "tier is unknown" in tier.message


def test_premium_only_message_names_tier_and_registry() -> None:
    result = run_one("ACR-010", registry(name="BasicReg", sku="Basic"))
    assert_result(result, Status.NOT_APPLICABLE, "BasicReg", "sku.name", "Basic")
    assert "Basic" in result.message and "Premium" in result.message
    assert evidence(result, "sku.name").expected == "Premium"


def test_older_api_version_registry_still_assessed_elsewhere() -> None:
    """2025-04-01 lacks only roleAssignmentMode: the rest of the catalogue still decides."""
    old = registry(base=OLD_GET)
    assert run_one("ACR-013", old).status is Status.NOT_ASSESSED
    assert run_one("ACR-001", old).status is Status.PASS
    assert run_one("ACR-011", old).status is Status.FAIL


# --- ACR-003 network reachability ------------------------------------------------------

PNA = "properties.publicNetworkAccess"
ACTION = "properties.networkRuleSet.defaultAction"
ACR_003_CASES = [
    ({}, Status.FAIL, {PNA: "Enabled", ACTION: "Allow"}),
    ({"publicNetworkAccess": "enabled", "networkRuleSet": {"defaultAction": "allow"}}, Status.FAIL, {PNA: "enabled", ACTION: "allow"}),
    ({"publicNetworkAccess": DELETE, "networkRuleSet": DELETE}, Status.FAIL, {PNA: "<absent>", ACTION: "<absent>"}),
    ({"networkRuleSet": DELETE}, Status.FAIL, {PNA: "Enabled", ACTION: "<absent>"}),
    ({"publicNetworkAccess": "Disabled"}, Status.PASS, {PNA: "Disabled"}),
    ({"publicNetworkAccess": "disabled"}, Status.PASS, {PNA: "disabled"}),
    ({"networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "203.0.113.7"}]}}, Status.PASS, {ACTION: "Deny", "properties.networkRuleSet.ipRules": "1 rule(s)"}),
    ({"networkRuleSet": {"defaultAction": "deny"}}, Status.PASS, {ACTION: "deny"}),
    ({"publicNetworkAccess": DELETE, "networkRuleSet": {"defaultAction": "Deny", "ipRules": []}}, Status.PASS, {ACTION: "Deny"}),
]  # fmt: skip


@pytest.mark.parametrize(("props", "status", "observed"), ACR_003_CASES)
def test_acr_003_network(props: dict[str, Any], status: Status, observed: dict[str, Any]) -> None:
    result = run_one("ACR-003", registry(properties=props))
    assert_result(result, status)
    for path, value in observed.items():
        assert evidence(result, path).observed == value


def test_acr_003_counts_allowed_ip_rules() -> None:
    rules = [{"action": "Allow", "value": f"198.51.100.{i}"} for i in range(3)]
    result = run_one(
        "ACR-003",
        registry(properties={"networkRuleSet": {"defaultAction": "Deny", "ipRules": rules}}),
    )
    assert result.status is Status.PASS
    assert "3 allowed IP rule(s)" in result.message


# --- ACR-004 private endpoints ---------------------------------------------------------

PE_PATH = (
    "properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status"
)


def premium_with_connections(*statuses: str) -> dict[str, Any]:
    conns = []
    for i, status in enumerate(statuses):
        conn = private_endpoint_connections(status)[0]
        conn["id"] += str(i)
        conns.append(conn)
    return registry(sku="Premium", properties={"privateEndpointConnections": conns})


@pytest.mark.parametrize(
    ("statuses", "status", "fragment"),
    [
        (("Approved",), Status.PASS, "has an approved private endpoint"),
        (("approved",), Status.PASS, "has an approved private endpoint"),
        (("Pending", "Approved"), Status.PASS, "has an approved private endpoint"),
        (("Pending",), Status.FAIL, "none is approved"),
        (("Rejected",), Status.FAIL, "none is approved"),
        (("Disconnected", "Pending"), Status.FAIL, "none is approved"),
        ((), Status.FAIL, "no private endpoint"),
    ],
)
def test_acr_004_private_endpoints(
    statuses: tuple[str, ...], status: Status, fragment: str
) -> None:
    result = run_one("ACR-004", premium_with_connections(*statuses))
    assert_result(result, status, path=PE_PATH, observed=list(statuses))
    assert fragment in result.message


def test_acr_004_unchanged_example_list_is_approved() -> None:
    reg = registry(
        sku="Premium", properties={"privateEndpointConnections": private_endpoint_connections()}
    )
    assert_result(run_one("ACR-004", reg), Status.PASS, path=PE_PATH, observed=["Approved"])


def test_acr_004_connection_without_state_does_not_count() -> None:
    conn = private_endpoint_connections()[0]
    del conn["properties"]["privateLinkServiceConnectionState"]
    reg = registry(sku="Premium", properties={"privateEndpointConnections": [conn]})
    assert_result(run_one("ACR-004", reg), Status.FAIL, path=PE_PATH, observed=["<absent>"])


def test_acr_004_missing_connection_list_on_premium_fails() -> None:
    reg = registry(sku="Premium", properties={"privateEndpointConnections": DELETE})
    assert_result(run_one("ACR-004", reg), Status.FAIL, path=PE_PATH, observed=[])


@pytest.mark.parametrize("sku", ["Basic", "Standard", "Classic", "standard"])
def test_acr_004_not_applicable_below_premium(sku: str) -> None:
    # Even an approved connection does not matter: the row is Premium-only.
    reg = registry(
        sku=sku, properties={"privateEndpointConnections": private_endpoint_connections()}
    )
    assert_result(run_one("ACR-004", reg), Status.NOT_APPLICABLE, path="sku.name", observed=sku)


def test_acr_004_unknown_tier_is_not_assessed() -> None:
    assert_result(run_one("ACR-004", registry(sku=DELETE)), Status.NOT_ASSESSED, path="sku.name")


# --- ACR-005 SKU ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sku", "status"),
    [
        ("Basic", Status.FAIL),
        ("Standard", Status.FAIL),
        ("Classic", Status.FAIL),
        ("Premium", Status.PASS),
        ("premium", Status.PASS),
    ],
)
def test_acr_005_sku(sku: str, status: Status) -> None:
    result = run_one("ACR-005", registry(sku=sku))
    assert_result(result, status, path="sku.name", observed=sku)
    if status is Status.FAIL:
        assert sku in result.message


def test_acr_005_absent_sku_is_not_assessed() -> None:
    assert_result(
        run_one("ACR-005", registry(sku=DELETE)),
        Status.NOT_ASSESSED,
        path="sku.name",
        observed="<absent>",
    )


# --- ACR-006 audit logs ----------------------------------------------------------------


def reg_id() -> str:
    return registry()["id"]


SETTING_CASES = [
    pytest.param(dict(logs=audit_logs("audit"), destination=workspace()), Status.PASS, id="group-audit"),
    pytest.param(dict(logs=audit_logs("allLogs"), destination=workspace()), Status.PASS, id="group-allLogs"),
    pytest.param(dict(logs=audit_logs("AllLogs"), destination=workspace()), Status.PASS, id="group-AllLogs-case"),
    pytest.param(dict(logs=audit_logs("Audit"), destination={"storageAccountId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a"}), Status.PASS, id="audit-to-storage"),
    pytest.param(dict(logs=audit_logs("audit"), destination={"eventHubAuthorizationRuleId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.EventHub/namespaces/n/authorizationrules/RootManageSharedAccessKey"}), Status.PASS, id="audit-to-eventhub"),
    pytest.param(dict(logs=audit_logs("audit"), destination={"marketplacePartnerId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Datadog/monitors/dd1"}), Status.PASS, id="audit-to-partner"),
    pytest.param(dict(logs=category_logs("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"), destination=workspace()), Status.PASS, id="both-categories"),
    pytest.param(dict(logs=category_logs("containerregistryloginevents", "CONTAINERREGISTRYREPOSITORYEVENTS"), destination=workspace()), Status.PASS, id="categories-case"),
    pytest.param(dict(logs=category_logs("ContainerRegistryLoginEvents"), destination=workspace()), Status.FAIL, id="login-only"),
    pytest.param(dict(logs=category_logs("ContainerRegistryRepositoryEvents"), destination=workspace()), Status.FAIL, id="repository-only"),
    pytest.param(dict(logs=audit_logs("audit", enabled=False), destination=workspace()), Status.FAIL, id="audit-disabled"),
    pytest.param(dict(logs=category_logs("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents", enabled=False), destination=workspace()), Status.FAIL, id="categories-disabled"),
    pytest.param(dict(logs=[], destination=workspace()), Status.FAIL, id="metrics-only"),
    pytest.param(dict(logs=audit_logs("audit"), destination={}), Status.FAIL, id="no-destination"),
]  # fmt: skip


@pytest.mark.parametrize(("setting_kwargs", "status"), SETTING_CASES)
def test_acr_006_diagnostic_settings(setting_kwargs: dict[str, Any], status: Status) -> None:
    reg = registry()
    setting = diagnostic_setting(reg["id"], "acr-audit", **setting_kwargs)
    result = run_one("ACR-006", reg, [setting])
    assert_result(result, status, path="diagnosticSettings")
    observed = evidence(result, "diagnosticSettings").observed
    if status is Status.PASS:
        assert "acr-audit" in result.message
        assert "acr-audit" in observed
    else:
        assert any("acr-audit" in line for line in observed)


def test_acr_006_example_setting_with_all_logs_passes() -> None:
    """getDiagnosticSetting.json as published: allLogs to storage, event hub and partner."""
    reg = registry()
    result = run_one("ACR-006", reg, [diagnostic_setting(reg["id"], "mysetting")])
    assert_result(result, Status.PASS, path="diagnosticSettings")


def test_acr_006_no_setting_fails_with_none() -> None:
    result = run_one("ACR-006", registry())
    assert_result(result, Status.FAIL, path="diagnosticSettings", observed="none")
    assert "does not collect its audit logs" in result.message


def test_acr_006_setting_without_destination_is_named_in_evidence() -> None:
    reg = registry()
    setting = diagnostic_setting(reg["id"], "nowhere", logs=audit_logs("audit"), destination={})
    result = run_one("ACR-006", reg, [setting])
    assert result.status is Status.FAIL
    assert evidence(result, "diagnosticSettings").observed == [
        "nowhere: ['audit'] → no destination"
    ]


def test_acr_006_any_one_good_setting_suffices() -> None:
    reg = registry()
    settings = [
        diagnostic_setting(reg["id"], "a-no-dest", logs=audit_logs("audit"), destination={}),
        diagnostic_setting(
            reg["id"], "b-good", logs=audit_logs("allLogs"), destination=workspace()
        ),
    ]
    result = run_one("ACR-006", reg, settings)
    assert result.status is Status.PASS
    assert "b-good" in result.message


def test_acr_006_setting_on_another_registry_does_not_count() -> None:
    reg, other = registry(), registry(name="otherRegistry")
    setting = diagnostic_setting(
        other["id"], "other-audit", logs=audit_logs(), destination=workspace()
    )
    results = run_check("ACR-006", [reg, other, setting])
    assert result_for(results, reg["id"]).status is Status.FAIL
    assert result_for(results, other["id"]).status is Status.PASS


def test_acr_006_matches_ids_case_insensitively() -> None:
    """The published setting ids spell `resourcegroups` and `microsoft.insights` in lower case."""
    reg = registry()
    lowered = reg["id"].replace("resourceGroups", "resourcegroups").lower()
    setting = diagnostic_setting(lowered, "lower", logs=audit_logs(), destination=workspace())
    setting["id"] = setting["id"].replace("Microsoft.Insights", "microsoft.insights")
    setting["type"] = "microsoft.insights/diagnosticsettings"
    assert run_one("ACR-006", reg, [setting]).status is Status.PASS


def test_acr_006_empty_workspace_id_is_not_a_destination() -> None:
    reg = registry()
    setting = diagnostic_setting(
        reg["id"], "empty", logs=audit_logs("audit"), destination={"workspaceId": ""}
    )
    assert run_one("ACR-006", reg, [setting]).status is Status.FAIL


# --- coverage of the side data ACR-006 / ACR-012 / ACR-014 need ------------------------

COVERAGE_CASES = [
    ("ACR-006", DIAG, "denied", AUTH_DETAIL),
    ("ACR-006", DIAG, "failed", "HttpResponseError: 500 InternalServerError"),
    ("ACR-006", DIAG, "not_collected", "skipped with --no-diagnostics"),
    ("ACR-012", TOKENS, "denied", "AuthorizationFailed: tokens/read"),
    ("ACR-012", TOKENS, "failed", "ServiceUnavailable"),
    ("ACR-012", TOKENS, "not_collected", None),
    ("ACR-014", CACHE_RULES, "denied", "AuthorizationFailed: cacheRules/read"),
    ("ACR-014", CACHE_RULES, "failed", "timeout after 3 retries"),
    ("ACR-014", CACHE_RULES, "not_collected", "absent from the input list"),
]


@pytest.mark.parametrize(("check_id", "kind", "status", "detail"), COVERAGE_CASES)
@pytest.mark.parametrize("scope", ["subscription", "registry"])
def test_side_data_unavailable_is_not_assessed(
    check_id: str, kind: str, status: str, detail: str | None, scope: str
) -> None:
    reg = registry()
    at = SUB if scope == "subscription" else reg["id"]
    result = run_one(check_id, reg, coverage=[(at, kind, status, detail)])
    assert_result(result, Status.NOT_ASSESSED)
    assert result.message.startswith("'myRegistry' not assessed:")
    assert kind in result.message
    assert status.replace("_", " ") in result.message
    if detail:
        assert detail in result.message


@pytest.mark.parametrize(
    ("check_id", "kind"), [("ACR-006", DIAG), ("ACR-012", TOKENS), ("ACR-014", CACHE_RULES)]
)
def test_side_data_never_recorded_is_not_collected(check_id: str, kind: str) -> None:
    reg = registry()
    result = run_one(check_id, reg, omit=[kind])
    assert_result(result, Status.NOT_ASSESSED)
    assert f"{kind} was not collected for this scope" in result.message


@pytest.mark.parametrize(
    ("check_id", "kind"), [("ACR-006", DIAG), ("ACR-012", TOKENS), ("ACR-014", CACHE_RULES)]
)
def test_side_data_collected_at_registry_under_denied_subscription(
    check_id: str, kind: str
) -> None:
    """The most specific coverage entry wins: collected at the registry overrides the
    subscription's denial."""
    reg = registry()
    result = run_one(
        check_id, reg, coverage=[(SUB, kind, "denied", "no"), (reg["id"], kind, "collected")]
    )
    assert result.status in (Status.PASS, Status.FAIL)


def test_side_data_not_needed_by_flag_checks() -> None:
    """ACR-001 reads only the registry: missing side data does not block it."""
    reg = registry()
    result = run_one("ACR-001", reg, omit=[DIAG, TOKENS, CACHE_RULES])
    assert result.status is Status.PASS


# --- ACR-012 tokens ------------------------------------------------------------------------

TOKEN_PATH = "tokens[*].properties.status"


@pytest.mark.parametrize(
    ("statuses", "status"),
    [
        ({}, Status.PASS),
        ({"ci-pull": "disabled"}, Status.PASS),
        ({"ci-pull": "Disabled"}, Status.PASS),
        ({"ci-pull": "enabled"}, Status.FAIL),
        ({"ci-pull": "Enabled"}, Status.FAIL),
        ({"a-off": "disabled", "b-on": "enabled"}, Status.FAIL),
    ],
)
def test_acr_012_tokens(statuses: dict[str, str], status: Status) -> None:
    reg = registry()
    tokens = [token(reg, name, status=s) for name, s in statuses.items()]
    result = run_one("ACR-012", reg, tokens)
    assert_result(result, status, path=TOKEN_PATH, observed=statuses)
    for name, s in statuses.items():
        assert (name in result.message) is (status is Status.FAIL and s.lower() == "enabled")


def test_acr_012_tokens_of_other_registries_do_not_count() -> None:
    reg, other = registry(), registry(name="otherRegistry")
    results = run_check("ACR-012", [reg, other, token(other, "foreign", status="enabled")])
    assert result_for(results, reg["id"]).status is Status.PASS
    fail = result_for(results, other["id"])
    assert_result(fail, Status.FAIL, "otherRegistry", TOKEN_PATH, {"foreign": "enabled"})
    assert "1 enabled token(s): foreign" in fail.message


# --- ACR-014 cache rules -------------------------------------------------------------------

CACHE_PATH = "cacheRules[*].properties.sourceRepository"


@pytest.mark.parametrize(
    ("source", "status"),
    [
        ("docker.io/library/nginx", Status.FAIL),
        ("registry-1.docker.io/bitnami/redis", Status.FAIL),
        ("index.docker.io/library/ubuntu", Status.FAIL),
        ("library/hello-world", Status.FAIL),
        ("ghcr.io/org/app", Status.FAIL),
        ("quay.io/prometheus/node-exporter", Status.FAIL),
        ("mcr.microsoft.com/dotnet/runtime", Status.FAIL),
        ("Docker.IO/library/nginx", Status.FAIL),
        ("upstream.azurecr.io/base/python", Status.PASS),
        ("artifacts.contoso.internal/base/python", Status.PASS),
    ],
)
def test_acr_014_cache_rules(source: str, status: Status) -> None:
    reg = registry()
    result = run_one("ACR-014", reg, [cache_rule(reg, "mirror", sourceRepository=source)])
    assert_result(result, status, path=CACHE_PATH, observed={"mirror": source})
    assert ("mirror" in result.message) is (status is Status.FAIL)


def test_acr_014_no_rules_passes_with_empty_evidence() -> None:
    result = run_one("ACR-014", registry())
    assert_result(result, Status.PASS, path=CACHE_PATH, observed={})


def test_acr_014_lists_every_public_rule_and_ignores_other_registries() -> None:
    reg, other = registry(), registry(name="otherRegistry")
    rules = [
        cache_rule(reg, "hub", sourceRepository="docker.io/library/nginx"),
        cache_rule(reg, "ghcr", sourceRepository="ghcr.io/org/app"),
        cache_rule(reg, "private", sourceRepository="upstream.azurecr.io/x"),
        cache_rule(other, "elsewhere", sourceRepository="docker.io/library/redis"),
    ]
    results = run_check("ACR-014", [reg, other, *rules])
    mine = result_for(results, reg["id"])
    assert mine.status is Status.FAIL
    assert mine.message == "Registry 'myRegistry' mirrors public upstreams via: hub, ghcr."
    assert set(evidence(mine, CACHE_PATH).observed) == {"hub", "ghcr", "private"}


def test_acr_014_rule_without_source_is_not_public() -> None:
    reg = registry()
    result = run_one("ACR-014", reg, [cache_rule(reg, "odd", sourceRepository=DELETE)])
    assert_result(result, Status.PASS, path=CACHE_PATH, observed={"odd": "<absent>"})


# --- ACR-016 without vulnerability data (with it: tests/test_vulns_checks.py) ---------------


@pytest.mark.parametrize("kwargs", [{}, {"sku": "Premium"}, {"base": ABAC}, {"base": OLD_GET}])
def test_acr_016_without_vulnerability_data_is_not_assessed(kwargs: dict[str, Any]) -> None:
    result = run_one("ACR-016", registry(**kwargs))
    assert_result(result, Status.NOT_ASSESSED)
    assert "no vulnerability data" in result.message


# --- every ACR check: one result per registry, names it ------------------------------------


@pytest.mark.parametrize("check_id", ACR_IDS)
def test_every_check_names_each_registry_once(check_id: str) -> None:
    regs = [registry(name=n, sku="Premium") for n in ("zeta", "Alpha", "mid")]
    results = run_check(check_id, regs)
    assert [r.resource_id for r in results] == sorted((r["id"] for r in regs), key=str.lower)
    for reg, result in zip(sorted(regs, key=lambda r: r["id"].lower()), results, strict=True):
        assert result.check_id == check_id
        assert f"'{reg['name']}'" in result.message
        if result.status is not Status.NOT_ASSESSED:
            assert result.evidence, result


@pytest.mark.parametrize("check_id", ACR_IDS)
def test_every_check_reports_a_denied_registry_listing(check_id: str) -> None:
    results = run_check(
        check_id,
        [],
        subscriptions=[SUB_ID],
        coverage=[(SUB, "Microsoft.ContainerRegistry/registries", "denied", AUTH_DETAIL)],
    )
    assert len(results) == 1
    only = results[0]
    assert (only.resource_id, only.status) == (SUB, Status.NOT_ASSESSED)
    assert f"Registries in subscription '{SUB_ID}' could not be read" in only.message
    assert AUTH_DETAIL in only.message


@pytest.mark.parametrize("check_id", ACR_IDS)
def test_every_check_survives_a_bare_registry(check_id: str) -> None:
    """Only id, type and name: never a crash, never a PASS without evidence."""
    bare = {
        "id": f"{SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/bare",
        "type": "Microsoft.ContainerRegistry/registries",
        "name": "bare",
    }
    result = run_one(check_id, bare)
    assert "'bare'" in result.message
    assert result.status is not Status.PASS or result.evidence
