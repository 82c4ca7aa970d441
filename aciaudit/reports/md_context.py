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
        self._cells: dict[str, str] = {}
        # Evidence rows after their resource cell, by (type of value, Evidence) or by id.
        self._tails: dict[object, str] = {}
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
        key = (type(value), value) if isinstance(value, str | int | float | bool | None) else None
        if key is not None and key in self._json_cache:
            return self._json_cache[key]
        text = _to_json(value)
        if len(text) > OBSERVED_LIMIT:
            text = text[:OBSERVED_LIMIT] + " … (cut; full value in the JSON report)"
        cell = md_cell(text)
        if key is not None:
            self._json_cache[key] = cell
        return cell

    def evidence_tail(self, ev: Evidence) -> str:
        """An evidence table row after its resource cell, `path | observed | expected |
        note |`, built once: the same observation recurs on thousands of resources."""
        key: object
        try:
            # With the value's type: `1`, `1.0` and `true` are equal, but not the same JSON.
            key = (type(ev.observed), ev)
            tail = self._tails.get(key)
        except TypeError:
            # A dict or a list cannot be hashed; such an Evidence object recurs where
            # results share it (ACI-025's grants of an identity many groups use), so it is
            # found by id (stable: the run keeps every result, and so its evidence, alive).
            key = id(ev)
            tail = self._tails.get(key)
        if tail is None:
            cells = (
                self.cell(ev.path),
                self.observed(ev.observed),
                self.cell(ev.expected),
                self.cell(ev.note),
            )
            tail = self._tails[key] = " | ".join(cells) + " |"
        return tail

    def sections_text(self, chk: Check) -> str:
        return "; ".join(f"{s} — {SECTIONS.get(s, 'unknown section')}" for s in chk.sections)
