"""Check metadata and the catalogue every check registers itself in."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from checks import arm_id
from checks.model import Outcome, Severity, Target

if TYPE_CHECKING:
    from checks.context import Context

Resource = dict[str, Any]
Evaluate = Callable[[Resource, "Context"], Outcome]


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

    @property
    def section(self) -> str:
        return self.sections[0]

    @property
    def is_manual(self) -> bool:
        return self.evaluate is None

    def az_for(self, resource_id: str) -> str | None:
        """The `az` command filled in for one resource, every value shell-quoted."""
        if self.az is None:
            return None
        parsed = arm_id.parse(resource_id)
        return self.az.format(
            name=shlex.quote(parsed.name),
            resource_group=shlex.quote(parsed.resource_group or "<resource-group>"),
            subscription=shlex.quote(parsed.subscription or "<subscription>"),
            id=shlex.quote(resource_id),
        )


class Catalogue:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def add(self, check: Check) -> Check:
        if check.id in self._checks:
            raise ValueError(f"duplicate check id {check.id}")
        self._checks[check.id] = check
        self.__dict__.pop("ordered", None)
        return check

    def __getitem__(self, check_id: str) -> Check:
        return self._checks[check_id]

    def get(self, check_id: str) -> Check | None:
        return self._checks.get(check_id)

    def __iter__(self) -> Iterator[Check]:
        return iter(self.ordered)

    def __len__(self) -> int:
        return len(self._checks)

    @cached_property
    def ordered(self) -> list[Check]:
        """Catalogue order: ACR, ACI, SUB, MAN, each by number."""
        family = {"ACR": 0, "ACI": 1, "SUB": 2, "MAN": 3}
        return sorted(self._checks.values(), key=lambda c: (family.get(c.id[:3], 9), c.id))


CATALOGUE = Catalogue()


def check(
    *,
    id: str,
    title: str,
    severity: Severity,
    sections: tuple[str, ...],
    target: Target,
    rationale: str,
    remediation: str,
    learn_url: str,
    references: tuple[str, ...] = (),
    az: str | None = None,
    requires: tuple[str, ...] = (),
) -> Callable[[Evaluate], Evaluate]:
    """Register the decorated function as the evaluation of check `id`."""

    def register(fn: Evaluate) -> Evaluate:
        CATALOGUE.add(
            Check(
                id=id,
                title=title,
                severity=severity,
                sections=sections,
                target=target,
                rationale=rationale,
                remediation=remediation,
                learn_url=learn_url,
                references=references,
                az=az,
                requires=requires,
                evaluate=fn,
            )
        )
        return fn

    return register
