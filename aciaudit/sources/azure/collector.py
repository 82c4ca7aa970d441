"""Live collection: subscriptions, inventory, side data, all into one redacted snapshot.

Phases run in order; within a phase, reads run on a bounded thread pool. A read that is
denied or fails becomes a coverage entry and the run goes on; the checks then say
NOT_ASSESSED with that entry's reason instead of guessing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

from aciaudit import TOOL_NAME, __version__
from aciaudit.errors import UserError
from aciaudit.redact import redact_in_place
from aciaudit.sources.azure.arm import ArmFailure, ArmSession, Cancelled, triage
from aciaudit.sources.azure.auth import AuthError, Identity, build_credential, sign_in
from aciaudit.sources.azure.clouds import Cloud, resolve_cloud
from aciaudit.sources.azure.inventory import Inventory
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import CollectProgress, SilentProgress
from checks.snapshot import CoverageEntry, Snapshot, Subscription

T = TypeVar("T")


class CollectionError(UserError):
    """The collection cannot start or go on (no credential, unknown subscription…)."""


@dataclass
class Collected:
    """What workers hand back; appended from many threads (list.append is atomic)."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)

    def add(self, resource: dict[str, Any]) -> None:
        redact_in_place(resource)  # before it is stored anywhere
        self.resources.append(resource)


def collect(
    options: LiveOptions,
    progress: CollectProgress | None = None,
    cancel: threading.Event | None = None,
) -> Snapshot:
    """Read the estate the options describe. Raises CollectionError or Cancelled."""
    progress = progress or SilentProgress()
    cancel = cancel or threading.Event()
    cloud, session, identity = _connect(options)
    progress.note(f"signed in as {identity.describe()}")
    subscriptions = _select_subscriptions(session, options, identity)
    progress.note(f"{len(subscriptions)} subscription(s) selected")
    out = Collected()
    pool = Pool(options.concurrency, cancel)
    try:
        Inventory(session, subscriptions, out, progress, pool, options).run()
    finally:
        pool.close()
    return Snapshot(
        resources=out.resources,
        coverage=sorted(out.coverage, key=lambda c: (c.scope.lower(), c.kind.lower())),
        subscriptions=subscriptions,
        collected_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool={"name": TOOL_NAME, "version": __version__},
        source={
            "kind": "live",
            "cloud": cloud.name,
            "arm_endpoint": cloud.arm_endpoint,
            "tenant_id": identity.tenant_id,
            "account": identity.account,
        },
        form="snapshot",
    )


def discover(options: LiveOptions) -> tuple[Identity, list[Subscription]]:
    """Sign in and list the subscriptions a collection with these options would choose
    from (below the management group, when one is given), whatever their state. Raises
    CollectionError with one line that says what to do."""
    _, session, identity = _connect(options)
    return identity, _candidates(session, options, identity)


def _connect(options: LiveOptions) -> tuple[Cloud, ArmSession, Identity]:
    """The cloud, a signed-in ARM session and who it signed in as."""
    try:
        cloud = resolve_cloud(
            options.cloud, options.arm_endpoint, options.authority_host, options.audience
        )
        credential = build_credential(options, cloud)
        identity = sign_in(credential, cloud)
    except (AuthError, ValueError) as exc:
        raise CollectionError(str(exc)) from None
    return cloud, ArmSession(credential, cloud, options), identity


def _candidates(
    session: ArmSession, options: LiveOptions, identity: Identity
) -> list[Subscription]:
    """Every subscription the identity sees, narrowed to the management group if any."""
    try:
        visible = [
            Subscription(
                subscription_id=str(s.subscription_id),
                display_name=str(s.display_name or ""),
                state=str(getattr(s.state, "value", s.state) or ""),
                tenant_id=str(getattr(s, "tenant_id", "") or identity.tenant_id),
            )
            for s in session.subscriptions.subscriptions.list()
        ]
    except Exception as exc:
        failure = triage(exc)
        raise CollectionError(f"cannot list subscriptions: {failure.detail}") from None
    if options.management_group:
        visible = _under_management_group(session, options.management_group, visible)
    return visible


def _select_subscriptions(
    session: ArmSession, options: LiveOptions, identity: Identity
) -> list[Subscription]:
    visible = _candidates(session, options, identity)
    if not options.subscriptions:
        chosen = [s for s in visible if s.state.lower() == "enabled"]
        if not chosen:
            raise CollectionError(
                f"{identity.account} sees no Enabled subscription in tenant "
                f"{identity.tenant_id}; check --tenant or the identity's role assignments"
            )
        return chosen
    chosen = []
    for wanted in options.subscriptions:
        match = [
            s
            for s in visible
            if wanted.lower() in (s.subscription_id.lower(), s.display_name.lower())
        ]
        if not match:
            raise CollectionError(
                f"subscription {wanted!r} is not visible to {identity.account}; "
                f"visible: {', '.join(s.label for s in visible) or 'none'}"
            )
        if len(match) > 1:
            raise CollectionError(
                f"subscription name {wanted!r} is ambiguous; use its id "
                f"({', '.join(s.subscription_id for s in match)})"
            )
        if match[0] not in chosen:
            chosen.append(match[0])
    return chosen


MANAGEMENT_GROUPS_API = "2020-05-01"


def _under_management_group(
    session: ArmSession, group: str, visible: list[Subscription]
) -> list[Subscription]:
    """The visible subscriptions anywhere below a management group (its descendants,
    nested groups included)."""
    path = f"/providers/Microsoft.Management/managementGroups/{quote(group, safe='')}/descendants"
    try:
        below = {
            str(item.get("name") or "").lower()
            for item in session.list(path, MANAGEMENT_GROUPS_API)
            if str(item.get("id") or "").lower().startswith("/subscriptions/")
        }
    except Exception as exc:
        failure = triage(exc)
        raise CollectionError(
            f"cannot list management group {group!r}: {failure.detail} "
            "(the identity needs Reader, or Management Group Reader, on it)"
        ) from None
    inside = [s for s in visible if s.subscription_id.lower() in below]
    if not inside:
        raise CollectionError(
            f"management group {group!r} holds no subscription visible to this identity"
        )
    return inside


class Pool:
    """A thread pool that stops handing out work once cancelled."""

    def __init__(self, workers: int, cancel: threading.Event) -> None:
        self.cancel = cancel
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="arm")

    def each(self, items: Sequence[T], work: Callable[[T], None], tick: Callable[[], None]) -> None:
        """Run `work` on every item; `tick` after each. Ctrl-C cancels what is queued."""
        if self.cancel.is_set():
            raise Cancelled()
        futures: set[Future[None]] = {self._executor.submit(self._guard, work, i) for i in items}
        try:
            while futures:
                done, futures = wait(futures, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # re-raises Cancelled and programming errors
                    tick()
                if self.cancel.is_set():
                    raise Cancelled()
        except BaseException:
            self.cancel.set()
            for future in futures:
                future.cancel()
            raise

    def _guard(self, work: Callable[[T], None], item: T) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        work(item)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def failure_entry(scope: str, kind: str, exc: Exception) -> CoverageEntry | None:
    """The coverage entry for a failed read, or None when the thing is simply gone."""
    failure = exc if isinstance(exc, ArmFailure) else triage(exc)
    if failure.not_found:
        return None
    return CoverageEntry(scope, kind, failure.status, detail=failure.detail)
