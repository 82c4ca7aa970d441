"""Markdown findings: an Evidence object several FAILs share is rendered the same in each
of their rows (it is rendered once and found again by id), a different object with the
same content too, and a suppression note appears only on the FAIL it covers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from test_report_json import REG, REG2, make_run

from aciaudit.reports.markdown import render_markdown
from checks.model import Evidence, Result, Status
from checks.policy import Suppression


def evidence_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if "roleAssignments" in line]


def test_shared_evidence_rows_and_suppression_notes() -> None:
    shared = Evidence("roleAssignments", {"role": "Owner", "scope": "/s|x"}, "no Owner")
    copy = Evidence("roleAssignments", {"role": "Owner", "scope": "/s|x"}, "no Owner")
    base = make_run()
    results = [
        Result("ACR-001", REG, Status.FAIL, "first", (shared,)),
        Result("ACR-001", REG2, Status.FAIL, "second", (shared, copy)),
    ]
    rule = Suppression("ACR-001", REG2, "accepted risk", date(2999, 1, 1), "alice")
    run = replace(base, results=results, suppressions={("ACR-001", REG2): rule})
    text = render_markdown(run)
    rows = evidence_rows(text)
    assert len(rows) == 3
    cells = {row.split(" | ", 1)[1] for row in rows}  # all but the resource name
    assert cells == {'roleAssignments | {"role": "Owner", "scope": "/s\\|x"} | no Owner |  |'}
    message_rows = [line for line in text.splitlines() if "| first" in line or "| second" in line]
    assert len(message_rows) == 2
    assert "SUPPRESSED" not in message_rows[0]
    assert "**SUPPRESSED** until 2999-01-01 by alice: accepted risk" in message_rows[1]
    plain = render_markdown(replace(run, suppressions={}))
    assert "SUPPRESSED" not in plain
