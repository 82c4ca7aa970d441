"""`common.get`'s quick type answer agrees with `checks.fields.typed` for every value."""

from __future__ import annotations

from typing import Any

import pytest

from checks.catalogue.common import _JSON_TYPES, get
from checks.fields import FIELDS, WrongType, json_type, typed

SAMPLES: list[Any] = [
    True,
    False,
    0,
    7,
    -1,
    2**70,
    1.5,
    float("nan"),
    "",
    "true",
    [],
    [1],
    {},
    {"a": 1},
]


class Text(str):
    """A str subclass: not in the quick table, so `typed` answers."""


@pytest.mark.parametrize("value", SAMPLES)
def test_the_quick_table_names_types_as_json_type_does(value: Any) -> None:
    assert _JSON_TYPES[type(value)] == json_type(value)


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_get_returns_or_raises_exactly_as_typed(path: str) -> None:
    for value in [*SAMPLES, Text("x")]:
        obj: dict[str, Any] = {}
        node = obj
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
        try:
            expected = typed(path, value)
        except WrongType:
            with pytest.raises(WrongType):
                get(obj, path)
        else:
            assert get(obj, path) is expected
