"""Pausing Python's cyclic garbage collector around bulk work, and ending a command
without tearing its objects down.

A snapshot of 10,000 container groups is millions of small objects that live for the
whole run, and evaluation allocates 300,000 results: every full collection walks all of
them, which measured at half of evaluation time. Nothing built here forms cycles that
need collecting mid-run, so the collector is paused and restored afterwards.
"""

from __future__ import annotations

import gc
import os
import sys
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


# What a command keeps until the process ends (see `keep_until_exit`).
_KEPT: list[object] = []


def keep_until_exit(*objects: object) -> None:
    """Hold a command's large objects (a run of 400k results and its snapshot) past the
    handler's return, so they are not freed one by one there; `exit_now` then ends the
    process without freeing them at all. Only the latest command's objects are held."""
    _KEPT[:] = objects


def exit_now(code: int) -> int:
    """End the process with `code` once stdout and stderr are flushed, when a command
    kept large objects: freeing millions of them object by object at exit costs
    seconds and changes nothing. Files are already written, closed and renamed by then
    (aciaudit.outputs). Returns `code` (the normal exit) when nothing was kept or a
    stream cannot be flushed, so that exit path reports it as it always has."""
    if not _KEPT:
        return code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return code
    os._exit(code)
