"""`e`: write the report (whole run or current filter) to a file, atomically."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from aciaudit.run import Run
from checks.model import Result
from tui.export import EXTENSIONS, export
from tui.text import literal, safe


class ExportDialog(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(
        self, run: Run, filtered: list[Result] | None = None, filter_title: str = ""
    ) -> None:
        super().__init__()
        self.run = run
        self.filtered = filtered
        self.filter_title = filter_title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog export"):
            yield Static("Export report", classes="dialog-title")
            yield Label("Format")
            with RadioSet(id="format"):
                yield RadioButton("Markdown", value=True, id="markdown")
                yield RadioButton("JSON", id="json")
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
            yield Label("File")
            yield Input(str(Path.cwd() / "aci-audit-report.md"), id="path")
            yield Static("", id="export-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write", variant="primary", id="write")
                yield Button("Cancel", id="cancel")

    def _format(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else "markdown"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id != "format":
            return
        path_input = self.query_one("#path", Input)
        path = Path(path_input.value)
        if path.suffix in EXTENSIONS.values():
            path_input.value = str(path.with_suffix(EXTENSIONS[self._format()]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write":
            self._write()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _write(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self._error("Give a file name.")
            return
        scope = self.query_one("#scope", RadioSet).pressed_button
        results = self.filtered if scope is not None and scope.id == "view" else None
        self._error("writing…")
        self._do_write(Path(raw).expanduser(), self._format(), results)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _do_write(self, path: Path, fmt: str, results: list[Result] | None) -> None:
        try:
            count = export(self.run, fmt, path, results)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.app.call_from_thread(self._error, f"Cannot write {path}: {reason}")
            return
        self.app.call_from_thread(self._done, path, count)

    def _done(self, path: Path, count: int) -> None:
        self.app.notify(safe(f"Wrote {path} ({count} results)."), title="Exported", markup=False)
        self.dismiss(path)

    def _error(self, text: str) -> None:
        self.query_one("#export-error", Static).update(literal(text))
