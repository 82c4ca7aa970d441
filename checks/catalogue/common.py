"""Small readers every check family shares: property paths, enums, names."""

from __future__ import annotations

from functools import lru_cache
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
    for key in _steps(path):
        if not isinstance(obj, dict):
            return MISSING
        obj = obj.get(key)
        if obj is None:
            return MISSING
    # Nearly every value has its expected type: that answer is two dict look-ups;
    # anything else (an integer where a number is expected, a wrong type) asks `typed`.
    expected = FIELDS.get(path)
    if expected is None or _JSON_TYPES.get(type(obj)) == expected:
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


@lru_cache(maxsize=4096)
def _steps(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


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
