"""Issue #16, "dialogs whole": every dialog of the app, opened at 80x24 (and some at
120x36 and in the light theme), shows each of its inputs, choices, messages and buttons
without scrolling, and its focus starts on the first thing to answer."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import wait_for, wait_loaded
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.widget import Widget

from aciaudit.reports import FORMATS
from aciaudit.snapshot_io import SnapshotError
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.choice import Source, demo_source
from checks.snapshot import Snapshot
from tui.app import AuditApp

SMALL = (80, 24)
WIDE = (120, 36)
# A folder that is not there: the export's error line names it, and it is long enough
# to take two lines at 80 columns.
MISSING = "/nonexistent-aci-audit/consultant/fabrikam/quarterly-review/reports"
# What a user must see, answer or press in a dialog.
PARTS = "Button, Input, RadioSet, Select, OptionList, Checkbox, .dialog-error, .dialog-hint"

Opener = Callable[[Pilot], Awaitable[None]]


def on(app: Any, name: str) -> Callable[[], bool]:
    return lambda: type(app.screen).__name__ == name


async def _findings(pilot: Pilot, *keys: str) -> None:
    await wait_loaded(pilot)
    await pilot.press("f")
    await wait_for(pilot, on(pilot.app, "FindingsScreen"))
    await pilot.press(*keys)
    await pilot.pause()


async def _open(pilot: Pilot, key: str, name: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, on(pilot.app, name))
    await pilot.pause()


async def export_file_error(pilot: Pilot) -> None:
    await _findings(pilot, "t")
    await _open(pilot, "e", "ExportDialog")
    pilot.app.screen.query_one("#path").value = f"{MISSING}/report.md"  # type: ignore[attr-defined]
    await pilot.click("#write")
    await wait_for(pilot, lambda: "does not exist" in _error_text(pilot))
    pilot.app.screen.query_one("#format").focus()


async def export_folder_error(pilot: Pilot) -> None:
    await _findings(pilot, "t")
    await _open(pilot, "e", "ExportDialog")
    await pilot.press(*["down"] * len(FORMATS), "enter")  # "several, into a folder"
    pilot.app.screen.query_one("#path").value = f"{MISSING}/out"  # type: ignore[attr-defined]
    await pilot.click("#write")
    await wait_for(pilot, lambda: "does not exist" in _error_text(pilot))


async def suppress_error(pilot: Pilot) -> None:
    await _findings(pilot, "t")  # FAILs only: `m` suppresses the first
    await _open(pilot, "m", "SuppressDialog")
    await pilot.press("enter")  # no justification: the error line says so
    await pilot.pause()


async def attest_error(pilot: Pilot) -> None:
    await wait_loaded(pilot)
    await _open(pilot, "a", "AttestDialog")
    await pilot.press("enter")  # no answer chosen: the error line says so
    await pilot.pause()


async def confirm(pilot: Pilot) -> None:
    await _findings(pilot, "slash", *"ACI-006", "enter")
    await _open(pilot, "u", "ConfirmDialog")


async def jump(pilot: Pilot) -> None:
    await _findings(pilot)
    await _open(pilot, "colon", "JumpDialog")


async def pick_section(pilot: Pilot) -> None:
    await _findings(pilot)
    await _open(pilot, "x", "PickDialog")


async def pick_type(pilot: Pilot) -> None:
    await _findings(pilot)
    await _open(pilot, "w", "PickDialog")


async def help_keys(pilot: Pilot) -> None:
    await _findings(pilot)
    await _open(pilot, "question_mark", "HelpScreen")


async def raw_json(pilot: Pilot) -> None:
    await _findings(pilot, "slash", *"ACI-016", "enter")
    await pilot.press("enter")
    await wait_for(pilot, on(pilot.app, "DetailScreen"))
    await _open(pilot, "y", "RawJsonScreen")


async def error(pilot: Pilot) -> None:
    await wait_for(pilot, on(pilot.app, "ErrorDialog"))
    await pilot.pause()


def _broken(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
    raise SnapshotError("estate.json: line 1: not JSON (Expecting value: line 1 column 1)")


def _error_text(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one(".dialog-error").render())


# name: (how to open it, the widget id focused first; None: the dialog's own choice)
DIALOGS: dict[str, tuple[Opener, str | None]] = {
    "export-file": (export_file_error, None),  # focus: its own test below
    "export-folder": (export_folder_error, None),
    "suppress": (suppress_error, "justification"),
    "attest": (attest_error, "note"),
    "confirm": (confirm, "no"),
    "jump": (jump, "jump"),
    "pick-section": (pick_section, "pick"),
    "pick-type": (pick_type, "pick"),
    "help": (help_keys, None),
    "raw-json": (raw_json, "raw-json-scroll"),
    "error": (error, "close"),
}

# The dialogs opened with a message on their error line (it must be in view too).
ERRORS_SHOWN = {"export-file", "export-folder", "suppress", "attest"}


def _app(name: str, tmp_path: Path, theme: str | None) -> AuditApp:
    if name == "error":
        app = AuditApp(Source("estate.json", _broken))
    elif name == "confirm":
        policy = tmp_path / "aci-audit.toml"
        policy.write_text(
            '[[suppressions]]\ncheck = "ACI-006"\nresource = "*"\n'
            'justification = "secrets move to Key Vault in Q1"\nexpires = 2099-01-01\n',
            encoding="utf-8",
        )
        app = AuditApp(demo_source(), policy_path=policy)
    else:
        app = AuditApp(demo_source(), policy_path=tmp_path / "aci-audit.toml")
    if theme:
        app.theme = theme
    return app


def assert_whole(app: AuditApp, label: str) -> None:
    screen = app.screen
    dialog = screen.query_one("#dialog")
    # The dialog itself never needs scrolling: its content fits its region.
    if isinstance(dialog, ScrollableContainer):
        assert dialog.max_scroll_y == 0, (label, "the dialog scrolls", dialog.virtual_size)
    parts: list[Widget] = [
        w  # hidden ones (the folder's checkboxes while one file is chosen) left out
        for w in dialog.query(PARTS)
        if all(a.display for a in w.ancestors_with_self if isinstance(a, Widget))
    ]
    assert parts or label == "help", label
    for widget in [*parts, *dialog.query(".dialog-title")]:
        region = widget.region
        assert region.height > 0, (label, widget, "not shown")
        assert screen.region.contains_region(region), (label, widget, region)
        assert dialog.region.contains_region(region), (label, widget, region)


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_each_dialog_is_whole_at_80x24(name: str, tmp_path: Path) -> None:
    opener, first = DIALOGS[name]
    app = _app(name, tmp_path, None)
    async with app.run_test(size=SMALL) as pilot:
        await opener(pilot)
        if name in ERRORS_SHOWN:
            assert _error_text(pilot).strip(), (name, "the error line is empty")
        assert_whole(app, name)
        if first is not None:
            assert app.focused is not None and app.focused.id == first, (name, app.focused)


@pytest.mark.parametrize(
    ("name", "size", "theme"),
    [
        ("export-file", WIDE, "textual-light"),
        ("export-folder", SMALL, "textual-light"),
        ("suppress", WIDE, None),
        ("attest", SMALL, "textual-light"),
        ("help", WIDE, None),
    ],
)
async def test_dialogs_are_whole_at_120x36_and_in_the_light_theme(
    name: str, size: tuple[int, int], theme: str | None, tmp_path: Path
) -> None:
    app = _app(name, tmp_path, theme)
    async with app.run_test(size=size) as pilot:
        await opener_of(name)(pilot)
        assert_whole(app, f"{name} {size} {theme}")


def opener_of(name: str) -> Opener:
    return DIALOGS[name][0]


async def test_the_export_dialog_starts_on_its_first_choice_and_shows_path_and_error(
    tmp_path: Path,
) -> None:
    app = _app("export-file", tmp_path, None)
    async with app.run_test(size=SMALL) as pilot:
        await _findings(pilot)
        await _open(pilot, "e", "ExportDialog")
        assert app.focused is not None and app.focused.id == "format"
        await pilot.press("down", "enter")  # the first keys answer: JSON is chosen
        assert app.screen.query_one("#path").value.endswith(".json")  # type: ignore[attr-defined]
        app.screen.query_one("#path").value = f"{MISSING}/report.md"  # type: ignore[attr-defined]
        await pilot.click("#write")
        await wait_for(pilot, lambda: "does not exist" in _error_text(pilot))
        # The user sees where the report goes and why it failed, both whole.
        shown = app.export_screenshot().replace("\xa0", " ").replace("&#160;", " ")
        assert "does not exist" in shown
        assert_whole(app, "export")


def test_export_at_80x24_with_an_error_line(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await export_file_error(pilot)
        pilot.app.set_focus(None)  # no blinking cursor in the picture

    assert snap_compare(
        _app("export-file", tmp_path, None), terminal_size=SMALL, run_before=run_before
    )


def test_section_picker_at_80x24_in_the_light_theme(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(
        _app("pick-section", tmp_path, "textual-light"),
        terminal_size=SMALL,
        run_before=pick_section,
    )
