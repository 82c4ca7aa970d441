"""A `/` keystroke over many rows: its first matches are shown at once, marked as the
first ones, and every match once the search behind the screen is done."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from conftest import SIZE, plain_matches, wait_for, wait_loaded
from textual.widgets import Input, Static

from aciaudit.sources.choice import demo_source
from tui.app import AuditApp
from tui.findings_model import FindingsView, Row
from tui.screens import findings as findings_screen
from tui.screens.findings import FindingsScreen
from tui.widgets.result_table import ResultTable


async def _held_findings(pilot, app):  # type: ignore[no-untyped-def]
    await wait_loaded(pilot)
    await pilot.press("f")
    await wait_for(pilot, lambda: isinstance(app.screen, FindingsScreen))
    await wait_for(pilot, lambda: bool(app.screen.query(ResultTable)))
    return app.screen


def _hold(monkeypatch: pytest.MonkeyPatch, head_rows: int, budget: int) -> threading.Event:
    monkeypatch.setattr(findings_screen, "FILTER_INLINE", 0)
    monkeypatch.setattr(findings_screen, "HEAD_ROWS", head_rows)
    monkeypatch.setattr(findings_screen, "HEAD_BUDGET", budget)
    release = threading.Event()
    search = FindingsView.search

    def held(self: FindingsView, text: str, stop: Callable[[], bool] | None = None):  # type: ignore[no-untyped-def]
        release.wait(10)
        return search(self, text, stop)

    monkeypatch.setattr(FindingsView, "search", held)
    return release


async def test_the_first_matches_come_at_once_and_every_match_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every scan goes behind the screen, as at 400k rows, and it waits for the test.
    release = _hold(monkeypatch, 3, findings_screen.HEAD_BUDGET)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _held_findings(pilot, app)
        assert isinstance(screen, FindingsScreen)
        table = screen.query_one(ResultTable)
        rows = screen.view.rows
        every = plain_matches(rows, "fail")
        assert len(every) > 3
        await pilot.press("slash", *"fail")
        await pilot.pause()
        # The first three matches, in the order shown; the count says there are more.
        assert table.items == every[:3]
        assert not screen.view.complete
        title = str(screen.query_one("#findings-title", Static).render())
        assert "[3+]" in title and "filtering…" in title
        # Nothing but the first matches could be exported yet (enter: out of the box).
        await pilot.press("enter", "e")
        await pilot.pause()
        assert type(app.screen).__name__ == "FindingsScreen"
        release.set()
        await wait_for(pilot, lambda: screen.view.complete)
        await pilot.pause()
        assert table.items == every
        title = str(screen.query_one("#findings-title", Static).render())
        assert f"[{len(every)}]" in title and "filtering…" not in title


async def test_enter_on_the_first_matches_waits_for_every_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A detail opened on the first matches would page (n/p) through those alone.
    release = _hold(monkeypatch, 3, 20_000)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _held_findings(pilot, app)
        await pilot.press("slash", *"fail", "enter")
        await pilot.pause()
        assert not screen.view.complete
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "FindingsScreen"
        release.set()
        await wait_for(pilot, lambda: screen.view.complete)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")


async def test_grouped_rows_are_not_replaced_by_the_first_matches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Group headers count their rows: over the first matches only they would be wrong.
    release = _hold(monkeypatch, 3, 20_000)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _held_findings(pilot, app)
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.view.grouping.value != "none")
        before = list(screen.view.items)
        await pilot.press("slash", *"fail")
        await pilot.pause()
        assert screen.view.complete and screen.view.items == before
        assert "filtering…" in str(screen.query_one("#findings-title", Static).render())
        release.set()
        await wait_for(pilot, lambda: screen.view.filter.text == "fail")
        every = plain_matches(screen.view.rows, "fail")
        shown = [i for i in screen.view.items if isinstance(i, Row)]
        assert sorted(id(r) for r in shown) == sorted(id(r) for r in every)


async def test_no_match_among_the_first_rows_is_not_shown_as_nothing_matches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = _hold(monkeypatch, 3, 3)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _held_findings(pilot, app)
        first = [i for i in screen.view.items if isinstance(i, Row)][:3]
        later = [i for i in screen.view.items if isinstance(i, Row)][3:]
        # A word of a later row's resource that none of the first three rows holds.
        word = next(
            w
            for r in later
            for w in r.result.resource_id.lower().split("/")
            if len(w) > 3 and w.isalnum() and not plain_matches(first, w)
        )
        before = list(screen.view.items)
        await pilot.press("slash")
        screen.query_one("#filter", Input).value = word  # pasted: one text, one search
        await pilot.pause()
        # The list shown stays until the search says what matches.
        assert screen.view.items == before and screen.view.complete
        release.set()
        await wait_for(pilot, lambda: screen.view.filter.text == word)
        assert screen.view.items == plain_matches(screen.view.rows, word) != []
