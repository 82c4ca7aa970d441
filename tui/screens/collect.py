"""Reading a source: per-phase progress, live problems, elapsed time, esc to cancel.

The demo estate and snapshot files load through this screen too, so every source
reaches the overview the same way.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, ProgressBar, Static

from aciaudit.gcpause import freeze_long_lived, paused_gc
from aciaudit.run import Run, audit
from aciaudit.snapshot_io import SnapshotError
from aciaudit.sources.azure.progress import Cancelled
from checks.vulns import ImageScan
from tui.findings_model import build_rows
from tui.keys import bindings
from tui.overview_model import build_overview
from tui.progress_state import ProgressState
from tui.screens.base import AuditScreen
from tui.sources import Source
from tui.text import literal, safe


class CollectScreen(AuditScreen):
    AREAS: ClassVar[tuple[str, ...]] = ("collect",)
    BINDINGS = bindings("collect")

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.state = ProgressState()
        self.cancel = threading.Event()
        self.started: float | None = None
        self._bars: dict[str, tuple[Static, ProgressBar]] = {}
        self._shown_problems = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="collect"):
            yield Static(literal(f"Reading {self.source.label}"), id="collect-title")
            yield Static("", id="collect-elapsed")
            yield Vertical(id="collect-phases")
            yield Label("Problems (denied, failed, not found)", id="collect-problems-label")
            yield VerticalScroll(id="collect-problems")
            yield Static("", id="collect-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.started = self.audit_app.clock()
        self.sub_title = "collecting"
        self.set_interval(0.1, self._poll)
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", name="load")
    def _load(self) -> None:
        # The collector stays off for the whole load and everything built is frozen
        # before it comes back on: its first full pass over a large run would
        # otherwise hold the interpreter (and the screen) for a tenth of a second.
        with paused_gc():
            try:
                snapshot = self.source.load(self.state, self.cancel)
            except Cancelled:
                self.app.call_from_thread(self._cancelled)
                return
            if self.cancel.is_set():
                self.app.call_from_thread(self._cancelled)
                return
            scans, notes = self._load_vulns()
            self.state.phase("Evaluating checks", 1)
            from tui.policy_actions import policy_for

            run = audit(snapshot, *policy_for(self.audit_app, self.source), scans=scans)
            baseline_note = self._compare_with_baseline(run)
            rows = build_rows(run)
            overview = build_overview(run, rows)  # here, not on the event loop
            self.state.advance("Evaluating checks")
            freeze_long_lived()
        self.app.call_from_thread(self.audit_app.vulns_loaded, notes)
        if baseline_note:
            self.app.call_from_thread(
                self.app.notify,
                baseline_note,
                title="Baseline not used",
                severity="warning",
                markup=False,
                timeout=10,
            )
        self.app.call_from_thread(self.audit_app.loaded, self.source, run, rows, overview)

    def _compare_with_baseline(self, run: Run) -> str:
        """--baseline: the run's changes since it, as `run.delta`. A baseline that cannot
        be read is said (the returned line), never a failed load."""
        path = self.audit_app.baseline_path
        if path is None:
            return ""
        from aciaudit.baseline import load_side
        from aciaudit.diff import diff_sides, side_from_run

        self.state.phase("Comparing with the baseline", 1)
        try:
            # A snapshot baseline is audited under the same policy as this run.
            old = load_side(path, "baseline", run.policy)
        except SnapshotError as exc:
            self.state.note(safe(exc))
            return safe(exc)
        run.delta = diff_sides(old, side_from_run(run, "this run"))
        self.state.advance("Comparing with the baseline")
        return ""

    def _load_vulns(self) -> tuple[list[ImageScan] | None, list[str]]:
        """--vulns: a file that cannot be used is a note, never a failed load."""
        if not self.source.vulns:
            return None, []
        from aciaudit.vulns import load_vulns

        self.state.phase("Reading vulnerability reports", 1)
        loaded = load_vulns(self.source.vulns)
        for warning in loaded.warnings():
            self.state.note(warning)
        self.state.note(loaded.summary())
        self.state.advance("Reading vulnerability reports")
        return loaded.scans, loaded.warnings()

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
            label.update(literal(f"{phase.name}  {phase.done:,} of {total:,}"))
            bar.update(total=total or None, progress=phase.done)
        problems = self.query_one("#collect-problems", VerticalScroll)
        for entry in seen.problems[self._shown_problems :]:
            line = Text(f"{entry.status}".upper().ljust(10), style="bold")
            line.append(literal(f"{entry.kind} at {entry.scope}: {entry.detail or ''}"))
            problems.mount(Static(line, classes="problem"))
        self._shown_problems = len(seen.problems)
        if seen.notes:
            self.query_one("#collect-notes", Static).update(literal(seen.notes[-1]))
        elapsed = self.audit_app.clock() - (self.started or 0.0)
        state = "cancelling…" if self.cancel.is_set() else "esc cancels"
        self.query_one("#collect-elapsed", Static).update(f"{elapsed:.1f} s — {state}")

    def action_cancel(self) -> None:
        if not self.cancel.is_set():
            self.cancel.set()
            self.notify("Cancelling after the reads in flight…", timeout=3)

    def _cancelled(self) -> None:
        self.notify("Collection cancelled; nothing was kept.", severity="warning")
        self.audit_app.back_to_connect()
