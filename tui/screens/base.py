"""What every screen of the app shares: its key areas, the audit session it reads, and
worker-failure routing. Screens ask the app for anything else with messages
(tui.messages); none imports the app."""

from __future__ import annotations

from typing import ClassVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.messages import WorkerFailed
from tui.prefs import Prefs
from tui.session import Session


class AuditScreen(Screen[None]):
    # Key areas (tui.keys) this screen answers to; they drive help and the palette.
    AREAS: ClassVar[tuple[str, ...]] = ()
    # A screen the user can step back from with esc.
    BACK: ClassVar[bool] = True

    @property
    def session(self) -> Session:
        session = getattr(self.app, "session", None)
        assert isinstance(session, Session), "audit screens run in the audit app"
        return session

    # This screen's place in the header's breadcrumb when its sub-title says nothing.
    CRUMB: ClassVar[str] = ""

    def crumb(self) -> str:
        return str(self.sub_title or self.CRUMB)

    def on_screen_resume(self) -> None:
        # The header as a breadcrumb: aci-audit › overview › findings[FAIL] — this one.
        below = [
            s.crumb()
            for s in self.app.screen_stack[:-1]
            if isinstance(s, AuditScreen) and s is not self and s.crumb()
        ]
        self.title = " › ".join((str(self.app.title), *below))

    @property
    def prefs(self) -> Prefs:
        """What the user chose last time (tui.prefs), as the app loaded it."""
        loaded = getattr(self.app, "prefs", None)
        return loaded if isinstance(loaded, Prefs) else Prefs()

    def remember(self, **changes: object) -> None:
        remember = getattr(self.app, "remember", None)
        if remember is not None:
            remember(**changes)

    def before_back(self) -> bool:
        """esc or `q` is about to leave this screen: True when the screen used the key
        itself (a findings filter is cleared before the screen is left)."""
        return False

    def policy_changed(self) -> None:
        """The policy file changed and the session holds the new run: show it. Screens
        that show policy state say how."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The one place a failed worker surfaces: an error dialog, never a traceback.
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker))
