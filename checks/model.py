"""Statuses, severities, evidence and results: the vocabulary every front end shares."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple


class Status(StrEnum):
    FAIL = "FAIL"
    PASS = "PASS"
    NOT_ASSESSED = "NOT_ASSESSED"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    MANUAL = "MANUAL"


STATUS_ORDER: tuple[Status, ...] = (
    Status.FAIL,
    Status.NOT_ASSESSED,
    Status.MANUAL,
    Status.PASS,
    Status.NOT_APPLICABLE,
)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical … 4 for info: sorts most severe first."""
        return _SEVERITY_RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank <= threshold.rank


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Target(StrEnum):
    """What a check evaluates: one result per object of this kind."""

    REGISTRY = "Microsoft.ContainerRegistry/registries"
    CONTAINER_GROUP = "Microsoft.ContainerInstance/containerGroups"
    # Only as a check's `also` target: the container-group checks that read the body.
    CONTAINER_GROUP_PROFILE = "Microsoft.ContainerInstance/containerGroupProfiles"
    SUBSCRIPTION = "subscription"
    ESTATE = "estate"


ESTATE_SCOPE = "/"


# Evidence, Outcome and Result are NamedTuples, not frozen dataclasses: a large estate
# builds about a million of them, and a frozen dataclass pays object.__setattr__ per field.


class Evidence(NamedTuple):
    """One observation behind a result. `observed` is already redacted JSON."""

    path: str
    observed: Any
    expected: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "observed": self.observed,
            "expected": self.expected,
        }
        if self.note:
            out["note"] = self.note
        return out


class Outcome(NamedTuple):
    """What a check function returns for one resource; the engine adds ids."""

    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()


class Result(NamedTuple):
    check_id: str
    resource_id: str
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()


def fail(message: str, *evidence: Evidence) -> Outcome:
    return Outcome(Status.FAIL, message, evidence)


def passed(message: str, *evidence: Evidence) -> Outcome:
    return Outcome(Status.PASS, message, evidence)


def not_assessed(message: str, *evidence: Evidence) -> Outcome:
    return Outcome(Status.NOT_ASSESSED, message, evidence)


def not_applicable(message: str, *evidence: Evidence) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, evidence)
