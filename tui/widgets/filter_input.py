"""The `/` filter of a table screen: the box (esc clears it, enter goes back to the
table, ↑/↓ bring back the session's earlier filters) and the screen side that opens it
and catches a fast typist's burst."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

# Filters used in this session, newest last (↑/↓ in any filter box brings them back).
HISTORY: list[str] = []
_KEEP = 50


class FilterInput(Input):
    BINDINGS: ClassVar = [
        Binding("escape", "leave(True)", "Clear", id="filter.clear"),
        Binding("enter", "leave(False)", "To table", id="filter.done"),
        Binding("up", "history(-1)", "Earlier filter", id="filter.earlier", show=False),
        Binding("down", "history(1)", "Later filter", id="filter.later", show=False),
    ]
    # Where ↑/↓ stands in HISTORY; len(HISTORY): the text being typed.
    _at = 0

    def on_focus(self) -> None:
        self._at = len(HISTORY)

    def action_history(self, step: int) -> None:
        """↑ an earlier filter, ↓ a later one; ↓ past the newest goes to the table."""
        at = self._at + step
        if at >= len(HISTORY):
            if step > 0 and self._at >= len(HISTORY):
                self.action_leave(False)
                return
            self._at, self.value = len(HISTORY), ""
        elif at >= 0:
            self._at, self.value = at, HISTORY[at]
        self.cursor_position = len(self.value)

    def action_leave(self, clear: bool) -> None:
        if clear:
            self.value = ""
        word = self.value.strip()
        if word:
            if word in HISTORY:
                HISTORY.remove(word)
            HISTORY.append(word)
            del HISTORY[:-_KEEP]
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
