"""The bounded thread pool a collection's reads run on, and the watched runner its
phases run under.

Both use daemon threads and wait in short slices: a cancelled collection returns within
a fraction of a second even while a read waits on a slow server (the abandoned read ends
with its timeout, its answer discarded), and the process can exit at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any, TypeVar

from aciaudit.sources.azure.progress import Cancelled

T = TypeVar("T")
SLICE = 0.2  # seconds between looks at the cancel event


class Pool:
    """A thread pool that stops handing out work once cancelled."""

    def __init__(self, workers: int, cancel: threading.Event) -> None:
        self.cancel = cancel
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._worker, name=f"arm-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def _worker(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()

    def submit(self, work: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def job() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(work(*args))
            except BaseException as exc:
                future.set_exception(exc)

        self._jobs.put(job)
        return future

    def start(self, work: Callable[[T], None], item: T) -> Future[None]:
        """Queue `work(item)` now; a later `each` waits for it (`started`)."""
        return self.submit(self._guard, work, item)

    def each(
        self,
        items: Sequence[T],
        work: Callable[[T], None],
        tick: Callable[[], None],
        started: Iterable[Future[None]] = (),
    ) -> None:
        """Run `work` on every item, and wait for the `started` ones too; `tick` after
        each. Ctrl-C cancels what is queued."""
        if self.cancel.is_set():
            raise Cancelled()
        futures: set[Future[None]] = {self.start(work, i) for i in items}
        futures.update(started)
        try:
            while futures:
                done, futures = wait(futures, timeout=SLICE, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # re-raises Cancelled and programming errors
                    tick()
                if self.cancel.is_set():
                    raise Cancelled()
        except BaseException:
            self.cancel.set()
            for future in futures:
                future.cancel()
            raise

    def _guard(self, work: Callable[[T], None], item: T) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        work(item)

    def close(self) -> None:
        """Stop the workers; wait for them only when the collection was not cancelled."""
        for _ in self._threads:
            self._jobs.put(None)
        if not self.cancel.is_set():
            for thread in self._threads:
                thread.join()


def run_watched(steps: Sequence[Callable[[], None]], cancel: threading.Event) -> None:
    """Run the steps side by side on daemon threads and wait for them in short slices:
    Cancelled as soon as `cancel` is set (or Ctrl-C reaches this thread, which sets it),
    else the first error a step raised (the cause, not the Cancelled it set off)."""
    futures: list[Future[None]] = []
    for n, step in enumerate(steps):
        future: Future[None] = Future()
        futures.append(future)
        threading.Thread(
            target=_settle, args=(future, step), name=f"phase-{n}", daemon=True
        ).start()
    try:
        while wait(futures, timeout=SLICE).not_done:
            if cancel.is_set():
                raise Cancelled()
    except BaseException:
        cancel.set()
        raise
    errors = [exc for f in futures if (exc := f.exception()) is not None]
    for exc in sorted(errors, key=lambda e: isinstance(e, Cancelled)):
        raise exc


def _settle(future: Future[None], step: Callable[[], None]) -> None:
    future.set_running_or_notify_cancel()
    try:
        step()
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(None)
