"""A check: its metadata (from the catalogue's data files) and the function bound to its id.

The metadata lives in `checks/catalogue/*.toml`; a family module binds one short
function to each id with `@check("ACR-001")`. `checks.catalogue.load_catalogue` puts
the two together and validates them.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from string import Formatter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from checks import arm_id
from checks.kinds import kind_label
from checks.model import Outcome, Severity, Target

if TYPE_CHECKING:
    from checks.context import Context

Resource = dict[str, Any]
Evaluate = Callable[[Resource, "Context"], Outcome]

# The attribute `@check` sets on a function: the id it evaluates.
BOUND_ID = "__check_id__"
# Catalogue order: ACR, ACI, SUB, MAN, each by number.
FAMILY_ORDER = ("ACR", "ACI", "SUB", "MAN")


# The compliance frameworks a check maps to, in the order reports list them, and their
# names for people.
FRAMEWORKS: dict[str, str] = {
    "mcsb-v2": "Microsoft cloud security benchmark v2",
    "mcsb-v1": "Microsoft cloud security benchmark v1",
    "nist-800-53-r5": "NIST SP 800-53 Rev. 5",
    "pci-dss-4.0.1": "PCI DSS v4.0.1",
    "finos-ccc": "FINOS Common Cloud Controls",
}


@dataclass(frozen=True)
class ControlMapping:
    """A check's control ids in one framework, and where that mapping comes from."""

    framework: str
    controls: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class BuiltInPolicy:
    """An Azure Policy built-in definition for what a check finds; `role` "audit" reports
    or denies it, "remediate" (Modify / DeployIfNotExists) fixes it."""

    guid: str
    name: str
    effects: tuple[str, ...]
    default_effect: str
    role: str

    @property
    def definition_id(self) -> str:
        return f"/providers/Microsoft.Authorization/policyDefinitions/{self.guid}"


class CatalogueError(ValueError):
    """The catalogue's data or its functions are inconsistent. The message names the
    file and the key (`checks/catalogue/acr.toml: checks[3] (ACR-004).severity: …`)."""


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: Severity
    sections: tuple[str, ...]
    target: Target
    rationale: str
    remediation: str
    learn_url: str
    references: tuple[str, ...] = ()
    # An `az` command with {name}, {resource_group}, {subscription} and {id} slots.
    az: str | None = None
    # Coverage kinds the check reads besides its target; missing → NOT_ASSESSED.
    requires: tuple[str, ...] = ()
    evaluate: Evaluate | None = None
    # Other kinds it also judges (the catalogue's `also`): container group profiles.
    also: tuple[Target, ...] = ()
    # The specification's prose: when the check FAILs, and its notes and sources.
    fail_when: str = ""
    notes: str = ""
    # Its controls per framework (tuples, so a Check hashes), and Azure Policy built-ins.
    frameworks: tuple[ControlMapping, ...] = ()
    policies: tuple[BuiltInPolicy, ...] = ()

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every kind it judges: its target, then those it also applies to."""
        return (self.target, *self.also)

    @property
    def section(self) -> str:
        return self.sections[0]

    def controls(self, framework: str) -> tuple[str, ...]:
        """Its control ids in one framework (FRAMEWORKS), none when unmapped."""
        return next((m.controls for m in self.frameworks if m.framework == framework), ())

    @property
    def is_manual(self) -> bool:
        return self.evaluate is None

    def az_for(self, resource_id: str) -> str | None:
        """The `az` command filled in for one resource, every value shell-quoted."""
        if self.az is None or kind_label(resource_id) is not None:
            # The template is for the check's target; a profile is fixed by a new revision.
            return None
        return _filled(self.az, resource_id)

    def az_commands_for(self, resource_id: str) -> list[str] | None:
        """Each command of the template (`a && b` is two), filled in for one resource.
        Split before filling: a name holding ` && ` must stay inside its quotes."""
        if self.az is None or kind_label(resource_id) is not None:
            return None
        slots = az_slots(resource_id)
        return [part.strip().format(**slots) for part in self.az.split(" && ") if part.strip()]


@lru_cache(maxsize=16384)
def _filled(template: str, resource_id: str) -> str:
    """A template filled in for one resource. Most container-group checks share one
    template (export, then create), so a group that fails ten of them is filled once,
    not ten times: reports ask in check order, so a pair comes back after one pass
    over the groups (10,000 at the largest estates measured)."""
    slots = az_slots(resource_id)
    printf = _printf(template)
    return printf % slots if printf is not None else template.format(**slots)


@lru_cache(maxsize=256)
def _printf(template: str) -> str | None:
    """The template as a %-format string, which fills in about twice as fast as
    str.format re-reading the template each time; None when a field has a format
    spec or a conversion (str.format fills it then)."""
    out = []
    for literal, field, spec, conversion in Formatter().parse(template):
        out.append(literal.replace("%", "%%"))
        if field is not None:
            if spec or conversion or not field.isidentifier():
                return None
            out.append(f"%({field})s")
    return "".join(out)


@lru_cache(maxsize=65536)
def az_slots(resource_id: str) -> dict[str, str]:
    """The shell-quoted values an `az` template's slots take for a resource (name,
    resource_group, subscription, id). Shared: callers never mutate it."""
    # A resource failing several checks is quoted once, not once per check and report
    # (quoting was a third of the Markdown report's render time).
    parsed = arm_id.parse(resource_id)
    return {
        "name": shlex.quote(parsed.name),
        "resource_group": shlex.quote(parsed.resource_group or "<resource-group>"),
        "subscription": shlex.quote(parsed.subscription or "<subscription>"),
        "id": shlex.quote(resource_id),
    }


def _order(chk: Check) -> tuple[int, str]:
    prefix = chk.id[:3]
    rank = FAMILY_ORDER.index(prefix) if prefix in FAMILY_ORDER else len(FAMILY_ORDER)
    return rank, chk.id


class Catalogue:
    """Checks by id, iterated in catalogue order. Built once: a different catalogue
    (a policy's severity overrides) is a new one."""

    __slots__ = ("_by_id", "_ordered")

    def __init__(self, checks: Iterable[Check] = ()) -> None:
        by_id: dict[str, Check] = {}
        for chk in checks:
            if chk.id in by_id:
                raise CatalogueError(f"duplicate check id {chk.id}")
            by_id[chk.id] = chk
        self._by_id = MappingProxyType(by_id)
        self._ordered = tuple(sorted(by_id.values(), key=_order))

    def __getitem__(self, check_id: str) -> Check:
        return self._by_id[check_id]

    def get(self, check_id: str) -> Check | None:
        return self._by_id.get(check_id)

    def __iter__(self) -> Iterator[Check]:
        return iter(self._ordered)

    def __len__(self) -> int:
        return len(self._ordered)

    @property
    def ordered(self) -> tuple[Check, ...]:
        return self._ordered


def check(check_id: str) -> Callable[[Evaluate], Evaluate]:
    """Bind the decorated function to `check_id`; its metadata comes from the data file
    beside the module, and the loader pairs the two (each id with exactly one function)."""

    def bind(fn: Evaluate) -> Evaluate:
        setattr(fn, BOUND_ID, check_id)
        return fn

    return bind


def bound_id(obj: object) -> str | None:
    """The id a function was bound to by `@check`, else None."""
    value = getattr(obj, BOUND_ID, None) if callable(obj) else None
    return value if isinstance(value, str) else None
