"""Orders built in buckets (tui.row_order) are exactly the plain stable sort's, for
lists long enough to take the bucket path and columns with more distinct values than
one plain sort of them takes."""

from __future__ import annotations

import random
from typing import NamedTuple

import pytest

from tui.findings_rows import DEFAULT_ORDER
from tui.row_order import _PLAIN, ordered


class Fake(NamedTuple):
    keys: tuple[str | int, ...]
    serial: int  # where it came from: ties must keep this order


def _rows(n: int, seed: int) -> list[Fake]:
    rng = random.Random(seed)
    names = [f"res-{rng.randrange(10**9):09d}" for _ in range(_PLAIN * 2 + 5)]
    return [
        Fake(
            (
                rng.randrange(5),
                f"ACI-{rng.randrange(55):03d}",
                rng.choice(("a title", "B title", "another")),
                rng.choice(names),
                rng.choice(("rg1", "rg2", "")),
                "sub",
                rng.randrange(5),
            ),
            i,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("columns", [DEFAULT_ORDER, (0,), (3,), (6,), (2, 4)])
def test_bucket_orders_equal_the_plain_stable_sort(columns: tuple[int, ...]) -> None:
    rows = _rows(_PLAIN * 4, seed=len(columns) * 10 + columns[-1])
    want = sorted(rows, key=lambda r: tuple(r.keys[c] for c in columns))
    assert ordered(rows, columns) == want


def test_a_short_list_is_sorted_the_same() -> None:
    rows = _rows(500, seed=3)
    assert ordered(rows, DEFAULT_ORDER) == sorted(
        rows, key=lambda r: (r.keys[6], r.keys[0], r.keys[1], r.keys[3])
    )
