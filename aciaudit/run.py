"""One audit run: a snapshot, its index, the results, and summaries every sink shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cached_property
from operator import itemgetter
from typing import TypedDict

from aciaudit import TOOL_NAME, __version__
from aciaudit.diff import Diff, key
from aciaudit.gcpause import paused_gc
from aciaudit.vulns import scans_in_snapshot
from checks import CATALOGUE_VERSION
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.model import Result, Severity, Status, Target
from checks.overrides import effective_catalogue, manual_result
from checks.policy import (
    Attestation,
    Policy,
    Suppression,
    match_suppressions,
)
from checks.registry import Catalogue, Check
from checks.snapshot import Snapshot
from checks.vulns import ImageScan, RunningImage, ScanIndex, running_images


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Run:
    """Immutable: everything is set when `audit` builds it; a policy edit, a baseline or
    a narrower view makes a new Run (`with_policy`, `with_delta`, `subset`), so the
    views derived below (cached on first use) can never go stale."""

    snapshot: Snapshot
    index: Index
    # Never changed after construction; a list only because the sinks index it.
    results: list[Result]
    catalogue: Catalogue
    generated_at: str = field(default_factory=_now)
    tool: str = TOOL_NAME
    tool_version: str = __version__
    catalogue_version: str = CATALOGUE_VERSION
    # Changes since a baseline (`scan --baseline`); reports show them when set.
    delta: Diff | None = None
    # (check id, resource id) → the policy suppression that applies to that FAIL.
    # Sinks ask `suppression()`, never the dict.
    suppressions: dict[tuple[str, str], Suppression] = field(default_factory=dict)
    # What produced the run: the policy, and the file it came from (None: no file).
    policy: Policy = field(default_factory=Policy)
    policy_file: PolicyFileInfo | None = None
    # FAILs only an expired suppression covered (they count as plain FAILs), and
    # suppressions that covered no FAIL: both are warned about.
    expired_suppressions: dict[tuple[str, str], Suppression] = field(default_factory=dict)
    unmatched_suppressions: list[Suppression] = field(default_factory=list)
    # The catalogue before severity overrides: reports show what was changed.
    base_catalogue: Catalogue | None = None
    # The day suppressions were judged against (expired or not).
    policy_today: date = field(default_factory=lambda: datetime.now(UTC).date())

    # Vulnerability reports joined with running images; None: none were given.
    scans: ScanIndex | None = None
    # Set on a `subset`: the score of the whole run the view was taken from.
    run_score: int | None = None
    # Compliance frameworks the reports list first (`scan --framework`); the rest follow.
    frameworks_first: tuple[str, ...] = ()

    def check(self, result: Result) -> Check:
        return self.catalogue[result.check_id]

    @cached_property
    def running_images(self) -> list[RunningImage]:
        """Each distinct running image with its matched reports; [] without scans."""
        if self.scans is None:
            return []
        return running_images(self.index.of_type(Target.CONTAINER_GROUP), self.scans)

    def suppression(self, result: Result) -> Suppression | None:
        """The suppression covering this FAIL, or None (never for other statuses)."""
        if result.status is not Status.FAIL:
            return None
        return self.suppressions.get((result.check_id, result.resource_id))

    def expired_suppression(self, result: Result) -> Suppression | None:
        """An expired suppression that would have covered this FAIL, or None."""
        if result.status is not Status.FAIL:
            return None
        return self.expired_suppressions.get((result.check_id, result.resource_id))

    @property
    def disabled_checks(self) -> list[Check]:
        return [c for c in self.catalogue if c.id in self.policy.disabled]

    @property
    def attestations(self) -> list[Attestation]:
        return [self.policy.attestations[k] for k in sorted(self.policy.attestations)]

    def suppression_uses(self) -> Counter[Suppression]:
        """How many FAILs each suppression covers now."""
        return Counter(self.suppressions.values())

    @cached_property
    def suppressed_by_check(self) -> Counter[str]:
        """Suppressed FAILs per check id."""
        return Counter(check_id for check_id, _ in self.suppressions)

    @cached_property
    def policy_warnings(self) -> list[str]:
        """Suppressions that expired or match nothing, as of the day they were judged:
        said on stderr and in the reports."""
        today = self.policy_today
        out = []
        for rule in self.policy.suppressions:
            if rule.expired(today):
                out.append(
                    f"suppression of {rule.check} on {rule.resource} expired on "
                    f"{rule.expires.isoformat()}; the FAILs it covered count again"
                )
        for rule in self.unmatched_suppressions:
            if not rule.expired(today):
                out.append(f"suppression of {rule.check} on {rule.resource} matches no FAIL")
        return out

    def severity_overrides(self) -> list[tuple[Check, Severity]]:
        """(check as evaluated, its catalogue severity) for every overridden check."""
        base = self.base_catalogue or self.catalogue
        return [
            (c, base[c.id].severity)
            for c in self.catalogue
            if c.severity is not base[c.id].severity
        ]

    # -- new runs from this one ----------------------------------------------------------

    def with_policy(
        self, policy: Policy, policy_file: PolicyFileInfo | None = None, today: date | None = None
    ) -> Run:
        """This run under another policy's suppressions and attestations (the app, after
        each edit of the policy file); this run is left as it was. Severity overrides
        and disabled checks need a new evaluation (`audit`): here they carry over."""
        manual = {c.id for c in self.catalogue if c.is_manual}
        results = [
            manual_result(self.catalogue[r.check_id], policy.attestations.get(r.check_id))
            if r.check_id in manual
            else r
            for r in self.results
        ]
        return replace(self, results=results, **_judged(results, policy, policy_file, today))

    def with_delta(self, delta: Diff | None) -> Run:
        """This run compared with a baseline: its reports gain the changes."""
        return replace(self, delta=delta)

    def subset(self, results: list[Result]) -> Run:
        """The run narrowed to `results` (the findings in view), for an export.

        The snapshot, coverage and catalogue stay whole, so what was not assessed is
        still said of a filtered report; the baseline section keeps only the changes of
        the results in view."""
        delta = self.delta
        if delta is not None:
            delta = delta.only({key(r.check_id, r.resource_id) for r in results})
        # A view's report states the run's score (a view of FAILs alone would score 0)
        # and the time it was written, not the audit's.
        return replace(
            self, results=results, delta=delta, generated_at=_now(), run_score=self.score
        )

    def severity(self, result: Result) -> Severity:
        return self.catalogue[result.check_id].severity

    @cached_property
    def _per_check(self) -> Counter[tuple[str, Status]]:
        """Results per (check id, status), counted in one pass in C: the summaries below
        need a check's severity, not each result."""
        return Counter(map(itemgetter(0, 2), self.results))

    @cached_property
    def status_counts(self) -> Counter[Status]:
        counts: Counter[Status] = Counter()
        for (_, status), n in self._per_check.items():
            counts[status] += n
        return counts

    @cached_property
    def fail_counts_by_severity(self) -> Counter[Severity]:
        """FAILs by severity, suppressed ones left out (they are `suppressed_count`)."""
        sup = self.suppressions
        if sup:
            fails = (r for r in self.results if r.status is Status.FAIL)
            fails = (r for r in fails if (r.check_id, r.resource_id) not in sup)
            return Counter(self.severity(r) for r in fails)
        counts: Counter[Severity] = Counter()
        for (check_id, status), n in self._per_check.items():
            if status is Status.FAIL:
                counts[self.catalogue[check_id].severity] += n
        return counts

    @property
    def suppressed_count(self) -> int:
        """FAILs a policy suppression covers: still FAILs, counted apart (only FAILs are
        ever keys of `suppressions`, one per result)."""
        return len(self.suppressions)

    @cached_property
    def score(self) -> int:
        """Share of assessed results that pass, weighted by severity, 0–100.

        NOT_ASSESSED, NOT_APPLICABLE and MANUAL do not count either way: the score
        speaks only of what was seen. With nothing assessed it is 0, never 100.
        """
        if self.run_score is not None:
            return self.run_score
        weights = {Severity.CRITICAL: 10, Severity.HIGH: 5, Severity.MEDIUM: 3,
                   Severity.LOW: 1, Severity.INFO: 0}  # fmt: skip
        total = passed = 0
        for (check_id, status), n in self._per_check.items():
            if status in (Status.PASS, Status.FAIL):
                w = weights[self.catalogue[check_id].severity] * n
                total += w
                passed += w if status is Status.PASS else 0
        return round(100 * passed / total) if total else 0

    def worst_failing_severity(self) -> Severity | None:
        """The worst unsuppressed FAIL's severity: what `--fail-on` compares."""
        fails = self.fail_counts_by_severity
        return min(fails, key=lambda s: s.rank) if fails else None


@dataclass(frozen=True)
class PolicyFileInfo:
    """Where the policy came from, and its sha256, so a reader can tell which produced
    a report."""

    path: str
    sha256: str


def audit(
    snapshot: Snapshot,
    policy: Policy | None = None,
    policy_file: PolicyFileInfo | None = None,
    today: date | None = None,
    scans: Iterable[ImageScan] | None = None,
) -> Run:
    """`scans`: image vulnerability reports (`aciaudit.vulns.load_vulns`); None when the
    user gave none. Defender findings the snapshot holds are added to them."""
    policy = policy or Policy()
    base = load_catalogue()
    catalogue = effective_catalogue(base, policy)
    with paused_gc():
        index = Index(snapshot)
        scan_index = _scan_index(snapshot, scans)
        # The engine applies the policy's attestations itself.
        results = evaluate(index, policy, catalogue, scan_index)
        return Run(
            snapshot,
            index,
            results,
            catalogue,
            scans=scan_index,
            base_catalogue=base,
            **_judged(results, policy, policy_file, today),
        )


class _Judged(TypedDict):
    policy: Policy
    policy_file: PolicyFileInfo | None
    policy_today: date
    suppressions: dict[tuple[str, str], Suppression]
    expired_suppressions: dict[tuple[str, str], Suppression]
    unmatched_suppressions: list[Suppression]


def _judged(
    results: list[Result], policy: Policy, policy_file: PolicyFileInfo | None, today: date | None
) -> _Judged:
    """The policy fields of a Run whose results are `results`: the suppressions matched
    against its FAILs as of `today` (default: now)."""
    today = today or datetime.now(UTC).date()
    match = match_suppressions(results, policy.suppressions, today)
    return _Judged(
        policy=policy,
        policy_file=policy_file,
        policy_today=today,
        suppressions=match.applied,
        expired_suppressions=match.expired,
        unmatched_suppressions=match.unmatched,
    )


def _scan_index(snapshot: Snapshot, scans: Iterable[ImageScan] | None) -> ScanIndex | None:
    """The reports given, plus those the snapshot brings: Defender rows it holds, and
    the demo's own reports (wherever the demo is audited: scan, app, baseline)."""
    stored = scans_in_snapshot(snapshot)
    if snapshot.is_demo:
        from aciaudit.sources.demo import demo_scans

        stored = [*(stored or ()), *demo_scans()]
    if scans is None and stored is None:
        return None
    return ScanIndex([*(scans or ()), *(stored or ())])
