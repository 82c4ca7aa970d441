"""Issue #13, the file rules through the app: the export dialog and a policy edit write
through aciaudit.atomic like the command line (symlink followed and kept, mode kept,
FIFO streamed, socket refused with a message in the dialog)."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

from conftest import SIZE, wait_for, wait_loaded
from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioButton, Static

from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import Filter
from tui.messages import ShowFindings
from tui.screens.export_dialog import ExportDialog


async def _export_to(pilot: Pilot, path: Path, fmt: str = "markdown") -> ExportDialog:
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportDialog))
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    dialog.query_one(f"#{fmt}", RadioButton).value = True
    await pilot.pause()
    dialog.query_one("#path", Input).value = str(path)
    button = dialog.query_one("#write", Button)
    await wait_for(pilot, lambda: not button.has_class("-active"))
    await pilot.click("#write")
    return dialog


def _on(app: AuditApp, name: str):
    return lambda: type(app.screen).__name__ == name


async def test_export_follows_a_symlink_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    target.write_text("old")
    target.chmod(0o644)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _export_to(pilot, link)
        await wait_for(pilot, lambda: target.read_text() != "old")
        await wait_for(pilot, _on(app, "OverviewScreen"))
    assert link.is_symlink() and target.read_text().startswith("# ")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


async def test_export_streams_into_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _export_to(pilot, fifo, "json")
        await wait_for(pilot, _on(app, "OverviewScreen"))
    reader.join(10)
    assert got and got[0].startswith(b"{") and stat.S_ISFIFO(fifo.stat().st_mode)


async def test_export_refuses_a_socket_in_the_dialog(tmp_path: Path) -> None:
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        app = AuditApp(demo_source())
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            dialog = await _export_to(pilot, sock_path)

            def said() -> str:
                return str(dialog.query_one("#export-error", Static).render())

            await wait_for(pilot, lambda: "socket" in said())
            assert isinstance(app.screen, ExportDialog)
    finally:
        server.close()
    assert stat.S_ISSOCK(os.stat(sock_path).st_mode)


async def test_a_policy_edit_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    real = tmp_path / "conf" / "aci-audit.toml"
    real.write_text(
        '[[suppressions]]\ncheck = "ACR-*"\nresource = "*"\n'
        'justification = "registries are out of scope"\nexpires = 2099-01-01\n'
    )
    real.chmod(0o640)
    link = tmp_path / "aci-audit.toml"
    link.symlink_to(real)
    app = AuditApp(demo_source(), policy_path=link)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.post_message(ShowFindings(Filter(statuses=frozenset({Status.FAIL}), text="ACR-")))
        await wait_for(pilot, _on(app, "FindingsScreen"))
        await pilot.pause()
        await pilot.press("u")  # lift the suppression: the policy file is edited
        await wait_for(pilot, _on(app, "ConfirmDialog"))
        await pilot.press("y")
        await wait_for(pilot, lambda: "ACR-*" not in real.read_text())
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aci-audit.toml", "conf"]
    assert sorted(p.name for p in (tmp_path / "conf").iterdir()) == ["aci-audit.toml"]


async def test_export_writes_into_a_character_device_without_replacing_it() -> None:
    before = os.stat("/dev/null")
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _export_to(pilot, Path("/dev/null"), "csv")
        await wait_for(pilot, _on(app, "OverviewScreen"))
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


async def test_a_failed_folder_export_replaces_nothing(tmp_path: Path, monkeypatch) -> None:
    from aciaudit import outputs

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.md").write_text("old")
    real, calls = outputs.write_report, []

    def full_disk_on_second(run, fmt, write):
        calls.append(fmt)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(run, fmt, write)

    monkeypatch.setattr(outputs, "write_report", full_disk_on_second)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _export_to(pilot, folder, "folder")

        def said() -> str:
            return str(dialog.query_one("#export-error", Static).render())

        await wait_for(pilot, lambda: "No space left" in said())
    assert len(calls) == 2
    assert [p.name for p in folder.iterdir()] == ["report.md"]
    assert (folder / "report.md").read_text() == "old"
