"""Sorted orders of the findings rows are computed once per run and shared by every
findings view of that run; presorting (the load worker's) gives the same orders a
view computes on first use, and a new run's rows start afresh."""

from __future__ import annotations

from aciaudit.run import audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from tui.findings_model import (
    COLUMNS,
    Filter,
    FindingsView,
    build_rows,
    presort,
    shared_orders,
)

RUN = audit(load_demo(), DEMO_POLICY)


def ids(rows: list) -> list[tuple[str, str]]:
    return [(r.result.check_id, r.result.resource_id) for r in rows]


def test_presorted_orders_equal_a_plain_stable_sort_and_reverse() -> None:
    rows = build_rows(RUN)
    presort(rows)
    for k, column in enumerate(COLUMNS):
        expected = sorted(rows, key=lambda row: row.keys[k])
        for reverse in (False, True):
            view = FindingsView(rows, Filter())
            view.sort, view.reverse = column, reverse
            view.refresh()
            assert ids(view.items) == ids(expected[::-1] if reverse else expected)  # type: ignore[arg-type]


def test_views_of_one_run_share_orders_and_a_new_run_starts_afresh() -> None:
    rows = build_rows(RUN)
    first = FindingsView(rows, Filter())
    first.sort = "resource"
    first.refresh()
    second = FindingsView(rows, Filter(), sort="resource")
    assert second.items is first.items  # sorted once, shared
    other = build_rows(RUN)
    assert shared_orders(other) == {(None, False): other}
