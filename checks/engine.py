"""Evaluation: every check over every resource it targets, deterministic order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from checks import arm_id
from checks.catalogue import load_catalogue
from checks.context import Context
from checks.fields import WrongType
from checks.index import Index
from checks.model import Outcome, Result, Status, Target
from checks.overrides import manual_result
from checks.policy import Policy
from checks.registry import Check
from checks.snapshot import CoverageStatus, Subscription
from checks.vulns import ImageScan, ScanIndex

_new_tuple = tuple.__new__
# Not yet looked at: `Context.unread` holds None for a resource that can be judged.
_UNSEEN: Any = object()
_ARM_TARGETS = (Target.REGISTRY, Target.CONTAINER_GROUP, Target.CONTAINER_GROUP_PROFILE)
_TARGET_NOUN = {
    Target.REGISTRY: "Registries",
    Target.CONTAINER_GROUP: "Container groups",
    Target.CONTAINER_GROUP_PROFILE: "Container group profiles",
}


def evaluate(
    index: Index,
    policy: Policy | None = None,
    checks: Iterable[Check] | None = None,
    scans: ScanIndex | Iterable[ImageScan] | None = None,
) -> list[Result]:
    """One result per (check, resource), in catalogue order then by resource id.

    Checks the policy disables are not run (reports list them as disabled); a manual
    item the policy attests takes the attested status.
    """
    ctx = Context(index, policy, scans)
    disabled = ctx.policy.disabled
    results: list[Result] = []
    for chk in checks if checks is not None else load_catalogue():
        if chk.id not in disabled:
            results.extend(_run(chk, ctx))
    return results


def _run(chk: Check, ctx: Context) -> Iterable[Result]:
    index = ctx.index
    if chk.evaluate is None:
        yield manual_result(chk, ctx.policy.attestations.get(chk.id))
        return
    if chk.target is Target.SUBSCRIPTION:
        targets: list[dict[str, Any]] = [
            {"id": sub.scope, "subscription": sub} for sub in index.subscriptions
        ]
    else:
        targets = []
        for target in chk.targets:
            # A subscription whose listing of the target type is missing hides resources
            # we cannot see: say so there instead of silently reporting fewer.
            yield from _listing_gaps(chk, target, index)
            targets += index.of_type(target)
    cid = chk.id
    evaluate = chk.evaluate
    if chk.requires or chk.target not in _ARM_TARGETS:
        for resource in targets:
            rid = resource["id"]
            status, message, evidence = _guarded(chk, resource, rid, ctx)
            # tuple.__new__ directly: a NamedTuple's own __new__ is a Python frame.
            yield _new_tuple(Result, (cid, rid, status, message, evidence))
        return
    # The usual case (no extra coverage kind; a registry or a group, 400,000 results
    # at 10,000 groups): `_guarded`'s steps inline, without a call per resource.
    unread_of = ctx.unread
    for resource in targets:
        rid = resource["id"]
        # Why the resource cannot be judged at all (once per resource), else the check's.
        outcome = unread_of.get(rid, _UNSEEN)
        if outcome is _UNSEEN:
            outcome = unread_of[rid] = _unread(_kind(chk, resource), resource, rid, ctx)
        if outcome is None:
            try:
                outcome = evaluate(resource, ctx)
            except Exception as exc:
                outcome = _raised(exc, resource, rid)
        status, message, evidence = outcome
        yield _new_tuple(Result, (cid, rid, status, message, evidence))


def _listing_gaps(chk: Check, target: Target, index: Index) -> Iterable[Result]:
    also = target is not chk.target
    for sub in index.subscriptions:
        if also and index.coverage(target, sub.scope) is None:
            # An `also` kind (container group profiles) that this source cannot see at
            # all records no coverage: nothing was hidden from a listing that was read.
            continue
        reason = index.missing_reason(target, sub.scope)
        if reason is not None:
            yield Result(
                chk.id,
                # Per kind, so a group gap and a profile gap are two results.
                sub.scope if not also else f"{sub.scope}/providers/{target.value}",
                Status.NOT_ASSESSED,
                f"{_TARGET_NOUN[target]} in subscription '{sub.label}' could not be read: "
                f"{reason}.",
            )


def _guarded(chk: Check, resource: dict, rid: str, ctx: Context) -> Outcome:
    for kind in chk.requires:
        reason = ctx.index.missing_reason(kind, rid)
        if reason is not None:
            return Outcome(
                Status.NOT_ASSESSED, f"'{_label(resource, rid)}' not assessed: {reason}."
            )
    if chk.target in _ARM_TARGETS:
        # The same for every check of this resource: found once per run.
        try:
            unread = ctx.unread[rid]
        except KeyError:
            kind = _kind(chk, resource)
            unread = ctx.unread[rid] = _unread(kind, resource, rid, ctx)
        if unread is not None:
            return unread
    assert chk.evaluate is not None
    try:
        return chk.evaluate(resource, ctx)
    except Exception as exc:
        return _raised(exc, resource, rid)


def _raised(exc: Exception, resource: dict, rid: str) -> Outcome:
    """The result of a check that raised while judging the resource."""
    if isinstance(exc, WrongType):
        # Typed reading (checks.fields): a wrong type is never judged, never PASS.
        return Outcome(Status.NOT_ASSESSED, f"'{_label(resource, rid)}' not assessed: {exc}.")
    # A shape no check foresaw must not sink the whole run, nor pass silently.
    return Outcome(
        Status.NOT_ASSESSED,
        f"'{_label(resource, rid)}' not assessed: unexpected resource shape "
        f"({type(exc).__name__}).",
    )


def _kind(chk: Check, resource: dict) -> Target:
    """The kind a resource was listed as: the check's target or one of its `also`."""
    rtype = str(resource.get("type", "")).lower()
    return next((t for t in chk.also if t.value.lower() == rtype), chk.target)


def _unread(target: Target, resource: dict, rid: str, ctx: Context) -> Outcome | None:
    """Why a registry or group cannot be judged at all: it was only partly read
    (listed, then its GET failed), or the snapshot holds no properties for it."""
    entry = ctx.index.coverage(target, rid)
    if entry is not None and entry.status is not CoverageStatus.COLLECTED:
        return Outcome(
            Status.NOT_ASSESSED,
            f"'{_label(resource, rid)}' not assessed: it could not be read in full: "
            f"{entry.describe()}.",
        )
    if not isinstance(resource.get("properties"), dict):
        # A list row or projection without properties: nothing was read to judge.
        return Outcome(
            Status.NOT_ASSESSED,
            f"'{_label(resource, rid)}' not assessed: the snapshot holds no properties for it.",
        )
    return None


def _label(resource: dict, rid: str) -> str:
    """How a message names its target: a subscription by its display name."""
    sub = resource.get("subscription")
    if isinstance(sub, Subscription):
        return sub.label
    return str(resource.get("name") or arm_id.parse(rid).name or rid)
