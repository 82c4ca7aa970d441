"""Progress on stderr: Rich spinners per phase when stderr is a terminal, silence otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from aciaudit.escape import terminal
from checks.snapshot import CoverageEntry


class Phases:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Progress | None = None

    def __enter__(self) -> Phases:
        if self.enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        if self._progress is None:
            yield
            return
        task = self._progress.add_task(description, total=1)
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self._progress.update(task, completed=1, description=f"{description} ({elapsed:.1f}s)")


class CollectBars:
    """Collection progress for the command line: Rich bars on a terminal, and one plain
    line per problem or remark otherwise (CI logs keep what was denied and why)."""

    def __init__(self, enabled: bool, console: Console | None = None) -> None:
        self._console = console or Console(stderr=True, highlight=False)
        self._enabled = enabled
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> CollectBars:
        if self._enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self._console,
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def phase(self, name: str, total: int) -> None:
        if self._progress is not None:
            self._tasks[name] = self._progress.add_task(name, total=total or None)

    def advance(self, name: str, amount: int = 1) -> None:
        if self._progress is not None and name in self._tasks:
            self._progress.advance(self._tasks[name], amount)

    def problem(self, entry: CoverageEntry) -> None:
        self._line(f"{entry.status.value}: {entry.kind} at {entry.scope}: {entry.detail or ''}")

    def note(self, text: str) -> None:
        self._line(text)

    def _line(self, text: str) -> None:
        # Azure text (error messages, names) is untrusted: printed literally, no markup.
        line = Text(f"aci-audit: {terminal(text)}")
        if self._progress is not None:
            self._progress.console.print(line)
        else:
            self._console.print(line, soft_wrap=True)
