"""Baseline diff: what changed between two audits, never mistaking a gap for a fix.

Results are keyed by (check id, resource id; ids compared case-insensitively) and every
key that FAILs on either side is classified:

- **new**: FAIL now, and the baseline saw the same thing assessed (PASS, not
  applicable, or the resource absent although its data was collected there);
- **resolved**: FAILed in the baseline, and now passes or the resource is gone from
  data that was collected;
- **unchanged**: FAIL on both sides;
- **incomparable**: one side cannot say — the result was NOT_ASSESSED there, the
  check did not run there, or the resource is missing because the data behind the
  check (its subscription's listing, a kind the check reads) was denied, failed or
  not collected there. A change of scope is never reported as resolved (kubescape's
  lesson) nor as new.

Pure: sides come from a `Run` (`side_from_run`) or a decoded JSON report
(`side_from_report`); reading files is `aciaudit.baseline`'s job.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from checks import arm_id
from checks.catalogue import load_catalogue
from checks.index import Index
from checks.kinds import kind_label
from checks.model import Result, Severity, Status, Target
from checks.registry import Catalogue, Check
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot, Subscription

Key = tuple[str, str]


class AuditedRun(Protocol):
    """What a side needs of an audit run (`aciaudit.run.Run`). Named here, not
    imported: the run carries a Diff, so the diff cannot import the run."""

    @property
    def results(self) -> Sequence[Result]: ...
    @property
    def index(self) -> Index: ...
    @property
    def snapshot(self) -> Snapshot: ...
    @property
    def generated_at(self) -> str: ...
    def severity(self, result: Result) -> Severity: ...
    def check(self, result: Result) -> Check: ...
    def suppression(self, result: Result) -> object | None: ...


class Change(StrEnum):
    NEW = "new"
    RESOLVED = "resolved"
    UNCHANGED = "unchanged"
    INCOMPARABLE = "incomparable"


CHANGE_ORDER = (Change.NEW, Change.RESOLVED, Change.INCOMPARABLE, Change.UNCHANGED)


class ReportFormatError(ValueError):
    """A JSON document that is not a report this tool wrote; one line for the user."""


@dataclass(frozen=True, slots=True)
class SideResult:
    check_id: str
    resource_id: str
    status: Status
    severity: Severity
    title: str
    message: str
    suppressed: bool = False


@dataclass
class AuditSide:
    """One audit as the diff sees it: its results by key, and what its data covered."""

    label: str
    results: dict[Key, SideResult]
    # Coverage look-ups only: a side from a JSON report has no resources in it.
    index: Index
    # Checks that produced any result: one that did not run says nothing about a resource.
    checks_run: frozenset[str]
    generated_at: str = ""
    collected_at: str = ""


@dataclass(frozen=True, slots=True)
class DiffEntry:
    change: Change
    check_id: str
    resource_id: str
    severity: Severity
    title: str
    old_status: Status | None
    new_status: Status | None
    # The newer message when there is one (it describes the resource as it is now).
    message: str
    # Suppressed in the new run: reported, but never fails `--fail-on-new`.
    suppressed: bool = False
    # Why the two runs cannot be compared here (incomparable entries only).
    reason: str = ""


@dataclass
class Diff:
    old_label: str
    new_label: str
    entries: list[DiffEntry]
    old_generated_at: str = ""
    new_generated_at: str = ""
    _by_key: dict[Key, DiffEntry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {key(e.check_id, e.resource_id): e for e in self.entries}

    def of(self, change: Change) -> list[DiffEntry]:
        return [e for e in self.entries if e.change is change]

    @property
    def new(self) -> list[DiffEntry]:
        return self.of(Change.NEW)

    @property
    def resolved(self) -> list[DiffEntry]:
        return self.of(Change.RESOLVED)

    @property
    def incomparable(self) -> list[DiffEntry]:
        return self.of(Change.INCOMPARABLE)

    def counts(self) -> dict[Change, int]:
        out = dict.fromkeys(CHANGE_ORDER, 0)
        for e in self.entries:
            out[e.change] += 1
        return out

    def change_of(self, check_id: str, resource_id: str) -> Change | None:
        """How this (check, resource) changed; None when it FAILed on neither side.

        The TUI's "new since baseline" filter asks this for each row.
        """
        entry = self._by_key.get(key(check_id, resource_id))
        return entry.change if entry else None

    def summary(self) -> str:
        """One line for the terminal: `since baseline: 2 new (1 high, 1 low), 3 resolved…`."""
        counts = self.counts()
        by_sev: dict[Severity, int] = {}
        for e in self.new:
            by_sev[e.severity] = by_sev.get(e.severity, 0) + 1
        detail = ", ".join(f"{by_sev[s]} {s.value}" for s in Severity if s in by_sev)
        return (
            f"since baseline: {counts[Change.NEW]} new FAIL"
            + (f" ({detail})" if detail else "")
            + f" · {counts[Change.RESOLVED]} resolved"
            + f" · {counts[Change.INCOMPARABLE]} incomparable"
            + f" · {counts[Change.UNCHANGED]} unchanged"
        )

    def new_failures_at_least(self, threshold: Severity) -> list[DiffEntry]:
        """New, unsuppressed FAILs at or above `threshold`: what `--fail-on-new` counts."""
        return [e for e in self.new if not e.suppressed and e.severity.at_least(threshold)]

    def only(self, keys: Collection[Key]) -> Diff:
        """The changes of these (check, resource) keys (`key()`), in the same order."""
        return replace(
            self, entries=[e for e in self.entries if key(e.check_id, e.resource_id) in keys]
        )


def key(check_id: str, resource_id: str) -> Key:
    return (check_id, resource_id.strip().lower().rstrip("/") or "/")


# -- sides ------------------------------------------------------------------------------


def side_from_run(run: AuditedRun, label: str = "new") -> AuditSide:
    results: dict[Key, SideResult] = {}
    for r in run.results:
        results[key(r.check_id, r.resource_id)] = SideResult(
            r.check_id,
            r.resource_id,
            r.status,
            run.severity(r),
            run.check(r).title,
            r.message,
            run.suppression(r) is not None,
        )
    return AuditSide(
        label=label,
        results=results,
        index=run.index,
        checks_run=frozenset(r.check_id for r in run.results),
        generated_at=run.generated_at,
        collected_at=run.snapshot.collected_at,
    )


def is_report(doc: Any) -> bool:
    """A JSON report of this tool (as opposed to a snapshot)."""
    return (
        isinstance(doc, Mapping)
        and isinstance(doc.get("results"), list)
        and isinstance(doc.get("checks"), list)
        and isinstance(doc.get("snapshot"), Mapping)
    )


def side_from_report(doc: Mapping[str, Any], label: str = "old") -> AuditSide:
    """A side from a decoded JSON report (`aci-audit scan --format json`)."""
    if not is_report(doc):
        raise ReportFormatError(f"{label}: not a JSON report of this tool")
    snap = doc["snapshot"]
    try:
        coverage = [_coverage(c) for c in snap.get("coverage") or []]
        subs = [_subscription(s) for s in snap.get("subscriptions") or []]
        results: dict[Key, SideResult] = {}
        for r in doc["results"]:
            side_result = SideResult(
                str(r["check_id"]),
                str(r["resource_id"]),
                Status(r["status"]),
                Severity(r["severity"]),
                str(r.get("title") or ""),
                str(r.get("message") or ""),
                _suppressed(r),
            )
            results[key(side_result.check_id, side_result.resource_id)] = side_result
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportFormatError(
            f"{label}: a JSON report this tool cannot read ({type(exc).__name__}: {exc})"
        ) from None
    index = Index(Snapshot(resources=[], coverage=coverage, subscriptions=subs))
    return AuditSide(
        label=label,
        results=results,
        index=index,
        checks_run=frozenset(r.check_id for r in results.values()),
        generated_at=str(doc.get("generated_at") or ""),
        collected_at=str(snap.get("collected_at") or ""),
    )


def _suppressed(result: Mapping[str, Any]) -> bool:
    # Reports that know suppressions say so per result; older ones never suppressed.
    value = result.get("suppressed", result.get("suppression"))
    return bool(value)


def _coverage(raw: Mapping[str, Any]) -> CoverageEntry:
    return CoverageEntry(
        scope=str(raw["scope"]),
        kind=str(raw["kind"]),
        status=CoverageStatus(raw["status"]),
        api_version=raw.get("api_version"),
        detail=raw.get("detail"),
    )


def _subscription(raw: Mapping[str, Any]) -> Subscription:
    return Subscription(
        str(raw["subscriptionId"]),
        str(raw.get("displayName") or ""),
        str(raw.get("state") or ""),
        str(raw.get("tenantId") or ""),
    )


# -- the diff ---------------------------------------------------------------------------


def diff_runs(old: AuditedRun, new: AuditedRun, catalogue: Catalogue | None = None) -> Diff:
    """The diff of two runs in memory (the TUI's baseline filter)."""
    return diff_sides(side_from_run(old, "baseline"), side_from_run(new, "this run"), catalogue)


def diff_sides(old: AuditSide, new: AuditSide, catalogue: Catalogue | None = None) -> Diff:
    catalogue = catalogue or load_catalogue()
    entries: list[DiffEntry] = []
    for k in _failing_keys(old.results, new.results):
        o, n = old.results.get(k), new.results.get(k)
        entries.append(_classify(o, n, old, new, catalogue))
    entries.sort(
        key=lambda e: (
            CHANGE_ORDER.index(e.change),
            e.severity.rank,
            e.check_id,
            e.resource_id.lower(),
        )
    )
    return Diff(
        old_label=old.label,
        new_label=new.label,
        entries=entries,
        old_generated_at=old.generated_at,
        new_generated_at=new.generated_at,
    )


def _failing_keys(*sides: Mapping[Key, SideResult]) -> Iterable[Key]:
    seen: dict[Key, None] = {}
    for results in sides:
        for k, r in results.items():
            if r.status is Status.FAIL:
                seen.setdefault(k, None)
    return seen


def _classify(
    o: SideResult | None,
    n: SideResult | None,
    old: AuditSide,
    new: AuditSide,
    catalogue: Catalogue,
) -> DiffEntry:
    ref = n or o
    assert ref is not None
    old_fail = o is not None and o.status is Status.FAIL
    new_fail = n is not None and n.status is Status.FAIL
    if old_fail and new_fail:
        change, reason = Change.UNCHANGED, ""
    elif new_fail:
        reason = _gap(old, o, ref, catalogue)
        change = Change.INCOMPARABLE if reason else Change.NEW
    else:
        reason = _gap(new, n, ref, catalogue)
        change = Change.INCOMPARABLE if reason else Change.RESOLVED
    return DiffEntry(
        change=change,
        check_id=ref.check_id,
        resource_id=ref.resource_id,
        severity=ref.severity,
        title=ref.title,
        old_status=o.status if o else None,
        new_status=n.status if n else None,
        message=ref.message,
        suppressed=bool(n and n.suppressed),
        reason=reason,
    )


def _gap(side: AuditSide, result: SideResult | None, ref: SideResult, catalogue: Catalogue) -> str:
    """Why `side` cannot tell what became of `ref`; empty when it can."""
    if result is not None:
        if result.status is Status.NOT_ASSESSED:
            return f"NOT_ASSESSED in {side.label}: {result.message}"
        return ""
    if ref.check_id not in side.checks_run:
        return f"{ref.check_id} did not run in {side.label} (disabled, or unknown to it)"
    chk = catalogue.get(ref.check_id)
    if chk is None:
        return f"{ref.check_id} is unknown to this version: what it reads cannot be checked"
    rid = ref.resource_id
    if chk.target is Target.SUBSCRIPTION:
        sub = arm_id.parse(rid).subscription or rid
        known = {s.subscription_id.lower() for s in side.index.subscriptions}
        if sub.lower() not in known:
            return f"subscription {sub} is not in {side.label}"
    kinds = [chk.target.value] if chk.target in (Target.REGISTRY, Target.CONTAINER_GROUP) else []
    if kind_label(rid) == "profile":  # a container-group check's result on a profile
        kinds = [Target.CONTAINER_GROUP_PROFILE.value]
    kinds += [k for k in chk.requires if k not in kinds]
    for kind in kinds:
        entry = side.index.coverage(kind, rid)
        if entry is None:
            scope = arm_id.subscription_scope(rid) or rid
            return f"{kind} was not collected for {scope} in {side.label}"
        if entry.status is not CoverageStatus.COLLECTED:
            return f"{kind} {entry.describe()} at {entry.scope} in {side.label}"
    return ""
