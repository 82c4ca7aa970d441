"""The overview's figures, computed once per run from the findings rows. No Textual."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

from aciaudit.run import Run
from checks import arm_id
from checks.model import Result, Severity, Status
from checks.sections import SECTIONS
from checks.snapshot import CoverageStatus
from tui.findings_model import Filter, resource_label, rtype_of

COUNTED = (Status.FAIL, Status.PASS, Status.NOT_ASSESSED, Status.MANUAL)


@dataclass(frozen=True)
class Line:
    """One row of an overview table, with the findings filter `enter` opens."""

    cells: tuple[str, ...]
    filter: Filter
    scope: str = ""


@dataclass(frozen=True)
class Overview:
    score: int
    by_status: Counter[Status]
    fails_by_severity: Counter[Severity]
    sections: list[Line]
    top_checks: list[Line]
    top_resources: list[Line]
    gaps: list[Line]
    resources: int
    subscriptions: int
    # FAILs the policy suppresses: in no FAIL count above (by_status included).
    suppressed: int = 0


# Results counted per C call in `build_overview`.
_SLICE = 32_768
_CHECK_ID, _STATUS = attrgetter("check_id"), attrgetter("status")

# The overview's narrow table gives the room to names, not to the type's full noun.
_SHORT_TYPE = {"container group": "group", "container group profile": "profile"}


def build_overview(run: Run, top: int = 10, gaps: list[Line] | None = None) -> Overview:
    """From the run's results in one pass, without the findings rows: the overview is
    shown as soon as a run exists, while the rows are built behind it. `gaps`: the
    not-assessed table when already known (a policy edit cannot change it)."""
    by_section: dict[str, Counter[Status]] = defaultdict(Counter)
    per_check: Counter[tuple[str, Status]] = Counter()
    fail_resources: Counter[str] = Counter()
    worst: dict[str, int] = {}
    rank: dict[str, int] = {c.id: c.severity.rank for c in run.catalogue}
    suppressions = run.suppressions
    fail = Status.FAIL
    # Every (check, status) counted in C, a slice at a time (each call holds the
    # interpreter a few ms, while the screen waits for it); the FAILs picked out.
    results, fails = run.results, list[Result]()
    for start in range(0, len(results), _SLICE):
        part = results[start : start + _SLICE]
        per_check.update(zip(map(_CHECK_ID, part), map(_STATUS, part), strict=True))
        fails += [r for r in part if r.status is fail]
    for r in fails:
        rid = r.resource_id
        # One rule everywhere: a suppressed FAIL is counted apart (`suppressed`),
        # never as a FAIL — in these tables, the resources tree and the findings.
        if (r.check_id, rid) in suppressions:
            per_check[(r.check_id, fail)] -= 1
            continue
        fail_resources[rid] += 1
        worst[rid] = min(worst.get(rid, 9), rank[r.check_id])
    per_check = +per_check  # a check whose every FAIL is suppressed has no FAIL line
    by_status: Counter[Status] = Counter()
    fail_checks: Counter[str] = Counter()
    for (check_id, status), count in per_check.items():
        by_status[status] += count
        for section in run.catalogue[check_id].sections:
            by_section[section][status] += count
        if status is fail:
            fail_checks[check_id] = count
    subscriptions = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
    sections = [
        Line(
            (key, title, *(str(by_section[key][s]) for s in COUNTED)),
            Filter(section=key),
        )
        for key, title in SECTIONS.items()
    ]
    top_checks = [
        Line(
            (
                check_id,
                run.catalogue[check_id].severity.value.upper(),
                run.catalogue[check_id].title,
                str(count),
            ),
            Filter(check_id=check_id, statuses=frozenset({Status.FAIL}), unsuppressed=True),
        )
        for check_id, count in sorted(
            fail_checks.items(),
            key=lambda kv: (run.catalogue[kv[0]].severity.rank, -kv[1], kv[0]),
        )[:top]
    ]
    severities = list(Severity)
    top_resources = []
    for rid, count in sorted(fail_resources.items(), key=lambda kv: (-kv[1], worst[kv[0]], kv[0]))[
        :top
    ]:
        name, kind = resource_label(rid, subscriptions), rtype_of(rid)
        top_resources.append(
            Line(
                (
                    name,
                    _SHORT_TYPE.get(kind, kind),
                    severities[worst[rid]].value.upper(),
                    str(count),
                ),
                Filter(resource_id=rid),
                name,
            )
        )
    return Overview(
        score=run.score,
        by_status=by_status,
        fails_by_severity=run.fail_counts_by_severity,
        sections=sections,
        top_checks=top_checks,
        top_resources=top_resources,
        gaps=gaps_of(run) if gaps is None else gaps,
        resources=len(run.snapshot.resources),
        subscriptions=len(run.index.subscriptions),
        suppressed=run.suppressed_count,
    )


def gaps_of(run: Run) -> list[Line]:
    """What could not be read, one line per kind, status and detail, with the
    not-assessed results each left unjudged."""
    labels = {s.scope.lower(): s.label for s in run.index.subscriptions}
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    described: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for entry in run.snapshot.coverage:
        if entry.status is not CoverageStatus.COLLECTED:
            key = (entry.kind, str(entry.status), entry.detail or "")
            grouped[key].append(entry.scope)
            described[key].add(entry.describe())
    unread = [r for r in run.results if r.status is Status.NOT_ASSESSED]
    gaps = []
    for (kind, state, detail), scopes in sorted(grouped.items()):
        # The results this gap left unjudged: their message names it as the engine
        # words it (`<kind> denied (<detail>)`); enter opens those and no others.
        texts = described[(kind, state, detail)]
        own = frozenset(
            (r.check_id, r.resource_id) for r in unread if any(t in r.message for t in texts)
        )
        subs = {s.split("/")[2].lower() for s in scopes if s.lower().startswith("/subscriptions/")}
        where = (
            labels.get(scopes[0].lower()) or arm_id.parse(scopes[0]).name or scopes[0]
            if len(scopes) == 1
            else f"{len(scopes)} scopes"
        )
        gaps.append(
            Line(
                (kind.removeprefix("Microsoft."), where, state, detail),
                Filter(
                    statuses=frozenset({Status.NOT_ASSESSED}),
                    subscription_id=next(iter(subs)) if len(subs) == 1 else None,
                    # Nothing of its own (what it would feed was not collected): an
                    # impossible pair, so the findings say so instead of showing more.
                    results=own or frozenset({("", "")}),
                ),
                kind.removeprefix("Microsoft."),
            )
        )
    return gaps
