"""Small readers every check family shares: property paths, enums, names."""

from __future__ import annotations

from typing import Any, Final

from checks import arm_id
from checks.fields import ARRAY, BOOLEAN, FIELDS, INTEGER, NUMBER, OBJECT, STRING, typed
from checks.model import Evidence, Outcome, not_assessed

Resource = dict[str, Any]


class _Missing:
    def __repr__(self) -> str:
        return "<absent>"


MISSING: Final = _Missing()
LEARN = "https://learn.microsoft.com/azure"


def get(obj: Any, path: str) -> Any:
    """Follow a dotted path; MISSING when any step is absent (None counts as absent).

    A value of another JSON type than the specification's (`checks.fields`) raises
    WrongType, which the engine reports as NOT_ASSESSED "unexpected type at PATH"."""
    # About 800,000 calls at 10,000 groups: a path's steps and the exact types that
    # need no `typed` come from one dict look-up (an lru_cache call and FIELDS.get
    # before).
    try:
        steps, plain = _PLANS[path]
    except KeyError:
        steps, plain = _plan(path)
    for key in steps:
        if not isinstance(obj, dict):
            return MISSING
        obj = obj.get(key)
        if obj is None:
            return MISSING
    # Nearly every value has its expected type: that answer is one set look-up;
    # anything else (an integer where a number is expected, a wrong type) asks `typed`.
    if plain is None or type(obj) in plain:
        return obj
    return typed(path, obj)


# Exact Python types as `checks.fields.json_type` names them (subclasses take `typed`).
_JSON_TYPES: Final = {
    bool: BOOLEAN,
    int: INTEGER,
    float: NUMBER,
    str: STRING,
    list: ARRAY,
    dict: OBJECT,
}

# Path -> (its steps, the exact types `get` returns as they are: None when FIELDS does
# not list the path, so any value is returned). Paths are the catalogue's own (a few
# dozen); the bound only guards against a caller that builds them from data.
_PLANS: Final[dict[str, tuple[tuple[str, ...], frozenset[type] | None]]] = {}
_PLANS_MAX = 4096


def _plan(path: str) -> tuple[tuple[str, ...], frozenset[type] | None]:
    expected = FIELDS.get(path)
    plain = (
        None
        if expected is None
        else frozenset(t for t, json_name in _JSON_TYPES.items() if json_name == expected)
    )
    plan = (tuple(path.split(".")), plain)
    if len(_PLANS) < _PLANS_MAX:
        _PLANS[path] = plan
    return plan


def observed(value: Any) -> Any:
    """Evidence form of a value: absent properties are shown as such, not as null."""
    return "<absent>" if value is MISSING else value


def is_enum(value: Any, expected: str) -> bool:
    """ARM mixes `Enabled`/`enabled`: compare enums case-insensitively."""
    return isinstance(value, str) and value.lower() == expected.lower()


def name(resource: Resource) -> str:
    return resource.get("name") or arm_id.parse(resource["id"]).name


def absent(resource: Resource, path: str, why: str = "") -> Outcome:
    """NOT_ASSESSED for a property ARM always returns at current api-versions."""
    hint = why or "likely read at an older api-version"
    return not_assessed(
        f"'{name(resource)}': {path} is absent ({hint}).",
        Evidence(path, "<absent>", "present"),
    )


def api_version_before(version: str | None, threshold: str) -> bool:
    """ARM api-versions sort as text (YYYY-MM-DD[-preview])."""
    return version is not None and version[:10] < threshold
