"""Container group profiles in the app's models (#12 item 8): findings rows give them
their own resource type, the resources tree its own node kind with the containers."""

from __future__ import annotations

from fixtures import SUB_ID, load_example, make_snapshot

from aciaudit.redact import redact_in_place
from aciaudit.run import audit
from tui.findings_model import RTYPES, build_rows
from tui.resources_model import PROFILE, build_tree

PROFILES = "Microsoft.ContainerInstance/containerGroupProfiles"
PID = f"/subscriptions/{SUB_ID}/resourceGroups/demo/providers/{PROFILES}/demo1"


def run_with_profile():
    body = load_example("Microsoft.ContainerInstance/2025-09-01/ContainerGroupProfilesGet.json")
    body["id"] = PID
    body["properties"]["containers"][0]["properties"]["securityContext"] = {"privileged": True}
    redact_in_place(body)
    snap = make_snapshot(
        [body], coverage=[(f"/subscriptions/{SUB_ID}", PROFILES, "collected", None, "2025-09-01")]
    )
    return audit(snap)


def test_findings_rows_name_the_profile_kind() -> None:
    run = run_with_profile()
    rows = [r for r in build_rows(run) if r.result.resource_id == PID]
    assert rows and {r.rtype for r in rows} == {"container group profile"}
    assert "container group profile" in RTYPES
    assert any(r.result.check_id == "ACI-016" and r.result.status == "FAIL" for r in rows)


def test_resources_tree_shows_the_profile_with_its_containers() -> None:
    tree = build_tree(run_with_profile())
    node = tree.by_scope[PID.lower()]
    assert node.kind == PROFILE
    assert [c.name for c in node.children] == ["demo1"]
    assert tree.totals[PROFILE] == 1
    assert sum(node.counts.fail) >= 1  # ACI-016 and the image checks
