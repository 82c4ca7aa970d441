"""SUB-001 … SUB-004 (Defender, activity log, alerts) and the MAN-001 … MAN-006 items."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures import (
    SUB,
    SUB_ID,
    audit_logs,
    category_logs,
    container_group,
    diagnostic_setting,
    make_snapshot,
    metric_alert,
    pricings,
    registry,
    result_for,
    run_check,
    subscription_setting_raw,
    workspace,
)

from aciaudit.snapshot_io import parse_snapshot
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.model import ESTATE_SCOPE, Evidence, Result, Status
from checks.snapshot import Subscription

LABEL = "Contoso Prod"
PROD = Subscription(SUB_ID, LABEL, "Enabled")
OTHER_ID = "11111111-1111-1111-1111-111111111111"
OTHER = f"/subscriptions/{OTHER_ID}"
PRICINGS = "Microsoft.Security/pricings"
DIAG = "Microsoft.Insights/diagnosticSettings"
ALERTS = "Microsoft.Insights/metricAlerts"
GROUPS = "Microsoft.ContainerInstance/containerGroups"
TIER = "pricings/Containers.properties.pricingTier"
VA = "pricings/Containers.properties.extensions[ContainerRegistriesVulnerabilityAssessments].isEnabled"
DENIED = "AuthorizationFailed: does not have authorization to perform action 'Microsoft.Security/pricings/read'"


def run_sub(check_id: str, resources: list[dict[str, Any]], **kwargs: Any) -> Result:
    """The result of `check_id` for the Contoso Prod subscription."""
    kwargs.setdefault("subscriptions", [PROD])
    return result_for(run_check(check_id, resources, **kwargs), SUB)


def evidence(result: Result, path: str) -> Evidence:
    found = [e for e in result.evidence if e.path == path]
    assert found, f"no evidence at {path}: {result.evidence}"
    return found[0]


def assert_sub(
    result: Result, status: Status, path: str | None = None, observed: Any = ...
) -> None:
    assert result.status is status, result
    assert result.resource_id == SUB
    assert f"'{LABEL}'" in result.message, result.message
    if path is not None:
        ev = evidence(result, path)
        if observed is not ...:
            assert ev.observed == observed, ev


def containers_plan(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in items if p["name"] == "Containers")


# --- SUB-001 Defender for Containers --------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "status"),
    [
        ("Standard", Status.PASS),
        ("standard", Status.PASS),
        ("Free", Status.FAIL),
        ("free", Status.FAIL),
    ],
)
def test_sub_001_containers_tier(tier: str, status: Status) -> None:
    items = pricings()
    containers_plan(items)["properties"]["pricingTier"] = tier
    assert_sub(run_sub("SUB-001", items), status, TIER, tier)


def test_sub_001_published_list_passes_and_helper_turns_it_off() -> None:
    assert_sub(run_sub("SUB-001", pricings()), Status.PASS, TIER, "Standard")
    result = run_sub("SUB-001", pricings(Containers=False))
    assert_sub(result, Status.FAIL, TIER, "Free")
    assert "does not have Defender for Containers enabled" in result.message


def test_sub_001_legacy_container_registry_plan_does_not_count() -> None:
    """The deprecated `ContainerRegistry` plan is not Defender for Containers."""
    items = [p for p in pricings(ContainerRegistry=True) if p["name"] != "Containers"]
    result = run_sub("SUB-001", items)
    assert_sub(result, Status.NOT_ASSESSED)
    assert "no Containers plan" in result.message


def test_sub_001_absent_tier_is_not_assessed() -> None:
    items = pricings()
    del containers_plan(items)["properties"]["pricingTier"]
    assert_sub(run_sub("SUB-001", items), Status.NOT_ASSESSED)


@pytest.mark.parametrize("check_id", ["SUB-001", "SUB-002"])
def test_pricings_of_another_subscription_do_not_count(check_id: str) -> None:
    result = run_sub(check_id, pricings(OTHER), coverage=[(SUB, PRICINGS, "collected")])
    assert_sub(result, Status.NOT_ASSESSED)
    assert "pricings were read but hold no Containers plan" in result.message


# --- SUB-002 registry vulnerability assessment ---------------------------------------


@pytest.mark.parametrize(
    ("is_enabled", "status", "observed"),
    [
        ("True", Status.PASS, "True"),
        ("true", Status.PASS, "true"),
        (True, Status.PASS, "True"),
        ("False", Status.FAIL, "False"),
        (False, Status.FAIL, "False"),
    ],
)
def test_sub_002_extension(is_enabled: Any, status: Status, observed: str) -> None:
    items = pricings()
    containers_plan(items)["properties"]["extensions"][0]["isEnabled"] = is_enabled
    assert_sub(run_sub("SUB-002", items), status, VA, observed)


def test_sub_002_published_list_passes() -> None:
    result = run_sub("SUB-002", pricings())
    assert_sub(result, Status.PASS, VA, "True")
    assert "scans registry images" in result.message


def test_sub_002_absent_extensions_are_not_assessed() -> None:
    # Older api-versions carry no `extensions`: absence is not "off".
    items = pricings()
    del containers_plan(items)["properties"]["extensions"]
    result = run_sub("SUB-002", items)
    assert result.status is Status.NOT_ASSESSED
    assert "properties.extensions is absent" in result.message


def test_sub_002_extension_name_is_case_insensitive() -> None:
    items = pricings()
    containers_plan(items)["properties"]["extensions"][0]["name"] = (
        "containerregistriesvulnerabilityassessments"
    )
    assert_sub(run_sub("SUB-002", items), Status.PASS, VA, "True")


@pytest.mark.parametrize(
    "extensions", [[], [{"name": "AgentlessDiscoveryForKubernetes", "isEnabled": "True"}]]
)
def test_sub_002_missing_extension_fails(extensions: Any) -> None:
    """The CloudPosture plan also lists the extension: only the Containers plan counts."""
    items = pricings()
    props = containers_plan(items)["properties"]
    props["extensions"] = extensions
    result = run_sub("SUB-002", items)
    assert_sub(result, Status.FAIL, VA, "<absent>")
    assert "does not scan registry images" in result.message


def test_sub_002_not_applicable_when_plan_is_off() -> None:
    result = run_sub("SUB-002", pricings(Containers=False))
    assert_sub(result, Status.NOT_APPLICABLE)
    assert "SUB-001" in result.message


def test_sub_002_no_plan_is_not_assessed() -> None:
    items = [p for p in pricings() if p["name"] != "Containers"]
    assert_sub(run_sub("SUB-002", items), Status.NOT_ASSESSED)


# --- coverage for every subscription check -------------------------------------------

SUB_KINDS = [("SUB-001", PRICINGS), ("SUB-002", PRICINGS), ("SUB-003", DIAG), ("SUB-004", ALERTS)]


def complete_estate() -> list[dict[str, Any]]:
    """Enough for every SUB check to PASS when all its data is there."""
    group = container_group(subscription=SUB_ID)
    return [
        *pricings(),
        diagnostic_setting(
            SUB, "activity", logs=category_logs("Administrative"), destination=workspace()
        ),
        group,
        metric_alert(scopes=[group["id"]]),
    ]


@pytest.mark.parametrize(("check_id", "kind"), SUB_KINDS)
def test_complete_estate_passes(check_id: str, kind: str) -> None:
    assert_sub(run_sub(check_id, complete_estate()), Status.PASS)


@pytest.mark.parametrize(("check_id", "kind"), SUB_KINDS)
@pytest.mark.parametrize(
    ("status", "detail"),
    [
        ("denied", DENIED),
        ("failed", "HttpResponseError: 503 ServiceUnavailable"),
        ("not_collected", None),
    ],
)
def test_required_kind_unavailable_is_not_assessed(
    check_id: str, kind: str, status: str, detail: str | None
) -> None:
    result = run_sub(check_id, complete_estate(), coverage=[(SUB, kind, status, detail)])
    assert_sub(result, Status.NOT_ASSESSED)
    assert result.message.startswith(f"'{LABEL}' not assessed: {kind} {status.replace('_', ' ')}")
    if detail:
        assert detail in result.message


@pytest.mark.parametrize(("check_id", "kind"), SUB_KINDS)
def test_required_kind_never_recorded_is_not_collected(check_id: str, kind: str) -> None:
    result = run_sub(check_id, complete_estate(), omit=[kind])
    assert_sub(result, Status.NOT_ASSESSED)
    assert f"{kind} was not collected for this scope" in result.message


@pytest.mark.parametrize(("check_id", "kind"), SUB_KINDS)
def test_coverage_below_the_subscription_does_not_cover_it(check_id: str, kind: str) -> None:
    """Collected at a resource group says nothing about the subscription itself."""
    rg_scope = f"{SUB}/resourceGroups/myResourceGroup"
    result = run_sub(
        check_id, complete_estate(), omit=[kind], coverage=[(rg_scope, kind, "collected")]
    )
    assert_sub(result, Status.NOT_ASSESSED)


def test_subscription_checks_run_for_listed_subscriptions_without_resources() -> None:
    results = run_check("SUB-001", [], subscriptions=[PROD, Subscription(OTHER_ID, "Another")])
    assert [(r.resource_id, r.status) for r in results] == [
        (OTHER, Status.NOT_ASSESSED),  # "Another" sorts before "Contoso Prod"
        (SUB, Status.NOT_ASSESSED),
    ]
    assert "'Another'" in results[0].message and f"'{LABEL}'" in results[1].message


def test_unnamed_subscription_is_labelled_by_its_id() -> None:
    results = run_check("SUB-001", pricings(Containers=False))
    assert len(results) == 1
    assert results[0].status is Status.FAIL
    assert f"'{SUB_ID}'" in results[0].message


# --- SUB-003 activity log export ----------------------------------------------------


def sub_setting(name: str = "activity", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("destination", workspace())
    return diagnostic_setting(SUB, name, **kwargs)


@pytest.mark.parametrize(
    ("setting_kwargs", "status"),
    [
        pytest.param({"logs": category_logs("Administrative")}, Status.PASS, id="administrative"),
        pytest.param({"logs": category_logs("administrative")}, Status.PASS, id="case"),
        pytest.param(
            {"logs": category_logs("Security", "Administrative", "Alert")},
            Status.PASS,
            id="among-others",
        ),
        pytest.param({"logs": audit_logs("allLogs")}, Status.PASS, id="allLogs"),
        pytest.param(
            {"logs": category_logs("Administrative", enabled=False)}, Status.FAIL, id="disabled"
        ),
        pytest.param(
            {"logs": category_logs("Security", "Policy")}, Status.FAIL, id="other-categories"
        ),
        pytest.param(
            {"logs": category_logs("Administrative"), "destination": {}},
            Status.FAIL,
            id="no-destination",
        ),
        pytest.param({"logs": []}, Status.FAIL, id="no-logs"),
    ],
)
def test_sub_003_activity_log(setting_kwargs: dict[str, Any], status: Status) -> None:
    result = run_sub("SUB-003", [sub_setting(**setting_kwargs)])
    assert_sub(result, status, "diagnosticSettings")
    observed = evidence(result, "diagnosticSettings").observed
    assert observed == ("activity" if status is Status.PASS else ["activity"])


def test_sub_003_no_setting_fails() -> None:
    result = run_sub("SUB-003", [])
    assert_sub(result, Status.FAIL, "diagnosticSettings", "none")
    assert "does not export its Administrative activity log" in result.message


def test_sub_003_resource_level_setting_does_not_count() -> None:
    reg = registry()
    setting = diagnostic_setting(
        reg["id"], "acr-all", logs=audit_logs("allLogs"), destination=workspace()
    )
    assert_sub(run_sub("SUB-003", [reg, setting]), Status.FAIL, "diagnosticSettings", "none")


def test_sub_003_setting_of_another_subscription_does_not_count() -> None:
    other = diagnostic_setting(
        OTHER, "elsewhere", logs=category_logs("Administrative"), destination=workspace()
    )
    results = run_check("SUB-003", [other], subscriptions=[PROD])
    assert_sub(result_for(results, SUB), Status.FAIL)
    assert result_for(results, OTHER).status is Status.PASS


def published_subscription_snapshot() -> Any:
    document = {
        "format": "aci-auditor.snapshot",
        "version": 1,
        "subscriptions": [PROD.to_dict()],
        "resources": [subscription_setting_raw(SUB_ID)],
        "coverage": [{"scope": SUB, "kind": DIAG, "status": "collected"}],
    }
    return parse_snapshot(document)


def test_published_subscription_setting_is_normalised_on_load() -> None:
    raw = subscription_setting_raw(SUB_ID)
    assert raw["type"] is None and not raw["id"].startswith("/")
    snapshot = published_subscription_snapshot()
    (setting,) = snapshot.resources
    assert setting["id"] == f"/{raw['id']}"
    assert isinstance(setting["type"], str) and setting["type"].lower().endswith(
        "/diagnosticsettings"
    )
    Index(snapshot)  # a null type would crash the index


def test_published_subscription_setting_passes_sub_003() -> None:
    snapshot = published_subscription_snapshot()
    results = evaluate(Index(snapshot), checks=[load_catalogue()["SUB-003"]])
    assert_sub(result_for(results, SUB), Status.PASS, "diagnosticSettings", "ds4")


# --- SUB-004 metric alerts on container groups ---------------------------------------

ALERT_PATH = "metricAlerts"


def group() -> dict[str, Any]:
    return container_group(subscription=SUB_ID)


@pytest.mark.parametrize(
    ("alert_kwargs", "status"),
    [
        pytest.param({"scopes": "GROUP"}, Status.PASS, id="scoped-to-group"),
        pytest.param({"scopes": "GROUP-lower"}, Status.PASS, id="scoped-case-insensitive"),
        pytest.param(
            {"scopes": [f"{SUB}/resourceGroups/demo"], "target_resource_type": GROUPS},
            Status.PASS,
            id="target-resource-type",
        ),
        pytest.param(
            {"scopes": [SUB], "target_resource_type": GROUPS.lower()},
            Status.PASS,
            id="target-type-lower",
        ),
        pytest.param(
            {
                "scopes": [f"{SUB}/resourceGroups/demo"],
                "metric_namespace": "microsoft.containerinstance/containergroups",
            },
            Status.PASS,
            id="metric-namespace",
        ),
        pytest.param({"scopes": "GROUP", "enabled": False}, Status.FAIL, id="disabled"),
        pytest.param({"scopes": "REGISTRY"}, Status.FAIL, id="scoped-elsewhere"),
        pytest.param(
            {"scopes": [SUB], "target_resource_type": "Microsoft.ContainerRegistry/registries"},
            Status.FAIL,
            id="other-type",
        ),
    ],
)
def test_sub_004_alerts(alert_kwargs: dict[str, Any], status: Status) -> None:
    cg, reg = group(), registry()
    scopes = alert_kwargs.get("scopes")
    if scopes == "GROUP":
        alert_kwargs["scopes"] = [cg["id"]]
    elif scopes == "GROUP-lower":
        alert_kwargs["scopes"] = [cg["id"].lower()]
    elif scopes == "REGISTRY":
        alert_kwargs["scopes"] = [reg["id"]]
    result = run_sub("SUB-004", [cg, reg, metric_alert("aci-cpu", **alert_kwargs)])
    assert_sub(result, status, ALERT_PATH, ["aci-cpu"])
    if status is Status.PASS:
        assert "1 metric alert(s) on container groups" in result.message
    else:
        assert "1 container group(s) and no metric alert" in result.message


def test_sub_004_no_alert_fails_with_none() -> None:
    result = run_sub("SUB-004", [group(), container_group(name="web", subscription=SUB_ID)])
    assert_sub(result, Status.FAIL, ALERT_PATH, "none")
    assert "2 container group(s)" in result.message


def test_sub_004_lists_only_the_watching_alerts_when_passing() -> None:
    cg = group()
    alerts = [
        metric_alert("aci-off", scopes=[cg["id"]], enabled=False),
        metric_alert("aci-on", scopes=[cg["id"]]),
        metric_alert("vm-cpu", scopes=[f"{SUB}/resourceGroups/vms"]),
    ]
    assert_sub(run_sub("SUB-004", [cg, *alerts]), Status.PASS, ALERT_PATH, ["aci-on"])


def test_sub_004_not_applicable_without_container_groups() -> None:
    result = run_sub("SUB-004", [registry(), metric_alert(scopes=[SUB])])
    assert_sub(result, Status.NOT_APPLICABLE)
    assert "has no container groups" in result.message


def test_sub_004_groups_of_another_subscription_do_not_count() -> None:
    elsewhere = container_group(subscription=OTHER_ID)
    results = run_check("SUB-004", [elsewhere], subscriptions=[PROD])
    assert_sub(result_for(results, SUB), Status.NOT_APPLICABLE)
    assert result_for(results, OTHER).status is Status.FAIL


def test_sub_004_denied_group_listing_is_not_assessed() -> None:
    result = run_sub(
        "SUB-004",
        [metric_alert(scopes=[SUB])],
        coverage=[(SUB, GROUPS, "denied", "AuthorizationFailed: containerGroups/read")],
    )
    assert_sub(result, Status.NOT_ASSESSED)


# --- MAN-001 … MAN-006 ---------------------------------------------------------------

MAN_IDS = [f"MAN-{n:03d}" for n in range(1, 7)]


@pytest.mark.parametrize("resources", [[], "estate"], ids=["empty", "with-resources"])
@pytest.mark.parametrize("check_id", MAN_IDS)
def test_manual_items_are_one_result_at_the_estate(check_id: str, resources: Any) -> None:
    if resources == "estate":
        resources = [registry(), *complete_estate()]
    results = run_check(check_id, resources, subscriptions=[PROD])
    assert len(results) == 1
    (only,) = results
    chk = load_catalogue()[check_id]
    assert (only.check_id, only.resource_id, only.status) == (check_id, ESTATE_SCOPE, Status.MANUAL)
    assert only.message == f"{chk.title} — a person must attest."
    assert only.evidence == ()


def test_manual_items_survive_missing_coverage() -> None:
    snapshot = make_snapshot([registry()], default_coverage=False)
    catalogue = load_catalogue()
    results = evaluate(Index(snapshot), checks=[catalogue[c] for c in MAN_IDS])
    assert [(r.check_id, r.status) for r in results] == [(c, Status.MANUAL) for c in MAN_IDS]
