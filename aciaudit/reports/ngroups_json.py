"""NGroups in the JSON report (#12 item 8): inventory only — each NGroup's identity and
the container group profiles it creates groups from. Absent when there are none."""

from __future__ import annotations

from typing import Any

from aciaudit.run import Run
from checks.kinds import NGROUPS


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def ngroups_json(run: Run) -> list[dict[str, Any]]:
    out = []
    for res in run.index.of_type(NGROUPS):
        identity = _dict(res.get("identity"))
        stubs = _dict(res.get("properties")).get("containerGroupProfiles")
        profiles = []
        for stub in stubs if isinstance(stubs, list) else []:
            stub = _dict(stub)
            profiles.append(
                {"id": _dict(stub.get("resource")).get("id"), "revision": stub.get("revision")}
            )
        out.append(
            {
                "id": res.get("id"),
                "name": res.get("name"),
                "identity": {
                    "type": identity.get("type"),
                    "principalId": identity.get("principalId"),
                    "userAssignedIdentities": sorted(_dict(identity.get("userAssignedIdentities"))),
                },
                "containerGroupProfiles": profiles,
            }
        )
    return out
