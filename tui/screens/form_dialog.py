"""What the policy dialogs share: text inputs, save on enter or the button, esc cancels,
and one error line that shows untrusted text literally."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.text import literal

T = TypeVar("T")


class FormDialog(ModalScreen[T | None], Generic[T]):
    # The input focused on open, and the Static that shows what is wrong.
    FIRST_INPUT: ClassVar[str] = ""
    ERROR_LINE: ClassVar[str] = ""

    def on_mount(self) -> None:
        # One line per field: the whole form fits an 80x24 terminal, buttons included.
        for box in self.query(Input):
            box.compact = True
        if self.FIRST_INPUT:
            self.query_one(f"#{self.FIRST_INPUT}", Input).focus()

    def _value(self, key: str) -> str:
        return self.query_one(f"#{key}", Input).value.strip()

    def _error(self, text: str) -> None:
        self.query_one(f"#{self.ERROR_LINE}", Static).update(literal(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _save(self) -> None:
        raise NotImplementedError
