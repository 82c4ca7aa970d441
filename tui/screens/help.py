"""`?`: every key valid on the screen below, grouped."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import KeyAction, help_groups


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen .help { height: 90%; }
    HelpScreen #help-keys { height: 1fr; }
    """
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(
        self,
        areas: tuple[str, ...],
        title: str,
        shown: Callable[[KeyAction], bool] = lambda action: True,
    ) -> None:
        super().__init__()
        self._areas = areas
        self._title = title
        self._shown = shown

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for group, actions in help_groups(*self._areas).items():
            table.add_row(f"[u]{group}[/u]", "")
            seen: set[str] = set()
            for a in actions:
                if a.key_label in seen or not self._shown(a):
                    continue
                seen.add(a.key_label)
                table.add_row(a.key_label, a.description)
            table.add_row("", "")
        table.add_row("ctrl+p", "Command palette (every action by name)")
        # Only the keys scroll (at 80x24 they are longer than the screen); the title and
        # the way out stay in view.
        with Vertical(id="dialog", classes="dialog help"):
            yield Static(f"Keys — {self._title}", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(table)
            yield Static("esc or ? closes · ↑ ↓ pgup pgdn scroll", classes="dialog-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
