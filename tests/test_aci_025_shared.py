"""ACI-025 at scale: a role verdict is computed once per (principal, role definition),
duplicate (identity, role, scope) assignments count once, and groups that share a
user-assigned identity share the very evidence objects instead of one copy each."""

from __future__ import annotations

from fixtures import result_for, run_check
from test_checks_aci_runtime import (
    ACR_PULL,
    CONTRIBUTOR,
    RG_SCOPE,
    SUB_SCOPE,
    USER_PRINCIPAL,
    assignment,
    definition,
    user_identity_group,
)

from checks.model import Status


def test_duplicate_identity_role_scope_counts_once() -> None:
    cg = user_identity_group()
    others = [
        assignment(USER_PRINCIPAL, ACR_PULL, SUB_SCOPE, n=1),
        assignment(USER_PRINCIPAL, ACR_PULL, SUB_SCOPE, n=2),  # same role, same scope
        assignment(USER_PRINCIPAL, ACR_PULL, RG_SCOPE, n=3),  # another scope: kept
        definition(ACR_PULL, "AcrPull", ["Microsoft.ContainerRegistry/registries/pull/read"]),
    ]
    [res] = [r for r in run_check("ACI-025", [cg, *others]) if r.resource_id == cg["id"]]
    assert res.status is Status.PASS
    assert [ev.observed["scope"] for ev in res.evidence] == [SUB_SCOPE, RG_SCOPE]


def test_groups_sharing_an_identity_share_verdict_and_evidence() -> None:
    first, second = user_identity_group("umi-a"), user_identity_group("umi-b")
    second["id"] = first["id"].rsplit("/", 1)[0] + "/umi-b"
    others = [
        assignment(USER_PRINCIPAL, CONTRIBUTOR, RG_SCOPE, n=1),
        assignment(USER_PRINCIPAL, CONTRIBUTOR, RG_SCOPE, n=2),
    ]
    results = run_check("ACI-025", [first, second, *others])
    a, b = result_for(results, first["id"]), result_for(results, second["id"])
    assert a.status is b.status is Status.FAIL
    assert len(a.evidence) == 1
    assert a.evidence[0] is b.evidence[0]  # shared, not copied
    assert a.message.endswith(f"Contributor at {RG_SCOPE}.")
