"""The `/` filter box of a table screen: esc clears it, enter or down goes back to the
table. The screen decides what leaving means (`leave_filter`)."""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from textual.binding import Binding
from textual.widgets import Input


@runtime_checkable
class FilteredScreen(Protocol):
    def leave_filter(self) -> None: ...


class FilterInput(Input):
    BINDINGS: ClassVar = [
        Binding("escape", "leave(True)", "Clear", id="filter.clear"),
        Binding("enter,down", "leave(False)", "To table", id="filter.done"),
    ]

    def action_leave(self, clear: bool) -> None:
        if clear:
            self.value = ""
        screen = self.screen
        assert isinstance(screen, FilteredScreen)
        screen.leave_filter()
