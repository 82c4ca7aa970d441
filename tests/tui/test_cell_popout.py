"""A pop-out for any cell cut short: `v` on a row (or a right-click on the cell) opens a
dialog with the whole value, escaped, closed with esc."""

from __future__ import annotations

import html

from conftest import SIZE, wait_for, wait_loaded
from textual.app import App, ComposeResult
from textual.widgets import Static

from aciaudit.sources.choice import demo_source
from tui.app import AuditApp
from tui.findings_model import COLUMNS, HEADERS, Row
from tui.messages import ShowFindings
from tui.widgets.cell_popout import NOTHING_CUT, CellDialog, CellTable
from tui.widgets.result_table import ResultTable

SMALL = (80, 24)


def on(app: App, name: str):
    return lambda: type(app.screen).__name__ == name


def dialog_cells(app: App) -> list[tuple[str, str]]:
    screen = app.screen
    assert isinstance(screen, CellDialog)
    return screen.cells


def shown_text(app: App) -> list[str]:
    return [str(s.render()) for s in app.screen.query(Static)]


async def test_v_on_a_findings_row_shows_its_cut_cells_whole_and_esc_closes() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(pilot)
        app.post_message(ShowFindings(None))
        await wait_for(pilot, on(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        title = COLUMNS.index("title")
        widths = table._layout(table.scrollable_content_region.width)
        # A row whose title does not fit at 80 columns.
        index = next(
            i
            for i, item in enumerate(table.items)
            if isinstance(item, Row) and len(item.cells[title]) > widths["title"]
        )
        table.cursor = index
        row = table.items[index]
        assert isinstance(row, Row)
        await pilot.press("v")
        await wait_for(pilot, on(app, "CellDialog"))
        cells = dict(dialog_cells(app))
        assert cells[HEADERS["title"]] == row.cells[title]
        # At 80 columns resource group and subscription are left out: shown here too.
        assert cells[HEADERS["group"]] == row.cells[COLUMNS.index("group")]
        assert cells[HEADERS["subscription"]] == row.cells[COLUMNS.index("subscription")]
        # What fits is not repeated.
        assert HEADERS["check"] not in cells and HEADERS["severity"] not in cells
        assert any(row.cells[title] in text for text in shown_text(app))
        await pilot.press("escape")
        await wait_for(pilot, on(app, "FindingsScreen"))


async def test_v_where_nothing_is_cut_says_so() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_loaded(pilot)
        app.post_message(ShowFindings(None))
        await wait_for(pilot, on(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        index = next(
            i
            for i, item in enumerate(table.items)
            if isinstance(item, Row) and not table.cut_cells(i)
        )
        table.cursor = index
        await pilot.press("v")
        await wait_for(pilot, lambda: any(n.message == NOTHING_CUT for n in app._notifications))
        assert type(app.screen).__name__ == "FindingsScreen"


async def test_a_right_click_on_a_cut_overview_cell_shows_it_whole() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.pause(0.3)
        table = app.screen.query_one("#table-sections", CellTable)
        # The section whose title is cut at 120 columns.
        cut = [i for i in range(table.row_count) if table.cut_cells(i, 1)]
        assert cut
        row = cut[0]
        label, value = table.cut_cells(row, 1)[0]
        assert label == "Title" and len(value) > table.ordered_columns[1].width
        before = table.cursor_row
        x = table.ordered_columns[0].get_render_width(table) + 2
        await pilot.click(table, offset=(x, 1 + row), button=3)
        await wait_for(pilot, on(app, "CellDialog"))
        assert dialog_cells(app) == [("Title", value)]
        await pilot.press("escape")
        await wait_for(pilot, on(app, "OverviewScreen"))
        # The right-click neither moved the cursor nor opened the findings.
        assert table.cursor_row == before
        # `v` on that row: the same value.
        table.move_cursor(row=row)
        await pilot.press("v")
        await wait_for(pilot, on(app, "CellDialog"))
        assert ("Title", value) in dialog_cells(app)


async def test_v_on_the_images_screen_shows_the_whole_reference() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await wait_for(pilot, on(app, "ImagesScreen"))
        await wait_for(pilot, lambda: app.screen.model is not None)  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        screen = app.screen
        table = screen.query_one("#images-table", CellTable)
        shown = screen.shown  # type: ignore[attr-defined]
        # An image the narrow table shortens (its registry host left out, or cut).
        row = next(i for i, r in enumerate(shown) if str(table.get_row_at(i)[0]) != r.image)
        table.move_cursor(row=row)
        await pilot.press("v")
        await wait_for(pilot, on(app, "CellDialog"))
        assert ("IMAGE", shown[row].image) in dialog_cells(app)


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("host")


async def test_the_pop_out_never_reads_a_value_as_markup() -> None:
    hostile = "[bold red]not markup[/] [link=https://evil.example]x[/link] \x1b[31mred"
    app = _Host()
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(CellDialog([("TITLE", hostile)]))
        await wait_for(pilot, lambda: bool(app.screen.query(".cell-value")))
        (value,) = app.screen.query(".cell-value")
        text = str(value.render())  # type: ignore[attr-defined]
        assert "[bold red]not markup[/]" in text and "[link=https://evil.example]" in text
        assert "\x1b" not in text
        spans = value.render().spans  # type: ignore[attr-defined]
        assert not spans  # no style came from the value
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CellDialog))


async def test_help_lists_the_pop_out_key() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for keys, name in ((("f",), "FindingsScreen"), ((), "OverviewScreen")):
            if keys:
                await pilot.press(*keys)
                await wait_for(pilot, on(app, name))
            await pilot.press("question_mark")
            await wait_for(pilot, on(app, "HelpScreen"))
            text = html.unescape(app.export_screenshot()).replace("\xa0", " ")
            assert "Whole cell" in text, name
            await pilot.press("escape")
            await wait_for(pilot, on(app, name))
            if keys:
                await pilot.press("escape")
                await wait_for(pilot, on(app, "OverviewScreen"))


async def test_a_right_click_on_a_cut_findings_cell_shows_that_cell() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(pilot)
        app.post_message(ShowFindings(None))
        await wait_for(pilot, on(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        widths = table._layout(table.scrollable_content_region.width)
        title = COLUMNS.index("title")
        visible = range(min(len(table.items), table.size.height - 1))
        index = next(
            i
            for i in visible
            if isinstance(table.items[i], Row)
            and len(table.items[i].cells[title]) > widths["title"]  # type: ignore[union-attr]
        )
        row = table.items[index]
        assert isinstance(row, Row)
        x = widths["severity"] + widths["check"] + 2 + 1  # inside TITLE
        before = table.cursor
        await pilot.click(table, offset=(x, 1 + index), button=3)
        await wait_for(pilot, on(app, "CellDialog"))
        assert dialog_cells(app) == [(HEADERS["title"], row.cells[title])]
        await pilot.press("escape")
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert table.cursor == before
        # A right-click on a header does not sort.
        await pilot.click(table, offset=(x, 0), button=3)
        await pilot.pause()
        assert app.screen.view.sort is None  # type: ignore[attr-defined]
