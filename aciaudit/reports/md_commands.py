"""The `az` commands under a finding: each failing resource's command, once each, in
order; the same text as `Check.az_for`, built for thousands of resources at a time.

Filling a template per resource (`az_for`) was a quarter of the report's CPU at 10,000
groups (the commands are 28 MB of its 78). Here the template is split once into its
literal text and slots, and each resource's quoted slot values (`checks.registry.az_slots`,
cached per resource id) are joined in between, column by column. A template this cannot
split exactly (a format spec, a conversion, a slot other than the four) goes through
`az_for`. tests/test_report_markdown_commands.py holds both against `az_for` for every
check.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from string import Formatter
from typing import Any

from checks.kinds import kind_label
from checks.registry import Check, az_slots

_SLOTS = frozenset({"name", "resource_group", "subscription", "id"})
_UNKNOWN = object()  # a resource not in the cache yet

Pieces = tuple[tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=256)
def _split(template: str) -> Pieces | None:
    """(literal texts, slot names) with one more literal than slots, or None."""
    literals: list[str] = []
    slots: list[str] = []
    try:
        parsed = list(Formatter().parse(template))
    except ValueError:  # a lone brace: az_for raises the same error
        return None
    for literal, field, spec, conversion in parsed:
        if len(literals) > len(slots):  # two literals in a row: join them
            literals[-1] += literal
        else:
            literals.append(literal)
        if field is None:
            continue
        if field not in _SLOTS or spec or conversion:
            return None
        slots.append(field)
    if len(literals) == len(slots):
        literals.append("")
    return tuple(literals), tuple(slots)


def commands(
    chk: Check, resource_ids: list[str], slots_cache: dict[str, dict[str, str] | None]
) -> list[str]:
    """`chk.az_for` of each resource, without the Nones, each command once, in order.
    `slots_cache` (per report) keeps each resource's quoted slots, or None for a kind
    `az_for` gives no command for."""
    if chk.az is None:
        return []
    pieces = _split(chk.az)
    if pieces is None:
        return list(dict.fromkeys(filter(None, map(chk.az_for, resource_ids))))
    literals, names = pieces
    # Each resource's slots from the cache (a C-level map), worked out where missing.
    cached: list[Any] = list(map(slots_cache.get, resource_ids, repeat(_UNKNOWN)))
    if _UNKNOWN in cached:
        for i, rid in enumerate(resource_ids):
            if cached[i] is _UNKNOWN:
                profile = kind_label(rid) is not None
                cached[i] = slots_cache[rid] = None if profile else az_slots(rid)
    found: list[dict[str, str]] = list(filter(None, cached))
    if not found:
        return []
    if not names:  # a template without slots: one command for all (none if it is empty)
        return [literals[0]] if literals[0] else []
    # Column by column: each slot's values, then every row joined in one C-level pass.
    columns: list[Iterable[str]] = [repeat(literals[0])]
    for name, literal in zip(names, literals[1:], strict=True):
        columns.append(list(map(itemgetter(name), found)))
        columns.append(repeat(literal))
    # The literals repeat without end; the slot columns, one value per resource, end it.
    return list(dict.fromkeys(map("".join, zip(*columns, strict=False))))
