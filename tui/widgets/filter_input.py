"""The `/` filter of a table screen: the box (esc clears it, enter or down goes back to
the table) and the screen side that opens it and catches a fast typist's burst."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


class FilterInput(Input):
    BINDINGS: ClassVar = [
        Binding("escape", "leave(True)", "Clear", id="filter.clear"),
        Binding("enter,down", "leave(False)", "To table", id="filter.done"),
    ]

    def action_leave(self, clear: bool) -> None:
        if clear:
            self.value = ""
        screen = self.screen
        assert isinstance(screen, FilterHost)
        screen.leave_filter()


class FilterHost(Screen[None]):
    """A screen with a FilterInput (id FILTER_ID) over a table (`filtered_table`)."""

    FILTER_ID: ClassVar[str] = "filter"
    _type_ahead_until = 0.0

    def filtered_table(self) -> Widget:
        raise NotImplementedError

    def action_filter(self) -> None:
        box = self.query_one(f"#{self.FILTER_ID}", Input)
        box.display = True
        self.set_focus(box)
        # Keys typed in the same burst as `/` were already routed to the table.
        self._type_ahead_until = time.monotonic() + 0.3

    def on_key(self, event: events.Key) -> None:
        # Keys reach the screen from the table, before any binding runs. A fast typist's
        # `/pay` arrives as one burst, all routed to the table: so `/` opens the box
        # here, at once, and the printable keys right behind it are typed into it.
        if event.key == "slash":
            self.action_filter()
        elif time.monotonic() < self._type_ahead_until:
            if event.is_printable:
                box = self.query_one(f"#{self.FILTER_ID}", Input)
                box.insert_text_at_cursor(event.character or "")
            elif event.key == "enter":
                self._type_ahead_until = 0.0
                self.leave_filter()
            else:
                return
        else:
            return
        event.stop()
        event.prevent_default()

    def leave_filter(self) -> None:
        box = self.query_one(f"#{self.FILTER_ID}", Input)
        box.display = bool(box.value)
        self.filtered_table().focus()
