"""Container group profiles and NGroups through the fake ARM (#12 item 8).

Shapes: azure-rest-api-specs `specification/containerinstance/resource-manager/
Microsoft.ContainerInstance/stable/2025-09-01/examples/ContainerGroupProfilesGet.json`
(copied into tests/data/arm-examples); NGroups after the same version's `NGroup` model
(`properties.containerGroupProfiles[].resource.id`, `elasticProfile`, `identity`).
Profiles are listed (Resource Graph or per subscription) and each one read whole at the
newest ACI version that has them; NGroups are inventory, as listed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fakearm import FakeAzure
from fixtures import load_example
from test_live_collect import SUB1, SUB2, estate, options, rebase

from aciaudit.run import audit
from aciaudit.sources.azure.collector import collect
from checks.kinds import CONTAINER_GROUP_PROFILES, NGROUPS
from checks.model import Status
from checks.snapshot import CoverageStatus

SECRET = "QZXPROFILE-canary-91b2"
GET = "Microsoft.ContainerInstance/2025-09-01/ContainerGroupProfilesGet.json"


def add_profiles(fake: FakeAzure) -> tuple[str, str]:
    body = rebase(load_example(GET), SUB1, "rg-fleet", "worker-profile")
    c = body["properties"]["containers"][0]["properties"]
    c["environmentVariables"] = [{"name": "API_TOKEN", "value": SECRET}]
    c["securityContext"] = {"privileged": True}
    fake.add(body)
    ngroup = {
        "id": f"/subscriptions/{SUB1}/resourceGroups/rg-fleet/providers/{NGROUPS}/workers",
        "name": "workers",
        "type": NGROUPS,
        "location": "eastus2",
        "identity": {"type": "SystemAssigned", "principalId": "p-1", "tenantId": "t"},
        "properties": {
            "elasticProfile": {"desiredCount": 3},
            "containerGroupProfiles": [{"resource": {"id": body["id"]}, "revision": 1}],
            "provisioningState": "Succeeded",
        },
    }
    fake.add(ngroup)
    return body["id"], ngroup["id"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        add_profiles(server)
        server.sign_in_env(monkeypatch)
        yield server


def cov(snap: Any, kind: str) -> dict[str, Any]:
    return {c.scope.lower(): c for c in snap.coverage if c.kind == kind}


@pytest.mark.parametrize("graph", [True, False], ids=["graph", "listing"])
def test_profiles_and_ngroups_are_collected_redacted_and_judged(
    fake: FakeAzure, graph: bool
) -> None:
    snap = collect(options(fake, use_resource_graph=graph))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in snap.resources:
        by_type.setdefault(r["type"], []).append(r)
    (profile,) = by_type[CONTAINER_GROUP_PROFILES]
    (ngroup,) = by_type[NGROUPS]
    assert SECRET not in json.dumps(snap.to_dict())  # redacted like a group
    assert ngroup["properties"]["containerGroupProfiles"][0]["resource"]["id"] == profile["id"]
    assert ngroup["identity"]["type"] == "SystemAssigned"
    # Coverage: both kinds listed in each subscription, the profile read at 2026-05-01.
    for sub in (SUB1, SUB2):
        for kind in (CONTAINER_GROUP_PROFILES, NGROUPS):
            assert cov(snap, kind)[f"/subscriptions/{sub}"].status is CoverageStatus.COLLECTED
    entry = cov(snap, CONTAINER_GROUP_PROFILES)[profile["id"].lower()]
    assert entry.api_version == "2026-05-01"
    # One GET for the one profile; NGroups are not read one by one.
    assert len(fake.calls(r"/containerGroupProfiles/worker-profile$", "GET")) == 1
    assert fake.calls(r"/nGroups/workers$", "GET") == []
    results = {(r.check_id, r.resource_id): r for r in audit(snap).results}
    assert results[("ACI-006", profile["id"])].status is Status.FAIL
    assert results[("ACI-016", profile["id"])].status is Status.FAIL
    assert "Container group profile 'worker-profile'" in results[("ACI-016", profile["id"])].message


def test_denied_profile_listing_is_recorded_and_not_assessed(fake: FakeAzure) -> None:
    fake.fail(
        rf"/subscriptions/{SUB2}/providers/Microsoft.ContainerInstance/containerGroupProfiles$"
    )
    snap = collect(options(fake, use_resource_graph=False))
    entry = cov(snap, CONTAINER_GROUP_PROFILES)[f"/subscriptions/{SUB2}"]
    assert entry.status is CoverageStatus.DENIED
    gaps = [
        r
        for r in audit(snap).results
        if r.check_id == "ACI-006" and r.resource_id.endswith("/containerGroupProfiles")
    ]
    assert [g.status for g in gaps] == [Status.NOT_ASSESSED]
    assert "Container group profiles in subscription 'Contoso Development'" in gaps[0].message


def test_a_profile_whose_read_fails_is_kept_and_not_judged(fake: FakeAzure) -> None:
    fake.fail(r"/containerGroupProfiles/worker-profile$", status=500, code="InternalServerError")
    snap = collect(options(fake))
    (profile,) = [r for r in snap.resources if r["type"] == CONTAINER_GROUP_PROFILES]
    assert SECRET not in json.dumps(profile)
    entry = cov(snap, CONTAINER_GROUP_PROFILES)[profile["id"].lower()]
    assert entry.status is CoverageStatus.FAILED
    result = next(
        r for r in audit(snap).results if r.check_id == "ACI-016" and r.resource_id == profile["id"]
    )
    assert result.status is Status.NOT_ASSESSED


def test_a_cloud_without_profiles_says_not_collected(fake: FakeAzure) -> None:
    fake.api_versions = {
        CONTAINER_GROUP_PROFILES: ["2024-05-01-preview"],
        NGROUPS: ["2024-05-01-preview"],
    }
    fake.api_version_refusal = (400, "NoRegisteredProviderFound")
    snap = collect(options(fake, use_resource_graph=False))
    entry = cov(snap, CONTAINER_GROUP_PROFILES)[f"/subscriptions/{SUB1}"]
    assert entry.status is CoverageStatus.NOT_COLLECTED
    assert "refused every api-version" in (entry.detail or "")
    assert cov(snap, NGROUPS)[f"/subscriptions/{SUB1}"].status is CoverageStatus.NOT_COLLECTED


def test_reports_label_profiles_and_list_ngroups(fake: FakeAzure) -> None:
    from aciaudit.reports import render

    run = audit(collect(options(fake)))
    md = render(run, "markdown")
    assert "### Container group profiles" in md and "worker-profile" in md
    assert "### NGroups" in md and "SystemAssigned" in md and "worker-profile (revision" in md
    doc = json.loads(render(run, "json"))
    schema = json.loads((Path(__file__).parent.parent / "schemas/report.schema.json").read_text())
    jsonschema.validate(doc, schema)
    (ng,) = doc["snapshot"]["ngroups"]
    assert ng["identity"]["type"] == "SystemAssigned"
    assert ng["containerGroupProfiles"][0]["id"].endswith("/worker-profile")
    profile_rows = [r for r in doc["results"] if "/containerGroupProfiles/" in r["resource_id"]]
    assert profile_rows and all(r["resource_kind"] == "profile" for r in profile_rows)
    # The `az container` template is for groups: no command is offered for a profile.
    assert all(r.get("remediation_command") is None for r in profile_rows)
    assert all("resource_kind" not in r for r in doc["results"] if r not in profile_rows)
    sarif = json.loads(render(run, "sarif"))
    kinds = {
        res["properties"].get("resourceKind")
        for res in sarif["runs"][0]["results"]
        if "/containerGroupProfiles/" in res["properties"]["resourceId"]
    }
    assert kinds == {"profile"}
    assert "(profile) worker-profile" in render(run, "csv")
    assert SECRET not in md + render(run, "csv")
