"""Stable orders of many findings rows, built so that no one C call holds the
interpreter for long: the screen's thread runs while a worker builds them.

`list.sort` over 400k rows is one C call (0.1-0.3 s, more on a busy machine), and no
key reaches the screen meanwhile. Here an order is one or two stable passes of buckets:
Python loops, where the interpreter can pass to another thread, and sorts of distinct
values (a few thousand), each at most `_PLAIN` long. It costs about twice the CPU of
the plain sort, off the event loop. The result is exactly the plain sort's.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, Protocol, TypeVar


class Keyed(Protocol):
    """A row with its sort key per column (tui.findings_rows.Row)."""

    @property
    def keys(self) -> tuple[str | int, ...]: ...


R = TypeVar("R", bound=Keyed)

# Up to this many items, one plain sort is quick (a few milliseconds).
_PLAIN = 16_384


def ordered(rows: list[R], columns: Sequence[int]) -> list[R]:
    """`sorted(rows, key=lambda r: tuple(r.keys[c] for c in columns))`: one stable pass
    by the last column (the many-valued one: the resource in the default order), then
    one by the others together (a few hundred distinct values)."""
    if len(rows) <= _PLAIN:
        return sorted(rows, key=lambda row: tuple(row.keys[c] for c in columns))
    out = rows
    for group in (columns[-1:], columns[:-1]):
        if group:
            out = _by(out, itemgetter(*group))
    return out


def _by(rows: list[R], get: Callable[[tuple[str | int, ...]], Any]) -> list[R]:
    """`rows` stably sorted by `get(row.keys)`, in buckets."""
    keys = [get(row.keys) for row in rows]
    rank = {value: i for i, value in enumerate(_sorted_values(set(keys)))}
    buckets: list[list[R]] = [[] for _ in rank]
    for row, key in zip(rows, keys, strict=True):
        buckets[rank[key]].append(row)
    return list(chain.from_iterable(buckets))


def _sorted_values(values: set[Hashable]) -> list[Any]:
    """The distinct values in order: sorted in parts of `_PLAIN`, merged in Python."""
    items: list[Any] = list(values)
    if len(items) <= _PLAIN:
        return sorted(items)
    parts = [sorted(items[i : i + _PLAIN]) for i in range(0, len(items), _PLAIN)]
    return list(heapq.merge(*parts))
