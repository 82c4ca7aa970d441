"""ACI-025's reading of role assignments: which identities a group runs with, what each
holds, and whether any role is privileged.

Everything here depends on the group's identities only, never on the group itself, so
it is computed once per distinct set of identities and the same objects are handed to
every group that runs with that set: at 10,000 groups a "deploy" identity with 200
narrow grants attached to most of them is judged once, and its evidence tuple is one
object that the JSON writer encodes once (`aciaudit.reports.json_report`).
"""

from __future__ import annotations

from functools import partial
from itertools import chain
from typing import Any, NamedTuple

from checks.catalogue.common import Resource, get
from checks.context import Context
from checks.model import Evidence

# Built-in roles by definition GUID: stable across tenants, so no lookup is needed.
PRIVILEGED_BUILTINS = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}
PRIVILEGED_NAMES = {v.lower() for v in PRIVILEGED_BUILTINS.values()}
# Built-ins a container identity commonly holds, known harmless here without a lookup.
NARROW_BUILTINS = {
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
    "8311e382-0749-4cb8-b61a-304f252e45ec": "AcrPush",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
}


def principals(group: Resource) -> dict[str, str]:
    """principalId → which identity it is (system-assigned or a user-assigned id)."""
    out: dict[str, str] = {}
    system = get(group, "identity.principalId")
    if isinstance(system, str):
        out[system.lower()] = "system-assigned identity"
    users = get(group, "identity.userAssignedIdentities")
    for uid, info in users.items() if isinstance(users, dict) else []:
        principal = info.get("principalId") if isinstance(info, dict) else None
        if isinstance(principal, str):
            out[principal.lower()] = f"user-assigned identity {uid.rsplit('/', 1)[-1]}"
    return out


def _role_verdict(guid: str, ctx: Context) -> tuple[str | None, str]:
    """(privileged role name or None, description) of one role definition GUID.
    Description names unknowns."""
    if guid in PRIVILEGED_BUILTINS:
        return PRIVILEGED_BUILTINS[guid], PRIVILEGED_BUILTINS[guid]
    definition = ctx.role_definitions_by_guid.get(guid)
    if definition is None and guid in NARROW_BUILTINS:
        return None, NARROW_BUILTINS[guid]
    if definition is None:
        return None, f"unknown role {guid} (definition not collected)"
    role_name = str(get(definition, "properties.roleName") or guid)
    perms = get(definition, "properties.permissions")
    actions = (
        [a for p in perms if isinstance(p, dict) for a in p.get("actions", [])]
        if isinstance(perms, list)
        else []
    )
    if role_name.lower() in PRIVILEGED_NAMES or "*" in actions:
        return role_name, f"{role_name} (actions: *)" if "*" in actions else role_name
    return None, role_name


class _Grant(NamedTuple):
    """One (identity, role, scope) of a principal, judged once per run."""

    evidence: Evidence
    privileged: str | None  # "identity: role at scope" when the role is privileged
    unknown: bool  # the role definition was not collected


class _Held(NamedTuple):
    """What one principal holds, judged once per run: its grants' evidence (all of it,
    and the privileged part), the privileged grants as the message names them, and
    whether a role definition was not collected."""

    evidence: tuple[Evidence, ...]
    privileged: tuple[Evidence, ...]
    lines: tuple[str, ...]
    unknown: bool


def _held(principal: str, label: str, ctx: Context) -> _Held:
    grants = _grants(principal, label, ctx)
    return _Held(
        tuple(g.evidence for g in grants),
        tuple(g.evidence for g in grants if g.privileged),
        tuple(g.privileged for g in grants if g.privileged),
        any(g.unknown for g in grants),
    )


def _grants(principal: str, label: str, ctx: Context) -> tuple[_Grant, ...]:
    """The principal's role assignments, de-duplicated by (role, scope), each judged
    once per role definition."""
    out: dict[tuple[str, str], _Grant] = {}
    # Role definition GUID → its verdict, for the whole run.
    roles: dict[str, tuple[str | None, str]] = ctx.shared("ACI-025 roles", dict)
    for ra in ctx.role_assignments_by_principal.get(principal, []):
        rd_id = str(get(ra, "properties.roleDefinitionId") or "")
        guid = rd_id.rstrip("/").rsplit("/", 1)[-1].lower()
        verdict = roles.get(guid)
        if verdict is None:
            verdict = roles[guid] = _role_verdict(guid, ctx)
        role, described = verdict
        scope = get(ra, "properties.scope")
        key = (guid, scope if isinstance(scope, str) else repr(scope))
        if key in out:
            continue
        observed = {"identity": label, "role": described, "scope": scope}
        holder = str(get(ra, "properties.principalId") or "")
        if holder.lower() != principal:
            observed["via"] = f"group {holder}"  # inherited through an Entra group
        evidence = Evidence(
            "roleAssignments", observed, "no Owner, Contributor, access-admin or * role"
        )
        out[key] = _Grant(
            evidence,
            f"{label}: {role} at {scope}{_via(observed)}" if role else None,
            role is None and "unknown role" in described,
        )
    return tuple(out.values())


def _via(observed: dict[str, Any]) -> str:
    return f" (via {observed['via']})" if "via" in observed else ""


class Verdict(NamedTuple):
    """What a set of identities holds. A group's evidence is `head`, then its own
    identityAcls items, then `tail` (the "no role assignment" note)."""

    privileged: str  # "identity: role at scope; …", "" when no role is privileged
    unknown: bool  # no role is privileged, but some definition was not collected
    head: tuple[Evidence, ...]
    tail: tuple[Evidence, ...]


def identity_verdict(held: dict[str, str], ctx: Context) -> Verdict:
    """The verdict of the identities `held` (see `principals`), computed once per run
    for each distinct set and shared, with its evidence tuples, by every group that
    runs with the same set (same principals, same labels, same order)."""
    return ctx.shared(("ACI-025 verdict", *held.items()), partial(_verdict, held, ctx))


def _verdict(held: dict[str, str], ctx: Context) -> Verdict:
    each = [
        ctx.shared(("ACI-025 grants", principal, label), partial(_held, principal, label, ctx))
        for principal, label in held.items()
    ]
    if any(h.privileged for h in each):
        return Verdict(
            "; ".join(line for h in each for line in h.lines),
            False,
            _joined([h.privileged for h in each]),
            (),
        )
    tail: tuple[Evidence, ...] = ()
    if not any(h.evidence for h in each):
        tail = (
            Evidence(
                "roleAssignments",
                "none",
                "no privileged role",
                f"{len(held)} identity(ies) with no role assignment",
            ),
        )
    return Verdict("", any(h.unknown for h in each), _joined([h.evidence for h in each]), tail)


def _joined(parts: list[tuple[Evidence, ...]]) -> tuple[Evidence, ...]:
    """The parts in order, as one tuple. When only one part holds anything it is that
    very tuple: a group whose system identity holds no role shares the evidence of its
    user-assigned identity with every other group that uses it."""
    filled = [p for p in parts if p]
    return filled[0] if len(filled) == 1 else tuple(chain.from_iterable(filled))
