"""Resource Graph: one query over many subscriptions at once, page by page, judged.

Shapes from the REST specification (azure-rest-api-specs, `resourcegraph`, stable
2021-03-01, `QueryRequestOptions` and `QueryResponse`): a request names `$top`
(rows a page, at most 1,000) and `$skipToken`; an answer carries `totalRecords`,
`count`, `resultTruncated`, `$skipToken` and `data`, either an object array or a
`{columns, rows}` table. Throttling is per user: `x-ms-user-quota-remaining` queries are
left until `x-ms-user-quota-resets-after` (hh:mm:ss).

An answer that is not a well-formed result is a failed read (GraphMalformed), never an
empty inventory: the caller falls back or records the failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from aciaudit.sources.azure.arm import ArmFailure, ArmSession, Cancelled
from aciaudit.sources.azure.guard import MAX_PAGES, wait_or_cancel
from checks.snapshot import CoverageStatus

T = TypeVar("T")
Json = dict[str, Any]

GRAPH_BATCH = 1000  # Resource Graph takes at most 1,000 subscriptions per query
PAGE_ROWS = 1000  # the most `$top` may ask for


class GraphMalformed(ArmFailure):
    """Resource Graph answered with something that is not a complete result."""

    def __init__(self, detail: str) -> None:
        super().__init__(CoverageStatus.FAILED, f"malformed Resource Graph answer: {detail}")


def batches(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """The items in runs of at most GRAPH_BATCH, one query each."""
    for start in range(0, len(items), GRAPH_BATCH):
        yield items[start : start + GRAPH_BATCH]


class _Quota:
    """When the next query may go: set from the quota headers of the last answer."""

    def __init__(self) -> None:
        self.not_before = 0.0
        self.lock = threading.Lock()

    def note(self, headers: dict[str, str]) -> None:
        remaining = _int(headers.get("x-ms-user-quota-remaining"))
        resets = _duration(headers.get("x-ms-user-quota-resets-after"))
        if remaining is None or resets is None or remaining > 0:
            return
        with self.lock:
            self.not_before = max(self.not_before, time.monotonic() + resets)

    def pause(self, cancel: threading.Event, max_wait: float) -> None:
        with self.lock:
            wait = self.not_before - time.monotonic()
        # Beyond the cap, ask anyway: a 429 then goes through the bounded retries.
        wait_or_cancel(min(wait, max_wait), cancel)


_QUOTA_LOCK = threading.Lock()


def _quota(session: ArmSession) -> _Quota:
    """The session's one quota clock (queries from every thread share the budget)."""
    with _QUOTA_LOCK:
        if not isinstance(session.graph_quota, _Quota):
            session.graph_quota = _Quota()
        return session.graph_quota


def graph_rows(
    session: ArmSession,
    query: str,
    subscriptions: list[str],
    cancel: threading.Event,
    into: list[Json] | None = None,
    on_page: Callable[[list[Json]], None] | None = None,
) -> list[Json]:
    """Every row of one query, following `$skipToken` to the end, de-duplicated by ARM
    id (case-insensitive). Rows are appended to `into` as they come, so a caller keeps
    what was read before a failure; `on_page` hears each page's new rows as they come.
    Raises ArmFailure (GraphMalformed for a bad answer),
    Cancelled, or the SDK's error."""
    rows: list[Json] = into if into is not None else []
    seen_ids = {str(r.get("id", "")).lower() for r in rows}
    seen_tokens: set[str] = set()
    quota = _quota(session)
    skip: str | None = None
    for _page in range(MAX_PAGES):
        if cancel.is_set():
            raise Cancelled()
        quota.pause(cancel, session.options.max_retry_wait)
        options: Json = {"$top": PAGE_ROWS, "resultFormat": "objectArray"}
        if skip:
            options["$skipToken"] = skip
        answer, headers = session.post_graph(
            {"subscriptions": subscriptions, "query": query, "options": options}
        )
        quota.note(headers)
        new: list[Json] = []
        for row in _page_rows(answer):
            key = row["id"].lower()
            if key not in seen_ids:
                seen_ids.add(key)
                new.append(row)
        rows.extend(new)
        if on_page is not None:
            on_page(new)
        skip = answer.get("$skipToken")
        if not skip:
            return rows
        if not isinstance(skip, str) or skip in seen_tokens:
            raise GraphMalformed("a $skipToken seen before (a paging loop)")
        seen_tokens.add(skip)
    raise GraphMalformed(f"more than {MAX_PAGES} pages")


def _page_rows(answer: Any) -> list[Json]:
    """The rows of one answer, or GraphMalformed."""
    if not isinstance(answer, dict):
        raise GraphMalformed("the body is not an object")
    data = answer.get("data")
    if isinstance(data, dict):
        data = _from_table(data)
    if not isinstance(data, list):
        raise GraphMalformed("`data` is neither a list nor a table")
    truncated = str(answer.get("resultTruncated", "false")).lower() == "true"
    total = _int(answer.get("totalRecords"))
    if truncated and not answer.get("$skipToken") and (total is None or total > len(data)):
        raise GraphMalformed(
            f"resultTruncated with {len(data)} of {total if total is not None else '?'} rows"
        )
    for row in data:
        if not (
            isinstance(row, dict)
            and isinstance(row.get("id"), str)
            and row["id"]
            and isinstance(row.get("type"), str)
            and row["type"]
        ):
            raise GraphMalformed("a row without `id` or `type`")
    return data


def _from_table(table: Json) -> Any:
    columns, rows = table.get("columns"), table.get("rows")
    if not (isinstance(columns, list) and isinstance(rows, list)):
        raise GraphMalformed("a table without `columns` and `rows`")
    names = [c.get("name") if isinstance(c, dict) else None for c in columns]
    if not all(isinstance(n, str) for n in names):
        raise GraphMalformed("a table column without a name")
    out = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == len(names)):
            raise GraphMalformed("a table row of the wrong width")
        out.append(dict(zip(names, row, strict=True)))
    return out


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _duration(value: Any) -> float | None:
    """`hh:mm:ss` (the quota header) in seconds."""
    if not isinstance(value, str):
        return None
    parts = value.strip().split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds if seconds >= 0 else None
