"""Issue #16 §2: column widths the user sets in the findings table (`←`/`→` pick a
column, `>` widens, `<` narrows, `=` back to automatic), remembered between runs in the
config folder, applied as far as the terminal allows; a hostile prefs file is ignored."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from conftest import SIZE, wait_for, wait_loaded
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from aciaudit.sources.choice import demo_source
from tui import prefs
from tui.app import AuditApp
from tui.findings_model import COLUMNS, HEADERS
from tui.keys import TABLE
from tui.widgets.column_widths import FIXED, STEP, TITLE_MIN, layout, minimum
from tui.widgets.result_table import ResultTable

SMALL = (80, 24)
WIDE = (200, 50)


def shown(table: ResultTable) -> dict[str, int]:
    widths = table._layout(table.scrollable_content_region.width)
    return {k: v for k, v in widths.items() if not k.startswith("_")}


def header_text(table: ResultTable) -> str:
    return "".join(seg.text for seg in table.render_line(0))


def saved(folder: Path) -> dict:
    return json.loads((folder / prefs.FILE).read_text())


async def open_findings(pilot: Pilot, app: AuditApp) -> ResultTable:
    await wait_loaded(pilot)
    await pilot.press("f")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
    await pilot.pause()
    return app.screen.query_one(ResultTable)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cfg"
    monkeypatch.setenv(prefs.ENV, str(where))
    return where


async def test_widen_then_relaunch_brings_the_width_back(folder: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        table = await open_findings(pilot, app)
        auto = shown(table)
        before = header_text(table)
        # The column right of resource (SEVERITY CHECK TITLE RESOURCE GROUP …).
        await pilot.press("right")  # the first press marks the current column (resource)
        assert table.column == "resource"
        await pilot.press("right")
        assert table.column == "group"
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        widened = shown(table)
        assert widened["group"] == auto["group"] + 2 * STEP
        # The others gave up the room as the automatic layout decides: the title down to
        # its usual 24 cells, then the name columns; the row still fills the table.
        assert widened["title"] == max(24, auto["title"] - 2 * STEP)
        others = [c for c in auto if c != "group"]
        assert all(widened[c] <= auto[c] for c in others)
        assert sum(auto[c] - widened[c] for c in others) == 2 * STEP
        assert sum(widened.values()) + len(widened) - 1 == table.scrollable_content_region.width
        assert header_text(table) != before
    assert saved(folder)["widths"] == {"findings": {"group": auto["group"] + 2 * STEP}}

    again = AuditApp(demo_source())
    async with again.run_test(size=SIZE) as pilot:
        table = await open_findings(pilot, again)
        assert shown(table) == widened
        # Nothing is marked until a column key is used: the table looks as it did.
        assert table.column_marked is False


async def test_narrow_gives_the_room_to_the_title_and_stops_at_a_readable_minimum(
    folder: Path,
) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        table = await open_findings(pilot, app)
        auto = shown(table)
        bells: list[None] = []
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        await pilot.press("less_than_sign")  # resource until a column is picked
        await pilot.pause()
        assert shown(table)["resource"] == auto["resource"] - STEP
        assert shown(table)["title"] == auto["title"] + STEP
        for _ in range(30):
            await pilot.press("less_than_sign")
        await pilot.pause()
        # Two cells a press from an even width: the last press that fits lands on the
        # minimum or one above it, never under.
        assert shown(table)["resource"] in (minimum("resource"), minimum("resource") + 1)
        assert bells, "a press past the minimum rings the bell instead of narrowing"
        # What is stored is what is shown, not the presses past the minimum.
        assert table.user_widths["resource"] == shown(table)["resource"]


async def test_equals_resets_to_automatic_and_forgets(folder: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        table = await open_findings(pilot, app)
        auto = shown(table)
        await pilot.press("h", "h", "h", "greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert table.column == "check"
        assert shown(table) != auto
        assert saved(folder)["widths"] == {"findings": {"check": FIXED["check"] + 2 * STEP}}
        await pilot.press("equals_sign")
        await pilot.pause()
        assert shown(table) == auto
    # Nothing set by hand any more: the file says nothing about widths.
    assert "widths" not in saved(folder)
    again = AuditApp(demo_source())
    async with again.run_test(size=SIZE) as pilot:
        table = await open_findings(pilot, again)
        assert shown(table) == auto


async def test_widths_of_another_table_are_kept_when_this_one_changes(folder: Path) -> None:
    folder.mkdir()
    (folder / prefs.FILE).write_text(json.dumps({"widths": {"later": {"name": 30}}}))
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await open_findings(pilot, app)
        await pilot.press("greater_than_sign")
        await pilot.pause()
    widths = saved(folder)["widths"]
    assert widths["later"] == {"name": 30}
    assert set(widths["findings"]) == {"resource"}


async def test_80x24_keeps_every_column_readable_with_a_wide_column_set(folder: Path) -> None:
    """A width set at 200 columns, then the terminal narrowed: the width gives way so
    the title keeps TITLE_MIN and no column goes under its minimum; widening back
    restores it (the width the user set is kept, not the squeezed one)."""
    app = AuditApp(demo_source())
    async with app.run_test(size=WIDE) as pilot:
        table = await open_findings(pilot, app)
        for _ in range(30):
            await pilot.press("greater_than_sign")
        await pilot.pause()
        wide = shown(table)
        assert wide["resource"] > 60
        await pilot.resize_terminal(*SMALL)
        await pilot.pause(0.3)
        small = shown(table)
        assert small["title"] >= TITLE_MIN
        for col, w in small.items():
            if col in COLUMNS:
                assert w >= minimum(col), (col, small)
        assert sum(small.values()) + len(small) - 1 == table.scrollable_content_region.width
        assert small["resource"] < wide["resource"]
        # Every shown header still reads whole or nearly (cut to at least 6 cells).
        for col in small:
            assert HEADERS[col][: minimum(col) - 1] in header_text(table)
        await pilot.resize_terminal(*WIDE)
        await pilot.pause(0.3)
        assert shown(table) == wide
    assert saved(folder)["widths"]["findings"]["resource"] == wide["resource"]


async def test_widening_past_what_the_terminal_holds_rings_and_stores_nothing_more(
    folder: Path,
) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SMALL) as pilot:
        table = await open_findings(pilot, app)
        bells: list[None] = []
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        for _ in range(40):
            await pilot.press("greater_than_sign")
        await pilot.pause()
        widths = shown(table)
        assert widths["title"] == TITLE_MIN
        assert bells
        # The last press that helped may have asked a cell more than the room left.
        assert widths["resource"] <= table.user_widths["resource"] < widths["resource"] + STEP


@pytest.mark.parametrize(
    "hostile",
    [
        {"widths": {"findings": {"title": 10**12, "resource": -5, "check": 0}}},
        {"widths": {"findings": {"resource": True, "group": 30.0, "status": "40"}}},
        {"widths": {"findings": {"no-such-column": 40, "baseline": 40, "__class__": 9}}},
        {"widths": {"findings": [1, 2, 3]}},
        {"widths": [["findings", "resource", 40]]},
        {"widths": "resource=40"},
        {"widths": {"title": 5}},
        {"theme": ["x"], "sort": 5, "reverse": "yes", "grouping": {}, "widths": None},
    ],
)
async def test_a_hostile_prefs_file_is_ignored_with_defaults(
    folder: Path, hostile: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.mkdir()
    (folder / prefs.FILE).write_text(json.dumps(hostile))
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        table = await open_findings(pilot, app)
        assert table.user_widths == {}
        got = shown(table)
    fresh = AuditApp(demo_source())
    monkeypatch.setenv(prefs.ENV, str(folder.parent / "empty"))
    async with fresh.run_test(size=SIZE) as pilot:
        assert shown(await open_findings(pilot, fresh)) == got


@pytest.mark.parametrize(
    "text",
    [
        '{"widths": {"findings": {"resource": NaN, "group": Infinity, "title": -Infinity}}}',
        '{"widths": {"findings": {"resource": 1' + "0" * 5000 + "}}}",
        "[" * 100_000 + "]" * 100_000,
        '{"widths": {"findings": {"resource": 40}}}' + " " * (prefs.MAX_BYTES + 1),
        "\ufeff\x00\xff",
    ],
    ids=["nan", "huge-int", "deep", "oversized", "binary"],
)
def test_malformed_numbers_and_files_load_as_defaults(folder: Path, text: str) -> None:
    folder.mkdir()
    (folder / prefs.FILE).write_text(text, "utf-8", errors="surrogatepass")
    assert prefs.load().widths == {}


def test_a_fifo_in_place_of_the_file_does_not_hang_the_launch(folder: Path) -> None:
    folder.mkdir()
    os.mkfifo(folder / prefs.FILE)
    assert prefs.load() == prefs.Prefs()


def test_out_of_range_entries_are_dropped_the_rest_kept(folder: Path) -> None:
    folder.mkdir()
    (folder / prefs.FILE).write_text(
        json.dumps(
            {
                "theme": "textual-light",
                "widths": {"findings": {"resource": 40, "group": 10**6, "title": False}},
            }
        )
    )
    loaded = prefs.load()
    assert loaded.theme == "textual-light"
    assert loaded.widths == {"findings": {"resource": 40}}


def test_no_width_set_is_the_automatic_layout_at_every_size() -> None:
    """The user's widths change nothing until set: the layout with none is the
    automatic one (the SVG snapshots pin what that draws)."""
    longest = {"resource": 30, "group": 25, "subscription": 22, "title": 70}
    for width in range(60, 260, 7):
        auto = layout(width, FIXED, longest, {})
        assert layout(width, FIXED, longest, {"nothing-shown": 40}) == auto
        assert sum(auto.values()) + len(auto) - 1 == width or auto["title"] == 8


def test_a_narrowed_title_leaves_its_room_blank_not_to_a_name_that_is_whole() -> None:
    longest = {"resource": 10, "group": 10, "subscription": 10, "title": 70}
    auto = layout(120, FIXED, longest, {})
    narrowed = layout(120, FIXED, longest, {"title": 30})
    assert narrowed["title"] == 30
    assert {k: v for k, v in narrowed.items() if k != "title"} == {
        k: v for k, v in auto.items() if k != "title"
    }


def test_the_keys_are_in_help_and_named_as_printed() -> None:
    labels = {a.id: a.key_label for a in TABLE}
    assert labels["table.widen"] == ">"
    assert labels["table.narrow"] == "<"
    assert labels["table.auto_widths"] == "="
    assert labels["table.column_left"] == "left h"


async def test_the_help_screen_lists_the_width_keys(folder: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await open_findings(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        text = console.export_text()
    for key, words in ((">", "Widen column"), ("<", "Narrow column"), ("=", "Automatic widths")):
        assert any(line.split() == [key, *words.split()] for line in text.splitlines()), text
    assert "Columns" in text


def test_the_table_takes_only_known_columns_and_sane_widths() -> None:
    table = ResultTable()
    table.use_widths({"resource": 8})
    assert table.user_widths == {"resource": 8}
    table.use_widths({"resource": 3, "bogus": 9, "title": 10**9, "check": True})
    assert table.user_widths == {}


async def test_a_width_set_on_a_drill_down_applies_below_it_on_return(folder: Path) -> None:
    """Grouped by check, enter opens that check's findings over this screen; a width set
    there is the one the screen below shows when esc comes back to it."""
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        below = await open_findings(pilot, app)
        await pilot.press("b", "enter")
        await wait_for(pilot, lambda: len(app.screen_stack) > 3)
        await pilot.pause()
        above = app.screen.query_one(ResultTable)
        assert above is not below
        await pilot.press("greater_than_sign")
        await pilot.pause()
        set_above = dict(above.user_widths)
        assert set_above
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.query_one(ResultTable) is below)
        await pilot.pause()
        assert below.user_widths == set_above
