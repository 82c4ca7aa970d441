"""`:` — type a check id (ACI-016) or a resource name (dev-jumpbox) and go straight to
its findings; the app decides what the name is (tui.jump)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class JumpDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="jump.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog jump"):
            yield Static("Jump to a check id or a resource name", classes="dialog-title")
            yield Input(placeholder="ACI-016 or dev-jumpbox", id="jump", compact=True)

    def on_mount(self) -> None:
        self.query_one("#jump", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
