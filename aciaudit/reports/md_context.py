"""One Markdown report being written: the run, its results per check and status, and
escaped cells computed once.

Large estates repeat the same resource, path and value across thousands of rows, so
each is escaped (or quoted, or serialised) once and looked up after that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter

from aciaudit.escape import md_cell
from aciaudit.reports.md_blocks import Lines, as_text
from aciaudit.reports.md_evidence import EvidenceTails
from aciaudit.run import Run
from checks import arm_id
from checks.model import ESTATE_SCOPE, Evidence, Result, Status
from checks.registry import Check
from checks.sections import SECTIONS

# The statuses whose results are the report's rows (see Report.listed).
_LISTED = (Status.FAIL, Status.NOT_ASSESSED)


def _grouped(
    results: list[Result],
) -> tuple[Counter[tuple[str, Status]], dict[Status, dict[str, list[Result]]]]:
    """Results per (check, status), and the FAILs and NOT_ASSESSED per check in run
    order: only they are rows of the report.

    The engine yields each check's results together, so they are taken a check at a
    time: its statuses counted in C, and its rows picked out only when it has some.
    """
    counts: Counter[tuple[str, Status]] = Counter()
    listed: dict[Status, dict[str, list[Result]]] = {status: {} for status in _LISTED}
    for check_id, run_of_results in groupby(results, itemgetter(0)):
        of_check = list(run_of_results)
        statuses = Counter(map(itemgetter(2), of_check))
        for status, n in statuses.items():
            counts[check_id, status] += n
            rows = listed.get(status)
            if rows is not None:
                picked = [r for r in of_check if r.status == status]
                rows.setdefault(check_id, []).extend(picked)
    return counts, listed


class Report:
    def __init__(self, run: Run, write: Callable[[str], object]) -> None:
        self.run = run
        self.out = Lines(write)
        self._subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
        self._where: dict[str, tuple[str, str, str]] = {}
        # Row starts per resource id; public so a large table can try them inline.
        self.leads: dict[str, str] = {}
        self.name_leads: dict[str, str] = {}
        # Each resource's quoted `az` slots (None: no command for its kind); md_commands.
        self.az_slots: dict[str, dict[str, str] | None] = {}
        self._cells: dict[str, str] = {}
        self._evidence = EvidenceTails(self.cell)
        # Without suppressions no FAIL's message gains a note: not asked per row.
        self.suppressing = bool(run.suppressions or run.expired_suppressions)
        self._counts, self._listed = _grouped(run.results)
        self.check_ids = sorted({check_id for check_id, _ in self._counts})

    # -- results -------------------------------------------------------------------

    def count(self, check_id: str, status: Status) -> int:
        return self._counts.get((check_id, status), 0)

    def listed(self, check_id: str, status: Status) -> list[Result]:
        """The check's FAILs or NOT_ASSESSED results, in run order."""
        return self._listed[status].get(check_id, []) if status in self._listed else []

    def failing_checks(self) -> list[Check]:
        checks = [c for c in self.run.catalogue if self.count(c.id, Status.FAIL)]
        return sorted(checks, key=lambda c: (c.severity.rank, c.id))

    # -- cells ---------------------------------------------------------------------

    def where(self, resource_id: str) -> tuple[str, str, str]:
        """Escaped (name, resource group, subscription) cells, computed once per id."""
        cached = self._where.get(resource_id)
        if cached is not None:
            return cached
        parsed = arm_id.parse(resource_id)
        sub = self._subs.get((parsed.subscription or "").lower(), parsed.subscription or "")
        if resource_id.strip() == ESTATE_SCOPE:
            name = "(whole estate)"
        elif resource_id.rstrip("/").lower() == f"/subscriptions/{parsed.subscription}".lower():
            name = f"(subscription) {sub}"
        else:
            name = parsed.name or resource_id
        cells = (md_cell(name), md_cell(parsed.resource_group or "—"), md_cell(sub or "—"))
        self._where[resource_id] = cells
        return cells

    def lead(self, resource_id: str) -> str:
        """`| name | resource group | subscription | `: a row's start, once per id."""
        lead = self.leads.get(resource_id)
        if lead is None:
            lead = self.leads[resource_id] = "| " + " | ".join(self.where(resource_id)) + " | "
        return lead

    def name_lead(self, resource_id: str) -> str:
        """`| name | `: an evidence row's start, once per id."""
        lead = self.name_leads.get(resource_id)
        if lead is None:
            lead = self.name_leads[resource_id] = f"| {self.where(resource_id)[0]} | "
        return lead

    def cell(self, text: str) -> str:
        """md_cell for text that repeats across rows (property paths, expectations)."""
        if not isinstance(text, str):
            return md_cell(as_text(text))
        cell = self._cells.get(text)
        if cell is None:
            cell = self._cells[text] = md_cell(text)
        return cell

    def tails_of(self, evidence: list[Evidence]) -> list[str]:
        """Each entry's evidence row after its resource cell (md_evidence)."""
        return self._evidence.of(evidence)

    def sections_text(self, chk: Check) -> str:
        return "; ".join(f"{s} — {SECTIONS.get(s, 'unknown section')}" for s in chk.sections)
