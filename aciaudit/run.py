"""One audit run: a snapshot, its index, the results, and summaries every sink shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from aciaudit import TOOL_NAME, __version__
from aciaudit.gcpause import paused_gc
from checks import CATALOGUE_VERSION
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.model import Result, Severity, Status
from checks.policy import Policy
from checks.registry import Catalogue, Check
from checks.snapshot import Snapshot


@dataclass
class Run:
    snapshot: Snapshot
    index: Index
    results: list[Result]
    catalogue: Catalogue
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    tool: str = TOOL_NAME
    tool_version: str = __version__
    catalogue_version: str = CATALOGUE_VERSION
    # (check id, resource id) → the policy suppression that applies to that FAIL.
    # Filled from the policy file (issue 5); sinks ask `suppression()`, never the dict.
    suppressions: dict[tuple[str, str], Any] = field(default_factory=dict)

    def check(self, result: Result) -> Check:
        return self.catalogue[result.check_id]

    def suppression(self, result: Result) -> Any | None:
        """The suppression covering this FAIL, or None (never for other statuses)."""
        if result.status is not Status.FAIL:
            return None
        return self.suppressions.get((result.check_id, result.resource_id))

    def severity(self, result: Result) -> Severity:
        return self.catalogue[result.check_id].severity

    @cached_property
    def status_counts(self) -> Counter[Status]:
        return Counter(r.status for r in self.results)

    @cached_property
    def fail_counts_by_severity(self) -> Counter[Severity]:
        return Counter(self.severity(r) for r in self.results if r.status is Status.FAIL)

    @cached_property
    def score(self) -> int:
        """Share of assessed results that pass, weighted by severity, 0–100.

        NOT_ASSESSED, NOT_APPLICABLE and MANUAL do not count either way: the score
        speaks only of what was seen. With nothing assessed it is 0, never 100.
        """
        weights = {Severity.CRITICAL: 10, Severity.HIGH: 5, Severity.MEDIUM: 3,
                   Severity.LOW: 1, Severity.INFO: 0}  # fmt: skip
        total = passed = 0
        for r in self.results:
            if r.status in (Status.PASS, Status.FAIL):
                w = weights[self.severity(r)]
                total += w
                passed += w if r.status is Status.PASS else 0
        return round(100 * passed / total) if total else 0

    def worst_failing_severity(self) -> Severity | None:
        fails = self.fail_counts_by_severity
        return min(fails, key=lambda s: s.rank) if fails else None


def audit(snapshot: Snapshot, policy: Policy | None = None) -> Run:
    catalogue = load_catalogue()
    with paused_gc():
        index = Index(snapshot)
        return Run(snapshot, index, evaluate(index, policy, catalogue), catalogue)
