"""The app as `aci-audit` runs it: an unexpected error inside it ends as one in a command
does (aciaudit.crash): one line naming the file that holds the traceback, exit 4.

Textual's own handler prints a traceback box with local variables (estate data among
them) and the process then exits 0, because `run()` returns no result: a crash read as
success. Textual offers no public hook for this; `_handle_exception` is the one every
unhandled error in the app (a handler, a worker with exit_on_error) goes through.
"""

from __future__ import annotations

from typing import Any

from aciaudit.crash import EXIT_INTERNAL, internal_error
from tui.app import AuditApp


class GuardedApp(AuditApp):
    # The first unexpected error; the app closes on it.
    crash: Exception | None = None

    def _handle_exception(self, error: Exception) -> None:
        if self.crash is None:
            self.crash = error
        self._return_code = EXIT_INTERNAL
        # What Textual's _fatal_error does, minus the traceback it keeps for the exit.
        self._close_messages_no_wait()


def run_app(app: GuardedApp, **options: Any) -> int:
    """Run the app (`options` as `App.run` takes them); its crash is exit 4 in one line,
    said once the terminal is back."""
    result = app.run(**options)
    if app.crash is not None:
        return internal_error(app.crash)
    return result or 0
