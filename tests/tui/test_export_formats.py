"""`e` exports in every report format, or several into a folder; the dialog says what
is wrong with a path instead of failing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import SIZE, wait_for, wait_loaded
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, RadioButton, Static

from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import Row
from tui.screens.export_dialog import ExportDialog


async def _open_dialog(pilot: Pilot) -> ExportDialog:
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExportDialog)
    return screen


async def _choose(pilot: Pilot, dialog: ExportDialog, button_id: str) -> None:
    dialog.query_one(f"#{button_id}", RadioButton).value = True
    await pilot.pause()


def _path_box(dialog: ExportDialog) -> Input:
    return dialog.query_one("#path", Input)


async def _write(pilot: Pilot) -> None:
    # A button ignores clicks for 0.2 s after one (its press animation).
    button = pilot.app.screen.query_one("#write", Button)
    await wait_for(pilot, lambda: not button.has_class("-active"))
    await pilot.click("#write")


def _error_text(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-error", Static).render())


async def test_sarif_and_csv_of_the_current_filter(tmp_path: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.run is not None
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        await pilot.press("t")  # FAIL only
        await pilot.pause()
        fails = [i for i in app.screen.view.items if isinstance(i, Row)]  # type: ignore[attr-defined]
        assert fails and len(fails) < len(app.session.run.results)

        dialog = await _open_dialog(pilot)
        # The default file name follows the format.
        await _choose(pilot, dialog, "sarif")
        assert _path_box(dialog).value.endswith("aci-audit-report.sarif")
        await _choose(pilot, dialog, "csv")
        assert _path_box(dialog).value.endswith("aci-audit-report.csv")
        await _choose(pilot, dialog, "sarif")

        sarif_path = tmp_path / "fails.sarif"
        _path_box(dialog).value = str(sarif_path)
        dialog.query_one("#view", RadioButton).value = True
        await _write(pilot)
        await wait_for(pilot, sarif_path.exists)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        sarif = json.loads(sarif_path.read_text())
        assert sarif["version"] == "2.1.0"
        sarif_results = sarif["runs"][0]["results"]
        assert sarif_results
        fail_checks = {r.result.check_id for r in fails}
        assert {r["ruleId"] for r in sarif_results} <= fail_checks
        # Nothing but the filter's findings, and no temp file left behind.
        assert [p.name for p in tmp_path.iterdir()] == ["fails.sarif"]

        dialog = await _open_dialog(pilot)
        await _choose(pilot, dialog, "csv")
        csv_path = tmp_path / "fails.csv"
        _path_box(dialog).value = str(csv_path)
        dialog.query_one("#view", RadioButton).value = True
        await _write(pilot)
        await wait_for(pilot, csv_path.exists)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        rows = list(csv.DictReader(io.StringIO(csv_path.read_text(), newline="")))
        assert len(rows) == len(fails)
        status_column = next(k for k in rows[0] if k.lower() == "status")
        assert {r[status_column] for r in rows} == {Status.FAIL.value}


async def test_several_formats_into_a_folder(tmp_path: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.run is not None
        dialog = await _open_dialog(pilot)
        assert not dialog.query_one("#folder-formats").display
        await _choose(pilot, dialog, "folder")
        assert dialog.query_one("#folder-formats").display
        assert _path_box(dialog).value.endswith("aci-audit-reports")

        folder = tmp_path / "reports"  # made: its parent exists
        _path_box(dialog).value = str(folder)
        dialog.query_one("#with-json", Checkbox).value = False
        await _write(pilot)
        await wait_for(pilot, lambda: (folder / "report.csv").exists())
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        assert sorted(p.name for p in folder.iterdir()) == [
            "azure-policy.json",
            "remediation.sh",
            "report.csv",
            "report.html",
            "report.md",
            "report.sarif",
        ]
        assert "DEMO" in (folder / "report.md").read_text()
        sarif = json.loads((folder / "report.sarif").read_text())
        assert sum(len(run["results"]) for run in sarif["runs"]) > 0
        rows = list(csv.DictReader(io.StringIO((folder / "report.csv").read_text(), newline="")))
        assert len(rows) == len(app.session.run.results)


async def test_bad_paths_are_said_in_the_dialog(tmp_path: Path) -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _open_dialog(pilot)

        # A file into a folder that does not exist.
        _path_box(dialog).value = str(tmp_path / "missing" / "report.md")
        await _write(pilot)
        await wait_for(pilot, lambda: "does not exist" in _error_text(dialog))
        assert app.screen is dialog

        # A file name that is a folder.
        _path_box(dialog).value = str(tmp_path)
        await _write(pilot)
        await wait_for(pilot, lambda: "is a folder" in _error_text(dialog))

        # Several formats into something that is a file.
        taken = tmp_path / "taken"
        taken.write_text("mine")
        await _choose(pilot, dialog, "folder")
        _path_box(dialog).value = str(taken)
        await _write(pilot)
        await wait_for(pilot, lambda: "is a file" in _error_text(dialog))
        assert taken.read_text() == "mine"

        # No format ticked.
        _path_box(dialog).value = str(tmp_path / "out")
        for box in dialog.query(Checkbox):
            box.value = False
        await _write(pilot)
        await wait_for(pilot, lambda: "at least one format" in _error_text(dialog))

        # A name the file system refuses: the OS's reason, in the dialog.
        await _choose(pilot, dialog, "json")
        _path_box(dialog).value = str(tmp_path / ("x" * 300 + ".json"))
        await _write(pilot)
        await wait_for(pilot, lambda: "Cannot write" in _error_text(dialog))
        assert app.screen is dialog
        assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")


def test_an_export_of_the_view_keeps_only_the_view_s_baseline_changes() -> None:
    from aciaudit.diff import diff_runs, key
    from aciaudit.run import audit
    from aciaudit.sources.demo import DEMO_POLICY, load_demo
    from checks.model import Status

    old = load_demo()
    old.resources = [r for r in old.resources if r.get("name") != "storefront-web"]
    run = audit(load_demo(), DEMO_POLICY)
    run = run.with_delta(diff_runs(audit(old, DEMO_POLICY), run))
    assert run.delta is not None and run.delta.new  # storefront-web's FAILs are new
    view = [r for r in run.results if r.status is Status.FAIL and "storefront" not in r.resource_id]
    subset = run.subset(view)
    assert subset.delta is not None and not subset.delta.new  # none of them is in view
    shown = {key(r.check_id, r.resource_id) for r in view}
    assert {key(e.check_id, e.resource_id) for e in subset.delta.entries} <= shown
    assert len(run.delta.new) > 0  # the whole run's section is untouched
