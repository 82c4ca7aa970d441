"""Live collection end to end: the real SDK clients against the fake ARM + Entra server."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from fakearm import FakeAzure
from fixtures import load_example

from aciaudit.cli import main
from aciaudit.run import audit
from aciaudit.sources.azure import roles
from aciaudit.sources.azure.apis import ACI_API
from aciaudit.sources.azure.arm import Cancelled
from aciaudit.sources.azure.collector import CollectionError, collect
from aciaudit.sources.azure.options import LiveOptions
from checks.kinds import DIAGNOSTIC_SETTINGS as DIAGNOSTICS
from checks.model import Status
from checks.snapshot import CoverageStatus

SUB1 = "11111111-aaaa-4aaa-8aaa-111111111111"
SUB2 = "22222222-bbbb-4bbb-8bbb-222222222222"
CANARY = "QZXCANARY-live-7f3a"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
PRINCIPAL = "33333333-cccc-4ccc-8ccc-333333333333"
GROUPS = "Microsoft.ContainerInstance/containerGroups"
REGISTRIES = "Microsoft.ContainerRegistry/registries"


def rebase(body: dict[str, Any], sub: str, rg: str, name: str) -> dict[str, Any]:
    """An example body moved to our subscription, resource group and name."""
    obj = copy.deepcopy(body)
    provider = obj["id"].split("/providers/", 1)[1].rsplit("/", 1)[0]
    obj["id"] = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/{name}"
    obj["name"] = name
    return obj


def estate(fake: FakeAzure) -> None:
    fake.add_subscription(SUB1, "Contoso Production")
    fake.add_subscription(SUB2, "Contoso Development")
    registry = load_example("Microsoft.ContainerRegistry/2025-11-01/RegistryList.json")["value"][0]
    fake.add(rebase(registry, SUB1, "rg-shared", "contosoacr"))
    token_parent = rebase(registry, SUB1, "rg-shared", "contosoacr")["id"]
    fake.add(
        {
            "id": f"{token_parent}/tokens/ci-push",
            "name": "ci-push",
            "type": "Microsoft.ContainerRegistry/registries/tokens",
            "properties": {"status": "enabled", "scopeMapId": f"{token_parent}/scopeMaps/push"},
        }
    )
    web = rebase(
        load_example("Microsoft.ContainerInstance/2026-05-01/ContainerGroupsGet_Succeeded.json"),
        SUB1,
        "rg-app",
        "web",
    )
    web["properties"]["containers"][0]["properties"]["environmentVariables"] = [
        {"name": "DB_PASSWORD", "value": CANARY},
        {"name": "LOG_LEVEL", "value": "info"},
    ]
    web["identity"] = {"type": "SystemAssigned", "principalId": PRINCIPAL, "tenantId": "t"}
    fake.add(web)
    batch = rebase(
        load_example(
            "Microsoft.ContainerInstance/2026-05-01/ContainerGroupCreateConfidential.json"
        ),
        SUB2,
        "rg-batch",
        "batch",
    )
    fake.add(batch)
    fake.add(
        {
            "id": f"/subscriptions/{SUB1}/providers/Microsoft.Authorization/roleAssignments/ra1",
            "name": "ra1",
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {
                "principalId": PRINCIPAL,
                "principalType": "ServicePrincipal",
                "scope": f"/subscriptions/{SUB1}",
                "roleDefinitionId": f"/subscriptions/{SUB1}/providers/"
                f"Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}",
            },
        }
    )
    for pricing in load_example("Microsoft.Security/2024-01-01/ListPricings_example.json")["value"]:
        for sub in (SUB1, SUB2):
            moved = copy.deepcopy(pricing)
            moved["id"] = (
                f"/subscriptions/{sub}/providers/Microsoft.Security/pricings/{pricing['name']}"
            )
            fake.add(moved)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        server.sign_in_env(monkeypatch)
        yield server


def options(fake: FakeAzure, **overrides: Any) -> LiveOptions:
    base: dict[str, Any] = {
        "arm_endpoint": fake.url,
        "authority_host": fake.url,
        "auth": "env",
        "ca_bundle": str(fake.ca_path),
        "retries": 0,
        "concurrency": 4,
        "timeout": 10,
    }
    return LiveOptions(**(base | overrides))


def statuses(snapshot: Any, kind: str) -> dict[str, CoverageStatus]:
    return {c.scope.lower(): c.status for c in snapshot.coverage if c.kind == kind}


def test_collects_everything_read_only_and_redacted(fake: FakeAzure) -> None:
    snap = collect(options(fake))
    types = sorted({r["type"] for r in snap.resources})
    assert REGISTRIES in types and GROUPS in types
    assert "Microsoft.ContainerRegistry/registries/tokens" in types
    assert "Microsoft.Security/pricings" in types
    assert "Microsoft.Authorization/roleAssignments" in types
    assert fake.violations == []
    assert {r.method for r in fake.requests} <= {"GET", "POST"}
    assert all("ResourceGraph" in r.path for r in fake.requests if r.method == "POST")
    # Each group was read by GET at the recent api-version, not taken from a list.
    group_gets = [r for r in fake.requests if r.method == "GET" and r.path.endswith("/web")]
    assert group_gets and group_gets[0].api_version == ACI_API
    web = next(r for r in snap.resources if r["id"].endswith("/web"))
    env = web["properties"]["containers"][0]["properties"]["environmentVariables"]
    assert env[0]["value"].startswith("redacted:v1:")
    assert CANARY not in json.dumps(snap.to_dict())
    assert snap.source["tenant_id"] == fake.tenant_id
    assert {s.display_name for s in snap.subscriptions} == {
        "Contoso Production",
        "Contoso Development",
    }


def test_the_audit_sees_what_was_collected(fake: FakeAzure) -> None:
    run = audit(collect(options(fake)))
    by = {(r.check_id, r.resource_id.rsplit("/", 1)[-1]): r for r in run.results}
    assert by[("ACI-006", "web")].status is Status.FAIL  # the secret env var
    assert by[("ACI-025", "web")].status is Status.FAIL  # Contributor identity
    assert by[("ACR-012", "contosoacr")].status is Status.FAIL  # enabled token


def test_many_identities_read_role_assignments_in_one_listing(
    fake: FakeAzure, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = {
        "id": f"/subscriptions/{SUB1}/providers/Microsoft.Authorization/roleAssignments/ra2",
        "name": "ra2",
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {"principalId": "someone-else", "scope": f"/subscriptions/{SUB1}",
                       "roleDefinitionId": "/x/roleDefinitions/" + CONTRIBUTOR},
    }  # fmt: skip
    fake.add(stranger)
    filtered = audit(collect(options(fake)))
    per_identity = [r for r in fake.requests if "roleAssignments" in r.path]
    assert per_identity and all("assignedTo" in r.query.get("$filter", "") for r in per_identity)

    monkeypatch.setattr(roles, "ROLE_FILTER_MAX", 0)
    fake.requests.clear()
    snap = collect(options(fake))
    listed = [r for r in fake.requests if "roleAssignments" in r.path]
    assert listed and not any("$filter" in r.query for r in listed)
    ids = {r["id"].rsplit("/", 1)[-1] for r in snap.resources if "roleAssignments" in r["id"]}
    assert ids == {"ra1"}  # other principals' assignments are not kept
    assert sorted(audit(snap).results) == sorted(filtered.results)


def test_group_logging_to_a_workspace_skips_its_diagnostic_settings(fake: FakeAzure) -> None:
    logged = rebase(
        load_example("Microsoft.ContainerInstance/2026-05-01/ContainerGroupsGet_Succeeded.json"),
        SUB2,
        "rg-app",
        "logged",
    )
    logged["properties"]["diagnostics"] = {"logAnalytics": {"workspaceId": "ws-guid"}}
    fake.add(logged)
    snap = collect(options(fake))
    by_scope = {c.scope.rsplit("/", 1)[-1]: c for c in snap.coverage if c.kind == DIAGNOSTICS}
    logs = {
        r["id"].rsplit("/", 1)[-1]: bool(r["properties"].get("diagnostics"))
        for r in snap.resources
        if r["type"] == GROUPS
    }
    assert set(logs.values()) == {True, False}  # both paths are exercised
    for name, to_workspace in logs.items():
        entry = by_scope[name]
        read = any(r.path.endswith(f"/{name}/providers/{DIAGNOSTICS}") for r in fake.requests)
        assert read is not to_workspace
        assert (entry.status is CoverageStatus.NOT_COLLECTED) is to_workspace
    run = audit(snap)
    judged = {
        r.resource_id.rsplit("/", 1)[-1]: r.status for r in run.results if r.check_id == "ACI-015"
    }
    assert set(judged) == set(logs) and Status.NOT_ASSESSED not in judged.values()


def test_resource_graph_pages_with_skip_token(fake: FakeAzure) -> None:
    fake.graph_page_size = 1
    snap = collect(options(fake))
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(posts) >= 3
    assert len([r for r in snap.resources if r["type"] == GROUPS]) == 2


@pytest.mark.parametrize("graph", ["denied", "disabled"])
def test_listing_per_subscription_follows_next_links(fake: FakeAzure, graph: str) -> None:
    fake.page_size = 1
    if graph == "denied":
        fake.fail(r"/providers/Microsoft\.ResourceGraph/resources", status=403, method="POST")
    # denied: Graph is tried and refused, then the fallback; disabled: never tried.
    snap = collect(options(fake, use_resource_graph=graph == "denied"))
    assert len([r for r in snap.resources if r["type"] == GROUPS]) == 2
    assert statuses(snap, GROUPS)[f"/subscriptions/{SUB1}"] is CoverageStatus.COLLECTED
    graph_posts = [r for r in fake.requests if r.method == "POST"]
    assert (len(graph_posts) > 0) is (graph == "denied")
    assert fake.violations == []


def test_denied_read_is_recorded_and_the_run_goes_on(fake: FakeAzure) -> None:
    fake.fail(rf"/subscriptions/{SUB2}/providers/Microsoft\.Security/pricings", status=403)
    snap = collect(options(fake))
    entry = next(
        c for c in snap.coverage if c.kind == "Microsoft.Security/pricings" and SUB2 in c.scope
    )
    assert entry.status is CoverageStatus.DENIED
    assert entry.detail and entry.detail.startswith("AuthorizationFailed")
    run = audit(snap)
    sub2 = [r for r in run.results if r.check_id == "SUB-001" and r.resource_id.endswith(SUB2)]
    assert sub2[0].status is Status.NOT_ASSESSED and "denied" in sub2[0].message


def test_a_group_that_cannot_be_read_is_not_judged(fake: FakeAzure) -> None:
    fake.fail(r"/containerGroups/web$", status=403)
    run = audit(collect(options(fake)))
    web = [r for r in run.results if r.resource_id.endswith("/web")]
    assert web and all(r.status is Status.NOT_ASSESSED for r in web)


def test_throttling_is_retried_after_retry_after(fake: FakeAzure) -> None:
    fake.fail(
        rf"/subscriptions/{SUB1}/providers/Microsoft\.Insights/metricAlerts",
        status=429,
        times=1,
        retry_after=1,
    )
    snap = collect(options(fake, retries=2))
    assert statuses(snap, "Microsoft.Insights/metricAlerts")[f"/subscriptions/{SUB1}"] is (
        CoverageStatus.COLLECTED
    )
    alerts = [
        r
        for r in fake.requests
        if r.path.endswith(f"{SUB1}/providers/Microsoft.Insights/metricAlerts")
    ]
    assert len(alerts) == 2


def test_persistent_server_error_is_failed_not_fatal(fake: FakeAzure) -> None:
    fake.fail(r"/registries/contosoacr/cacheRules", status=500, code="InternalServerError")
    snap = collect(options(fake, retries=1, backoff=0.01))
    entry = next(c for c in snap.coverage if c.kind.endswith("/cacheRules"))
    assert entry.status is CoverageStatus.FAILED


def test_unknown_subscription_and_bad_secret_are_one_line_errors(
    fake: FakeAzure, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CollectionError, match="not visible") as info:
        collect(options(fake, subscriptions=("Nope",)))
    assert "\n" not in str(info.value)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "wrong")
    with pytest.raises(CollectionError, match="no Azure credential worked"):
        collect(options(fake))


def test_subscription_selected_by_name_limits_every_read(fake: FakeAzure) -> None:
    snap = collect(options(fake, subscriptions=("contoso development",)))
    assert [s.subscription_id for s in snap.subscriptions] == [SUB2]
    assert snap.resources and all(SUB1 not in r["id"] for r in snap.resources)


def test_cancel_stops_between_reads(fake: FakeAzure) -> None:
    cancel = threading.Event()

    class StopAtFirstPhase:
        def phase(self, name: str, total: int) -> None:
            if name == "container groups":
                cancel.set()

        def advance(self, name: str, amount: int = 1) -> None:
            pass

        def problem(self, entry: Any) -> None:
            pass

        def note(self, text: str) -> None:
            pass

    with pytest.raises(Cancelled):
        collect(options(fake), StopAtFirstPhase(), cancel)


def live_args(fake: FakeAzure) -> list[str]:
    return [
        "--auth",
        "env",
        "--arm-endpoint",
        fake.url,
        "--authority-host",
        fake.url,
        "--ca-bundle",
        str(fake.ca_path),
    ]


def test_cli_collect_then_scan_offline(fake: FakeAzure, tmp_path: Path, capsys) -> None:
    target = tmp_path / "estate.json"
    assert main(["collect", *live_args(fake), "-o", str(target)]) == 0
    err = capsys.readouterr().err
    assert "signed in as" in err and "wrote" in err
    assert CANARY not in target.read_text()
    assert main(["scan", "--snapshot", str(target), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["snapshot"]["source"]["kind"] == "live"


def test_cli_scan_live_in_one_go(fake: FakeAzure, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.md"
    code = main(
        ["scan", *live_args(fake), "--subscription", SUB1, "-o", str(out), "--fail-on", "critical"]
    )
    assert code in (0, 1)
    text = out.read_text()
    assert "Contoso Production" in text and CANARY not in text
    assert fake.violations == []


def test_cli_collect_failure_writes_nothing(fake: FakeAzure, tmp_path: Path, capsys) -> None:
    target = tmp_path / "estate.json"
    assert main(["collect", *live_args(fake), "--subscription", "nope", "-o", str(target)]) == 2
    assert not target.exists()
    assert "not visible" in capsys.readouterr().err
