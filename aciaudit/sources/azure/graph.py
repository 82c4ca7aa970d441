"""Resource Graph: one query over many subscriptions at once, page by page."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from aciaudit.sources.azure.arm import ArmSession, Cancelled

T = TypeVar("T")
Json = dict[str, Any]

GRAPH_BATCH = 1000  # Resource Graph takes at most 1,000 subscriptions per query


def batches(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """The items in runs of at most GRAPH_BATCH, one query each."""
    for start in range(0, len(items), GRAPH_BATCH):
        yield items[start : start + GRAPH_BATCH]


def graph_rows(
    session: ArmSession, query: str, subscriptions: list[str], cancel: threading.Event
) -> list[Json]:
    """Every row of one Resource Graph query, following `$skipToken`."""
    rows: list[Json] = []
    skip: str | None = None
    while True:
        if cancel.is_set():
            raise Cancelled()
        request = QueryRequest(
            subscriptions=subscriptions,
            query=query,
            options=QueryRequestOptions(skip_token=skip, result_format="objectArray"),
        )
        answer = session.graph.resources(request)
        data: list[Any] = answer.data if isinstance(answer.data, list) else []
        rows.extend(r for r in data if isinstance(r, dict))
        skip = answer.skip_token
        if not skip:
            return rows
