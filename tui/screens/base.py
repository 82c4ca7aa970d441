"""What every screen of the app shares: its key areas and worker-failure routing."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from tui.app import AuditApp


class AuditScreen(Screen[None]):
    # Key areas (tui.keys) this screen answers to; they drive help and the palette.
    AREAS: ClassVar[tuple[str, ...]] = ()
    # A screen the user can step back from with esc.
    BACK: ClassVar[bool] = True

    @property
    def audit_app(self) -> AuditApp:
        from tui.app import AuditApp

        assert isinstance(self.app, AuditApp)
        return self.app

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The one place a failed worker surfaces: an error dialog, never a traceback.
        if event.state is WorkerState.ERROR:
            self.audit_app.worker_failed(event.worker)
