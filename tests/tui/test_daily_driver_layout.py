"""Issue #16, what was still open: column widths at 200 columns and after a policy edit,
the footer after a resize on every screen, the palette's Screenshot, and FAIL counts
that agree between the overview, the findings table and the exported JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SIZE, wait_for, wait_loaded
from textual.widgets import DataTable

from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import COLUMNS, Row
from tui.widgets.footer import AppFooter
from tui.widgets.result_table import FIXED, ResultTable

WIDE = (200, 50)
SMALL = (80, 24)
# A glob suppression over the demo's registry FAILs: lifting it is a policy edit that
# swaps the run (and takes STATUS back from "FAIL (suppressed)" width).
POLICY = (
    '[[suppressions]]\ncheck = "ACR-*"\nresource = "*"\n'
    'justification = "registries are out of scope"\nexpires = 2099-01-01\n'
)


def on(app: AuditApp, name: str):
    return lambda: type(app.screen).__name__ == name


def shown_widths(table: ResultTable) -> dict[str, int]:
    widths = table._layout(table.scrollable_content_region.width)
    return {k: v for k, v in widths.items() if not k.startswith("_")}


def assert_uses_the_width(table: ResultTable) -> None:
    """The columns fill the table, and no name column is cut while the title has room
    beyond what its longest text needs."""
    width = table.scrollable_content_region.width
    widths = shown_widths(table)
    assert sum(widths.values()) + len(widths) - 1 == width, widths
    rows = [i for i in table.items if isinstance(i, Row)]
    longest_title = max(len(r.cells[COLUMNS.index("title")]) for r in rows)
    for col in ("resource", "group", "subscription"):
        if col not in widths:
            continue
        longest = max(len(r.cells[COLUMNS.index(col)]) for r in rows)
        if longest > widths[col]:
            assert widths["title"] < longest_title, (col, widths)
    for y in range(1, min(len(rows), table.size.height)):
        assert table.render_line(y).cell_length == width


def overview_tables_fit(app: AuditApp) -> None:
    for t in app.screen.query(DataTable):
        total = sum(c.get_render_width(t) for c in t.columns.values())
        room = t.scrollable_content_region.width
        # Every column inside the table, and the flexible one takes what is left (two
        # cells stay for the vertical scrollbar, which comes and goes with the height).
        assert room - 2 <= total <= room, (t.id, total, room)


async def test_findings_columns_use_200_columns_and_stay_right_after_a_policy_edit(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(POLICY)
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot)
        await pilot.pause(0.3)
        overview_tables_fit(app)
        await pilot.press("f")
        await wait_for(pilot, on(app, "FindingsScreen"))
        await pilot.pause(0.2)
        table = app.screen.query_one(ResultTable)
        assert_uses_the_width(table)
        widths = shown_widths(table)
        # The demo's names are whole at 200 columns ("Fabrikam Production" was cut).
        assert widths["subscription"] >= len("Fabrikam Development")
        assert widths["status"] == len("FAIL (suppressed)")
        # The policy edit: lift the glob suppression (asked first).
        await pilot.press("slash", *"ACR-", "enter")
        await pilot.pause(0.2)
        assert isinstance(table.current, Row) and table.current.suppressed
        await pilot.press("u")
        await wait_for(pilot, on(app, "ConfirmDialog"))
        await pilot.press("y")
        await wait_for(pilot, on(app, "FindingsScreen"))
        await wait_for(pilot, lambda: app.session.run.suppressed_count == 0)  # type: ignore[union-attr]
        await pilot.pause(0.2)
        table = app.screen.query_one(ResultTable)
        after = shown_widths(table)
        assert after["status"] == FIXED["status"]  # back to the plain width
        assert_uses_the_width(table)
        # And the overview behind it, rebuilt from the new run.
        await pilot.press("ctrl+l", "escape")
        await wait_for(pilot, on(app, "OverviewScreen"))
        await pilot.pause(0.3)
        overview_tables_fit(app)
        for size in (SMALL, SIZE, WIDE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            overview_tables_fit(app)
        await pilot.press("f")
        await wait_for(pilot, on(app, "FindingsScreen"))
        await pilot.pause(0.2)
        for size in (SIZE, SMALL, WIDE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            assert_uses_the_width(app.screen.query_one(ResultTable))


# -- the footer after a resize, on every screen -------------------------------------

# Keys each screen's footer must show (at 80 columns as at 120 and 200).
_SCREENS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "overview": ((), "OverviewScreen", ("Findings", "Images", "Export")),
    "findings": (("f",), "FindingsScreen", ("Filter", "Sort", "Export")),
    "detail": (("f", "enter"), "DetailScreen", ("Raw JSON", "Back", "Export")),
    "images": (("i",), "ImagesScreen", ("Findings", "Filter", "Export")),
    "resources": (("r",), "ResourcesScreen", ("Findings", "Expand", "Export")),
    "compliance": (("c",), "ComplianceScreen", ("Findings", "Framework", "Export")),
}


def bottom_line(app: AuditApp) -> str:
    """The screen's last line as drawn."""
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for segment in strips[-1])


@pytest.mark.parametrize("name", list(_SCREENS))
async def test_the_footer_is_shown_with_its_keys_after_resizes(name: str) -> None:
    keys, screen_name, wanted = _SCREENS[name]
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        await wait_for(pilot, on(app, screen_name))
        # Each size twice, and two quick ones without a pause (as a window is dragged).
        for size in (SMALL, SIZE, WIDE, SMALL, SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            footer = app.screen.query_one(AppFooter)
            assert footer.display and footer.region.height == 1
            assert footer.region.y == size[1] - 1, size
            line = bottom_line(app)
            for word in wanted:
                assert word in line, (size, line)
        await pilot.resize_terminal(*SMALL)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.4)
        line = bottom_line(app)
        assert all(word in line for word in wanted), line
        # One set of keys: two compositions at once never doubled them.
        labels = [str(k.description) for k in app.screen.query_one(AppFooter).query("FooterKey")]
        assert len(labels) == len(set(labels)), labels


# -- the palette's Screenshot -------------------------------------------------------


async def test_the_palette_screenshot_writes_where_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"Screenshot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(tmp_path.glob("aci-audit-*.svg")))
        await wait_for(pilot, lambda: any(n.title == "Screenshot" for n in app._notifications))
        (written,) = tmp_path.glob("aci-audit-*.svg")
        (note,) = [n for n in app._notifications if n.title == "Screenshot"]
        # The notice names the file that is there (not a staged temporary path).
        assert note.message == f"Saved {written}"
        picture = written.read_text(encoding="utf-8")
        assert picture.lstrip().startswith("<svg") and "Score" in picture
        # Only the one file: nothing staged was left beside it.
        assert sorted(p.name for p in tmp_path.iterdir()) == [written.name]


# -- FAIL counts: overview = unfiltered findings table = exported JSON ------------------


async def test_fail_counts_agree_with_the_exported_json(tmp_path: Path) -> None:
    import html

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        overview = app.session.overview
        assert overview is not None
        fails = overview.by_status[Status.FAIL]
        summary = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert f"FAIL {fails} ·" in summary
        await pilot.press("f")
        await wait_for(pilot, on(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        rows = [i for i in table.items if isinstance(i, Row)]
        assert len(rows) == len(app.session.rows)  # unfiltered
        in_table = sum(1 for r in rows if r.result.status is Status.FAIL and not r.suppressed)
        await pilot.press("e")
        await wait_for(pilot, on(app, "ExportDialog"))
        dialog = app.screen
        dialog.query_one("#json").value = True  # type: ignore[attr-defined]
        target = tmp_path / "all.json"
        dialog.query_one("#path").value = str(target)  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.click("#write")
        await wait_for(pilot, target.exists)
    doc = json.loads(target.read_text())
    in_json = sum(1 for r in doc["results"] if r["status"] == "FAIL")
    assert fails == in_table == in_json == doc["summary"]["status_counts"]["FAIL"] > 0


async def test_the_detail_lays_its_evidence_out_again_at_a_new_width() -> None:
    from rich.console import Group
    from rich.table import Table

    from tui.messages import ShowFindings

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.post_message(ShowFindings(None))
        await wait_for(pilot, on(app, "FindingsScreen"))
        await pilot.press("slash", *"ACI-016", "enter", "enter")
        await wait_for(pilot, on(app, "DetailScreen"))
        await pilot.pause(0.2)

        def path_width() -> int:
            body = app.screen.query_one("#detail-body").content  # type: ignore[attr-defined]
            assert isinstance(body, Group)
            (table,) = [r for r in body.renderables if isinstance(r, Table)]
            width = table.columns[0].width
            assert width is not None
            return width

        wide = path_width()
        await pilot.resize_terminal(*SMALL)
        await pilot.pause(0.3)
        # At 80 columns the path column gives way (it kept 120's width, and "observed"
        # was squeezed to a few cells).
        assert path_width() < wide
        assert path_width() <= (SMALL[0] - 4) * 2 // 5
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.3)
        assert path_width() == wide


async def test_column_widths_are_sized_each_time_until_the_user_sets_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the user sets a width (`<` / `>`, tests/tui/test_column_widths.py) the
    tables size their columns from the terminal and the data. A `widths` value of the
    wrong shape (hand-edited, or another version's) changes nothing, and resizing
    writes nothing."""
    from tui import prefs

    folder = tmp_path / "cfg"
    folder.mkdir()
    monkeypatch.setenv(prefs.ENV, str(folder))
    stored = {"theme": "textual-dark", "sort": None, "reverse": False, "grouping": "none"}
    (folder / prefs.FILE).write_text(json.dumps({**stored, "widths": {"title": 5}}))
    assert prefs.load() == prefs.Prefs()
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, on(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        assert shown_widths(table)["title"] > 5
        assert_uses_the_width(table)
        for size in (SMALL, WIDE, SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
    # Nothing was chosen, so nothing was written: the file is as it was.
    assert json.loads((folder / prefs.FILE).read_text())["widths"] == {"title": 5}


@pytest.mark.parametrize("opened", ["images", "detail"])
async def test_a_screen_opened_while_the_terminal_is_unfocused_has_its_footer(
    opened: str,
) -> None:
    """The footer vanished on the images and detail screens: opened while the terminal
    had no focus (another tmux pane or window), Textual's footer never composed it."""
    from textual import events

    from tui.messages import ShowFindings, ShowImages

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        if opened == "detail":
            app.post_message(ShowFindings(None))
            await wait_for(pilot, on(app, "FindingsScreen"))
        app.post_message(events.AppBlur())
        await pilot.pause(0.2)
        assert not app.app_focus
        if opened == "detail":
            app.screen.query_one(ResultTable).action_select()
            name, wanted = "DetailScreen", "Raw JSON"
        else:
            app.post_message(ShowImages())
            name, wanted = "ImagesScreen", "Filter"
        await wait_for(pilot, on(app, name))
        for size in (SIZE, (110, 36), SMALL):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.4)
            assert not app.app_focus
            labels = [
                str(k.description) for k in app.screen.query_one(AppFooter).query("FooterKey")
            ]
            assert wanted in labels and "Export" in labels, (size, labels)
            assert wanted in bottom_line(app), size
