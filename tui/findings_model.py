"""The findings list as data: rows, filters, sort and grouping. No Textual here.

Built once per run (one pass over the results), then every keystroke filters and
sorts precomputed tuples. What is computed once over one run's rows (every column's
order, the distinct search texts) lives in a `Shared` the run's views own, so a sort
is a look-up and a `/` keystroke at 400k rows scans the messages, not 170 MB.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import islice
from typing import NamedTuple

from aciaudit.diff import Change
from checks import arm_id
from checks.model import STATUS_ORDER, Severity, Status
from tui.findings_rows import (
    COLUMNS,
    HEADERS,
    RTYPES,
    STATUS_SHORT,
    SUPPRESSED_STATUS,
    Row,
    build_rows,
    has_word,
    resource_label,
    rtype_of,
)
from tui.row_order import ordered

# The rows live in tui.findings_rows; screens and tests import them from here too.
__all__ = [
    "COLUMNS",
    "HEADERS",
    "RTYPES",
    "STATUS_SHORT",
    "SUPPRESSED_STATUS",
    "Filter",
    "FindingsView",
    "Grouping",
    "Header",
    "Row",
    "Shared",
    "build_rows",
    "jump_target",
    "narrow",
    "resource_label",
    "rtype_of",
]


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
    # Leave out the FAILs the policy suppresses: an overview line that counts FAILs
    # (which never include suppressed ones) opens on the same rows it counted.
    unsuppressed: bool = False

    def with_(self, **changes: object) -> Filter:
        return replace(self, **changes)  # type: ignore[arg-type]

    def labels(self) -> list[str]:
        """Short words for the title: `FAIL`, `high+`, `S3`, …"""
        out = [*(STATUS_SHORT.get(s, s.value) for s in STATUS_ORDER if s in self.statuses)]
        if self.unsuppressed:
            out.append("not suppressed")
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
        if self.unsuppressed and row.suppressed:
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
        return not self.text or all(has_word(row, w) for w in self.text.lower().split())


Orders = dict[tuple[str | None, bool], list[Row]]


class Shared:
    """What every findings view of one run's rows shares, computed once: the rows in
    each (column, reversed) order and the distinct search parts. Owned by the run's
    views (tui.session.RunViews), so a new run (a policy edit) starts afresh and
    nothing outlives its run."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        # `rows` come in the default order; other orders are stable sorts of it.
        self.orders: Orders = {(None, False): rows}
        self._parts: tuple[list[str], list[str]] | None = None

    def order(self, column: str | None, reverse: bool = False) -> list[Row]:
        if (column, reverse) not in self.orders:
            if (column, False) not in self.orders:
                k = COLUMNS.index(column) if column is not None else -1
                self.orders[(column, False)] = ordered(self.rows, (k,))
            forward = self.orders[(column, False)]
            self.orders[(column, reverse)] = forward[::-1] if reverse else forward
        return self.orders[(column, reverse)]

    def parts(self) -> tuple[list[str], list[str]]:
        """The distinct `place` and `kind` strings (a few thousand at 400k rows)."""
        if self._parts is None:
            self._parts = (list({r.place for r in self.rows}), list({r.kind for r in self.rows}))
        return self._parts

    def prepare(self, stop: Callable[[], bool] = lambda: False) -> None:
        """Everything ahead, off the event loop (a worker): at 400k rows one sort by
        resource name holds the interpreter for a third of a second."""
        for column in COLUMNS:
            if stop():
                return
            self.order(column)
        self.parts()


# Rows scanned between two looks at `stop` (a filter behind the screen gives up as soon
# as a newer keystroke replaces it).
_SLICE = 32_768


def narrow(
    pool: list[Row], word: str, shared: Shared, stop: Callable[[], bool] | None = None
) -> list[Row] | None:
    """The rows of `pool` that contain `word` (lower-case, no whitespace) anywhere;
    None when `stop` said to give up."""
    places, kinds = shared.parts()
    if len(pool) < len(places) + len(kinds):
        return [r for r in pool if has_word(r, word)]
    # The word is looked for once per distinct place and kind, then once per message.
    hit = {p for p in places if word in p}
    hit.update(k for k in kinds if word in k)
    out: list[Row] = []
    for start in range(0, len(pool), _SLICE):
        if stop is not None and stop():
            return None
        part = pool[start : start + _SLICE]
        if hit:
            out += [r for r in part if r.place in hit or r.kind in hit or word in r.text]
        else:
            out += [r for r in part if word in r.text]
    return out


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
    # False while `items` are only the first matches of the filter text (`show_head`),
    # the whole search still running behind the screen.
    complete: bool = True
    # The orders and search parts of these rows, shared with every view of them (the
    # run's, from RunViews); None: this view's own.
    shared: Shared | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.shared is None or self.shared.rows is not self.rows:
            self.shared = Shared(self.rows)
        self._shared = self.shared
        self._structured_key: tuple[Filter, str | None, bool] | None = None
        self._structured: list[Row] = []
        # Text filters already applied over `_structured`, by lower-case text; only
        # prefixes of the latest are kept, so a backspace is a look-up.
        self._memo: dict[str, list[Row]] = {}
        self.refresh()

    def _ordered(self) -> list[Row]:
        return self._shared.order(self.sort, self.reverse)

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
            self._memo = {}
        text = self.filter.text.lower()
        found = self.search(text)
        assert found is not None  # never stopped
        chosen = found[1]
        # Only texts this one starts with stay: a backspace is a look-up, and the memo
        # holds at most one list per character typed. Built whole, then swapped in: a
        # search behind the screen may be reading the one it replaces.
        memo = {t: m for t, m in self._memo.items() if text.startswith(t)}
        if text.strip():
            memo[text] = chosen
        self._memo = memo
        self._set(chosen, complete=True)

    def _set(self, chosen: list[Row], complete: bool) -> None:
        self.matched, self.complete = len(chosen), complete
        self.items = self._grouped(chosen) if self.grouping is not Grouping.NONE else chosen  # type: ignore[assignment]

    def show_head(self, text: str, limit: int, budget: int) -> bool:
        """The filter set to `text`, showing only its first matches in the order shown
        (at most `limit`, looking at no more than `budget` rows) while the whole search
        runs behind the screen: a new word's first letters match most of 400k rows, so
        the first screenful is found at once; `refresh` once the search is learned
        shows them all. No cursor is kept: the list grows below the first row.
        False, and nothing changed, when those rows hold no match: an empty head would
        say "nothing matches" while matches may still come."""
        words = text.lower().split()
        found: list[Row] = []
        for row in islice(self._start(text.lower()), budget):
            if all(has_word(row, w) for w in words):
                found.append(row)
                if len(found) >= limit:
                    break
        if not found:
            return False
        self.filter = self.filter.with_(text=text)
        self._set(found, complete=False)
        return True

    def _start(self, text: str) -> list[Row]:
        """Where filtering `text` starts: typing on narrows, as every word of an
        earlier text that this one starts with is a word, or a prefix of a word, of
        this one; so the longest such text already filtered, else everything."""
        memo = self._memo
        before = max((t for t in memo if text.startswith(t)), key=len, default="")
        return memo[before] if before else self._structured

    def scan_size(self, text: str) -> int:
        """How many rows filtering `text` would look at (0: known already)."""
        text = text.lower()
        if not text.strip() or text in self._memo:
            return 0
        return len(self._start(text))

    def search(
        self, text: str, stop: Callable[[], bool] | None = None
    ) -> tuple[list[Row], list[Row]] | None:
        """The rows under the structural filter and order now set, and those of them
        that match `text` (lower-case): every word, anywhere in the row. None when
        `stop` said to give up. Changes nothing, so a worker may run it while the
        event loop reads the view."""
        structured, memo = self._structured, self._memo
        if not text.strip():
            return structured, structured
        if text in memo:
            return structured, memo[text]
        chosen: list[Row] | None = self._start(text)
        for word in text.split():
            assert chosen is not None
            chosen = narrow(chosen, word, self._shared, stop)
            if chosen is None:
                return None
        assert chosen is not None
        return structured, chosen

    def learn(self, text: str, found: tuple[list[Row], list[Row]]) -> bool:
        """Keep what a search behind the screen found, if it is still about the rows
        shown, so setting this text is a look-up. False: it is not (stale)."""
        structured, chosen = found
        if structured is not self._structured:
            return False
        memo = dict(self._memo)
        memo[text] = chosen
        self._memo = memo
        return True

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
        more = "" if self.complete else "+"  # the first matches; the count comes after
        return f"{head}[{self.matched}{more}]{where}{text}"

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
