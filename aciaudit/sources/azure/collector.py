"""Live collection: subscriptions, inventory, side data, all into one redacted snapshot.

Phases run in order; within a phase, reads run on a bounded thread pool. A read that is
denied or fails becomes a coverage entry and the run goes on; the checks then say
NOT_ASSESSED with that entry's reason instead of guessing.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from urllib.parse import quote

from aciaudit import TOOL_NAME, __version__
from aciaudit.errors import UserError
from aciaudit.sources.azure.arm import ArmSession, triage
from aciaudit.sources.azure.auth import AuthError, Identity, build_credential, sign_in
from aciaudit.sources.azure.clouds import Cloud, resolve_cloud
from aciaudit.sources.azure.collected import Collected
from aciaudit.sources.azure.inventory import read_inventory
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.pool import Pool, run_watched
from aciaudit.sources.azure.progress import CollectProgress, SilentProgress
from checks.snapshot import Snapshot, Subscription


class CollectionError(UserError):
    """The collection cannot start or go on (no credential, unknown subscription…)."""


def collect(
    options: LiveOptions,
    progress: CollectProgress | None = None,
    cancel: threading.Event | None = None,
) -> Snapshot:
    """Read the estate the options describe. Raises CollectionError or Cancelled."""
    progress = progress or SilentProgress()
    cancel = cancel or threading.Event()
    started: list[tuple[Cloud, ArmSession, Identity, list[Subscription]]] = []

    def start() -> None:
        # Sign-in and the subscription list wait on the network too: watched like reads.
        cloud, session, identity = _connect(options)
        progress.note(f"signed in as {identity.describe()}")
        subscriptions = _select_subscriptions(session, options, identity)
        progress.note(f"{len(subscriptions)} subscription(s) selected")
        started.append((cloud, session, identity, subscriptions))

    run_watched([start], cancel)
    cloud, session, identity, subscriptions = started[0]
    out = Collected()
    session.watch(cancel)
    pool = Pool(options.concurrency, cancel)
    try:
        read_inventory(session, subscriptions, out, progress, pool, options)
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
            for s in session.pages(session.subscriptions.subscriptions.list(), "subscriptions")
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
