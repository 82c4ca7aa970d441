"""Issue #16: what a day of hands-on use broke. One pilot test per defect (each failed
before its fix), in the order of the issue's list."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SIZE, wait_for, wait_loaded

from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import Filter, Row
from tui.messages import ShowFindings
from tui.widgets.result_table import ResultTable

SMALL = (80, 24)


def on(app: AuditApp, name: str):
    return lambda: type(app.screen).__name__ == name


def table_rows(app: AuditApp) -> list[Row]:
    return [i for i in app.screen.query_one(ResultTable).items if isinstance(i, Row)]


def footer_keys(app: AuditApp) -> dict[str, str]:
    """Key → description of what the footer offers on the current screen."""
    out = {}
    for key, active in app.active_bindings.items():
        if active.binding.show and active.enabled:
            out[active.binding.key_display or key] = active.binding.description
    return out


async def open_findings(pilot, app: AuditApp, filter: Filter | None = None) -> None:
    app.post_message(ShowFindings(filter))
    await wait_for(pilot, on(app, "FindingsScreen"))
    await pilot.pause()


# -- data safety -------------------------------------------------------------------


async def test_u_asks_before_it_lifts_a_suppression_and_ctrl_z_undoes(tmp_path: Path) -> None:
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(
        '[[suppressions]]\ncheck = "ACR-*"\nresource = "*"\n'
        'justification = "registries are out of scope"\nexpires = 2099-01-01\n'
    )
    before = policy.read_text()
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and run.suppressed_count > 1
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL}), text="ACR-"))
        assert table_rows(app)[0].suppressed
        await pilot.press("u")
        await wait_for(pilot, on(app, "ConfirmDialog"))
        shown = str(app.screen.query_one("#confirm-text").render())
        assert "ACR-*" in shown and str(run.suppressed_count) in shown
        await pilot.press("escape")  # no: nothing changes
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert policy.read_text() == before
        await pilot.press("u")
        await wait_for(pilot, on(app, "ConfirmDialog"))
        await pilot.press("y")
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert app.session.run is not None and app.session.run.suppressed_count == 0
        assert "ACR-*" not in policy.read_text()
        # ctrl+z: the file as it was, and the run under it.
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert policy.read_text() == before
        assert app.session.run.suppressed_count == run.suppressed_count
        await pilot.press("ctrl+z")  # nothing more to undo: said, nothing written
        await pilot.pause()
        assert policy.read_text() == before


# -- numbers -----------------------------------------------------------------------


async def test_unscanned_images_read_no_scan_data_not_zero_counts() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await wait_for(pilot, on(app, "ImagesScreen"))
        await pilot.pause()
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        unscanned = [
            [str(c) for c in table.get_row_at(i)]
            for i in range(table.row_count)
            if "no scan data" in str(table.get_row_at(i)[2])
        ]
        assert unscanned
        for cells in unscanned:
            assert "0" not in cells[3:8], cells  # not "0 0 0 0": that reads as clean


async def test_a_view_export_states_the_run_score_and_the_export_time(tmp_path: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("e")
        await wait_for(pilot, on(app, "ExportDialog"))
        dialog = app.screen
        dialog.query_one("#view").value = True  # type: ignore[attr-defined]
        dialog.query_one("#json").value = True  # type: ignore[attr-defined]
        target = tmp_path / "view.json"
        dialog.query_one("#path").value = str(target)  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.click("#write")
        await wait_for(pilot, target.exists)
        doc = json.loads(target.read_text())
    summary = doc["summary"]
    assert summary["score"] == run.score and run.score > 0
    assert doc["generated_at"] != run.generated_at or doc["generated_at"] >= run.generated_at


async def test_fail_counts_agree_overview_tree_and_table(tmp_path: Path) -> None:
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(
        '[[suppressions]]\ncheck = "ACI-006"\nresource = "*"\n'
        'justification = "tracked in JIRA-1"\nexpires = 2099-01-01\n'
    )
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        overview = app.session.overview
        run = app.session.run
        assert overview is not None and run is not None and run.suppressed_count > 0
        fails = sum(overview.fails_by_severity.values())
        # The summary's FAIL count is the severity line's: suppressed ones apart.
        assert overview.by_status[Status.FAIL] == fails
        await open_findings(pilot, app)
        shown = [r for r in table_rows(app) if r.cells[6] == "FAIL"]
        assert len(shown) == fails
        await pilot.press("escape")
        await wait_for(pilot, on(app, "OverviewScreen"))
        await pilot.press("r")
        await wait_for(pilot, on(app, "ResourcesScreen"))
        await wait_for(pilot, lambda: app.screen.model is not None)  # type: ignore[attr-defined]
        assert app.screen.model.root.counts.fails == fails  # type: ignore[attr-defined]


# -- layout ------------------------------------------------------------------------


async def test_overview_keeps_every_column_through_a_resize_round_trip() -> None:
    from textual.widgets import DataTable

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)

        def headers() -> dict[str, list[str]]:
            return {
                t.id or "": [str(c.label) for c in t.columns.values()]
                for t in app.screen.query(DataTable)
            }

        def visible() -> bool:
            # Every column inside its table: none pushed off to the right.
            for t in app.screen.query(DataTable):
                total = sum(c.get_render_width(t) for c in t.columns.values())
                if total > t.size.width:
                    return False
            return True

        first = headers()
        assert visible()
        for size in ((80, 24), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            assert headers() == first
            assert visible(), size


async def test_dialogs_are_whole_at_80x24(tmp_path: Path) -> None:
    import html

    app = AuditApp(demo_source(), policy_path=tmp_path / "aci-audit.toml")
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(pilot)
        for key, name, texts in (
            ("e", "ExportDialog", ("Write", "Cancel")),
            ("a", "AttestDialog", ("Attest", "Cancel")),
        ):
            await pilot.press(key)
            await wait_for(pilot, on(app, name))
            await pilot.pause()
            shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
            for text in texts:
                assert text in shown, (name, text)
            await pilot.press("escape")
            await wait_for(pilot, on(app, "OverviewScreen"))
        assert "Export" in footer_keys(app).values()


# -- navigation --------------------------------------------------------------------


async def test_esc_clears_an_active_filter_before_leaving() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, on(app, "FindingsScreen"))
        everything = len(table_rows(app))
        await pilot.press("slash", *"jumpbox", "enter", "t")
        await pilot.pause()
        assert len(table_rows(app)) < everything
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "FindingsScreen"
        assert len(table_rows(app)) == everything
        await pilot.press("escape")
        await wait_for(pilot, on(app, "OverviewScreen"))


async def test_footer_says_back_for_q_below_the_top_and_offers_u() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert footer_keys(app).get("q") == "Quit"
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        assert footer_keys(app).get("q") == "Back"
        await pilot.press("q")
        await wait_for(pilot, on(app, "OverviewScreen"))


async def test_u_is_in_the_footer_on_a_suppressed_row(tmp_path: Path) -> None:
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(
        '[[suppressions]]\ncheck = "ACI-006"\nresource = "*"\n'
        'justification = "tracked"\nexpires = 2099-01-01\n'
    )
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(check_id="ACI-006"))
        await pilot.pause()
        keys = footer_keys(app)
        assert keys.get("u") == "Lift" and "m" not in keys


async def test_n_and_p_in_the_detail_start_at_the_top() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("enter")
        await wait_for(pilot, on(app, "DetailScreen"))
        await pilot.pause()
        scroller = app.screen.query_one("#detail")
        scroller.scroll_end(animate=False)
        await pilot.pause()
        assert scroller.scroll_y > 0
        await pilot.press("n")
        await pilot.pause()
        assert scroller.scroll_y == 0


async def test_j_and_k_move_in_the_resources_tree() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("r")
        await wait_for(pilot, on(app, "ResourcesScreen"))
        await pilot.pause()
        tree = app.screen.query_one("#resources-tree")
        start = tree.cursor_line  # type: ignore[attr-defined]
        await pilot.press("j", "j")
        assert tree.cursor_line == start + 2  # type: ignore[attr-defined]
        await pilot.press("k")
        assert tree.cursor_line == start + 1  # type: ignore[attr-defined]


async def test_y_is_not_offered_where_there_is_no_json() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.MANUAL})))
        await pilot.press("enter")
        await wait_for(pilot, on(app, "DetailScreen"))
        assert app.screen.check_action("raw_json", ()) is False
        assert "y" not in footer_keys(app)


async def test_not_assessed_drill_down_shows_only_its_row() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        overview = app.session.overview
        run = app.session.run
        assert overview is not None and run is not None
        shown = 0
        for line in overview.gaps:
            await open_findings(pilot, app, line.filter)
            rows = table_rows(app)
            for row in rows:
                # Each row is a result this gap left unjudged, and says so.
                assert row.result.status is Status.NOT_ASSESSED
                assert line.cells[0] in row.result.message, (line.cells, row.result.message)
            shown += len(rows)
            await pilot.press("escape")
            await wait_for(pilot, on(app, "OverviewScreen"))
        # Not every NOT ASSESSED comes from a coverage gap (a field an older
        # api-version lacks): the rows together are fewer than all of them.
        assert 0 < shown < overview.by_status[Status.NOT_ASSESSED]


async def test_esc_while_an_export_is_writing_is_not_silent(tmp_path: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, on(app, "ExportDialog"))
        dialog = app.screen
        dialog._writing = True  # type: ignore[attr-defined]  # as while the worker runs
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog  # stays up until the file is written
        assert "writing" in str(dialog.query_one("#export-error").render()).lower()


# -- focus and view ----------------------------------------------------------------


async def test_export_dialog_focus_starts_on_the_first_choice() -> None:
    from textual.widgets import RadioSet

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, on(app, "ExportDialog"))
        await pilot.pause()
        assert isinstance(app.focused, RadioSet) and app.focused.id == "format"
        await pilot.press("down", "enter")  # the second format, at once
        await pilot.pause()
        pressed = app.focused.pressed_button
        assert pressed is not None and pressed.id != "markdown"


async def test_a_sort_opens_the_view_at_the_top() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app)
        await pilot.press("j", "j", "j", "j", "j")
        table = app.screen.query_one(ResultTable)
        assert table.cursor == 5
        await pilot.press("o")
        await pilot.pause()
        assert table.cursor == 0 and table.scroll_y == 0


# -- rough edges -------------------------------------------------------------------


async def test_an_attestation_has_no_default_answer(tmp_path: Path) -> None:
    app = AuditApp(demo_source(), policy_path=tmp_path / "aci-audit.toml")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("a")
        await wait_for(pilot, on(app, "AttestDialog"))
        assert app.screen.query_one("#status").pressed_button is None  # type: ignore[attr-defined]
        await pilot.press(*"a note", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "AttestDialog"  # refused: no answer chosen
        assert not (tmp_path / "aci-audit.toml").exists()


async def test_the_theme_list_offers_our_themes_only() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" not in titles or set(app.available_themes) <= {
            "textual-dark",
            "textual-light",
        }
        assert set(app.available_themes) == {"textual-dark", "textual-light"}


# -- power-user features (§2) --------------------------------------------------------


async def test_a_header_click_sorts_and_the_sorted_header_shows_its_arrow() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app)
        table = app.screen.query_one(ResultTable)
        header = lambda: table.render_line(0).text  # noqa: E731
        assert "▲" not in header() and "▼" not in header()
        x = header().index("CHECK")
        await pilot.click(ResultTable, offset=(x + 1, 0))
        await pilot.pause()
        assert app.screen.view.sort == "check"  # type: ignore[attr-defined]
        assert "CHECK ▲" in header()
        ids = [r.result.check_id for r in table_rows(app)]
        assert ids == sorted(ids)
        await pilot.click(ResultTable, offset=(x + 1, 0))  # again: reversed
        await pilot.pause()
        assert "CHECK ▼" in header()
        await pilot.press("o")  # the keys still work: the next column
        await pilot.pause()
        assert "CHECK" in header() and "CHECK ▼" not in header()
        assert "▲" in header()


# -- launch: --policy not there yet, --baseline that cannot be read --------------------


def _fake_terminal(monkeypatch) -> list[AuditApp]:
    import sys

    apps: list[AuditApp] = []
    monkeypatch.setattr(AuditApp, "run", lambda self, *a, **k: apps.append(self) or 0)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    return apps


def test_a_policy_file_not_there_yet_opens_and_is_created_on_first_save(
    tmp_path: Path, monkeypatch
) -> None:
    import tui.launch as launch

    apps = _fake_terminal(monkeypatch)
    wanted = tmp_path / "new-policy.toml"
    assert launch.main(["--demo", "--policy", str(wanted)]) == 0
    [app] = apps
    assert app.session.policy_file() == wanted
    assert any("creates it" in n for n in app._notes)
    assert not wanted.exists()
    # A folder that is not there either: a usage error, as before.
    assert launch.main(["--demo", "--policy", str(tmp_path / "nope" / "p.toml")]) == 2


def test_a_bad_baseline_stops_the_app_as_it_stops_scan(tmp_path: Path, monkeypatch, capsys) -> None:
    import tui.launch as launch
    from aciaudit import cli

    apps = _fake_terminal(monkeypatch)
    bad = tmp_path / "old.json"
    bad.write_text('{"not": "a report"}')
    out = tmp_path / "r.md"
    scan = cli.main(["scan", "--demo", "--baseline", str(bad), "-o", str(out)])
    scan_err = capsys.readouterr().err
    assert launch.main(["--demo", "--baseline", str(bad)]) == scan == 2
    app_err = capsys.readouterr().err
    assert apps == [] and not out.exists()
    assert app_err.strip() and app_err.strip() in scan_err


async def test_evidence_paths_break_at_dots_and_the_table_fits_at_120() -> None:
    import html

    from tui.screens.detail import wrap_path

    assert wrap_path("properties.securityContext.privileged", 20) == (
        "properties\n.securityContext\n.privileged"
    )
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(check_id="ACI-016"))
        await pilot.press("enter")
        await wait_for(pilot, on(app, "DetailScreen"))
        await pilot.pause(0.2)
        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert ".securityContext.privileged" in shown  # no name cut in two
        body = app.screen.query_one("#detail-body")
        scroller = app.screen.query_one("#detail")
        # The evidence table ends inside the view, clear of the scrollbar.
        assert body.region.right <= scroller.scrollable_content_region.right


async def test_the_findings_header_reads_in_the_light_theme() -> None:
    from rich.color import Color

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.theme = "textual-light"
        await open_findings(pilot, app)
        table = app.screen.query_one(ResultTable)
        style = next(iter(table.render_line(0))).style  # as painted
        assert style is not None and style.color is not None and style.bgcolor is not None
        fg, bg = style.color.get_truecolor(), style.bgcolor.get_truecolor()
        # Dark text on the light panel: far apart in brightness.
        luma = lambda c: 0.299 * c.red + 0.587 * c.green + 0.114 * c.blue  # noqa: E731
        assert abs(luma(fg) - luma(bg)) > 100, (Color.from_triplet(fg), Color.from_triplet(bg))


async def test_theme_sort_and_grouping_are_remembered_between_runs(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ACI_AUDIT_CONFIG_DIR", str(tmp_path / "cfg"))
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+t")
        await open_findings(pilot, app)
        await pilot.press("o", "o", "O", "b")
        await pilot.pause()
    saved = json.loads((tmp_path / "cfg" / "app.json").read_text())
    assert saved == {
        "theme": "textual-light",
        "sort": "check",
        "reverse": True,
        "grouping": "check",
    }
    again = AuditApp(demo_source())
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert again.theme == "textual-light"
        await open_findings(pilot, again)
        view = again.screen.view  # type: ignore[attr-defined]
        assert (view.sort, view.reverse, view.grouping.value) == ("check", True, "check")
        # enter on a check's header opens that check's findings, not grouped by check again.
        await pilot.press("enter")
        await pilot.pause()
        inner = again.screen.view  # type: ignore[attr-defined]
        assert inner.filter.check_id is not None
        assert inner.grouping.value == "none"
    # A broken file is the defaults, never an error.
    (tmp_path / "cfg" / "app.json").write_text("{not json")
    from tui import prefs

    assert prefs.load() == prefs.Prefs()


async def test_y_copies_the_row_and_shift_y_the_resource_id() -> None:
    app = AuditApp(demo_source())
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app)
        row = table_rows(app)[0]
        await pilot.press("y")
        await pilot.press("Y")
        await pilot.pause()
    assert copied[0].split("\t")[:2] == [row.cells[0], row.cells[1]]
    assert copied[0].endswith(row.result.resource_id)
    assert copied[1] == row.result.resource_id


async def test_colon_jumps_to_a_check_or_a_resource() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("colon")
        await wait_for(pilot, on(app, "JumpDialog"))
        await pilot.press(*"aci-016", "enter")
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert {r.result.check_id for r in table_rows(app)} == {"ACI-016"}
        await pilot.press("colon")
        await wait_for(pilot, on(app, "JumpDialog"))
        await pilot.press(*"dev-jumpbox", "enter")
        await wait_for(pilot, lambda: len(app.screen_stack) == 4)
        await pilot.pause()
        assert {r.cells[3] for r in table_rows(app)} == {"dev-jumpbox"}
        await pilot.press("colon")
        await wait_for(pilot, on(app, "JumpDialog"))
        await pilot.press(*"no-such-thing", "enter")
        await pilot.pause()
        assert len(app.screen_stack) == 4  # said, nothing opened


async def test_the_header_is_a_breadcrumb() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("enter")
        await wait_for(pilot, on(app, "DetailScreen"))
        await pilot.pause()
        title = app.screen.title
        assert title is not None and title.startswith("aci-audit › overview › findings(FAIL)")
        await pilot.press("escape")
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert app.screen.title == "aci-audit › overview"


async def test_the_footer_follows_a_resize_round_trip() -> None:
    import html

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        for size in ((80, 24), SIZE, (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "Export" in shown.splitlines()[-1] or "Export" in shown
        footer = app.screen.query_one("AppFooter")
        assert footer.compact and not footer.show_command_palette  # type: ignore[attr-defined]
        labels = [str(k.description) for k in footer.query("FooterKey")]  # type: ignore[attr-defined]
        assert "Export" in labels and "palette" not in labels


async def test_x_and_w_open_pickers_instead_of_cycling() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app)
        await pilot.press("x")
        await wait_for(pilot, on(app, "PickDialog"))
        await pilot.press("down", "down", "down", "enter")  # any, S1, S2, S3
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert app.screen.view.filter.section == "S3"  # type: ignore[attr-defined]
        assert all("S3" in r.check.sections for r in table_rows(app))
        await pilot.press("w")
        await wait_for(pilot, on(app, "PickDialog"))
        await pilot.press("down", "enter")  # registry
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert {r.rtype for r in table_rows(app)} == {"registry"}
        await pilot.press("x")
        await wait_for(pilot, on(app, "PickDialog"))
        await pilot.press("escape")  # leaves the filter as it was
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert app.screen.view.filter.section == "S3"  # type: ignore[attr-defined]
        await pilot.press("x")
        await wait_for(pilot, on(app, "PickDialog"))
        await pilot.press("home", "enter")  # any: the section filter goes
        await wait_for(pilot, on(app, "FindingsScreen"))
        assert app.screen.view.filter.section is None  # type: ignore[attr-defined]


async def test_filter_matches_are_marked_and_earlier_filters_come_back() -> None:
    from tui.widgets import filter_input

    filter_input.HISTORY.clear()
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app)
        await pilot.press("slash", *"jumpbox", "enter")
        await pilot.pause()
        table = app.screen.query_one(ResultTable)
        assert table.marks == ("jumpbox",)
        line = table.render_line(1)
        marked = [s.text for s in line if s.style is not None and s.style.underline]
        assert "jumpbox" in marked
        await pilot.press("ctrl+l")
        await pilot.press("slash", *"payments", "enter")
        await pilot.press("slash")
        await pilot.pause()
        box = app.screen.query_one("#filter")
        await pilot.press("up")
        assert box.value == "payments"  # type: ignore[attr-defined]
        await pilot.press("up")
        assert box.value == "jumpbox"  # type: ignore[attr-defined]
        await pilot.press("down")
        assert box.value == "payments"  # type: ignore[attr-defined]
    assert filter_input.HISTORY == ["jumpbox", "payments"]


async def test_space_folds_and_unfolds_a_group() -> None:
    from tui.findings_model import Header

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("b")  # grouped by check
        await pilot.pause()
        table = app.screen.query_one(ResultTable)
        first = table.items[0]
        assert isinstance(first, Header)
        everything = len(table.items)
        await pilot.press("space")
        await pilot.pause()
        assert len(table.items) == everything - first.size
        assert isinstance(table.items[1], Header)  # the next group follows at once
        assert table.render_line(1).text.startswith("▸")
        await pilot.press("space")
        await pilot.pause()
        assert len(table.items) == everything
