"""ACI-025's view of `identityAcls` (container groups, ACI 2026-05-01): which containers
can use each managed identity. `defaultAccess` and `acls[].access` take the
IdentityAccessLevel values All (the platform and the containers), User (the containers)
and System (the platform only: image pulls, secret references)."""

from __future__ import annotations

from typing import Any

from checks.model import Evidence

_WHO = {
    "all": "the containers and the platform can use it",
    "user": "the containers can use it",
    "system": "only the platform can use it, not the containers",
}
EXPECTED = "containers reach only the identities they need"


def acl_evidence(group: dict[str, Any]) -> list[Evidence]:
    """One item for the default and one per identity listed; none when absent."""
    props = group.get("properties")
    acls = props.get("identityAcls") if isinstance(props, dict) else None
    if not isinstance(acls, dict):
        return []
    out = []
    default = acls.get("defaultAccess")
    if isinstance(default, str):
        out.append(
            Evidence(
                "properties.identityAcls.defaultAccess",
                default,
                EXPECTED,
                f"identities not listed: {_WHO.get(default.lower(), 'unknown access level')}",
            )
        )
    items = acls.get("acls")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        access = item.get("access")
        who = _WHO.get(access.lower(), "unknown access level") if isinstance(access, str) else ""
        out.append(
            Evidence(
                f"properties.identityAcls.acls[{i}]",
                {"identity": item.get("identity"), "access": access},
                EXPECTED,
                who or "access level absent",
            )
        )
    return out
