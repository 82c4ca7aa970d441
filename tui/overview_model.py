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
    suppressed: int = 0  # FAILs the policy suppresses: not in the FAIL tables above


# The overview's narrow table gives the room to names, not to the type's full noun.
_SHORT_TYPE = {"container group": "group"}


def build_overview(run: Run, rows: list[Row], top: int = 10) -> Overview:
    by_section: dict[str, Counter[Status]] = defaultdict(Counter)
    fail_checks: Counter[str] = Counter()
    fail_resources: Counter[str] = Counter()
    worst: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        status = row.result.status
        for section in row.check.sections:
            by_section[section][status] += 1
        if status is Status.FAIL and not row.suppressed:
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
    for entry in run.snapshot.coverage:
        if entry.status is not CoverageStatus.COLLECTED:
            grouped[(entry.kind, str(entry.status), entry.detail or "")].append(entry.scope)
    gaps = []
    for (kind, state, detail), scopes in sorted(grouped.items()):
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
                ),
            )
        )
    return Overview(
        score=run.score,
        by_status=Counter(r.result.status for r in rows),
        fails_by_severity=run.fail_counts_by_severity,
        sections=sections,
        top_checks=top_checks,
        top_resources=top_resources,
        gaps=gaps,
        resources=len(run.snapshot.resources),
        subscriptions=len(run.index.subscriptions),
        suppressed=run.suppressed_count,
    )
