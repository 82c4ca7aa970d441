"""Baseline diff: new, resolved, unchanged — and a change of scope is never 'resolved'."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from aciaudit.cli import main
from aciaudit.diff import Change, Diff, diff_runs, diff_sides, side_from_report, side_from_run
from aciaudit.reports import render
from aciaudit.reports.delta import delta_json
from aciaudit.reports.json_report import dumps
from aciaudit.run import Run, audit
from aciaudit.snapshot_io import save_snapshot
from checks.kinds import AUDITED_KINDS
from checks.model import Severity, Status
from tests.fixtures import make_snapshot, registry

SUB_A = "aaaaaaaa-0000-4000-8000-000000000001"
SUB_B = "bbbbbbbb-0000-4000-8000-000000000002"
REPORT_SCHEMA = json.loads(
    (Path(__file__).parent.parent / "schemas" / "report.schema.json").read_text("utf-8")
)


def reg(name: str, admin: bool, sub: str = SUB_A) -> dict:
    return registry(name=name, subscription=sub, properties={"adminUserEnabled": admin})


def acr001(diff: Diff) -> dict[str, Change]:
    """Registry name → change, for ACR-001 (admin user) only."""
    return {
        e.resource_id.rsplit("/", 1)[-1]: e.change for e in diff.entries if e.check_id == "ACR-001"
    }


def old_and_new() -> tuple[Run, Run]:
    old = audit(
        make_snapshot(
            [reg("same", True), reg("fixed", True), reg("broke", False), reg("gone", True)]
        )
    )
    new = audit(
        make_snapshot(
            [reg("same", True), reg("fixed", False), reg("broke", True), reg("added", True)]
        )
    )
    return old, new


def test_new_resolved_unchanged() -> None:
    old, new = old_and_new()
    diff = diff_runs(old, new)
    assert acr001(diff) == {
        "broke": Change.NEW,
        "added": Change.NEW,
        "fixed": Change.RESOLVED,
        "gone": Change.RESOLVED,
        "same": Change.UNCHANGED,
    }
    broke = next(e for e in diff.new if e.resource_id.endswith("/broke"))
    assert (broke.old_status, broke.new_status, broke.severity) == (
        Status.PASS,
        Status.FAIL,
        Severity.HIGH,
    )
    gone = next(e for e in diff.resolved if e.resource_id.endswith("/gone"))
    assert gone.new_status is None and gone.old_status is Status.FAIL
    # Ids are case-insensitive: the TUI asks with whatever spelling its row holds.
    assert diff.change_of("ACR-001", broke.resource_id.upper()) is Change.NEW
    assert diff.new_failures_at_least(Severity.HIGH)
    assert not diff.new_failures_at_least(Severity.CRITICAL)


def test_json_report_side_matches_the_run_side() -> None:
    old, new = old_and_new()
    from_report = side_from_report(json.loads(dumps(old)), "old")
    via_report = diff_sides(from_report, side_from_run(new))
    assert [(e.change, e.check_id, e.resource_id) for e in via_report.entries] == [
        (e.change, e.check_id, e.resource_id) for e in diff_runs(old, new).entries
    ]


def test_denied_subscription_is_incomparable_not_resolved() -> None:
    old = audit(make_snapshot([reg("a1", True, SUB_A), reg("b1", True, SUB_B)]))
    # NEW: subscription B could not be read at all; its registry is simply not there.
    denied = [
        (f"/subscriptions/{SUB_B}", kind, "denied", "AuthorizationFailed") for kind in AUDITED_KINDS
    ]
    new = audit(make_snapshot([reg("a1", False, SUB_A)], coverage=denied))
    for diff in (
        diff_runs(old, new),
        diff_sides(side_from_report(json.loads(dumps(old)), "old"), side_from_run(new)),
    ):
        assert acr001(diff) == {"a1": Change.RESOLVED, "b1": Change.INCOMPARABLE}
        b1 = next(e for e in diff.incomparable if e.resource_id.endswith("/b1"))
        assert "denied" in b1.reason and "AuthorizationFailed" in b1.reason
        # Nothing in subscription B is resolved, whatever the check.
        assert not [e for e in diff.resolved if SUB_B in e.resource_id]
        assert [e for e in diff.incomparable if SUB_B in e.resource_id]


def test_not_assessed_on_either_side_is_incomparable() -> None:
    old = audit(make_snapshot([reg("r", True)]))
    # NEW read the registry list, but the registry's own read failed: NOT_ASSESSED.
    rid = registry(name="r", subscription=SUB_A)["id"]
    new = audit(
        make_snapshot(
            [reg("r", False)],
            coverage=[(rid, "Microsoft.ContainerRegistry/registries", "failed", "500")],
        )
    )
    assert acr001(diff_runs(old, new)) == {"r": Change.INCOMPARABLE}
    # And backwards: what was not assessed before cannot be 'new' now.
    assert acr001(diff_runs(new, old)) == {"r": Change.INCOMPARABLE}


def test_subscription_missing_from_old_makes_new_findings_incomparable() -> None:
    old = audit(make_snapshot([reg("a1", False, SUB_A)]))
    new = audit(make_snapshot([reg("a1", False, SUB_A), reg("b1", True, SUB_B)]))
    changes = acr001(diff_runs(old, new))
    assert changes == {"b1": Change.INCOMPARABLE}


def test_reports_carry_the_delta(tmp_path: Path) -> None:
    old, new = old_and_new()
    new = new.with_delta(diff_runs(old, new))
    assert new.delta is not None
    doc = json.loads(render(new, "json"))
    Draft202012Validator(REPORT_SCHEMA).validate(doc)
    assert doc["delta"] == json.loads(json.dumps(delta_json(new.delta)))
    assert doc["delta"]["counts"]["new"] >= 2
    markdown = render(new, "markdown")
    assert "## Changes since baseline" in markdown
    assert "### New failures" in markdown and "broke" in markdown
    sarif = json.loads(render(new, "sarif"))
    states = {r["baselineState"] for r in sarif["runs"][0]["results"] if "baselineState" in r}
    assert states == {"new", "unchanged"}


def test_cli_diff_and_fail_on_new(tmp_path: Path, capsys) -> None:
    old, new = old_and_new()
    old_report = tmp_path / "old.json"
    old_report.write_text(dumps(old), encoding="utf-8")
    new_snapshot = tmp_path / "new-snapshot.json"
    save_snapshot(new.snapshot, new_snapshot)
    assert main(["diff", str(old_report), str(new_snapshot)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Container security audit — diff")
    assert "### New failures" in out and "new FAIL" in err
    assert main(["diff", str(old_report), str(new_snapshot), "--fail-on-new", "high"]) == 1
    assert main(["diff", str(old_report), str(new_snapshot), "--fail-on-new", "critical"]) == 0
    target = tmp_path / "delta.json"
    assert (
        main(["diff", str(old_report), str(new_snapshot), "--format", "json", "-o", str(target)])
        == 0
    )
    delta = json.loads(target.read_text())["delta"]
    assert delta["counts"]["new"] >= 2 and delta["counts"]["resolved"] >= 2
    capsys.readouterr()
    # scan --baseline: the same comparison inside the scan report.
    assert (
        main(
            [
                "scan",
                "--snapshot",
                str(new_snapshot),
                "--baseline",
                str(old_report),
                "--format",
                "json",
                "--fail-on-new",
                "high",
            ]
        )
        == 1
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["delta"]["counts"]["new"] >= 2


def test_cli_baseline_errors(tmp_path: Path, capsys) -> None:
    assert main(["scan", "--demo", "--fail-on-new", "high"]) == 2
    assert "--fail-on-new needs --baseline" in capsys.readouterr().err
    assert main(["scan", "--demo", "--baseline", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["diff", str(bad), str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_suppressed_new_failure_is_reported_but_does_not_fail_ci(tmp_path: Path, capsys) -> None:
    old, new = old_and_new()
    old_snapshot, new_snapshot = tmp_path / "old.json", tmp_path / "new.json"
    save_snapshot(old.snapshot, old_snapshot)
    save_snapshot(new.snapshot, new_snapshot)
    args = ["diff", str(old_snapshot), str(new_snapshot), "--format", "json"]
    assert main([*args, "--fail-on-new", "high"]) == 1
    capsys.readouterr()
    # The policy file accepts both new admin-user findings until 2099.
    policy = tmp_path / "policy.toml"
    policy.write_text(
        "".join(
            f'[[suppressions]]\ncheck = "ACR-001"\nresource = "*/registries/{name}"\n'
            f'justification = "accepted"\nexpires = 2099-01-01\nauthor = "ana"\n\n'
            for name in ("broke", "added")
        ),
        encoding="utf-8",
    )
    assert main([*args, "--policy", str(policy), "--fail-on-new", "high"]) == 0
    new_entries = json.loads(capsys.readouterr().out)["delta"]["new"]
    acr = [e for e in new_entries if e["check_id"] == "ACR-001"]
    assert len(acr) == 2 and all(e["suppressed"] for e in acr)


def test_a_saved_demo_snapshot_as_baseline_compares_whole(tmp_path: Path, capsys) -> None:
    # The demo brings its vulnerability reports wherever it is audited, baseline included:
    # its ACI-029 / ACR-016 results are comparable, not incomparable.
    from aciaudit.sources.demo import load_demo

    save_snapshot(load_demo(), tmp_path / "demo.json")
    out = tmp_path / "r.json"
    assert main(["scan", "--demo", "--baseline", str(tmp_path / "demo.json"), "--format",
                 "json", "-o", str(out)]) == 0  # fmt: skip
    assert "0 new FAIL · 0 resolved · 0 incomparable" in capsys.readouterr().err
    results = json.loads(out.read_text())["results"]
    assert any(r["check_id"] == "ACI-029" and r["status"] == "FAIL" for r in results)
