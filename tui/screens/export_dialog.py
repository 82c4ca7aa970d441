"""`e`: write the report (whole run or current filter) in one format to a file, or in
several into a folder; every file atomically. Path problems show in the dialog."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from aciaudit.atomic import WriteCancelled, cancelled_by, stream_kind
from aciaudit.outputs import OutputPathError, OutputPlan, PathProblem, write_reports
from aciaudit.reports import FILE_NAMES, FORMATS, LABELS
from aciaudit.run import Run
from checks.model import Result
from tui.text import literal, safe

FOLDER = "folder"  # the format choice that writes several formats into a folder
# The suffix each format's file takes.
EXTENSIONS = {fmt: Path(FILE_NAMES[fmt]).suffix for fmt in FORMATS}
DEFAULT_STEM = "aci-audit-report"
DEFAULT_FOLDER = "aci-audit-reports"


def default_path(fmt: str | None, folder: Path) -> Path:
    """`aci-audit-report.<ext>` for one format; a folder name for several (None)."""
    return folder / (DEFAULT_FOLDER if fmt is None else DEFAULT_STEM + EXTENSIONS[fmt])


def path_problem(exc: OutputPathError) -> str:
    """What is wrong with the path, in the dialog's words."""
    if exc.problem is PathProblem.IS_FOLDER:
        return f"{exc.path} is a folder; give a file name"
    if exc.problem is PathProblem.IS_FILE:
        return f"{exc.path} is a file; several formats go into a folder"
    if exc.problem is PathProblem.NO_FOLDER:
        return f"folder {exc.path.parent} does not exist"
    return str(exc)


def _left(path: Path, exc: OSError) -> str:
    """What a failed export left: the files are staged and renamed together, so nothing,
    except what already went into a FIFO or device."""
    kind = stream_kind(path)
    if kind is None:
        return "nothing was written."
    if exc.errno == errno.ENXIO:  # opened with nobody reading: refused before a byte
        return f"nothing was written (nobody is reading the {kind.removeprefix('a ')})."
    return f"{path} is {kind}: part of the report may have gone into it."


class ExportDialog(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]
    # Formats two abreast and the folder's checkboxes two abreast, one row each: the
    # dialog, its path, error line and buttons included, is whole at 80x24.
    DEFAULT_CSS = """
    ExportDialog #format { layout: grid; grid-size: 2; height: auto; }
    ExportDialog #folder-formats { layout: grid; grid-size: 2; height: auto; }
    ExportDialog #folder-formats Checkbox { width: auto; }
    """

    def __init__(
        self, run: Run, filtered: list[Result] | None = None, filter_title: str = ""
    ) -> None:
        super().__init__()
        self.run = run
        self.filtered = filtered
        self.filter_title = filter_title
        self._auto_path = default_path("markdown", Path.cwd())
        # A write is under way: esc waits for it rather than leave it running unseen.
        self._writing = False
        # Set when the dialog goes (the app quits) mid-write: the write is called off
        # before it replaces anything, never finished unseen (aciaudit.atomic).
        self._gone = threading.Event()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog export"):
            yield Static("Export report", classes="dialog-title")
            yield Label("Format")
            with RadioSet(id="format"):
                for i, fmt in enumerate(FORMATS):
                    yield RadioButton(LABELS[fmt], value=i == 0, id=fmt)
                yield RadioButton("Several, into a folder", id=FOLDER)
            with Container(id="folder-formats"):
                for fmt in FORMATS:
                    yield Checkbox(LABELS[fmt], value=True, id=f"with-{fmt}", compact=True)
            yield Label("Scope")
            with RadioSet(id="scope"):
                yield RadioButton(
                    f"Whole run ({len(self.run.results)} results)", value=True, id="all"
                )
                if self.filtered is not None:
                    yield RadioButton(
                        literal(
                            f"Current view: {self.filter_title} ({len(self.filtered)} results)"
                        ),
                        id="view",
                    )
            with Horizontal(classes="field"):
                yield Label("File", id="path-label")
                yield Input(str(self._auto_path), id="path", compact=True)
            yield Static("", id="export-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write", variant="primary", id="write", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#folder-formats").display = False
        # The first choice answers the first key: arrows move between formats.
        self.query_one("#format", RadioSet).focus()

    def _format(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else FORMATS[0]

    def _folder_formats(self) -> list[str]:
        return [fmt for fmt in FORMATS if self.query_one(f"#with-{fmt}", Checkbox).value]

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id != "format":
            return
        fmt = self._format()
        folder = fmt == FOLDER
        self.query_one("#folder-formats").display = folder
        self.query_one("#path-label", Label).update("Folder" if folder else "File")
        # The default name follows the format; a name the user typed keeps its stem.
        box = self.query_one("#path", Input)
        typed = box.value.strip()
        path = Path(typed).expanduser()
        if not typed or typed == str(self._auto_path):
            new = self._auto_path = default_path(None if folder else fmt, self._auto_path.parent)
        elif folder:
            new = path.with_suffix("") if path.suffix in EXTENSIONS.values() else path
        elif path.name and (path.suffix in EXTENSIONS.values() or not path.suffix):
            new = path.with_suffix(EXTENSIONS[fmt])
        else:
            new = path
        if str(new) != typed:
            box.value = str(new)
        self._error("")

    def on_unmount(self) -> None:
        self._gone.set()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write":
            self._write()
        else:
            self.action_cancel()  # as esc: a write under way is waited for, and said

    def action_cancel(self) -> None:
        if self._writing:
            self._error("Still writing: the report is written in one go; this closes when done.")
            return
        self.dismiss(None)

    def _write(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        fmt = self._format()
        if not raw:
            self._error("Give a folder name." if fmt == FOLDER else "Give a file name.")
            return
        formats = self._folder_formats() if fmt == FOLDER else [fmt]
        if not formats:
            self._error("Tick at least one format to write into the folder.")
            return
        scope = self.query_one("#scope", RadioSet).pressed_button
        results = self.filtered if scope is not None and scope.id == "view" else None
        self._error("writing…")
        self._writing = True
        self._do_write(Path(raw).expanduser(), fmt == FOLDER, formats, results)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _do_write(
        self, path: Path, folder: bool, formats: list[str], results: list[Result] | None
    ) -> None:
        plan = OutputPlan(tuple(formats), path, folder=folder)
        # The run's snapshot, coverage and catalogue stay whole in a view's export.
        run = self.run if results is None else self.run.subset(results)
        app = self.app  # taken while mounted: the dialog may go before the write ends
        try:
            plan.check()
            with cancelled_by(self._gone):
                written = write_reports(run, plan)
        except WriteCancelled:
            return  # the dialog went (the app quit): nothing was replaced
        except OSError as exc:
            reason = exc.strerror or str(exc)
            where = exc.filename or path
            left = _left(path, exc)
            app.call_from_thread(self._error, f"Cannot write {where}: {reason}; {left}")
            return
        except OutputPathError as exc:
            app.call_from_thread(self._error, path_problem(exc))
            return
        count = len(self.run.results if results is None else results)
        app.call_from_thread(self._done, path, written, count)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Anything else that fails while writing is said here, never as a traceback.
        if event.state is WorkerState.ERROR and event.worker.group == "export":
            error = event.worker.error
            self._error(f"Export failed: {type(error).__name__}: {error}")

    def _done(self, path: Path, written: list[Path], count: int) -> None:
        self._writing = False
        if len(written) == 1 and written[0] == path:
            text = f"Wrote {path} ({count} results)."
        else:
            names = ", ".join(p.name for p in written)
            text = f"Wrote {names} into {path} ({count} results each)."
        self.app.notify(safe(text), title="Exported", markup=False, timeout=8)
        self.dismiss(path)

    def _error(self, text: str) -> None:
        if text != "writing…" and not text.startswith("Still writing"):
            self._writing = False
        self.query_one("#export-error", Static).update(literal(text))
