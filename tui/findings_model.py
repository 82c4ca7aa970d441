"""The findings list as data: rows, filters, sort and grouping. No Textual here.

Built once per run (one pass over the results), then every keystroke filters and
sorts precomputed tuples, so `/` and sort stay well inside a frame on 50,000 rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import NamedTuple

from aciaudit.diff import Change
from aciaudit.run import Run
from checks import arm_id
from checks.model import STATUS_ORDER, Result, Severity, Status
from checks.registry import Check
from tui.text import safe

COLUMNS: tuple[str, ...] = (
    "severity",
    "check",
    "title",
    "resource",
    "group",
    "subscription",
    "status",
)
HEADERS: dict[str, str] = {
    "severity": "SEVERITY",
    "check": "CHECK",
    "title": "TITLE",
    "resource": "RESOURCE",
    "group": "RESOURCE GROUP",
    "subscription": "SUBSCRIPTION",
    "status": "STATUS",
}
STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
STATUS_SHORT = {Status.NOT_ASSESSED: "NOT ASSESSED", Status.NOT_APPLICABLE: "N/A"}
# A FAIL the policy accepts: text, not colour alone, says so (and `/suppressed` finds it).
SUPPRESSED_STATUS = "FAIL (suppressed)"


class Row(NamedTuple):
    result: Result
    check: Check
    cells: tuple[str, ...]  # display text per COLUMNS, already terminal-safe
    haystack: str  # every cell, lower-cased, for `/`
    rtype: str  # short resource type: registry, container group, subscription, estate
    subscription_id: str
    keys: tuple[str | int, ...]  # sort key per COLUMNS: ranks for severity and status
    suppressed: bool = False  # a FAIL the policy file suppresses (still a FAIL)
    # Since the baseline (`--baseline`): new, unchanged, incomparable or resolved; None
    # without a baseline or when this (check, resource) FAILed on neither side.
    change: Change | None = None

    @property
    def severity(self) -> Severity:
        return self.check.severity

    @property
    def status(self) -> Status:
        return self.result.status


class Grouping(StrEnum):
    NONE = "none"
    CHECK = "check"
    RESOURCE = "resource"


class Header(NamedTuple):
    """A group's title line in a grouped list."""

    label: str
    size: int
    fails: int


@dataclass(frozen=True)
class Filter:
    text: str = ""
    min_severity: Severity | None = None
    statuses: frozenset[Status] = frozenset()  # empty: every status
    section: str | None = None
    rtype: str | None = None
    check_id: str | None = None
    resource_id: str | None = None  # this resource and everything inside it
    subscription_id: str | None = None
    # Any of these resources (lower-case ids): the groups that run one image.
    resource_ids: frozenset[str] = frozenset()
    # Any of these checks: the checks mapped to one compliance control.
    check_ids: frozenset[str] = frozenset()
    # Only rows that changed so since the baseline (`N`: new FAILs).
    change: Change | None = None
    # Exactly these (check id, resource id) results: an overview row's own findings.
    results: frozenset[tuple[str, str]] = frozenset()

    def with_(self, **changes: object) -> Filter:
        return replace(self, **changes)  # type: ignore[arg-type]

    def labels(self) -> list[str]:
        """Short words for the title: `FAIL`, `high+`, `S3`, …"""
        out = [*(STATUS_SHORT.get(s, s.value) for s in STATUS_ORDER if s in self.statuses)]
        if self.change is not None:
            out.append(self.change.value)
        if self.min_severity is not None:
            out.append(
                self.min_severity.value
                if self.min_severity is Severity.INFO
                else f"{self.min_severity.value}+"
            )
        if self.section:
            out.append(self.section)
        if self.rtype:
            out.append(self.rtype)
        if self.check_id:
            out.append(self.check_id)
        if self.subscription_id:
            out.append(f"sub {self.subscription_id[:8]}")
        if self.resource_id:
            out.append(arm_id.parse(self.resource_id).name or self.resource_id)
        if self.resource_ids:
            out.append(f"{len(self.resource_ids)} resource(s)")
        return out

    def matches(self, row: Row) -> bool:
        r = row.result
        if self.statuses and r.status not in self.statuses:
            return False
        if self.change is not None and row.change is not self.change:
            return False
        if self.min_severity is not None and row.check.severity.rank > self.min_severity.rank:
            return False
        if self.section and self.section not in row.check.sections:
            return False
        if self.rtype and row.rtype != self.rtype:
            return False
        if self.check_id and r.check_id != self.check_id:
            return False
        if self.subscription_id and row.subscription_id != self.subscription_id.lower():
            return False
        if self.resource_id:
            rid, want = r.resource_id.lower(), self.resource_id.lower()
            if rid != want and not rid.startswith(want + "/"):
                return False
        if self.resource_ids and r.resource_id.lower() not in self.resource_ids:
            return False
        if self.check_ids and r.check_id not in self.check_ids:
            return False
        if self.results and (r.check_id, r.resource_id) not in self.results:
            return False
        return not self.text or all(w in row.haystack for w in self.text.lower().split())


def _rtype(resource_id: str) -> str:
    low = resource_id.lower()
    if "/microsoft.containerinstance/containergroups/" in low:
        return "container group"
    if "/microsoft.containerinstance/containergroupprofiles/" in low:
        return "container group profile"
    if "/microsoft.containerregistry/registries/" in low:
        return "registry"
    if low.startswith("/subscriptions/") and low.count("/") == 2:
        return "subscription"
    if low == "/":
        return "estate"
    return "other"


RTYPES = ("registry", "container group", "container group profile", "subscription", "estate")


def build_rows(run: Run) -> list[Row]:
    names = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
    parsed: dict[str, tuple[str, str, str, str, str]] = {}
    rows: list[Row] = []
    append = rows.append
    suppression = run.suppression
    # `--baseline`: how each failing (check, resource) changed; one dict look-up a row.
    delta = run.delta
    change_of = delta.change_of if delta is not None else None
    for r in run.results:
        check = run.catalogue[r.check_id]
        place = parsed.get(r.resource_id)
        if place is None:
            p = arm_id.parse(r.resource_id)
            sub = (p.subscription or "").lower()
            if r.resource_id == "/":
                name = "(estate)"
            elif p.resource_group is None and p.subscription and p.name == p.subscription:
                name = names.get(sub, p.subscription)  # a subscription: its display name
            else:
                name = p.name or r.resource_id
            place = (
                safe(name),
                safe(p.resource_group or ""),
                safe(names.get(sub, p.subscription or "")),
                _rtype(r.resource_id),
                sub,
            )
            parsed[r.resource_id] = place
        resource, group, subscription, rtype, sub = place
        status = STATUS_SHORT.get(r.status, r.status.value)
        suppressed = suppression(r) is not None
        if suppressed:
            status = SUPPRESSED_STATUS
        cells = (
            check.severity.value.upper(),
            r.check_id,
            check.title,
            resource,
            group,
            subscription,
            status,
        )
        haystack = "\t".join((*cells, r.message, r.resource_id)).lower()
        keys = (
            check.severity.rank,
            r.check_id,
            cells[2].lower(),
            resource.lower(),
            group.lower(),
            subscription.lower(),
            STATUS_RANK[r.status],
        )
        change = change_of(r.check_id, r.resource_id) if change_of is not None else None
        append(Row(r, check, cells, haystack, rtype, sub, keys, suppressed, change))
    # The default order, once: FAIL first, most severe first, then check and resource.
    rows.sort(key=lambda row: (row.keys[6], row.keys[0], row.keys[1], row.keys[3]))
    return rows


Orders = dict[tuple[str | None, bool], list[Row]]
# The latest run's rows and their sorted copies, keyed by (column, reversed); one entry,
# matched by identity, so a new run's rows (a policy edit) start afresh.
_SHARED: list[tuple[list[Row], Orders]] = []


def shared_orders(rows: list[Row]) -> Orders:
    """The sorted copies of `rows` every findings view of them shares."""
    if _SHARED and _SHARED[0][0] is rows:
        return _SHARED[0][1]
    orders: Orders = {(None, False): rows}
    _SHARED[:] = [(rows, orders)]
    return orders


def _forward(rows: list[Row], orders: Orders, column: str | None) -> list[Row]:
    """`rows` stably sorted by one column (None: the default order they came in)."""
    if (column, False) not in orders:
        k = COLUMNS.index(column) if column is not None else -1
        orders[(column, False)] = sorted(rows, key=lambda row: row.keys[k])
    return orders[(column, False)]


def presort(rows: list[Row]) -> None:
    """Sort by every column ahead, off the event loop (the load worker): at 400k rows
    one sort by resource name holds the interpreter for a third of a second."""
    orders = shared_orders(rows)
    for column in COLUMNS:
        _forward(rows, orders, column)


@dataclass
class FindingsView:
    """What the findings screen shows: a filtered, sorted, maybe grouped list."""

    rows: list[Row]
    filter: Filter = field(default_factory=Filter)
    sort: str | None = None  # None: FAIL first, most severe first
    reverse: bool = False
    grouping: Grouping = Grouping.NONE
    items: list[Row | Header] = field(default_factory=list)
    matched: int = 0

    def __post_init__(self) -> None:
        # `rows` arrive in the default order; other orders are stable sorts of it.
        # Shared by every view of these rows: a sort is computed once per run.
        self._orders = shared_orders(self.rows)
        self._structured_key: tuple[Filter, str | None, bool] | None = None
        self._structured: list[Row] = []
        self._last_text = ""
        self._last: list[Row] = []
        self.refresh()

    def _ordered(self) -> list[Row]:
        key = (self.sort, self.reverse)
        if key not in self._orders:
            forward = _forward(self.rows, self._orders, self.sort)
            self._orders[key] = forward[::-1] if self.reverse else forward
        return self._orders[key]

    def refresh(self) -> None:
        """Recompute `items`. Typing more of the same text narrows the previous
        matches instead of scanning everything again; orders are computed once."""
        structural = self.filter.with_(text="")
        key = (structural, self.sort, self.reverse)
        if key != self._structured_key:
            ordered = self._ordered()
            matches = structural.matches
            self._structured = (
                ordered if structural == Filter() else [r for r in ordered if matches(r)]
            )
            self._structured_key = key
            self._last_text, self._last = "", self._structured
        text = self.filter.text.lower()
        if not text.strip():
            chosen = self._structured
        else:
            narrowing = self._last_text and text.startswith(self._last_text)
            pool = self._last if narrowing else self._structured
            # Every word must match, anywhere in the row: `/ACI-029 storefront`.
            # Typing on narrows: each earlier word is a prefix of one now typed.
            words = text.split()
            if len(words) == 1:
                word = words[0]
                chosen = [r for r in pool if word in r.haystack]
            else:
                chosen = [r for r in pool if all(w in r.haystack for w in words)]
        self._last_text, self._last = text, chosen
        self.matched = len(chosen)
        self.items = self._grouped(chosen) if self.grouping is not Grouping.NONE else chosen  # type: ignore[assignment]

    def _grouped(self, rows: list[Row]) -> list[Row | Header]:
        by_check = self.grouping is Grouping.CHECK
        buckets: dict[str, list[Row]] = {}
        labels: dict[str, str] = {}
        for row in rows:
            k = row.result.check_id if by_check else row.result.resource_id
            if k not in buckets:
                buckets[k] = []
                labels[k] = (
                    f"{row.result.check_id}  {row.check.title}"
                    if by_check
                    else f"{row.cells[3]}  ({row.rtype}, {row.cells[4] or row.cells[5] or 'estate'})"
                )
            buckets[k].append(row)
        out: list[Row | Header] = []
        for k, members in buckets.items():  # in order of first appearance: sort decides
            fails = sum(1 for m in members if m.result.status is Status.FAIL)
            out.append(Header(labels[k], len(members), fails))
            out.extend(members)
        return out

    def title(self, scope: str = "") -> str:
        labels = self.filter.labels()
        head = f"findings({', '.join(labels)})" if labels else "findings"
        text = f" </{self.filter.text}>" if self.filter.text else ""
        where = f" @{scope}" if scope else ""
        return f"{head}[{self.matched}]{where}{text}"

    def counts(self) -> Counter[Status]:
        return Counter(item.result.status for item in self.items if isinstance(item, Row))


def jump_target(rows: list[Row], name: str) -> tuple[Filter, str] | None:
    """`:` — the findings a typed name stands for: a check id (any case), else a
    resource by its name (the first one listed when several share it)."""
    wanted = name.strip().lower()
    for row in rows:
        if row.result.check_id.lower() == wanted:
            return Filter(check_id=row.result.check_id), ""
    for row in rows:
        if row.cells[3].lower() == wanted:
            return Filter(resource_id=row.result.resource_id), row.cells[3]
    return None
