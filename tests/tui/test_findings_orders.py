"""Sorted orders of the findings rows are computed once per run and shared by every
findings view of that run (through the run's views); preparing them ahead (the app's
worker) gives the same orders a view computes on first use, and a new run's rows start
afresh."""

from __future__ import annotations

from aciaudit.run import audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from tui.findings_model import COLUMNS, Filter, FindingsView, Shared, build_rows
from tui.session import RunViews

RUN = audit(load_demo(), DEMO_POLICY)


def ids(rows: list) -> list[tuple[str, str]]:
    return [(r.result.check_id, r.result.resource_id) for r in rows]


def test_prepared_orders_equal_a_plain_stable_sort_and_reverse() -> None:
    rows = build_rows(RUN)
    shared = Shared(rows)
    shared.prepare()
    for k, column in enumerate(COLUMNS):
        expected = sorted(rows, key=lambda row: row.keys[k])
        for reverse in (False, True):
            view = FindingsView(rows, Filter(), shared=shared)
            view.sort, view.reverse = column, reverse
            view.refresh()
            assert ids(view.items) == ids(expected[::-1] if reverse else expected)  # type: ignore[arg-type]


def test_views_of_one_run_share_orders_and_a_new_run_starts_afresh() -> None:
    views = RunViews(RUN)
    first = FindingsView(views.rows, Filter(), shared=views.findings)
    first.sort = "resource"
    first.refresh()
    second = FindingsView(views.rows, Filter(), sort="resource", shared=views.findings)
    assert second.items is first.items  # sorted once, shared
    other = RunViews(RUN)
    assert other.findings is not views.findings
    assert other.findings.orders == {(None, False): other.rows}
    # A view given another run's orders keeps its own instead of mixing them.
    mixed = FindingsView(other.rows, Filter(), shared=views.findings)
    assert mixed.shared is not views.findings and mixed.shared is not None
    assert mixed.shared.rows is other.rows


def test_the_overview_comes_before_the_rows_and_prepare_builds_them_once() -> None:
    views = RunViews(RUN)
    assert views.built_rows is None  # the overview alone: the rows come behind it
    assert views.overview.by_status
    views.prepare()
    rows = views.built_rows
    assert rows is not None and len(rows) == len(RUN.results)
    assert set(views.findings.orders) >= {(c, False) for c in COLUMNS}
    views.prepare()
    assert views.built_rows is rows


def test_prepare_stops_when_no_longer_wanted() -> None:
    views = RunViews(RUN)
    views.prepare(stop=lambda: True)
    assert views.built_rows is None
