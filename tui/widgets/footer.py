"""The footer of every screen: compact and without the palette hint below 100 columns,
so an 80-column terminal shows each key's whole name ("e Export", not "e Expo")."""

from __future__ import annotations

from textual import events
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
