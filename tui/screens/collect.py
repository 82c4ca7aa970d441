"""Reading a source: per-phase progress, live problems, elapsed time, esc to cancel.

The demo estate and snapshot files load through this screen too, so every source
reaches the overview the same way.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header, Label, ProgressBar, Static

from aciaudit.gcpause import freeze_long_lived, paused_gc
from aciaudit.pipeline import Note, NoteKind, run_audit
from aciaudit.sources.azure.progress import Cancelled
from aciaudit.sources.choice import Source
from tui.keys import bindings
from tui.messages import BackToConnect, Loaded
from tui.progress_state import ProgressState
from tui.screens.base import AuditScreen
from tui.session import RunViews
from tui.text import literal, safe
from tui.widgets.footer import AppFooter

# Seconds esc leaves a source to stop by itself (a live collection, between reads)
# before its thread is interrupted.
INTERRUPT_AFTER = 1.0


class _Interrupted(BaseException):
    """Raised in the load thread to stop it (`_interrupt`). Not an Exception: the code it
    lands in (a check's guard, a report reader) must not take it for an error of its own
    and carry on."""


class CollectScreen(AuditScreen):
    AREAS: ClassVar[tuple[str, ...]] = ("collect",)
    BINDINGS = bindings("collect")

    def __init__(self, source: Source, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.source = source
        # Elapsed time on screen; screenshots pin it (AuditApp.clock).
        self.clock = clock
        self.state = ProgressState()
        self.cancel = threading.Event()
        self.started: float | None = None
        self._bars: dict[str, tuple[Static, ProgressBar]] = {}
        # The load thread while esc may interrupt it (`_interruptible`), and the lock
        # that makes sending the interruption and leaving that state one step each.
        self._thread: int | None = None
        self._guard = threading.Lock()
        self._shown_problems = 0
        # What the phase lines and the notes line show now (`_poll` updates only changes).
        self._shown_amounts: dict[str, tuple[int, int]] = {}
        self._shown_note: str | None = None
        self._elapsed_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="collect"):
            yield Static(literal(f"Reading {self.source.label}"), id="collect-title")
            yield Static("", id="collect-elapsed")
            yield Vertical(id="collect-phases")
            yield Label("Problems (denied, failed, not found)", id="collect-problems-label")
            yield VerticalScroll(id="collect-problems")
            yield Static("", id="collect-notes")
        yield AppFooter()

    def on_mount(self) -> None:
        self.started = self.clock()
        self.sub_title = "collecting"
        self.set_interval(0.1, self._poll)
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", name="load")
    def _load(self) -> None:
        session = self.session
        policy, info = session.policy_for(self.source)
        try:
            with self._interruptible():
                done = run_audit(
                    self.source,
                    policy=policy,
                    policy_file=info,
                    vulns=self.source.vulns,
                    baseline=session.baseline_path,
                    progress=self.state,
                    cancel=self.cancel,
                    on_note=self._note,
                )
            if self.cancel.is_set():
                raise Cancelled
        except (Cancelled, _Interrupted):
            if self.is_attached:
                with suppress(RuntimeError):  # the app closed meanwhile: nobody to tell
                    self.app.call_from_thread(self._cancelled)
            return
        # Built here, not on the event loop, with the collector off and then frozen as
        # the pipeline's run is (see aciaudit.pipeline). Only the overview: the rows
        # are built behind it (AuditApp._prepare).
        with paused_gc():
            views = RunViews(done.run)
            freeze_long_lived()
        # A baseline that cannot be read is said, never a failed load.
        self.post_message(Loaded(self.source, views, list(done.vuln_warnings), done.baseline_error))

    def _note(self, note: Note) -> None:
        self.state.note(safe(note.text) if note.kind is NoteKind.BASELINE_ERROR else note.text)

    def _poll(self) -> None:
        seen = self.state.read()
        phases = self.query_one("#collect-phases", Vertical)
        for phase in seen.phases:
            shown = self._bars.get(phase.name)
            if shown is None:
                shown = (Static(classes="phase-name"), ProgressBar(total=None, show_eta=False))
                self._bars[phase.name] = shown
                phases.mount(*shown)
            label, bar = shown
            total = max(phase.total, phase.done)
            # Only what changed: each update costs the screen a layout pass, ten times a
            # second, on the thread the load competes with for the interpreter.
            if self._shown_amounts.get(phase.name) != (phase.done, total):
                self._shown_amounts[phase.name] = (phase.done, total)
                label.update(literal(f"{phase.name}  {phase.done:,} of {total:,}"))
                bar.update(total=total or None, progress=phase.done)
        problems = self.query_one("#collect-problems", VerticalScroll)
        for entry in seen.problems[self._shown_problems :]:
            line = Text(f"{entry.status}".upper().ljust(10), style="bold")
            line.append(literal(f"{entry.kind} at {entry.scope}: {entry.detail or ''}"))
            problems.mount(Static(line, classes="problem"))
        self._shown_problems = len(seen.problems)
        if seen.notes and seen.notes[-1] != self._shown_note:
            self._shown_note = seen.notes[-1]
            self.query_one("#collect-notes", Static).update(literal(seen.notes[-1]))
        elapsed = self.clock() - (self.started or 0.0)
        state = "cancelling…" if self.cancel.is_set() else "esc cancels"
        # One short line whatever it says: a layout pass only the first time (it was
        # empty before).
        self.query_one("#collect-elapsed", Static).update(
            f"{elapsed:.1f} s — {state}", layout=not self._elapsed_shown
        )
        self._elapsed_shown = True

    @contextmanager
    def _interruptible(self) -> Iterator[None]:
        """While inside, esc stops this thread at once (see `action_cancel`)."""
        with self._guard:
            self._thread = threading.get_ident()
        try:
            yield
            # An interruption sent just before the line below is raised by the next
            # call (any Python call checks for it), here, inside the `try` of `_load`.
            _checkpoint()
        finally:
            with self._guard:
                self._thread = None
        _checkpoint()

    def action_cancel(self) -> None:
        if self.cancel.is_set():
            return
        self.cancel.set()
        self.notify("Cancelling…", timeout=3)
        # A live collection stops between reads when the event is set; reading and
        # redacting a snapshot file has no such points and takes a minute at 10,000
        # groups. So a load still running a moment later is interrupted.
        self.set_timer(INTERRUPT_AFTER, self._interrupt)

    def _interrupt(self) -> None:
        """Cancelled is raised in the load thread at its next Python instruction and
        unwinds it as any exception would (files closed, the collector turned back on).
        Sent at most once (esc is handled once), and only while the thread is inside
        `_interruptible`, so it can land nowhere but in `_load`'s `try`."""
        with self._guard:
            if self._thread is not None:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(self._thread), ctypes.py_object(_Interrupted)
                )
                self._thread = None  # once

    def on_unmount(self) -> None:
        # Leaving the screen (q, a crash, back to connect) leaves its load with nobody
        # to show it to: stop it now, or the app cannot end until the load does (the
        # thread is waited for at exit; a device-code sign-in waits for minutes).
        self.cancel.set()
        self._interrupt()

    def _cancelled(self) -> None:
        self.notify("Collection cancelled; nothing was kept.", severity="warning")
        self.post_message(BackToConnect())


def _checkpoint() -> None:
    """A Python call: an interruption sent to this thread is raised on entering it."""
