"""Pausing Python's cyclic garbage collector around bulk work.

A snapshot of 10,000 container groups is millions of small objects that live for the
whole run, and evaluation allocates 300,000 results: every full collection walks all of
them, which measured at half of evaluation time. Nothing built here forms cycles that
need collecting mid-run, so the collector is paused and restored afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight.

    An interactive session keeps the run (snapshot, results, rows) for its whole life;
    without this, each later full collection walks all of it and freezes the screen
    for a quarter of a second on a 50,000-result run.
    """
    gc.freeze()
