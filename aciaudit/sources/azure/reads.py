"""What every phase of a live collection shares: the session, the subscriptions, the
listing the later phases start from, and the bookkeeping of coverage."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

from aciaudit.sources.azure.apis import ACI_API, ACI_FALLBACK_APIS, ACR_API, ACR_FALLBACK_APIS
from aciaudit.sources.azure.arm import ArmSession, Cancelled, triage
from aciaudit.sources.azure.collected import Collected
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.pool import Pool
from aciaudit.sources.azure.progress import CollectProgress
from checks.snapshot import CoverageEntry, CoverageStatus, Subscription

Json = dict[str, Any]
T = TypeVar("T")


class Reads:
    """The state of one collection's reads; the phases (listing, side_reads, roles,
    defender_reads) are functions of it."""

    def __init__(
        self,
        session: ArmSession,
        subscriptions: list[Subscription],
        out: Collected,
        progress: CollectProgress,
        pool: Pool,
        options: LiveOptions,
    ) -> None:
        self.arm = session
        self.subs = subscriptions
        self.out = out
        self.progress = progress
        self.pool = pool
        self.options = options
        self.cancel: threading.Event = pool.cancel
        self.registries: list[Json] = []
        self.groups: list[Json] = []
        # Container group profiles (each read whole later) and NGroups (as listed).
        self.profiles: list[Json] = []
        self.ngroups: list[Json] = []
        # Rows of a Resource Graph query that failed part-way: merged after the fallback.
        self.graph_partial: list[Json] = []
        # Container groups whose whole read was queued while the listing went on (by
        # lower-case id): the reads of a Resource Graph page start as it arrives.
        self.early_groups: dict[str, Future[None]] = {}
        # False once the inventory's Resource Graph query was refused: later reads
        # take the per-subscription path without asking again.
        self.graph_ok = options.use_resource_graph
        # The ACI api-versions to try, newest first; narrowed once a cloud refuses one.
        self.aci_apis: tuple[str, ...] = (ACI_API, *ACI_FALLBACK_APIS)
        self.acr_apis: tuple[str, ...] = (ACR_API, *ACR_FALLBACK_APIS)

    def covered(self, scope: str, kind: str, api_version: str | None = None) -> None:
        self.out.coverage.append(
            CoverageEntry(scope, kind, CoverageStatus.COLLECTED, api_version=api_version)
        )

    def problem(self, scope: str, kind: str, exc: Exception) -> CoverageEntry | None:
        """Record a failed read; None when the object is simply gone (404)."""
        failure = triage(exc)
        if failure.not_found:
            return None
        entry = CoverageEntry(scope, kind, failure.status, detail=failure.detail)
        self.out.coverage.append(entry)
        self.progress.problem(entry)
        return entry

    def not_collected(
        self, scope: str, kind: str, detail: str, *, problem: bool = False
    ) -> CoverageEntry:
        """Record what was deliberately not read (`not needed: …`), or, with `problem`,
        what could not be read and is shown among the collection's problems."""
        entry = CoverageEntry(scope, kind, CoverageStatus.NOT_COLLECTED, detail=detail)
        self.out.coverage.append(entry)
        if problem:
            self.progress.problem(entry)
        return entry

    def each(
        self,
        phase: str,
        items: Iterable[T],
        read: Callable[[T], None],
        started: dict[str, Future[None]] | None = None,
    ) -> None:
        """One phase: its progress bar sized to the items, each read on the pool, the bar
        advanced as each read ends. `started`: reads already queued, by lower-case ARM id
        (an item with such an `id` is not read again; the phase waits for them)."""
        early = started or {}
        todo = [i for i in items if not early or _id_of(i) not in early]
        self.progress.phase(phase, len(todo) + len(early))
        self.pool.each(todo, read, lambda: self.progress.advance(phase), early.values())

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()


def _id_of(item: object) -> str:
    return str(item.get("id", "")).lower() if isinstance(item, dict) else ""
