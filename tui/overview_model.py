"""The overview's figures, computed once per run from the findings rows. No Textual."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from aciaudit.run import Run
from checks import arm_id
from checks.model import Severity, Status
from checks.sections import SECTIONS
from checks.snapshot import CoverageStatus
from tui.findings_model import Filter, Row

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


# The overview's narrow table gives the room to names, not to the type's full noun.
_SHORT_TYPE = {"container group": "group", "container group profile": "profile"}


def build_overview(run: Run, rows: list[Row], top: int = 10) -> Overview:
    by_section: dict[str, Counter[Status]] = defaultdict(Counter)
    fail_checks: Counter[str] = Counter()
    fail_resources: Counter[str] = Counter()
    worst: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    by_status: Counter[Status] = Counter()
    for row in rows:
        status = row.result.status
        # One rule everywhere: a suppressed FAIL is counted apart (`suppressed`), never
        # as a FAIL — in these tables, the resources tree and the findings' FAIL rows.
        if row.suppressed:
            continue
        by_status[status] += 1
        for section in row.check.sections:
            by_section[section][status] += 1
        if status is Status.FAIL:
            fail_checks[row.result.check_id] += 1
            rid = row.result.resource_id
            fail_resources[rid] += 1
            rank = row.check.severity.rank
            worst[rid] = min(worst.get(rid, 9), rank)
            names.setdefault(rid, (row.cells[3], row.rtype))
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
            Filter(check_id=check_id, statuses=frozenset({Status.FAIL})),
        )
        for check_id, count in sorted(
            fail_checks.items(),
            key=lambda kv: (run.catalogue[kv[0]].severity.rank, -kv[1], kv[0]),
        )[:top]
    ]
    severities = list(Severity)
    top_resources = [
        Line(
            (
                names[rid][0],
                _SHORT_TYPE.get(names[rid][1], names[rid][1]),
                severities[worst[rid]].value.upper(),
                str(count),
            ),
            Filter(resource_id=rid),
            names[rid][0],
        )
        for rid, count in sorted(
            fail_resources.items(), key=lambda kv: (-kv[1], worst[kv[0]], kv[0])
        )[:top]
    ]
    labels = {s.scope.lower(): s.label for s in run.index.subscriptions}
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    described: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for entry in run.snapshot.coverage:
        if entry.status is not CoverageStatus.COLLECTED:
            key = (entry.kind, str(entry.status), entry.detail or "")
            grouped[key].append(entry.scope)
            described[key].add(entry.describe())
    unread = [r.result for r in rows if r.result.status is Status.NOT_ASSESSED]
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
    return Overview(
        score=run.score,
        by_status=by_status,
        fails_by_severity=run.fail_counts_by_severity,
        sections=sections,
        top_checks=top_checks,
        top_resources=top_resources,
        gaps=gaps,
        resources=len(run.snapshot.resources),
        subscriptions=len(run.index.subscriptions),
        suppressed=run.suppressed_count,
    )
