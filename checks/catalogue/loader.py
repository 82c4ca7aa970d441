"""Decode the catalogue's data files, check them against the code, build the Catalogue.

Every problem is a `CatalogueError` naming the file and the key, e.g.
`checks/catalogue/acr.toml: checks[3] (ACR-004).severity: 'hgih' is not one of
critical, high, medium, low, info`; all problems found are listed, one a line.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from checks.catalogue.schema import About, Entry, Family
from checks.kinds import AUDITED_KINDS
from checks.model import Severity, Target
from checks.registry import (
    FRAMEWORKS,
    BuiltInPolicy,
    Catalogue,
    CatalogueError,
    Check,
    ControlMapping,
    Evaluate,
    bound_id,
)
from checks.sections import SECTIONS

S = TypeVar("S", Family, About)

AZ_SLOTS = ("name", "resource_group", "subscription", "id")
_ENUMS: dict[str, tuple[str, ...]] = {
    "severity": tuple(s.value for s in Severity),
    "target": tuple(t.value for t in Target),
}
_MSGSPEC_ERROR = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_ENTRY_PATH = re.compile(r"^\.checks\[(?P<i>\d+)\](?P<rest>.*)$")


@dataclass(frozen=True)
class Source:
    """One family: its data file and the functions its module binds with `@check`."""

    data_file: str  # as shown in errors: checks/catalogue/acr.toml
    family: Family
    code_file: str | None = None  # checks/catalogue/acr.py; None for manual items
    functions: tuple[Evaluate, ...] = ()


def decode(data: bytes | str, where: str, kind: type[S]) -> S:
    """A data file decoded and validated against its schema."""
    try:
        return msgspec.toml.decode(data, type=kind)
    except msgspec.ValidationError as exc:
        raise CatalogueError(_explain(str(exc), data, where)) from None
    except (msgspec.DecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{where}: not valid TOML: {exc}") from None


def _explain(error: str, data: bytes | str, where: str) -> str:
    """msgspec's `<message> - at `$.checks[3].severity`` as `file: checks[3] (id).key: …`."""
    m = _MSGSPEC_ERROR.match(error)
    msg, path = (m["msg"], m["path"] or "") if m else (error, "")
    if field := re.fullmatch(r"Object missing required field `(\w+)`", msg):
        msg = f"missing required key '{field[1]}'"
    elif field := re.fullmatch(r"Object contains unknown field `(\w+)`", msg):
        msg = f"unknown key '{field[1]}'"
    elif value := re.fullmatch(r"Invalid enum value (.*)", msg):
        allowed = _ENUMS.get(path.rsplit(".", 1)[-1])
        msg = f"{value[1]} is not one of {', '.join(allowed)}" if allowed else msg
    entry = _ENTRY_PATH.match(path)
    if entry is None:
        return f"{where}: {path.lstrip('.') or 'top level'}: {msg}"
    i = int(entry["i"])
    return f"{_entry_label(where, i, _raw_id(data, i))}{entry['rest']}: {msg}"


def _raw_id(data: bytes | str, i: int) -> object:
    text = data.decode() if isinstance(data, bytes) else data
    checks = tomllib.loads(text).get("checks")
    return checks[i].get("id") if isinstance(checks, list) and i < len(checks) else None


def _entry_label(where: str, i: int, check_id: object) -> str:
    return f"{where}: checks[{i}]" + (f" ({check_id})" if isinstance(check_id, str) else "")


def build_catalogue(sources: Iterable[Source]) -> Catalogue:
    """Entries and functions paired, cross-checked; every problem in one error."""
    problems: list[str] = []
    checks: list[Check] = []
    seen: dict[str, str] = {}
    for src in sources:
        by_id = _bound(src, problems)
        described: set[str] = set()
        for i, entry in enumerate(src.family.checks):
            label = _entry_label(src.data_file, i, entry.id)
            problems.extend(f"{label}{p}" for p in _entry_problems(entry, src.family))
            if entry.id in seen:
                problems.append(f"{label}: duplicate id, already in {seen[entry.id]}")
                continue
            seen[entry.id] = label
            described.add(entry.id)
            fn = by_id.get(entry.id)
            if fn is None and not src.family.manual:
                problems.append(
                    f"{label}: no function is bound to this id in {src.code_file} "
                    f'(@check("{entry.id}"))'
                )
            checks.append(_check(entry, fn))
        for check_id, fn in by_id.items():
            if check_id not in described:
                problems.append(
                    f"{src.code_file}: {fn.__name__} is bound to {check_id}, which "
                    f"{src.data_file} does not describe"
                )
    if problems:
        raise CatalogueError("\n".join(problems))
    return Catalogue(checks)


def _bound(src: Source, problems: list[str]) -> dict[str, Evaluate]:
    out: dict[str, Evaluate] = {}
    for fn in src.functions:
        check_id = bound_id(fn)
        if check_id is None:
            continue
        if src.family.manual:
            problems.append(f"{src.code_file}: {fn.__name__} is bound to a manual item")
        elif check_id in out:
            problems.append(
                f"{src.code_file}: {out[check_id].__name__} and {fn.__name__} are both "
                f"bound to {check_id}"
            )
        else:
            out[check_id] = fn
    return out


def _entry_problems(entry: Entry, family: Family) -> Iterable[str]:
    """What the schema alone cannot say: each as `.key: message` after the entry."""
    if not entry.id.startswith(f"{family.prefix}-"):
        yield f".id: expected the prefix {family.prefix} of this file"
    for section in entry.sections:
        if section not in SECTIONS:
            yield f".sections: '{section}' is not one of {', '.join(SECTIONS)}"
    if family.manual and entry.target is not Target.ESTATE:
        yield f".target: a manual item's target is '{Target.ESTATE.value}'"
    if not family.manual and entry.target is Target.ESTATE:
        yield f".target: only manual items target '{Target.ESTATE.value}'"
    if not family.manual and not entry.fail_when:
        yield ": missing required key 'fail_when' (when the check FAILs)"
    for kind in entry.requires:
        if kind not in AUDITED_KINDS:
            yield f".requires: '{kind}' is not a kind the collector reads (checks.kinds)"
    for kind in entry.also:
        if entry.target is not Target.CONTAINER_GROUP or kind is not Target.CONTAINER_GROUP_PROFILE:
            yield (
                f".also: only a container-group check may also apply to "
                f"'{Target.CONTAINER_GROUP_PROFILE.value}'"
            )
    if entry.target is Target.CONTAINER_GROUP_PROFILE:
        yield f".target: '{entry.target.value}' is only an `also` kind"
    if entry.az is not None:
        for slot in _slots(entry.az):
            if slot not in AZ_SLOTS:
                yield f".az: unknown slot {{{slot}}}; the slots are {', '.join(AZ_SLOTS)}"


def _slots(template: str) -> list[str]:
    try:
        return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        return [f"<{exc}>"]


def _check(entry: Entry, fn: Evaluate | None) -> Check:
    return Check(
        id=entry.id,
        title=entry.title,
        severity=entry.severity,
        sections=entry.sections,
        target=entry.target,
        rationale=entry.rationale,
        remediation=entry.remediation,
        learn_url=entry.learn_url,
        references=entry.references,
        az=entry.az,
        requires=entry.requires,
        evaluate=fn,
        also=entry.also,
        fail_when=entry.fail_when,
        notes=entry.notes,
        frameworks=tuple(
            ControlMapping(key, entry.frameworks[key].controls, entry.frameworks[key].source)
            for key in FRAMEWORKS
            if key in entry.frameworks
        ),
        policies=tuple(
            BuiltInPolicy(p.id, p.name, p.effects, p.default_effect, p.role) for p in entry.policies
        ),
    )


def module_functions(namespace: dict[str, Any], module: str) -> tuple[Evaluate, ...]:
    """The functions a module defines and binds with `@check`, in definition order."""
    out: dict[int, Evaluate] = {}
    for value in namespace.values():
        if bound_id(value) is not None and getattr(value, "__module__", None) == module:
            out.setdefault(id(value), value)
    return tuple(out.values())
