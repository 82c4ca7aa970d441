"""Collection progress shared between a worker thread and the screen that shows it.

The collector calls in from its threads; the screen polls a copy a few times a
second, so thousands of ticks never flood the event loop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from checks.snapshot import CoverageEntry


@dataclass
class PhaseState:
    name: str
    done: int = 0
    total: int = 0


@dataclass
class ProgressSnapshot:
    phases: list[PhaseState]
    problems: list[CoverageEntry]
    notes: list[str]


@dataclass
class ProgressState:
    """A CollectProgress (aciaudit.sources.azure.progress) that is safe to poll."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _phases: dict[str, PhaseState] = field(default_factory=dict)
    _problems: list[CoverageEntry] = field(default_factory=list)
    _notes: list[str] = field(default_factory=list)

    def phase(self, name: str, total: int) -> None:
        with self._lock:
            state = self._phases.setdefault(name, PhaseState(name))
            state.total += total

    def advance(self, name: str, amount: int = 1) -> None:
        with self._lock:
            state = self._phases.setdefault(name, PhaseState(name))
            state.done += amount

    def problem(self, entry: CoverageEntry) -> None:
        with self._lock:
            self._problems.append(entry)

    def note(self, text: str) -> None:
        with self._lock:
            self._notes.append(text)

    def read(self) -> ProgressSnapshot:
        with self._lock:
            return ProgressSnapshot(
                [PhaseState(p.name, p.done, p.total) for p in self._phases.values()],
                list(self._problems),
                list(self._notes),
            )
