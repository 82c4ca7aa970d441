"""The bounded thread pool a collection's reads run on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from aciaudit.sources.azure.progress import Cancelled

T = TypeVar("T")


class Pool:
    """A thread pool that stops handing out work once cancelled."""

    def __init__(self, workers: int, cancel: threading.Event) -> None:
        self.cancel = cancel
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="arm")

    def each(self, items: Sequence[T], work: Callable[[T], None], tick: Callable[[], None]) -> None:
        """Run `work` on every item; `tick` after each. Ctrl-C cancels what is queued."""
        if self.cancel.is_set():
            raise Cancelled()
        futures: set[Future[None]] = {self._executor.submit(self._guard, work, i) for i in items}
        try:
            while futures:
                done, futures = wait(futures, timeout=0.2, return_when=FIRST_COMPLETED)
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
        self._executor.shutdown(wait=True, cancel_futures=True)
