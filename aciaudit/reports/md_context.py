"""One Markdown report being written: the run, its results per check and status, and
escaped cells computed once.

Large estates repeat the same resource, path and value across thousands of rows, so
each is escaped (or quoted, or serialised) once and looked up after that.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aciaudit.escape import md_cell
from aciaudit.reports.md_blocks import Lines, as_text
from aciaudit.run import Run
from checks import arm_id
from checks.model import ESTATE_SCOPE, Evidence, Result, Status
from checks.registry import Check
from checks.sections import SECTIONS

# Evidence beyond this many characters is cut in the report; the JSON report keeps it all.
OBSERVED_LIMIT = 400


class Report:
    def __init__(self, run: Run, write: Callable[[str], object]) -> None:
        self.run = run
        self.out = Lines(write)
        self._subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
        self._where: dict[str, tuple[str, str, str]] = {}
        self._json_cache: dict[tuple[type, Any], str] = {}
        self._cells: dict[str, str] = {}
        self._evidence: dict[Evidence, tuple[str, ...]] = {}
        self._evidence_by_id: dict[int, tuple[str, ...]] = {}
        # Without suppressions no FAIL's message gains a note: not asked per row.
        self.suppressing = bool(run.suppressions or run.expired_suppressions)
        # One pass over the results: per check, per status, in run order.
        self.by_check: dict[str, dict[Status, list[Result]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for result in run.results:
            self.by_check[result.check_id][result.status].append(result)

    # -- results -------------------------------------------------------------------

    def count(self, check_id: str, status: Status) -> int:
        statuses = self.by_check.get(check_id)
        return len(statuses[status]) if statuses and status in statuses else 0

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

    def cell(self, text: str) -> str:
        """md_cell for text that repeats across rows (property paths, expectations)."""
        if not isinstance(text, str):
            return md_cell(as_text(text))
        cell = self._cells.get(text)
        if cell is None:
            cell = self._cells[text] = md_cell(text)
        return cell

    def command(self, chk: Check, resource_id: str) -> str | None:
        return chk.az_for(resource_id)

    def observed(self, value: Any) -> str:
        """Evidence as JSON text, escaped; scalars repeat a lot, so they are cached."""
        key = (type(value), value) if isinstance(value, str | int | float | bool | None) else None
        if key is not None and key in self._json_cache:
            return self._json_cache[key]
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        if len(text) > OBSERVED_LIMIT:
            text = text[:OBSERVED_LIMIT] + " … (cut; full value in the JSON report)"
        cell = md_cell(text)
        if key is not None:
            self._json_cache[key] = cell
        return cell

    def evidence_row(self, name: str, ev: Evidence) -> tuple[str, ...]:
        # An Evidence object holding a dict or a list recurs where results share it
        # (ACI-025's grants of an identity many groups use): found by id, as it cannot be
        # hashed (ids are stable: the run keeps every result, and so its evidence, alive).
        cells = self._evidence_by_id.get(id(ev))
        if cells is not None:
            return (name, *cells)
        # The same observation (path, value, expectation) recurs on thousands of resources.
        try:
            cells, hashable = self._evidence.get(ev), True
        except TypeError:  # an unhashable observed value (a dict, a list)
            cells, hashable = None, False
        if cells is None:
            cells = (
                self.cell(ev.path),
                self.observed(ev.observed),
                self.cell(ev.expected),
                self.cell(ev.note),
            )
            if hashable:
                self._evidence[ev] = cells
            else:
                self._evidence_by_id[id(ev)] = cells
        return (name, *cells)

    def sections_text(self, chk: Check) -> str:
        return "; ".join(f"{s} — {SECTIONS.get(s, 'unknown section')}" for s in chk.sections)
