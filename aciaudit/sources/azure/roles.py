"""The phase that reads the role assignments of container-group identities, and the
definitions of roles ACI-025 cannot judge by GUID alone."""

from __future__ import annotations

from collections import defaultdict

from aciaudit.sources.azure.apis import ROLES_API
from aciaudit.sources.azure.arm import Cancelled
from aciaudit.sources.azure.reads import Json, Reads
from checks import arm_id, kinds
from checks.snapshot import Subscription

# Up to this many identities in a subscription, role assignments are filtered per
# identity; above it, one listing of the subscription costs fewer requests.
ROLE_FILTER_MAX = 3
# Built-in roles ACI-025 judges by GUID alone: no need to read their definitions.
KNOWN_ROLE_GUIDS = frozenset(
    {
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "8311e382-0749-4cb8-b61a-304f252e45ec",
        "4633458b-17de-408a-b874-0445c86b69e6",
    }
)


def role_assignments(reads: Reads) -> None:
    principals: dict[str, set[str]] = defaultdict(set)
    for group in reads.groups:
        sub = arm_id.subscription_scope(group["id"])
        if sub:
            principals[sub.lower()].update(_principal_ids(group))
    reads.each(
        "role assignments",
        reads.subs,
        lambda sub: _read_roles(reads, sub, sorted(principals.get(sub.scope.lower(), ()))),
    )


def _read_roles(reads: Reads, sub: Subscription, principal_ids: list[str]) -> None:
    if not principal_ids:
        # Nothing to read: no container group here has a managed identity.
        reads.not_collected(
            sub.scope,
            kinds.ROLE_ASSIGNMENTS,
            "not needed: no container group in the subscription has a managed identity",
        )
        return
    try:
        kept = _assignments(reads, sub, principal_ids)
    except Cancelled:
        raise
    except Exception as exc:
        reads.problem(sub.scope, kinds.ROLE_ASSIGNMENTS, exc)
        return
    definitions = {str(get_props(a).get("roleDefinitionId", "")) for a in kept}
    for assignment in kept:
        reads.out.add(assignment)
    reads.covered(sub.scope, kinds.ROLE_ASSIGNMENTS, ROLES_API)
    unknown = sorted(
        d
        for d in definitions
        if d and d.rstrip("/").rsplit("/", 1)[-1].lower() not in KNOWN_ROLE_GUIDS
    )
    if not unknown:
        # Collected means read: here every role is a built-in judged by its GUID.
        reads.not_collected(
            sub.scope,
            kinds.ROLE_DEFINITIONS,
            "not needed: every assigned role is a built-in known by its id",
        )
        return
    try:
        for definition_id in unknown:
            reads.check_cancel()
            reads.out.add(reads.arm.get(definition_id, ROLES_API))
        reads.covered(sub.scope, kinds.ROLE_DEFINITIONS, ROLES_API)
    except Cancelled:
        raise
    except Exception as exc:
        reads.problem(sub.scope, kinds.ROLE_DEFINITIONS, exc)


def _assignments(reads: Reads, sub: Subscription, principal_ids: list[str]) -> list[Json]:
    """The identities' assignments, their Entra groups' included.

    `$filter=assignedTo('{id}')` (Role Assignments - List For Scope, 2022-04-01) returns
    the principal's own assignments and those it holds through groups, the latter with
    the group's principalId: each is kept, and `assignedTo` (added by the collector)
    names the identities it applies to. An unfiltered listing cannot show membership, so
    it is used only while it holds no assignment to a group at all (then none can be
    inherited through one); otherwise every identity is asked for its own.
    """
    path = f"{sub.scope}/providers/{kinds.ROLE_ASSIGNMENTS}"
    wanted = {p.lower() for p in principal_ids}
    if len(principal_ids) > ROLE_FILTER_MAX:
        listed = list(reads.arm.list(path, ROLES_API, cancel=reads.cancel))
        if not any(str(get_props(a).get("principalType", "")).lower() == "group" for a in listed):
            # Assignments of other principals are dropped, never stored.
            return [a for a in listed if str(get_props(a).get("principalId", "")).lower() in wanted]
    by_id: dict[str, Json] = {}
    for principal in principal_ids:
        reads.check_cancel()
        params = {"$filter": f"assignedTo('{principal}')"}
        for assignment in reads.arm.list(path, ROLES_API, params, cancel=reads.cancel):
            key = str(assignment.get("id", "")).lower()
            kept = by_id.setdefault(key, assignment)
            if str(get_props(kept).get("principalId", "")).lower() != principal.lower():
                holders = kept.setdefault("assignedTo", [])
                if principal not in holders:
                    holders.append(principal)
    return list(by_id.values())


def get_props(assignment: Json) -> Json:
    props = assignment.get("properties")
    return props if isinstance(props, dict) else {}


def _principal_ids(group: Json) -> set[str]:
    identity = group.get("identity")
    if not isinstance(identity, dict):
        return set()
    out = set()
    if isinstance(identity.get("principalId"), str):
        out.add(identity["principalId"])
    users = identity.get("userAssignedIdentities")
    for info in users.values() if isinstance(users, dict) else ():
        if isinstance(info, dict) and isinstance(info.get("principalId"), str):
            out.add(info["principalId"])
    return out
