"""The footer of every screen: compact and without the palette hint below 100 columns,
so an 80-column terminal shows each key's whole name ("e Export", not "e Expo")."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Footer

NARROW = 100


class AppFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        if narrow == self.compact and narrow != self.show_command_palette:
            return
        self.compact = narrow
        # ctrl+p still opens the palette; below 100 columns the room goes to the keys.
        self.show_command_palette = not narrow
        # Both are read when the footer is composed: a resize composes it again.
        self.refresh(recompose=True)

    def bindings_changed(self, screen: Screen) -> None:
        """The screen's keys changed: compose again, focused terminal or not.

        Textual's footer skips this while the terminal has no focus, so a screen opened
        or updated then (a worker finishing, a tmux pane or window switched away, a
        resize) showed an empty or stale footer until the terminal was focused again;
        blurring the terminal changes no key, so composing is always right."""
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)
