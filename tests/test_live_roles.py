"""ACI-025 through Entra groups. `GET {scope}/providers/Microsoft.Authorization/
roleAssignments?api-version=2022-04-01&$filter=assignedTo('{objectId}')` (Role Assignments
- List For Scope, azure-rest-api-specs `authorization/.../stable/2022-04-01`) lists, per
Microsoft Learn's "List Azure role assignments using the REST API", the assignments of
the user or service principal and, transitively, of every group it is a member of — those
with the group's principalId (the filter takes only a user's or service principal's
object id). An identity that is Owner through a group must FAIL, never PASS."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fakearm import FakeAzure
from test_live_collect import SUB1, SUB2, estate, options

from aciaudit.run import audit
from aciaudit.sources.azure.collector import collect
from checks import kinds
from checks.model import Status
from checks.snapshot import CoverageStatus

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ENTRA_GROUP = "44444444-dddd-4ddd-8ddd-444444444444"
BATCH_PRINCIPAL = "55555555-eeee-4eee-8eee-555555555555"
ROLES = r"/providers/Microsoft\.Authorization/roleAssignments$"


def assignment(name: str, sub: str, principal: str, kind: str, role: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "principalId": principal,
            "principalType": kind,
            "scope": f"/subscriptions/{sub}",
            "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{role}",
        },
    }


def batch_id() -> str:
    return (
        f"/subscriptions/{SUB2}/resourceGroups/rg-batch/providers/"
        "Microsoft.ContainerInstance/containerGroups/batch"
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        batch = next(o for o in server.objects() if o["id"] == batch_id())
        batch["identity"] = {"type": "SystemAssigned", "principalId": BATCH_PRINCIPAL}
        server.add(batch)
        # The batch identity is Owner of SUB2 only through an Entra group.
        server.add(assignment("ra-group", SUB2, ENTRA_GROUP, "Group", OWNER))
        server.group_members[ENTRA_GROUP] = {BATCH_PRINCIPAL}
        server.sign_in_env(monkeypatch)
        yield server


def aci_025(snap: Any) -> dict[str, Any]:
    return {r.resource_id: r for r in audit(snap).results if r.check_id == "ACI-025"}


def test_a_role_held_through_a_group_fails_and_says_via_which_group(fake: FakeAzure) -> None:
    snap = collect(options(fake))
    result = aci_025(snap)[batch_id()]
    assert result.status is Status.FAIL
    assert f"via group {ENTRA_GROUP}" in result.message
    assert any(
        isinstance(e.observed, dict) and e.observed.get("via") == f"group {ENTRA_GROUP}"
        for e in result.evidence
    )
    stored = next(r for r in snap.resources if r["id"].endswith("/ra-group"))
    assert stored["properties"]["principalId"] == ENTRA_GROUP  # as ARM returned it
    assert stored["assignedTo"] == [BATCH_PRINCIPAL]


def test_many_identities_with_a_group_assignment_are_each_asked_for(fake: FakeAzure) -> None:
    batch = next(o for o in fake.objects() if o["id"] == batch_id())
    for n in range(4):  # more identities than ROLE_FILTER_MAX in SUB2
        other = copy.deepcopy(batch)
        other["id"] = batch["id"] + f"-{n}"
        other["name"] = f"batch-{n}"
        other["identity"] = {
            "type": "SystemAssigned",
            "principalId": f"{n}" * 8 + "-0000-4000-8000-" + "0" * 12,
        }
        fake.add(other)
    snap = collect(options(fake))
    assert aci_025(snap)[batch_id()].status is Status.FAIL
    sub2 = fake.calls(rf"/subscriptions/{SUB2}{ROLES}")
    filters = [r.query.get("$filter") for r in sub2]
    assert filters.count(None) == 1  # the listing showed a group assignment...
    assert len([f for f in filters if f and f.startswith("assignedTo(")]) == 5  # ...so each


def test_many_identities_without_group_assignments_take_one_listing(fake: FakeAzure) -> None:
    # The same assignment held by a user, not a group: nothing can be inherited.
    fake.add(assignment("ra-group", SUB2, ENTRA_GROUP, "User", OWNER))
    batch = next(o for o in fake.objects() if o["id"] == batch_id())
    for n in range(4):
        other = copy.deepcopy(batch)
        other["id"] = batch["id"] + f"-{n}"
        other["name"] = f"batch-{n}"
        principal = f"{n}" * 8 + "-0000-4000-8000-" + "0" * 12
        other["identity"] = {"type": "SystemAssigned", "principalId": principal}
        fake.add(other)
    snap = collect(options(fake))
    calls = fake.calls(rf"/subscriptions/{SUB2}{ROLES}")
    assert len(calls) == 1 and "$filter" not in calls[0].query
    assert aci_025(snap)[batch_id()].status is Status.PASS
    assert not any(r["id"].endswith("/ra-group") for r in snap.resources)  # not ours: dropped


def test_role_assignments_are_collected_only_where_read(fake: FakeAzure) -> None:
    batch = next(o for o in fake.objects() if o["id"] == batch_id())
    batch.pop("identity")
    fake.add(batch)
    snap = collect(options(fake))
    entry = next(
        c
        for c in snap.coverage
        if c.scope == f"/subscriptions/{SUB2}" and c.kind == kinds.ROLE_ASSIGNMENTS
    )
    assert entry.status is CoverageStatus.NOT_COLLECTED
    assert "no container group in the subscription has a managed identity" in (entry.detail or "")
    assert fake.calls(rf"/subscriptions/{SUB2}{ROLES}") == []
    assert fake.calls(rf"/subscriptions/{SUB1}{ROLES}")


def test_role_definitions_are_collected_only_when_one_was_read(fake: FakeAzure) -> None:
    snap = collect(options(fake))
    # Owner and Contributor are judged by their built-in ids: no definition is read.
    assert fake.calls(r"/roleDefinitions/") == []
    entries = [c for c in snap.coverage if c.kind == kinds.ROLE_DEFINITIONS]
    assert entries and all(c.status is CoverageStatus.NOT_COLLECTED for c in entries)
    assert all((c.detail or "").startswith("not needed") for c in entries)
