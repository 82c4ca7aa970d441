"""One Markdown report being written: the run, its results per check and status, and
escaped cells computed once.

Large estates repeat the same resource, path and value across thousands of rows, so
each is escaped (or quoted, or serialised) once and looked up after that.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter
from typing import Any

from aciaudit.escape import md_cell, md_cells
from aciaudit.reports.md_blocks import Lines, as_text
from aciaudit.run import Run
from checks import arm_id
from checks.model import ESTATE_SCOPE, Evidence, Result, Status
from checks.registry import Check
from checks.sections import SECTIONS

# Observed values cached by (type, value): the JSON of a scalar depends on nothing else.
_SCALARS = (str, int, float, bool, type(None))

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


# json.dumps with these options builds an encoder per call; this one is built once.
_to_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode

# Evidence beyond this many characters is cut in the report; the JSON report keeps it all.
OBSERVED_LIMIT = 400


class Report:
    def __init__(self, run: Run, write: Callable[[str], object]) -> None:
        self.run = run
        self.out = Lines(write)
        self._subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
        self._where: dict[str, tuple[str, str, str]] = {}
        # Row starts per resource id; public so a large table can try them inline.
        self.leads: dict[str, str] = {}
        self.name_leads: dict[str, str] = {}
        self._json_cache: dict[tuple[type, Any], str] = {}
        # Each resource's quoted `az` slots (None: no command for its kind); md_commands.
        self.az_slots: dict[str, dict[str, str] | None] = {}
        self._cells: dict[str, str] = {}
        # Evidence rows after their resource cell, by (type of value, Evidence) or by id;
        # public so the evidence table can try them inline.
        self.tails: dict[object, str] = {}
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

    def observed(self, value: Any) -> str:
        """Evidence as JSON text, escaped; scalars repeat a lot, so they are cached."""
        return self._observed_cells([value])[0]

    def _observed_cells(self, values: list[Any]) -> list[str]:
        """`observed` of each value; those not cached are escaped together (md_cells)."""
        cache = self._json_cache
        cells: list[str | None] = []
        todo: dict[int, str] = {}  # position → JSON text, cut
        for value in values:
            key = (type(value), value) if isinstance(value, _SCALARS) else None
            cell = cache.get(key) if key is not None else None
            if cell is None:
                text = _to_json(value)
                if len(text) > OBSERVED_LIMIT:
                    text = text[:OBSERVED_LIMIT] + " … (cut; full value in the JSON report)"
                todo[len(cells)] = text
            cells.append(cell)
        for i, cell in zip(todo, md_cells(todo.values()), strict=True):
            cells[i] = cell
            value = values[i]
            if isinstance(value, _SCALARS):
                cache[type(value), value] = cell
        return cells  # type: ignore[return-value]  # every None was filled above

    def tail(self, ev: Evidence) -> str:
        """An evidence table row after its resource cell, `path | observed | expected |
        note |`."""
        return self.tails_of([ev])[0]

    def tails_of(self, evidence: list[Evidence]) -> list[str]:
        """`tail` of each entry. The same observation recurs on thousands of resources:
        each distinct one is built once, and those new to this call are built together."""
        tails = self.tails
        found: list[str | None] = []
        new: dict[object, list[int]] = {}  # key → positions in `found`
        fresh: list[Evidence] = []
        for ev in evidence:
            key: object
            try:
                # With the value's type: `1`, `1.0` and `true` are equal, not the same JSON.
                key = (type(ev.observed), ev)
                tail = tails.get(key)
            except TypeError:
                # A dict or a list cannot be hashed; such an Evidence object recurs where
                # results share it (ACI-025's grants of an identity many groups use), so
                # it is found by id (stable: the run keeps every result, and so its
                # evidence, alive).
                key = id(ev)
                tail = tails.get(key)
            if tail is None:
                if key not in new:
                    new[key] = []
                    fresh.append(ev)
                new[key].append(len(found))
            found.append(tail)
        if fresh:
            cell = self.cell
            observed = self._observed_cells([ev.observed for ev in fresh])
            for (key, places), ev, seen in zip(new.items(), fresh, observed, strict=True):
                tail = tails[key] = (
                    f"{cell(ev.path)} | {seen} | {cell(ev.expected)} | {cell(ev.note)} |"
                )
                for i in places:
                    found[i] = tail
        return found  # type: ignore[return-value]  # every None was filled above

    def sections_text(self, chk: Check) -> str:
        return "; ".join(f"{s} — {SECTIONS.get(s, 'unknown section')}" for s in chk.sections)
