"""The compliance roll-up: verdicts never read PASS without every result passing,
frameworks asked for come first, and the Markdown and JSON reports carry it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from aciaudit.reports import render
from aciaudit.reports.compliance import (
    ControlRollup,
    control_key,
    framework_order,
    rollup,
)
from aciaudit.run import Run, audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.model import Status
from checks.registry import FRAMEWORKS


@pytest.fixture(scope="module")
def demo_run() -> Run:
    return audit(load_demo(), DEMO_POLICY)


def control(**counts: int) -> ControlRollup:
    return ControlRollup(
        "mcsb-v2",
        "NS-2",
        ("ACR-003",),
        tuple((Status[k], n) for k, n in counts.items()),
        (("ACR-003", "src"),),
    )


def test_a_control_passes_only_when_every_result_passed() -> None:
    assert control(FAIL=1, PASS=9).verdict == "FAIL"
    assert control(PASS=9, NOT_ASSESSED=1).verdict == "NOT_ASSESSED"
    assert control(PASS=3).verdict == "PASS"
    assert control(MANUAL=1).verdict == "MANUAL"
    assert control().verdict == "NO_DATA"
    assert control(PASS=3, NOT_ASSESSED=1).coverage == 0.75
    assert control().coverage is None


def test_frameworks_asked_for_come_first_and_unknown_ones_are_ignored() -> None:
    assert framework_order(["pci-dss-4.0.1", "nope", "pci-dss-4.0.1"])[:2] == [
        "pci-dss-4.0.1",
        "mcsb-v2",
    ]
    assert sorted(framework_order()) == sorted(FRAMEWORKS)


def test_controls_sort_naturally() -> None:
    ids = ["SC-7(3)", "NS-10", "11.3.1", "NS-2", "1.4.4", "SC-7"]
    assert sorted(ids, key=control_key) == ["1.4.4", "11.3.1", "NS-2", "NS-10", "SC-7", "SC-7(3)"]


def test_demo_rollup_counts_the_results_of_each_mapped_check(demo_run: Run) -> None:
    mcsb = next(fw for fw in rollup(demo_run) if fw.key == "mcsb-v2")
    im1 = next(c for c in mcsb.controls if c.control == "IM-1")
    assert set(im1.checks) >= {"ACR-001", "ACR-002", "ACR-011", "ACR-012"}
    expected = sum(
        1 for r in demo_run.results if r.check_id in im1.checks and r.status is Status.FAIL
    )
    assert im1.count(Status.FAIL) == expected > 0
    assert im1.verdict == "FAIL"


def test_a_disabled_check_does_not_count_towards_its_controls(demo_run: Run) -> None:
    policy = replace(demo_run.policy, disabled=frozenset({"ACR-001"}))
    run = replace(demo_run, policy=policy)
    mcsb = next(fw for fw in rollup(run) if fw.key == "mcsb-v2")
    im1 = next(c for c in mcsb.controls if c.control == "IM-1")
    acr001 = sum(1 for r in run.results if r.check_id == "ACR-001")
    before = next(
        c
        for c in next(f for f in rollup(demo_run) if f.key == "mcsb-v2").controls
        if c.control == "IM-1"
    )
    assert sum(n for _, n in before.counts) - sum(n for _, n in im1.counts) == acr001


def test_reports_carry_the_compliance_section_in_the_asked_order(demo_run: Run) -> None:
    run = replace(demo_run, frameworks_first=("nist-800-53-r5",))
    md = render(run, "markdown")
    assert "## Compliance" in md
    first = md.index("(`nist-800-53-r5`)")
    assert first < md.index("(`mcsb-v2`)")
    doc = json.loads(render(run, "json"))
    assert doc["compliance"][0]["framework"] == "nist-800-53-r5"
    acr = next(c for c in doc["checks"] if c["id"] == "ACR-003")
    assert acr["frameworks"]["mcsb-v2"]["controls"] == ["NS-2"]
    assert acr["frameworks"]["mcsb-v2"]["source"]


def test_scan_framework_option_orders_the_compliance_section(tmp_path, capsys) -> None:
    from aciaudit.cli import main

    out = tmp_path / "r"
    argv = ["scan", "--demo", "--framework", "finos-ccc", "--framework", "pci-dss-4.0.1"]
    assert main([*argv, "--format", "json,html,azure-policy,script", "-o", str(out)]) == 0
    doc = json.loads((out / "report.json").read_text("utf-8"))
    assert [f["framework"] for f in doc["compliance"]][:2] == ["finos-ccc", "pci-dss-4.0.1"]
    names = sorted(p.name for p in out.iterdir())
    assert names == ["azure-policy.json", "remediation.sh", "report.html", "report.json"]
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--demo", "--framework", "cis"])
    assert exc.value.code == 2
    capsys.readouterr()
