"""Issue #13 §7 through the app, the cases tests/tui/test_file_rules_app.py leaves out:
a new export is 0600; a folder where a file is wanted (and a file where a folder is
wanted) is said in the dialog and the app keeps running; an export cut short (the app
quits, the dialog goes, esc while writing) replaces nothing silently; a policy edit
keeps a plain file's mode, creates a new policy 0600, refuses a folder, a FIFO and a
device with a clear message (never a hang, never "saved" into /dev/null), and a policy
write that fails half-way leaves the old file and no temp file."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SIZE, wait_for, wait_loaded
from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioButton, Static

from aciaudit import atomic, outputs
from aciaudit.outputs import Write
from aciaudit.run import Run
from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import Filter
from tui.messages import ShowFindings
from tui.screens.error_dialog import ErrorDialog
from tui.screens.export_dialog import ExportDialog

SUPPRESSION = (
    '[[suppressions]]\ncheck = "ACR-*"\nresource = "*"\n'
    'justification = "registries are out of scope"\nexpires = 2099-01-01\n'
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _on(app: AuditApp, name: str) -> Callable[[], bool]:
    return lambda: type(app.screen).__name__ == name


def _said(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-error", Static).render())


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


class _HeldWrite:
    """outputs.write_report that writes half a document, then waits for `release`: an
    export caught in the middle of its writing."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.real = outputs.write_report
        monkeypatch.setattr(outputs, "write_report", self)

    def __call__(self, run: Run, fmt: str, write: Write) -> None:
        parts: list[str] = []
        self.real(run, fmt, parts.append)
        text = "".join(parts)
        write(text[: len(text) // 2])
        self.started.set()
        self.release.wait(10)
        write(text[len(text) // 2 :])


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# -- export -------------------------------------------------------------------------------


async def test_a_new_export_is_0600(tmp_path: Path) -> None:
    path = tmp_path / "new.md"
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _export_to(pilot, path)
        await wait_for(pilot, _on(app, "OverviewScreen"))
    assert path.read_text().startswith("# ") and _mode(path) == 0o600


async def test_export_onto_a_folder_is_said_in_the_dialog(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _export_to(pilot, folder, "json")
        await wait_for(pilot, lambda: "folder" in _said(dialog))
        assert str(folder) in _said(dialog) and "\n" not in _said(dialog).strip()
        assert app.screen is dialog  # the dialog stays for another name
        # …and the app goes on: a file name in the same dialog is written.
        dialog.query_one("#path", Input).value = str(folder / "r.json")
        dialog.query_one("#write", Button).press()
        await wait_for(pilot, _on(app, "OverviewScreen"))
    assert [p.name for p in folder.iterdir()] == ["r.json"]


async def test_a_folder_export_onto_a_file_is_said_in_the_dialog(tmp_path: Path) -> None:
    path = tmp_path / "reports"
    path.write_text("mine")
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _export_to(pilot, path, "folder")
        await wait_for(pilot, lambda: "is a file" in _said(dialog))
        assert app.screen is dialog
    assert path.read_text() == "mine"


async def test_quitting_while_an_export_writes_replaces_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.md").write_text("old")
    held = _HeldWrite(monkeypatch)
    ended = threading.Event()  # the staged batch was discarded or committed
    real_commit, real_discard = atomic.Batch.commit, atomic.Batch.discard

    def commit(self: atomic.Batch) -> None:
        real_commit(self)
        ended.set()

    def discard(self: atomic.Batch) -> None:
        real_discard(self)
        ended.set()

    monkeypatch.setattr(atomic.Batch, "commit", commit)
    monkeypatch.setattr(atomic.Batch, "discard", discard)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _export_to(pilot, folder, "folder")
        await wait_for(pilot, held.started.is_set)
        app.exit()
    held.release.set()  # the worker thread goes on after the app is gone…
    assert ended.wait(10)
    # …and replaces nothing, leaving no temp file behind.
    assert [p.name for p in folder.iterdir()] == ["report.md"]
    assert (folder / "report.md").read_text() == "old"


async def test_esc_q_or_cancel_while_an_export_writes_wait_and_then_say_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.md"
    held = _HeldWrite(monkeypatch)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _export_to(pilot, path)
        await wait_for(pilot, held.started.is_set)
        await pilot.press("q")  # does not close a dialog
        await pilot.pause()
        assert app.screen is dialog
        for key in ("escape", "cancel"):
            if key == "cancel":  # the Cancel button, as esc (it used to close unseen)
                dialog.query_one("#cancel", Button).press()
            else:
                await pilot.press(key)
            await pilot.pause()
            assert app.screen is dialog and "Still writing" in _said(dialog)
            dialog.query_one("#export-error", Static).update("")
        assert not path.exists()
        held.release.set()
        await wait_for(pilot, _on(app, "OverviewScreen"))
        await pilot.pause()
        assert any(str(path) in str(n.message) for n in app._notifications)
    assert path.read_text().startswith("# ") and _no_temp_files(tmp_path)


async def test_an_export_that_fails_half_way_replaces_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.md"
    path.write_text("old")
    path.chmod(0o644)

    def broken(run: Run, fmt: str, write: Write) -> None:
        write("# half a report\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs, "write_report", broken)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _export_to(pilot, path)
        await wait_for(pilot, lambda: "No space left" in _said(dialog))
        assert "nothing was written" in _said(dialog).lower()
        assert app.screen is dialog
    assert path.read_text() == "old" and _mode(path) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]


# -- policy save --------------------------------------------------------------------------


async def _lift_acr(pilot: Pilot, app: AuditApp) -> None:
    """`u` on a suppressed ACR FAIL, then `y`: the policy file is edited."""
    app.post_message(ShowFindings(Filter(statuses=frozenset({Status.FAIL}), text="ACR-")))
    await wait_for(pilot, _on(app, "FindingsScreen"))
    await pilot.pause()
    await pilot.press("u")
    await wait_for(pilot, _on(app, "ConfirmDialog"))
    await pilot.press("y")


async def _on_first_fail(pilot: Pilot, app: AuditApp, key: str) -> None:
    app.post_message(ShowFindings(Filter(statuses=frozenset({Status.FAIL}))))
    await wait_for(pilot, _on(app, "FindingsScreen"))
    await pilot.pause()
    await pilot.press(key)


async def _suppress_first(
    pilot: Pilot, app: AuditApp, before_save: Callable[[], object] = list
) -> None:
    """`m` on the first FAIL, and the dialog's defaults accepted."""
    await _on_first_fail(pilot, app, "m")
    await wait_for(pilot, _on(app, "SuppressDialog"))
    await pilot.pause()
    dialog = app.screen
    dialog.query_one("#justification", Input).value = "accepted for the test"
    await pilot.pause()
    before_save()
    dialog.query_one("#save", Button).press()


def _error_text(app: AuditApp) -> str:
    screen = app.screen
    assert isinstance(screen, ErrorDialog)
    return " ".join(str(w.render()) for w in screen.query(Static))


async def test_a_policy_edit_keeps_a_plain_files_mode(tmp_path: Path) -> None:
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(SUPPRESSION)
    policy.chmod(0o644)
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _lift_acr(pilot, app)
        await wait_for(pilot, lambda: "ACR-*" not in policy.read_text())
    assert _mode(policy) == 0o644 and [p.name for p in tmp_path.iterdir()] == [policy.name]


async def test_a_new_policy_file_is_0600(tmp_path: Path) -> None:
    policy = tmp_path / "new.toml"
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _suppress_first(pilot, app)
        await wait_for(pilot, policy.exists)
    assert "accepted for the test" in policy.read_text() and _mode(policy) == 0o600


@pytest.mark.parametrize("kind", ["directory", "socket"])
async def test_a_policy_that_is_a_folder_or_socket_is_a_clear_error(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No --policy: edits go to ./aci-audit.toml, which here is a folder (or a socket).
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "aci-audit.toml"
    server = socket.socket(socket.AF_UNIX)
    if kind == "directory":
        path.mkdir()
    else:
        server.bind(str(path))
    try:
        app = AuditApp(demo_source())
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await _on_first_fail(pilot, app, "m")  # said before the dialog is filled in
            await wait_for(pilot, _on(app, "ErrorDialog"))
            said = _error_text(app)
            assert f"aci-audit.toml is a {kind}" in said and "Errno" not in said
            await pilot.press("escape")
            await wait_for(pilot, _on(app, "FindingsScreen"))  # the app goes on
    finally:
        server.close()
    if kind == "directory":
        assert list(path.iterdir()) == []
    else:
        assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["aci-audit.toml"]


async def test_a_policy_that_became_a_folder_meanwhile_is_a_clear_error(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "aci-audit.toml"
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _suppress_first(pilot, app, before_save=policy.mkdir)
        await wait_for(pilot, _on(app, "ErrorDialog"))
        assert "aci-audit.toml is a directory" in _error_text(app)
        await pilot.press("escape")
        await wait_for(pilot, _on(app, "FindingsScreen"))
        assert app.session.last_edit is None  # nothing for ctrl+z: nothing was saved
    assert list(policy.iterdir()) == []


@pytest.mark.parametrize("key", ["m", "a"])
async def test_a_policy_edit_into_dev_null_is_refused_not_saved(key: str) -> None:
    before = os.stat("/dev/null")
    app = AuditApp(demo_source(), policy_path=Path("/dev/null"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        if key == "m":
            await _on_first_fail(pilot, app, key)
        else:
            await pilot.press(key)  # attest, from the overview
        await wait_for(pilot, _on(app, "ErrorDialog"))
        said = _error_text(app)
        assert "/dev/null is a character device" in said and "Nothing was written" in said
        assert not any(n.title == "Policy saved" for n in app._notifications)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


async def test_a_policy_edit_into_a_fifo_is_refused_without_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.toml"
    os.mkfifo(fifo)

    stop, rescued = threading.Event(), threading.Event()

    def rescue() -> None:
        # Without the fix the edit opened the FIFO to read it and the app froze: after
        # 15 s this opens its other end, again and again, so that every such wait ends
        # and the test fails instead of hanging.
        if stop.wait(15):
            return
        while not stop.is_set():
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                rescued.set()
            stop.wait(0.1)

    rescuer = threading.Thread(target=rescue, daemon=True)
    rescuer.start()
    app = AuditApp(demo_source(), policy_path=fifo)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await _on_first_fail(pilot, app, "m")
            await wait_for(pilot, _on(app, "ErrorDialog"))
            assert not rescued.is_set()  # refused at once, not freed by the rescue
            assert "FIFO" in _error_text(app)
    finally:
        stop.set()
        rescuer.join(5)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["policy.toml"]


async def test_a_policy_write_that_fails_half_way_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aciaudit import atomic

    policy = tmp_path / "aci-audit.toml"
    policy.write_text(SUPPRESSION)
    policy.chmod(0o644)
    real_finish = atomic.Batch._finish

    def disk_full(self: atomic.Batch) -> None:
        for entry in self.staged:
            assert entry.handle is not None
            entry.handle.flush()  # the new text is on disk in the temp file…
        raise OSError(28, "No space left on device")  # …and the fsync fails

    monkeypatch.setattr(atomic.Batch, "_finish", disk_full)
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await _lift_acr(pilot, app)
        await wait_for(pilot, _on(app, "ErrorDialog"))
        assert "No space left" in _error_text(app) and "not changed" in _error_text(app)
        monkeypatch.setattr(atomic.Batch, "_finish", real_finish)
        await pilot.press("escape")
        await wait_for(pilot, _on(app, "FindingsScreen"))
        run = app.session.run
        assert run is not None and any(s.check == "ACR-*" for s in run.policy.suppressions)
    assert policy.read_text() == SUPPRESSION and _mode(policy) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["aci-audit.toml"]


async def test_export_into_a_fifo_nobody_reads_is_said_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        dialog = await _export_to(pilot, fifo, "json")
        await wait_for(pilot, lambda: "Cannot write" in _said(dialog))
        assert "nothing was written (nobody is reading the FIFO)" in _said(dialog)
        assert app.screen is dialog
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


# -- what the app is started with --------------------------------------------------------


@pytest.mark.parametrize("option", ["--policy", "--baseline"])
@pytest.mark.parametrize("kind", ["FIFO", "stdin", "character device"])
def test_the_app_refuses_a_policy_or_baseline_it_could_read_only_once(
    option: str,
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`scan --policy <(…)` reads it once; the app reads its policy on every load and
    edits it, and its baseline for every source: a FIFO would freeze it on the second
    read, and the edits would be lost. Said before the app opens, exit 2."""
    import sys

    import tui.launch as launch

    opened: list[AuditApp] = []

    def run(self: AuditApp, *args: object, **kwargs: object) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(AuditApp, "run", run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    path = {"FIFO": tmp_path / "pipe", "stdin": Path("-"), "character device": Path("/dev/null")}
    if kind == "FIFO":
        os.mkfifo(path[kind])
    assert launch.main(["--demo", option, str(path[kind])]) == 2
    err = capsys.readouterr().err
    assert f"{path[kind]} is {'a ' if kind != 'stdin' else ''}{kind}" in err, err
    assert "Traceback" not in err and not opened
    assert [p.name for p in tmp_path.iterdir()] == (["pipe"] if kind == "FIFO" else [])


_SIGTERM_DURING_EXPORT = """
import os, signal, sys, threading, time
from pathlib import Path
from textual.widgets import Input, RadioButton
from aciaudit import crash, outputs
from aciaudit.sources.choice import demo_source
from tui.app import AuditApp
from tui.screens.export_dialog import ExportDialog

folder = Path(sys.argv[1])
started = threading.Event()
real = outputs.write_report

def held(run, fmt, write):  # half a report, then SIGTERM arrives
    parts = []
    real(run, fmt, parts.append)
    write("".join(parts)[:100])
    started.set()
    time.sleep(2)
    write("".join(parts)[100:])

outputs.write_report = held

async def auto(pilot):
    app = pilot.app
    while app.session.run is None or type(app.screen).__name__ != "OverviewScreen":
        await pilot.pause(0.05)
    await pilot.press("e")
    while not isinstance(app.screen, ExportDialog):
        await pilot.pause(0.05)
    dialog = app.screen
    dialog.query_one("#folder", RadioButton).value = True
    await pilot.pause()
    dialog.query_one("#path", Input).value = str(folder)
    dialog._write()
    while not started.is_set():
        await pilot.pause(0.05)
    os.kill(os.getpid(), signal.SIGTERM)
    await pilot.pause(10)

def run():
    AuditApp(demo_source()).run(headless=True, auto_pilot=auto)
    return 0

sys.exit(crash.guarded(run))
"""


def test_sigterm_while_the_app_exports_replaces_nothing(tmp_path: Path) -> None:
    """The whole process, as `kill` meets it: the app ends with 130 and one line, the
    export under way is called off, and by the time the process is gone nothing is
    replaced and no temp file is left (the worker thread is joined at exit)."""
    import subprocess
    import sys

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.md").write_text("old")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", _SIGTERM_DURING_EXPORT, str(folder)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip() == "aci-audit: interrupted; nothing was written"
    assert [p.name for p in folder.iterdir()] == ["report.md"]
    assert (folder / "report.md").read_text() == "old"
