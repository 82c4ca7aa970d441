"""One audit, from a source to a Run: the pipeline `aci-audit scan` and the app share.

Vulnerability reports → the source's snapshot → the checks under the policy → the
comparison with a baseline. What the user should be told on the way (report files
skipped, what the reports gave, objects the source skipped, a baseline that could not be
read) comes back as typed notes, so the command line says them on stderr and the app
shows them its own way; neither has to parse text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from aciaudit.gcpause import freeze_long_lived, paused_gc
from aciaudit.run import PolicyFileInfo, Run, audit
from aciaudit.snapshot_io import SnapshotError
from aciaudit.sources.azure.progress import Cancelled, CollectProgress, SilentProgress
from aciaudit.sources.choice import Loaded, Source
from checks.policy import Policy
from checks.vulns import ImageScan


class NoteKind(StrEnum):
    VULN_WARNING = "vuln-warning"  # a vulnerability report file that was skipped
    VULN_SUMMARY = "vuln-summary"  # what the vulnerability reports gave, in one line
    SOURCE_WARNING = "source-warning"  # an object the source skipped (az CLI export)
    # The baseline could not be read: the run has no delta. Both front ends check the
    # baseline first and stop (exit 2) before anything is shown or written; met here
    # only when the file changed since, `scan` still stops and the app says so.
    BASELINE_ERROR = "baseline-error"


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    text: str


@dataclass(frozen=True)
class Audit:
    """What one pass of the pipeline produced: the run and the notes, in order."""

    run: Run
    notes: tuple[Note, ...] = ()

    def texts(self, kind: NoteKind) -> tuple[str, ...]:
        return tuple(n.text for n in self.notes if n.kind is kind)

    @property
    def vuln_warnings(self) -> tuple[str, ...]:
        return self.texts(NoteKind.VULN_WARNING)

    @property
    def source_warnings(self) -> tuple[str, ...]:
        return self.texts(NoteKind.SOURCE_WARNING)

    @property
    def baseline_error(self) -> str | None:
        errors = self.texts(NoteKind.BASELINE_ERROR)
        return errors[0] if errors else None


def run_audit(
    source: Source,
    *,
    policy: Policy,
    policy_file: PolicyFileInfo | None = None,
    vulns: Sequence[Path] = (),
    baseline: Path | None = None,
    progress: CollectProgress | None = None,
    cancel: threading.Event | None = None,
    today: date | None = None,
    compared_as: str = "this run",
    on_note: Callable[[Note], None] | None = None,
) -> Audit:
    """Audit `source` under `policy`, joined with the `vulns` reports and compared with
    `baseline` (a JSON report or a snapshot, audited under the same policy).

    `on_note` hears each note as it happens (the command line prints it at once, in
    order with the source's own progress lines); the Audit keeps them all.
    `compared_as` names this run in the baseline section of its reports.
    Raises Cancelled when `cancel` is set, and whatever the source raises (a
    SnapshotError for an unreadable file, a CollectionError from live Azure).
    """
    progress = progress or SilentProgress()
    cancel = cancel or threading.Event()
    notes: list[Note] = []

    def tell(kind: NoteKind, text: str) -> None:
        note = Note(kind, text)
        notes.append(note)
        if on_note is not None:
            on_note(note)

    # The collector stays off for the whole pipeline and everything built is frozen
    # before it comes back on: its first full pass over a large run would otherwise
    # hold the interpreter (and the app's screen) for a tenth of a second.
    with paused_gc():
        scans = _load_vulns(vulns, progress, tell)
        loaded = source.load(progress, cancel)
        if cancel.is_set():
            raise Cancelled
        if isinstance(loaded, Loaded):
            for warning in loaded.warnings:
                tell(NoteKind.SOURCE_WARNING, warning)
            loaded = loaded.snapshot
        progress.phase("Evaluating checks", 1)
        run = audit(loaded, policy, policy_file, today, scans=scans)
        progress.advance("Evaluating checks")
        if baseline is not None:
            run = _compare(run, baseline, compared_as, progress, tell)
        freeze_long_lived()
    return Audit(run, tuple(notes))


def _load_vulns(
    paths: Sequence[Path], progress: CollectProgress, tell: Callable[[NoteKind, str], None]
) -> list[ImageScan] | None:
    """--vulns: a file that cannot be used is a note, never a failed audit."""
    if not paths:
        return None
    from aciaudit.vulns import load_vulns

    progress.phase("Reading vulnerability reports", 1)
    loaded = load_vulns(paths)
    for warning in loaded.warnings():
        tell(NoteKind.VULN_WARNING, warning)
    tell(NoteKind.VULN_SUMMARY, loaded.summary())
    progress.advance("Reading vulnerability reports")
    return loaded.scans


def _compare(
    run: Run,
    path: Path,
    compared_as: str,
    progress: CollectProgress,
    tell: Callable[[NoteKind, str], None],
) -> Run:
    from aciaudit.baseline import load_side
    from aciaudit.diff import diff_sides, side_from_run

    progress.phase("Comparing with the baseline", 1)
    try:
        # A snapshot baseline is audited under the same policy as this run.
        old = load_side(path, "baseline", run.policy)
    except SnapshotError as exc:
        tell(NoteKind.BASELINE_ERROR, str(exc))
        return run
    progress.advance("Comparing with the baseline")
    return run.with_delta(diff_sides(old, side_from_run(run, compared_as)))
