"""The CSV writer makes a check's cells and a resource's cells safe once and reuses
them: every row still holds its own check's and its own resource's cells."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from test_report_json import REG, REG2, make_run

from aciaudit.reports.csv_report import write_csv
from checks.model import Result, Status
from checks.policy import Suppression

HOSTILE = REG.rsplit("/", 1)[0] + "/=cmd"


def test_each_row_has_its_own_check_and_resource_cells() -> None:
    base = make_run()
    results = [
        Result("ACR-001", REG, Status.FAIL, "=1+1 first"),
        Result("ACR-001", HOSTILE, Status.PASS, "second"),
        Result("ACR-005", REG2, Status.FAIL, "third"),
        Result("ACR-005", REG, Status.NOT_ASSESSED, "-fourth"),
        Result("ACR-001", REG2, Status.FAIL, "fifth"),
    ]
    keep = Suppression("ACR-001", REG2, "accepted", date(2999, 1, 1), "me")
    run = replace(base, results=results, suppressions={("ACR-001", REG2): keep})
    out: list[str] = []
    write_csv(run, out.append)
    header, *rows = list(csv.reader(io.StringIO("".join(out))))
    assert len(rows) == len(results)
    col = {name: i for i, name in enumerate(header)}
    for row, result in zip(rows, results, strict=True):
        chk = run.catalogue[result.check_id]
        assert row[col["check_id"]] == chk.id
        assert row[col["title"]] == chk.title
        assert row[col["severity"]] == chk.severity.value
        assert row[col["section"]] == chk.section
        assert row[col["status"]] == result.status.value
        assert row[col["resource_id"]] == result.resource_id
        assert row[col["message"]] == ("'" if result.message[0] in "=-" else "") + result.message
    assert [r[col["resource_name"]] for r in rows][:2] == [REG.rsplit("/", 1)[-1], "'=cmd"]
    assert [r[col["suppressed"]] for r in rows] == ["no", "no", "no", "no", "yes"]
