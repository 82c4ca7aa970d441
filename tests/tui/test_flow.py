"""The main path a consultant walks: demo → overview → findings → filter → detail →
back → export, plus loading, cancelling and failing sources."""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from pathlib import Path

import pytest
from conftest import SIZE, source_of, wait_for, wait_loaded
from rich.text import Text

from aciaudit.errors import UserError
from aciaudit.sources.azure.arm import Cancelled
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.choice import Source, demo_source, snapshot_source
from checks.model import Status
from checks.snapshot import Snapshot
from tui.app import AuditApp
from tui.findings_model import Row
from tui.widgets.result_table import ResultTable


def rows_shown(app: AuditApp) -> list[Row]:
    table = app.screen.query_one(ResultTable)
    return [i for i in table.items if isinstance(i, Row)]


async def test_demo_overview_findings_filter_detail_back_export(tmp_path: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.run is not None and app.session.run.snapshot.is_demo
        banner = app.screen.query_one("#demo-banner")
        assert "DEMO DATA" in str(banner.render())

        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        shown = rows_shown(app)
        assert len(shown) == len(app.session.run.results)
        # FAIL first, most severe first.
        assert shown[0].result.status is Status.FAIL
        assert shown[0].check.severity.rank == min(
            r.check.severity.rank for r in shown if r.result.status is Status.FAIL
        )

        await pilot.press("slash", *"jumpbox")
        await pilot.pause()
        shown = rows_shown(app)
        assert shown and all("jumpbox" in r.haystack for r in shown)
        assert app.screen.sub_title.startswith(f"findings[{len(shown)}]")
        assert app.screen.sub_title.endswith("</jumpbox>")

        await pilot.press("enter")  # leave the filter box
        await pilot.press("t")  # status: FAIL only
        await pilot.pause()
        fails = rows_shown(app)
        assert fails and all(r.result.status is Status.FAIL for r in fails)
        assert app.screen.sub_title == f"findings(FAIL)[{len(fails)}] </jumpbox>"

        assert rows_shown(app) == fails

        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
        target = tmp_path / "jumpbox.md"
        box = app.screen.query_one("#path")
        box.value = str(target)  # type: ignore[attr-defined]
        app.screen.query_one("#view").value = True  # type: ignore[attr-defined]
        await pilot.click("#write")
        await wait_for(pilot, target.exists)
        text = target.read_text()
        assert "DEMO" in text
        for row in fails:
            assert row.result.check_id in text
        # Only the filtered findings: a check that never fails on the jumpbox is absent.
        others = {r.result.check_id for r in app.session.rows} - {r.result.check_id for r in fails}
        # (The compliance section names every mapped check: only the part before it.)
        findings_part = text.split("## Compliance")[0]
        assert any(check not in findings_part for check in others)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")

        await pilot.press("escape")  # first the filter goes
        await pilot.pause()
        assert len(rows_shown(app)) == len(app.session.run.results)
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")


async def test_overview_rows_open_filtered_findings() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one("#table-checks")
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        shown = rows_shown(app)
        assert shown
        assert {r.result.check_id for r in shown} == {shown[0].result.check_id}
        assert {r.result.status for r in shown} == {Status.FAIL}
        assert shown[0].check.severity.value == "critical"


async def test_snapshot_file_loads_through_the_same_screen(tmp_path: Path) -> None:
    from aciaudit.snapshot_io import save_snapshot
    from aciaudit.sources.demo import load_demo

    path = tmp_path / "estate.json"
    save_snapshot(load_demo(), path)
    app = AuditApp(snapshot_source(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.run is not None and len(app.session.run.results) > 100
        assert str(path) in app.sub_title


async def test_a_key_is_handled_while_collecting_and_esc_cancels() -> None:
    started, release = threading.Event(), threading.Event()
    seen_cancel = threading.Event()

    def slow(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Listing container groups", 100)
        started.set()
        for _ in range(200):  # a collector checks cancellation between pages
            if cancel.wait(0.05):
                seen_cancel.set()
                raise Cancelled()
            progress.advance("Listing container groups")
        release.wait(5)
        raise AssertionError("never cancelled")

    app = AuditApp(Source("slow fake", slow))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, started.is_set)
        await pilot.press("question_mark")  # the loop is free while the worker reads
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CollectScreen")
        await pilot.pause(0.3)
        assert "Listing container groups" in str(
            app.screen.query_one("#collect-phases").children[0].render()
        )
        await pilot.press("escape")
        await wait_for(pilot, seen_cancel.is_set)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        assert app.session.run is None
        release.set()


async def test_a_failing_source_shows_an_error_dialog_not_a_traceback() -> None:
    def broken(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        raise RuntimeError("the fake source broke")

    app = AuditApp(Source("broken fake", broken))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ErrorDialog")
        await wait_for(pilot, lambda: bool(app.screen.query(".dialog-body")))  # composed
        body = app.screen.query_one(".dialog-body")
        # Not a failure the user can act on: its type is named, for the bug report.
        assert str(body.render()).strip() == "RuntimeError: the fake source broke"
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")


async def test_a_user_error_of_any_name_is_its_message_alone() -> None:
    # Routed by type: any UserError is one actionable line, whatever its class is called.
    class TenantGone(UserError):
        pass

    def gone(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        raise TenantGone("tenant contoso.example is gone: sign in to another")

    app = AuditApp(Source("gone fake", gone))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(".dialog-body")))
        body = str(app.screen.query_one(".dialog-body").render()).strip()
        assert body == "tenant contoso.example is gone: sign in to another"
        assert str(app.screen.query_one(".dialog-title").render()) == "Could not read the source"
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        await pilot.pause(0.3)


async def test_a_malformed_snapshot_is_one_line_in_a_dialog(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    app = AuditApp(snapshot_source(path))
    async with app.run_test(size=SIZE) as pilot:
        # The dialog's type shows on the stack before its body is composed.
        await wait_for(pilot, lambda: bool(app.screen.query(".dialog-body")))
        message = str(app.screen.query_one(".dialog-body").render())
        assert "bad.json" in message and "\n" not in message.strip()
        # Close the dialog and let the connect screen below settle before shutting down.
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConnectScreen")
        await pilot.pause(0.3)


@pytest.mark.parametrize("delay", [0, 0.005, 0.02, 0.05])
async def test_quitting_as_the_error_dialog_appears_does_not_crash(
    tmp_path: Path, delay: float
) -> None:
    # The dialog used to be pushed over a connect screen still mounting; an exit at that
    # moment raised NoMatches from the connect screen's Header (7 of 8 delays failed).
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    app = AuditApp(snapshot_source(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ErrorDialog")
        connect = app.screen_stack[-2]
        assert type(connect).__name__ == "ConnectScreen" and connect.is_mounted
        await asyncio.sleep(delay)  # not pilot.pause: that waits for the app to settle


# Azure names cannot hold "/", so the hostile name stays in one id segment.
HOSTILE = "[bold]x[reverse] a[b] \x1b[31mred\x1b[0m [link=http:e]l"


async def test_names_with_markup_and_control_characters_render_literally() -> None:
    from fixtures import container_group

    group = container_group(name="web")
    group = copy.deepcopy(group)
    rg_id = group["id"].rsplit("/providers/", 1)[0]
    group["id"] = f"{rg_id}/providers/Microsoft.ContainerInstance/containerGroups/{HOSTILE}"
    group["name"] = HOSTILE
    raw = {"format": "aci-auditor.snapshot", "version": 1, "resources": [group]}
    app = AuditApp(source_of(json.loads(json.dumps(raw)), label=HOSTILE))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        await pilot.press("slash", *"bold")
        await pilot.pause()
        shown = rows_shown(app)
        assert shown, "the hostile name is searchable as plain text"
        screen_text = app.export_screenshot()
        assert "[bold]x[reverse]" in screen_text.replace("&#160;", " ")
        assert "\x1b" not in screen_text
        assert "␛[31mred" in screen_text
        table = app.screen.query_one(ResultTable)
        strip = table.render_line(1)
        assert "[bold]x[reverse] a[b] ␛" in "".join(seg.text for seg in strip)


def test_text_helper_never_parses_markup() -> None:
    from tui.text import literal

    text = literal(HOSTILE)
    assert isinstance(text, Text)
    assert text.plain.startswith("[bold]x[reverse] a[b] ␛[31mred")
    assert not text.spans


async def test_a_fast_typist_burst_after_slash_lands_in_the_filter() -> None:
    from textual import events

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        await pilot.pause()
        # As a terminal delivers `/pay⏎` in one read: every key is queued before the
        # first is handled, so all of them are routed to the table that had focus.
        for key, char in [("slash", "/"), ("p", "p"), ("a", "a"), ("y", "y"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        assert app.screen.sub_title.endswith("</pay>")
        assert type(app.screen).__name__ == "FindingsScreen"  # enter left the box, no detail
        assert isinstance(app.screen.focused, ResultTable)


async def test_detail_shows_evidence_and_copies_the_az_command() -> None:
    from tui.screens.detail import DetailScreen

    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        index = next(
            i
            for i, r in enumerate(app.session.rows)
            if r.result.check_id == "ACR-001" and r.result.status is Status.FAIL
        )
        app.push_screen(DetailScreen(app.session.rows, index))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
        await pilot.pause()
        text = app.export_screenshot()
        assert "properties.adminUserEnabled" in text
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("az acr update --name")
        assert "--admin-enabled false" in app.clipboard
        await pilot.press("n")
        assert app.screen.index == index + 1  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
