"""Defender for Cloud findings read live: the Resource Graph query, its coverage, and the
audit of ACR-016 / ACI-029 from a snapshot `aci-audit collect` wrote."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fakearm import FakeAzure
from fakearm.server import GRAPH_PATH
from fixtures import SCAN_EXAMPLES
from test_live_collect import CANARY, SUB1, SUB2, estate, live_args, options

from aciaudit.cli import main
from aciaudit.run import audit
from aciaudit.snapshot_io import load_snapshot
from aciaudit.sources.azure import defender_reads, graph
from aciaudit.sources.azure.collector import collect
from checks.kinds import DEFENDER_FINDINGS
from checks.model import Status
from checks.snapshot import CoverageStatus

ARG_ROW = SCAN_EXAMPLES / "defender" / "mdvm-acr-subassessment.arg-rows.json"
MDVM_KEY = "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5"
ACR = (
    f"/subscriptions/{SUB1}/resourceGroups/rg-shared/providers/"
    "Microsoft.ContainerRegistry/registries/contosoacr"
)
WEB = f"/subscriptions/{SUB1}/resourceGroups/rg-app/providers/Microsoft.ContainerInstance/containerGroups/web"
HOST = "myregistry.azurecr.io"  # the example registry's login server, lower-cased
DIGEST = "sha256:" + "ab" * 32
IMAGE = f"{HOST}/app/web@{DIGEST}"


def finding(
    name: str, cve: str, code: str = "Unhealthy", kind: str = "AzureContainerRegistryVulnerability"
) -> dict[str, Any]:
    """The documented MDVM row as ARM stores it, moved to our registry's app/web image."""
    row = json.loads(ARG_ROW.read_text(encoding="utf-8"))[0]
    props = copy.deepcopy(row["properties"])
    props["id"] = props["displayName"] = cve
    props["status"] = {"code": code, "severity": "High"}
    data = props["additionalData"]
    data["assessedResourceType"] = kind
    data["vulnerabilityDetails"]["cveId"] = cve
    data["artifactDetails"].update(
        registryHost=HOST, repositoryName="app/web", digest=DIGEST, tags=["1.2"]
    )
    data["softwareDetails"].update(packageName="openssl", version="3.0.1", fixedVersion="3.0.9")
    return {
        "id": f"{ACR}/providers/Microsoft.Security/assessments/{MDVM_KEY}/subAssessments/{name}",
        "name": name,
        "type": "Microsoft.Security/assessments/subAssessments",
        "properties": props,
    }


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        web = next(o for o in server.objects() if o["id"] == WEB)
        web["properties"]["containers"][0]["properties"]["image"] = IMAGE
        server.add(web)
        server.add(finding("open-1", "CVE-2023-0001"))
        server.add(finding("exempt-1", "CVE-2023-0002", code="NotApplicable"))
        # Not an image finding: the query must leave it out.
        server.add(finding("vm-1", "CVE-2023-0003", kind="ServerVulnerabilityTvm"))
        server.sign_in_env(monkeypatch)
        yield server


class Recorder:
    """Progress as the CLI bars and the TUI see it: phase -> [total, advanced]."""

    def __init__(self) -> None:
        self.phases: dict[str, list[int]] = {}

    def phase(self, name: str, total: int) -> None:
        self.phases[name] = [total, 0]

    def advance(self, name: str, amount: int = 1) -> None:
        self.phases[name][1] += amount

    def problem(self, entry: Any) -> None:
        pass

    def note(self, text: str) -> None:
        pass


def coverage(snap: Any) -> dict[str, Any]:
    return {c.scope: c for c in snap.coverage if c.kind == DEFENDER_FINDINGS}


def results(snap: Any) -> dict[tuple[str, str], Any]:
    return {(r.check_id, r.resource_id): r for r in audit(snap).results}


def test_findings_are_read_through_resource_graph_and_judged(fake: FakeAzure) -> None:
    fake.graph_page_size = 1  # the findings query pages with $skipToken too
    progress = Recorder()
    snap = collect(options(fake), progress)
    assert progress.phases[defender_reads.DEFENDER_PHASE] == [2, 2]  # (total, advanced)
    rows = [r for r in snap.resources if r["type"] == DEFENDER_FINDINGS]
    assert sorted(r["id"].rsplit("/", 1)[-1] for r in rows) == ["exempt-1", "open-1"]
    props = next(r for r in rows if r["id"].endswith("open-1"))["properties"]
    assert props["additionalData"]["artifactDetails"]["digest"] == DIGEST
    assert "cpe" not in props["additionalData"]["vulnerabilityDetails"]  # projected
    cov = coverage(snap)
    assert {s: c.status for s, c in cov.items()} == {
        f"/subscriptions/{SUB1}": CoverageStatus.COLLECTED,
        f"/subscriptions/{SUB2}": CoverageStatus.COLLECTED,
    }
    queries = [
        r for r in fake.calls(GRAPH_PATH, "POST") if "securityresources" in r.body_json["query"]
    ]
    assert len(queries) == 2 and queries[1].body_json["options"].get("$skipToken")

    by = results(snap)
    assert by[("ACI-029", WEB)].status is Status.FAIL
    assert "CVE-2023-0001" in json.dumps([e.to_dict() for e in by[("ACI-029", WEB)].evidence])
    assert by[("ACR-016", ACR)].status is Status.FAIL
    assert "1 high" in by[("ACR-016", ACR)].message  # the exempt row is kept, not open
    assert fake.violations == []


def test_denied_findings_leave_the_rest_and_say_why(fake: FakeAzure) -> None:
    fake.deny_graph_table("securityresources")
    snap = collect(options(fake))
    assert not [r for r in snap.resources if r["type"] == DEFENDER_FINDINGS]
    cov = coverage(snap)
    assert set(cov) == {f"/subscriptions/{SUB1}", f"/subscriptions/{SUB2}"}
    for entry in cov.values():
        assert entry.status is CoverageStatus.DENIED
        assert entry.detail and entry.detail.startswith("AuthorizationFailed")
    # The inventory's own query still worked: the groups came from Resource Graph.
    assert any(r["id"] == WEB for r in snap.resources)
    by = results(snap)
    for key in (("ACI-029", WEB), ("ACR-016", ACR)):
        assert by[key].status is Status.NOT_ASSESSED
        assert "no vulnerability data" in by[key].message
        assert f"{DEFENDER_FINDINGS}) were not read: denied (AuthorizationFailed" in (
            by[key].message
        )


@pytest.mark.parametrize("graph", ["disabled", "denied"])
def test_without_resource_graph_each_registry_is_listed(fake: FakeAzure, graph: str) -> None:
    if graph == "denied":
        fake.fail(GRAPH_PATH, status=403, method="POST")
    fake.page_size = 1  # the ARM list pages with nextLink
    snap = collect(options(fake, use_resource_graph=graph == "denied"))
    # Refused once by the inventory, not asked again for the findings.
    assert len(fake.calls(GRAPH_PATH, "POST")) == (1 if graph == "denied" else 0)
    lists = fake.calls(
        rf"/registries/contosoacr/providers/Microsoft\.Security/assessments/{MDVM_KEY}/subAssessments$",
        "GET",
    )
    assert len(lists) == 3 and {r.api_version for r in lists} == {"2019-01-01-preview"}
    rows = [r for r in snap.resources if r["type"] == DEFENDER_FINDINGS]
    assert sorted(r["id"].rsplit("/", 1)[-1] for r in rows) == ["exempt-1", "open-1"]
    cov = coverage(snap)
    assert set(cov) == {f"/subscriptions/{SUB1}", f"/subscriptions/{SUB2}", ACR}
    assert all(c.status is CoverageStatus.COLLECTED for c in cov.values())
    by = results(snap)
    assert by[("ACI-029", WEB)].status is Status.FAIL
    assert by[("ACR-016", ACR)].status is Status.FAIL


def test_a_registry_whose_findings_are_denied_is_named(fake: FakeAzure) -> None:
    fake.fail(r"/registries/contosoacr/providers/Microsoft\.Security/assessments/", status=403)
    snap = collect(options(fake, use_resource_graph=False))
    cov = coverage(snap)
    assert cov[ACR].status is CoverageStatus.DENIED
    assert cov[f"/subscriptions/{SUB1}"].status is CoverageStatus.DENIED
    assert "(registry contosoacr)" in (cov[f"/subscriptions/{SUB1}"].detail or "")
    assert cov[f"/subscriptions/{SUB2}"].status is CoverageStatus.COLLECTED
    by = results(snap)
    assert "were not read: denied (AuthorizationFailed" in by[("ACR-016", ACR)].message
    assert "were not read: denied (AuthorizationFailed" in by[("ACI-029", WEB)].message


def test_read_and_empty_means_unscanned_not_no_data(fake: FakeAzure) -> None:
    fake.add(finding("open-1", "CVE-2023-0001", kind="ServerVulnerabilityTvm"))
    fake.add(finding("exempt-1", "CVE-2023-0002", kind="ServerVulnerabilityTvm"))
    snap = collect(options(fake))
    assert not [r for r in snap.resources if r["type"] == DEFENDER_FINDINGS]
    result = results(snap)[("ACI-029", WEB)]
    assert result.status is Status.NOT_ASSESSED
    assert f"no scan data for image {IMAGE}" in result.message


def test_many_subscriptions_are_queried_in_batches(
    fake: FakeAzure, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph, "GRAPH_BATCH", 1)
    snap = collect(options(fake))
    queries = [
        r.body_json["subscriptions"]
        for r in fake.calls(GRAPH_PATH, "POST")
        if "securityresources" in r.body_json["query"]
    ]
    assert sorted(queries) == sorted([[SUB1], [SUB2]])
    assert results(snap)[("ACI-029", WEB)].status is Status.FAIL


def test_cli_collect_then_scan_judges_the_findings(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "estate.json"
    assert main(["collect", *live_args(fake), "-o", str(target)]) == 0
    assert "wrote" in capsys.readouterr().err
    text = target.read_text(encoding="utf-8")
    assert CANARY not in text
    snap = load_snapshot(target)
    assert coverage(snap)[f"/subscriptions/{SUB1}"].status is CoverageStatus.COLLECTED
    assert main(["scan", "--snapshot", str(target), "--format", "json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    status = {(r["check_id"], r["resource_id"]): r["status"] for r in report["results"]}
    assert status[("ACI-029", WEB)] == "FAIL" and status[("ACR-016", ACR)] == "FAIL"
