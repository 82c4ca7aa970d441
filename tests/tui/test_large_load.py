"""A large run in the app: keys are handled while it loads, esc stops a load that never
looks at the cancel event (reading and redacting a snapshot file), the overview comes
before the findings rows, and the fast filter and sorts show what a plain scan shows."""

from __future__ import annotations

import contextlib
import threading

import pytest
from conftest import SIZE, plain_matches, wait_for, wait_loaded

from aciaudit.run import Run, audit
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.choice import Source, demo_source
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.snapshot import Snapshot
from tui import app as app_module
from tui import session as session_module
from tui.app import AuditApp
from tui.findings_model import COLUMNS, Filter, FindingsView, Row
from tui.screens import findings as findings_screen
from tui.screens.findings import FindingsScreen
from tui.session import RunViews
from tui.widgets.result_table import ResultTable


async def test_keys_work_while_a_load_runs_and_esc_stops_one_that_never_checks() -> None:
    started, stopped = threading.Event(), threading.Event()
    turns = [0]

    def busy(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        # Pure Python work with no cancellation point, as a snapshot's redaction walk.
        progress.phase("Reading the snapshot", 1)
        started.set()
        try:
            while True:
                turns[0] += 1
                sum(range(200))
        finally:
            stopped.set()

    app = AuditApp(Source("busy fake", busy))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, started.is_set)
        await pilot.press("question_mark")  # the loop is free while the worker reads
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CollectScreen")
        assert not stopped.is_set()
        await pilot.press("escape")
        await wait_for(pilot, stopped.is_set)  # the thread itself stopped, not abandoned
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        assert app.session.run is None
        done = turns[0]
        await pilot.pause(0.2)
        assert turns[0] == done
        # Nothing was left behind that still runs.
        assert not any(w.group == "load" and not w.is_finished for w in app.workers)


async def test_esc_still_lets_a_source_that_checks_stop_by_itself() -> None:
    seen_cancel = threading.Event()

    def polite(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Listing container groups", 1)
        while not cancel.wait(0.02):
            pass
        seen_cancel.set()
        from aciaudit.sources.azure.progress import Cancelled

        raise Cancelled()

    app = AuditApp(Source("polite fake", polite))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CollectScreen")
        await pilot.pause(0.1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        assert seen_cancel.is_set()  # it was told, not interrupted


async def test_the_overview_is_shown_before_the_rows_and_findings_wait_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    original = session_module.build_rows

    def held(run: Run) -> list[Row]:
        release.wait(10)  # the rows take their time (400k of them: seconds)
        return original(run)

    monkeypatch.setattr(session_module, "build_rows", held)
    monkeypatch.setattr(app_module, "INLINE_ROWS", 0)  # as a run of 400k results
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        views = app.session.views
        assert views is not None and views.built_rows is None  # overview first
        await pilot.press("f")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "OverviewScreen"  # waits, not blocked
        release.set()
        await wait_for(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await wait_for(pilot, lambda: bool(app.screen.query(ResultTable)))
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        assert len(screen.view.items) == len(views.run.results)
        # The screen's view shares the run's orders and search parts.
        assert screen.view.shared is views.findings
        await pilot.pause(0.1)  # the screen's header composed before the app ends


QUERIES = [
    "storefront",
    "aci-029 storefront",
    "FAIL",
    "suppressed",
    "high fail",
    "/subscriptions/",
    "registry",
    "n/a",
    "'",
    "no-such-thing",
]


def test_typed_filters_and_sorts_show_what_a_plain_scan_and_sort_show() -> None:
    views = RunViews(audit(load_demo(), DEMO_POLICY))
    views.prepare()
    rows = views.rows
    for column in (None, *COLUMNS):
        for reverse in (False, True):
            view = FindingsView(rows, Filter(), column, reverse, shared=views.findings)
            k = COLUMNS.index(column) if column is not None else None
            ordered = rows if k is None else sorted(rows, key=lambda r: r.keys[k])
            ordered = ordered[::-1] if reverse else ordered
            assert view.items == ordered
            for query in QUERIES:
                # Typed one key at a time, then erased: every step as a fresh scan.
                steps = [query[:i] for i in range(1, len(query) + 1)]
                for text in steps + steps[::-1][1:]:
                    view.filter = Filter(text=text)
                    view.refresh()
                    assert view.items == plain_matches(ordered, text), (column, reverse, text)


async def test_the_filter_in_the_app_shows_what_a_plain_scan_shows() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await wait_for(pilot, lambda: bool(app.screen.query(ResultTable)))
        views = app.session.views
        assert views is not None
        table = app.screen.query_one(ResultTable)
        await pilot.press("o", "o", "o", "o")  # sorted by resource
        await pilot.press("slash", *"sto", "space", *"aci")
        await pilot.pause()
        expected = plain_matches(sorted(views.rows, key=lambda r: r.keys[3]), "sto aci")
        assert expected and table.items == expected
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert table.items == plain_matches(sorted(views.rows, key=lambda r: r.keys[3]), "sto")


async def test_a_filter_behind_the_screen_shows_the_newest_keystrokes_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every scan goes behind the screen, as at 400k rows.
    monkeypatch.setattr(findings_screen, "FILTER_INLINE", 0)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await wait_for(pilot, lambda: bool(app.screen.query(ResultTable)))
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        table = screen.query_one(ResultTable)
        rows = screen.view.rows
        # Typed in one burst: results of earlier keystrokes may come back late; only
        # the newest text's is shown.
        await pilot.press("slash", *"store", "space", *"aci-0")
        # (The text is set with its first matches at once; every match comes after.)
        await wait_for(pilot, lambda: screen.view.filter.text == "store aci-0")
        await wait_for(pilot, lambda: screen.view.complete)
        assert table.items == plain_matches(rows, "store aci-0")
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await wait_for(pilot, lambda: screen.view.filter.text == "store a")
        await wait_for(pilot, lambda: screen.view.complete)
        assert table.items == plain_matches(rows, "store a")
        # A quick filter while a search is out: the search is redone over the new rows.
        await pilot.press("enter", "t")  # status: FAIL
        await wait_for(pilot, lambda: screen.view.filter.text == "store a")
        await wait_for(pilot, lambda: screen.view.complete)
        await pilot.pause(0.2)
        assert table.items == [
            r for r in plain_matches(rows, "store a") if r.status.value == "FAIL"
        ]


async def test_a_load_that_ends_under_the_help_leaves_no_collect_screen_behind() -> None:
    started, release = threading.Event(), threading.Event()

    def held(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        started.set()
        release.wait(10)
        return load_demo()

    app = AuditApp(Source("held demo", held, DEMO_POLICY))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, started.is_set)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        release.set()
        await wait_loaded(pilot)
        names = [type(s).__name__ for s in app.screen_stack]
        assert "CollectScreen" not in names and "HelpScreen" not in names
        await pilot.press("q")  # the top level: q quits, not back to a finished load
        await wait_for(pilot, lambda: not app.is_running)


async def test_a_small_run_opens_its_findings_on_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker that builds the rows behind the overview never gets to: the demo's
    # rows are built on the spot, and the findings open on the key as they always did.
    monkeypatch.setattr(RunViews, "prepare", lambda self, stop=None: None)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FindingsScreen)
        assert not app._notifications  # no "Preparing…" toast in the picture


async def test_esc_stops_a_load_whose_code_catches_every_exception() -> None:
    # A check's guard or a report reader catches Exception and goes on: the interruption
    # must not be one (it was Cancelled, an Exception, and evaluation ran to its end).
    started, stopped = threading.Event(), threading.Event()

    def forgiving(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Evaluating checks", 1)
        started.set()
        try:
            while True:
                with contextlib.suppress(Exception):  # as the code under test does
                    for _ in range(100_000):  # Python steps: the interruption lands here
                        pass
        finally:
            stopped.set()

    app = AuditApp(Source("forgiving fake", forgiving))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, started.is_set)
        await pilot.press("escape")
        await wait_for(pilot, stopped.is_set)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")


async def test_leaving_the_app_during_a_load_stops_the_load() -> None:
    # q (or a crash) while a load runs: nobody will see its run, and the app cannot end
    # until its thread does. A sign-in waiting on the event would wait for minutes.
    started, stopped = threading.Event(), threading.Event()

    def waiting(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Signing in", 1)
        started.set()
        try:
            cancel.wait(60)
            from aciaudit.sources.azure.progress import Cancelled

            raise Cancelled()
        finally:
            stopped.set()

    app = AuditApp(Source("waiting fake", waiting))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, started.is_set)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CollectScreen")
        await pilot.press("q")
    assert stopped.wait(5)  # at once, not after its 60 s
