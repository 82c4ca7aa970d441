"""A short list to choose one value from (`x` section, `w` resource type in the
findings): enter picks, esc leaves the filter as it was."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.text import literal

ANY = "\x00any"  # the choice that clears this filter (never a real value)


class PickDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]
    # The list scrolls inside the dialog, which stays whole at 80x24 (21 rows at most:
    # border, title and 16 choices).
    DEFAULT_CSS = """
    PickDialog OptionList { height: auto; max-height: 16; border: none; padding: 0; }
    PickDialog OptionList:focus { border: none; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None) -> None:
        """`choices`: (value, label); `current`: highlighted first."""
        super().__init__()
        self._title = title
        self._choices = [(ANY, "any (no filter)"), *choices]
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog pick"):
            yield Static(literal(self._title), classes="dialog-title")
            yield OptionList(
                *(Option(literal(label), id=value) for value, label in self._choices),
                id="pick",
            )

    def on_mount(self) -> None:
        options = self.query_one("#pick", OptionList)
        values = [v for v, _ in self._choices]
        options.highlighted = values.index(self._current) if self._current in values else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
