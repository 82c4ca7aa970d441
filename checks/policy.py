"""What the user decided: approved sources, severity overrides, disabled checks,
suppressions and attestations. Loading the policy file is an edge concern
(`aciaudit.policy_file`); everything here is pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fnmatch import translate
from functools import cached_property

from checks.model import Result, Severity, Status

# What a person may attest a manual item as.
ATTESTABLE = (Status.PASS, Status.FAIL, Status.NOT_APPLICABLE)


@dataclass(frozen=True)
class Suppression:
    """An accepted risk: FAILs of `check` on resources matching `resource`, until `expires`.

    Both patterns are globs, matched case-insensitively (ARM ids are). A suppressed FAIL
    stays a FAIL; it is marked, counted apart and left out of `--fail-on`.
    """

    check: str
    resource: str
    justification: str
    expires: date
    author: str = ""

    @cached_property
    def _check_re(self) -> re.Pattern[str]:
        return re.compile(translate(self.check), re.IGNORECASE)

    @cached_property
    def _resource_re(self) -> re.Pattern[str]:
        return re.compile(translate(self.resource), re.IGNORECASE)

    def matches_check(self, check_id: str) -> bool:
        return self._check_re.match(check_id) is not None

    def matches(self, check_id: str, resource_id: str) -> bool:
        return self.matches_check(check_id) and self._resource_re.match(resource_id) is not None

    def expired(self, today: date) -> bool:
        """It applies through its expiry date and no longer from the day after."""
        return today > self.expires

    def to_dict(self) -> dict[str, str]:
        return {
            "check": self.check,
            "resource": self.resource,
            "justification": self.justification,
            "expires": self.expires.isoformat(),
            "author": self.author,
        }


@dataclass(frozen=True)
class Attestation:
    """A person's answer to a manual item (MAN-…)."""

    check_id: str
    status: Status
    note: str
    by: str
    on: date

    def to_dict(self) -> dict[str, str]:
        return {
            "check_id": self.check_id,
            "status": self.status.value,
            "note": self.note,
            "by": self.by,
            "date": self.on.isoformat(),
        }


@dataclass(frozen=True)
class Policy:
    # Glob patterns over registry hosts (`*.azurecr.io`) and image references.
    approved_registries: tuple[str, ...] = ()
    approved_images: tuple[str, ...] = ()
    # Check id → the severity this organisation gives it.
    severity: Mapping[str, Severity] = field(default_factory=dict)
    # Check ids not evaluated; reports list them as disabled.
    disabled: frozenset[str] = frozenset()
    suppressions: tuple[Suppression, ...] = ()
    # Check id (MAN-…) → the attestation that answers it.
    attestations: Mapping[str, Attestation] = field(default_factory=dict)
    # A classification line for report covers ("CONFIDENTIAL — Contoso"); "" for none.
    classification: str = ""


@dataclass
class SuppressionMatch:
    """How the policy's suppressions met one run's FAILs."""

    # (check id, resource id) → the suppression that applies to that FAIL.
    applied: dict[tuple[str, str], Suppression] = field(default_factory=dict)
    # FAILs an expired suppression would have covered: they count as plain FAILs.
    expired: dict[tuple[str, str], Suppression] = field(default_factory=dict)
    # Suppressions that covered no FAIL at all (stale, or a typo in a pattern).
    unmatched: list[Suppression] = field(default_factory=list)


def match_suppressions(
    results: Iterable[Result], suppressions: Iterable[Suppression], today: date
) -> SuppressionMatch:
    """Pair FAILs with suppressions, file order first. Only FAILs are ever suppressed:
    NOT_ASSESSED, MANUAL and the rest stay exactly what they are."""
    rules = list(suppressions)
    out = SuppressionMatch()
    if not rules:
        return out
    used: set[int] = set()
    for result in results:
        if result.status is not Status.FAIL:
            continue
        key = (result.check_id, result.resource_id)
        for i, rule in enumerate(rules):
            if not rule.matches(result.check_id, result.resource_id):
                continue
            used.add(i)
            if rule.expired(today):
                out.expired.setdefault(key, rule)
                continue
            out.applied[key] = rule
            out.expired.pop(key, None)
            break
    out.unmatched = [rule for i, rule in enumerate(rules) if i not in used]
    return out
