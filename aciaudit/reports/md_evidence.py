"""The evidence rows of the Markdown findings after their resource cell:
`path | observed | expected | note |`, escaped.

A large estate repeats the same observation (path, value, expectation) on thousands of
resources, so each distinct one is built once and found again. The look-ups run a check's
entries at a time through C-level `map`s; only the entries not seen before take Python
steps, and those are built together (their values escaped in one md_cells pass).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from aciaudit.escape import md_cells
from checks.model import Evidence

# Evidence beyond this many characters is cut in the report; the JSON report keeps it all.
OBSERVED_LIMIT = 400
_CUT = " … (cut; full value in the JSON report)"

# json.dumps with these options builds an encoder per call; this one is built once.
_to_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode

_observed_of = itemgetter(1)  # Evidence.observed

# A value's type is part of every key: `1`, `1.0` and `true` are equal, not the same JSON.
# Only scalars are found by value: a tuple's items could still be `1` or `true`, and a
# dict or a list cannot be hashed. Other entries are found by the Evidence object's id:
# such an entry recurs where results share it (ACI-025's grants of an identity many
# groups use); its id is stable as the run keeps every result, and so its evidence, alive.
Key = tuple[type, Any] | int
# Not float: -0.0 equals 0.0 but reads differently.
_SCALAR_TYPES = frozenset({str, int, bool, type(None)})


class EvidenceTails:
    def __init__(self, cell: Callable[[str], str]) -> None:
        self._cell = cell  # md_cell for repeating text (paths, expectations), cached
        self._tails: dict[Key, str] = {}
        self._observed: dict[Key, str] = {}

    def of(self, evidence: list[Evidence]) -> list[str]:
        """The tail of each entry."""
        tails = self._tails
        types = list(map(type, map(_observed_of, evidence)))
        keys: list[Key]
        if _SCALAR_TYPES.issuperset(types):
            keys = list(zip(types, evidence, strict=True))
        else:
            keys = [
                (t, ev) if t in _SCALAR_TYPES else id(ev)
                for t, ev in zip(types, evidence, strict=True)
            ]
        try:
            found = list(map(tails.get, keys))
        except TypeError:  # not a str where Evidence has one (a list as its note)
            keys = [
                key if _hashable(key) else id(ev) for key, ev in zip(keys, evidence, strict=True)
            ]
            found = list(map(tails.get, keys))
        if None not in found:
            return found  # type: ignore[return-value]  # no None: checked
        fresh: dict[Key, list[int]] = {}  # key → places in `found`
        for i, tail in enumerate(found):
            if tail is None:
                fresh.setdefault(keys[i], []).append(i)
        entries = [evidence[places[0]] for places in fresh.values()]
        cell = self._cell
        seen = self.observed([ev.observed for ev in entries])
        for (key, places), ev, value in zip(fresh.items(), entries, seen, strict=True):
            tail = tails[key] = (
                f"{cell(ev.path)} | {value} | {cell(ev.expected)} | {cell(ev.note)} |"
            )
            for i in places:
                found[i] = tail
        return found  # type: ignore[return-value]  # every None was filled

    def observed(self, values: list[Any]) -> list[str]:
        """Each value as JSON text, cut, escaped; cached by (type, value) where it can
        be hashed, and the new ones escaped together."""
        cache = self._observed
        keys: list[Any] = [(type(value), value) for value in values]
        if not _SCALAR_TYPES.issuperset(map(type, values)):
            keys = [key if key[0] in _SCALAR_TYPES else None for key in keys]
        cells = [cache.get(key) if key is not None else None for key in keys]
        if None not in cells:
            return cells  # type: ignore[return-value]  # no None: checked
        todo = [i for i, cell in enumerate(cells) if cell is None]
        texts = [_to_json(values[i]) for i in todo]
        texts = [t if len(t) <= OBSERVED_LIMIT else t[:OBSERVED_LIMIT] + _CUT for t in texts]
        for i, cell in zip(todo, md_cells(texts), strict=True):
            cells[i] = cell
            key = keys[i]
            if key is not None:
                cache[key] = cell
        return cells  # type: ignore[return-value]  # every None was filled


def _hashable(key: object) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True
