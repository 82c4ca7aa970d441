"""The engine and the index: coverage semantics, ordering, case-insensitivity, one result
per (check, resource), MANUAL items, crash containment, unknown types."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from fixtures import (
    SUB,
    SUB_ID,
    audit_logs,
    cache_rule,
    clone,
    container_group,
    diagnostic_setting,
    make_snapshot,
    metric_alert,
    pricings,
    registry,
    result_for,
    role_assignments,
    role_definition,
    run_check,
    token,
    workspace,
)

from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.kinds import AUDITED_KINDS
from checks.model import ESTATE_SCOPE, Outcome, Result, Severity, Status, Target, passed
from checks.registry import Check
from checks.snapshot import CoverageEntry, CoverageStatus, Subscription

REGISTRIES = "Microsoft.ContainerRegistry/registries"
GROUPS = "Microsoft.ContainerInstance/containerGroups"
DIAG = "Microsoft.Insights/diagnosticSettings"
TOKENS = "Microsoft.ContainerRegistry/registries/tokens"
SUB2_ID = "22222222-2222-2222-2222-222222222222"
SUB2 = f"/subscriptions/{SUB2_ID}"
RG = f"{SUB}/resourceGroups/myResourceGroup"
DENIED = "AuthorizationFailed: The client 'x' does not have authorization to perform action 'Microsoft.ContainerRegistry/registries/read'"


def catalogue_ids(prefix: str) -> list[str]:
    return [c.id for c in load_catalogue() if c.id.startswith(prefix)]


def entry(scope: str, kind: str, status: str, detail: str | None = None, api: str | None = None):
    return CoverageEntry(scope, kind, CoverageStatus(status), api, detail)


def estate() -> list[dict[str, Any]]:
    """Two subscriptions, registries with children, groups, side data, unknown types."""
    reg_a = registry(name="alpha", sku="Premium")
    reg_b = registry(name="Bravo")
    reg_c = registry(name="charlie", subscription=SUB2_ID)
    group_a = container_group(name="web", subscription=SUB_ID)
    group_b = container_group(name="Api", subscription=SUB2_ID)
    vnet = {
        "id": f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet1",
        "type": "Microsoft.Network/virtualNetworks",
        "name": "vnet1",
        "properties": {},
    }
    return [
        reg_a,
        reg_b,
        reg_c,
        group_a,
        group_b,
        token(reg_a, "ci", status="enabled"),
        cache_rule(reg_b, "hub"),
        diagnostic_setting(reg_a["id"], "audit", logs=audit_logs(), destination=workspace()),
        diagnostic_setting(SUB, "activity"),
        *pricings(SUB),
        *pricings(SUB2, Containers=False),
        metric_alert(scopes=[group_a["id"]]),
        *role_assignments(),
        role_definition(),
        vnet,
    ]


def key(results: list[Result]) -> list[tuple[Any, ...]]:
    return [(r.check_id, r.resource_id, r.status, r.message, r.evidence) for r in results]


# --- coverage semantics ------------------------------------------------------------------


def test_collected_at_an_ancestor_scope_counts() -> None:
    reg = registry()
    child = token(reg)
    for scope in (SUB, RG, reg["id"]):
        index = Index(
            make_snapshot([reg, child], [entry(scope, TOKENS, "collected")], default_coverage=False)
        )
        assert index.is_collected(TOKENS, reg["id"])
        assert index.is_collected(TOKENS, child["id"])
        assert index.missing_reason(TOKENS, reg["id"]) is None


def test_most_specific_entry_wins() -> None:
    reg, other = registry(), registry(name="other")
    index = Index(
        make_snapshot(
            [reg, other],
            [
                entry(SUB, DIAG, "collected", api="2021-05-01-preview"),
                entry(
                    reg["id"], DIAG, "denied", "AuthorizationFailed: nope", api="2017-05-01-preview"
                ),
            ],
            default_coverage=False,
        )
    )
    assert index.missing_reason(DIAG, reg["id"]) == f"{DIAG} denied (AuthorizationFailed: nope)"
    assert index.api_version(DIAG, reg["id"]) == "2017-05-01-preview"
    assert index.missing_reason(DIAG, other["id"]) is None
    assert index.api_version(DIAG, other["id"]) == "2021-05-01-preview"

    # … and the other way round: collected below a denied subscription.
    index = Index(
        make_snapshot(
            [reg, other],
            [entry(SUB, DIAG, "denied", "no"), entry(reg["id"], DIAG, "collected")],
            default_coverage=False,
        )
    )
    assert index.is_collected(DIAG, reg["id"])
    assert not index.is_collected(DIAG, other["id"])


@pytest.mark.parametrize(
    ("status", "detail", "reason"),
    [
        ("denied", "AuthorizationFailed: x", f"{DIAG} denied (AuthorizationFailed: x)"),
        ("failed", "HttpResponseError: 500", f"{DIAG} failed (HttpResponseError: 500)"),
        ("not_collected", None, f"{DIAG} not collected"),
        ("not_collected", "skipped", f"{DIAG} not collected (skipped)"),
    ],
)
def test_missing_reason_cites_status_and_detail(
    status: str, detail: str | None, reason: str
) -> None:
    reg = registry()
    index = Index(make_snapshot([reg], [entry(SUB, DIAG, status, detail)], default_coverage=False))
    assert index.missing_reason(DIAG, reg["id"]) == reason
    assert not index.is_collected(DIAG, reg["id"])


def test_missing_entry_is_not_collected() -> None:
    reg = registry()
    index = Index(make_snapshot([reg], default_coverage=False))
    assert index.coverage(DIAG, reg["id"]) is None
    assert index.missing_reason(DIAG, reg["id"]) == f"{DIAG} was not collected for this scope"
    assert index.api_version(DIAG, reg["id"]) is None


def test_coverage_of_another_subscription_does_not_count() -> None:
    reg = registry()
    index = Index(make_snapshot([reg], [entry(SUB2, DIAG, "collected")], default_coverage=False))
    assert not index.is_collected(DIAG, reg["id"])


def test_coverage_scopes_and_kinds_are_case_insensitive() -> None:
    reg = registry()
    index = Index(
        make_snapshot(
            [reg],
            [entry(SUB.upper() + "/", DIAG.lower(), "collected")],
            default_coverage=False,
        )
    )
    assert index.is_collected(DIAG, reg["id"])
    assert index.is_collected(DIAG.upper(), reg["id"].lower())


def test_default_fixture_coverage_is_complete() -> None:
    snap = make_snapshot([registry(), container_group()])
    scopes = {c.scope for c in snap.coverage}
    assert scopes == {SUB, "/subscriptions/subid"}
    assert {c.kind for c in snap.coverage} == set(AUDITED_KINDS)
    assert all(c.status is CoverageStatus.COLLECTED for c in snap.coverage)


# --- a subscription whose listing is missing ----------------------------------------------


@pytest.mark.parametrize(
    ("status", "detail", "reason"),
    [
        ("denied", DENIED, f"{REGISTRIES} denied ({DENIED})"),
        ("failed", "timeout", f"{REGISTRIES} failed (timeout)"),
        ("not_collected", None, f"{REGISTRIES} not collected"),
    ],
)
def test_unreadable_registry_listing_is_reported_per_acr_check(
    status: str, detail: str | None, reason: str
) -> None:
    snap = make_snapshot(
        estate(),
        [entry(SUB2, REGISTRIES, status, detail)],
        subscriptions=[Subscription(SUB_ID, "Prod"), Subscription(SUB2_ID, "Dev")],
    )
    results = evaluate(Index(snap))
    at_sub2 = [r for r in results if r.resource_id == SUB2]
    acr = [r for r in at_sub2 if r.check_id.startswith("ACR-")]
    assert [r.check_id for r in acr] == catalogue_ids("ACR-")
    for r in acr:
        assert r.status is Status.NOT_ASSESSED
        assert r.message == f"Registries in subscription 'Dev' could not be read: {reason}."
    # The registry that was seen there is still assessed; Prod is untouched.
    assert any(r.resource_id.endswith("/registries/charlie") for r in results)
    assert not [r for r in results if r.resource_id == SUB and r.check_id.startswith("ACR-")]
    # Container group checks in Dev were readable: no subscription-level result for them.
    assert not [r for r in at_sub2 if r.check_id.startswith("ACI-")]


def test_unreadable_group_listing_is_reported_per_aci_check() -> None:
    snap = make_snapshot(estate(), [entry(SUB, GROUPS, "denied", "AuthorizationFailed")])
    results = evaluate(Index(snap))
    aci = [r for r in results if r.resource_id == SUB and r.check_id.startswith("ACI-")]
    assert [r.check_id for r in aci] == catalogue_ids("ACI-")
    assert all(r.status is Status.NOT_ASSESSED for r in aci)
    assert all(r.message.startswith(f"Container groups in subscription '{SUB_ID}'") for r in aci)


def test_subscription_known_only_from_the_list_is_not_assessed_for_acr() -> None:
    # make_snapshot adds default coverage for listed subscriptions too: drop it.
    results = run_check(
        "ACR-001",
        [registry()],
        subscriptions=[Subscription(SUB2_ID, "Empty")],
        omit=[(SUB2, REGISTRIES)],
    )
    gap = result_for(results, SUB2)
    assert gap.status is Status.NOT_ASSESSED
    assert gap.message == (
        f"Registries in subscription 'Empty' could not be read: {REGISTRIES} was not "
        "collected for this scope."
    )


# --- determinism, case, one result per (check, resource) ------------------------------------


def test_evaluation_is_deterministic_under_shuffled_input() -> None:
    base = estate()
    first = evaluate(Index(make_snapshot(base)))
    rng = random.Random(20240501)
    for _ in range(5):
        shuffled = clone(base)
        rng.shuffle(shuffled)
        coverage = make_snapshot(shuffled).coverage
        rng.shuffle(coverage)
        again = evaluate(Index(make_snapshot(shuffled, coverage, default_coverage=False)))
        assert key(again) == key(first)


def test_results_follow_catalogue_then_resource_id_order() -> None:
    results = evaluate(Index(make_snapshot(estate())))
    order = [c.id for c in load_catalogue()]
    assert [c for c in dict.fromkeys(r.check_id for r in results)] == order
    for cid in order:
        ids = [r.resource_id for r in results if r.check_id == cid]
        if cid.startswith(("ACR", "ACI")):
            assert ids == sorted(ids, key=str.lower)
    assert [r.resource_id for r in results if r.check_id == "ACR-001"] == [
        f"{RG}/providers/Microsoft.ContainerRegistry/registries/alpha",
        f"{RG}/providers/Microsoft.ContainerRegistry/registries/Bravo",
        f"{SUB2}/resourceGroups/myResourceGroup/providers/Microsoft.ContainerRegistry/registries/charlie",
    ]


def test_one_result_per_check_and_resource() -> None:
    index = Index(make_snapshot(estate()))
    results = evaluate(index)
    counts = Counter((r.check_id, r.resource_id.lower()) for r in results)
    assert max(counts.values()) == 1
    # Two audited subscriptions plus the two the role assignment / definition ids name.
    n_regs, n_groups, n_subs = 3, 2, len(index.subscriptions)
    assert n_subs == 4
    per_check = Counter(r.check_id for r in results)
    for chk in load_catalogue():
        expected = {
            Target.REGISTRY: n_regs,
            Target.CONTAINER_GROUP: n_groups,
            Target.SUBSCRIPTION: n_subs,
            Target.ESTATE: 1,
        }[chk.target]
        assert per_check[chk.id] == expected, chk.id


def test_duplicate_resource_yields_one_result() -> None:
    reg = registry()
    graph_row = clone(reg)
    graph_row["id"] = reg["id"].lower()
    graph_row["type"] = REGISTRIES.lower()
    results = run_check("ACR-001", [reg, graph_row])
    assert len([r for r in results if r.resource_id.lower() == reg["id"].lower()]) == 1


def test_resource_graph_lowercase_types_and_ids() -> None:
    reg = registry()
    reg["type"] = "microsoft.containerregistry/registries"
    reg["id"] = reg["id"].lower()
    child = token(reg, "lower", status="enabled")
    child["type"] = child["type"].lower()
    setting = diagnostic_setting(reg["id"], "audit", logs=audit_logs(), destination=workspace())
    setting["type"] = DIAG.lower()
    group = container_group(subscription=SUB_ID)
    group["type"] = GROUPS.lower()
    resources = [reg, child, setting, group]
    coverage = [entry(SUB, k.lower(), "collected") for k in AUDITED_KINDS]
    index = Index(make_snapshot(resources, coverage, default_coverage=False))
    assert index.of_type(REGISTRIES) == [reg]
    assert index.of_type(GROUPS.upper()) == [group]
    assert index.get(reg["id"].upper()) == reg
    assert index.owned_by(reg["id"].upper(), TOKENS) == [child]
    assert index.diagnostic_settings(reg["id"]) == [setting]
    results = evaluate(index)
    assert (
        result_for([r for r in results if r.check_id == "ACR-006"], reg["id"]).status is Status.PASS
    )
    assert (
        result_for([r for r in results if r.check_id == "ACR-012"], reg["id"]).status is Status.FAIL
    )
    assert len([r for r in results if r.check_id == "ACI-011"]) == 1


# --- MANUAL ---------------------------------------------------------------------------------


def test_manual_results_sit_at_the_estate_scope() -> None:
    results = evaluate(Index(make_snapshot(estate())))
    manual = [r for r in results if r.status is Status.MANUAL]
    assert [r.check_id for r in manual] == catalogue_ids("MAN-")
    assert {r.resource_id for r in manual} == {ESTATE_SCOPE} == {"/"}
    assert results[-len(manual) :] == manual


def test_empty_snapshot_yields_only_manual_items() -> None:
    results = evaluate(Index(make_snapshot([])))
    assert [(r.check_id, r.status) for r in results] == [
        (cid, Status.MANUAL) for cid in catalogue_ids("MAN-")
    ]


# --- crash containment ---------------------------------------------------------------------


def crashing_check(exc: Exception, target: Target = Target.REGISTRY) -> Check:
    def boom(resource: dict[str, Any], ctx: Any) -> Outcome:
        if resource.get("name") == "weird":
            raise exc
        return passed(f"'{resource.get('name')}' fine")

    return Check(
        id="TST-001",
        title="crashes on one shape",
        severity=Severity.LOW,
        sections=("S1",),
        target=target,
        rationale="",
        remediation="",
        learn_url="",
        evaluate=boom,
    )


@pytest.mark.parametrize(
    "exc", [KeyError("x"), TypeError("x"), AttributeError("x"), ValueError("x"), IndexError("x")]
)
def test_crashing_check_yields_not_assessed(exc: Exception) -> None:
    weird, fine = registry(name="weird"), registry(name="fine")
    results = evaluate(Index(make_snapshot([weird, fine])), checks=[crashing_check(exc)])
    bad = result_for(results, weird["id"])
    assert bad.status is Status.NOT_ASSESSED
    assert bad.message == (
        f"'weird' not assessed: unexpected resource shape ({type(exc).__name__})."
    )
    assert result_for(results, fine["id"]).status is Status.PASS


def test_real_check_on_a_weird_token_shape_is_contained() -> None:
    """A token whose `name` is a list makes ACR-012 build an unhashable dict key."""
    reg = registry()
    odd = token(reg, "odd", status="enabled")
    odd["name"] = ["odd"]
    result = run_check("ACR-012", [reg, odd])
    (only,) = result
    assert only.status is Status.NOT_ASSESSED
    assert only.message == "'myRegistry' not assessed: unexpected resource shape (TypeError)."


WEIRD_PROPERTIES = [[], "text", None, 42, {}]


@pytest.mark.parametrize("props", WEIRD_PROPERTIES, ids=lambda p: type(p).__name__)
def test_whole_catalogue_survives_weird_shapes(props: Any) -> None:
    resources: list[dict[str, Any]] = []
    for rtype in (REGISTRIES, GROUPS):
        resources.append(
            {
                "id": f"{RG}/providers/{rtype}/w",
                "type": rtype,
                "name": "w",
                "properties": clone(props),
                "sku": clone(props),
                "identity": clone(props),
            }
        )
    resources.append(
        {
            "id": f"{SUB}/providers/Microsoft.Security/pricings/Containers",
            "type": "Microsoft.Security/pricings",
            "name": "Containers",
            "properties": clone(props),
        }
    )
    results = evaluate(Index(make_snapshot(resources)))
    assert results
    for r in results:
        assert r.status is not Status.PASS or r.evidence, r


NO_PROPERTIES_PASSES = {"ACI-006", "ACI-007", "ACI-011", "ACI-012", "ACI-023"}


@pytest.mark.parametrize(
    "check_id",
    [
        pytest.param(
            cid,
        )
        if cid in NO_PROPERTIES_PASSES
        else cid
        for cid in catalogue_ids("ACI-")
    ],
)
def test_group_without_properties_never_passes(check_id: str) -> None:
    bare = {"id": f"{RG}/providers/{GROUPS}/bare", "type": GROUPS, "name": "bare"}
    (result,) = run_check(check_id, [bare])
    assert result.status is not Status.PASS, result


# --- unknown types ---------------------------------------------------------------------------


def test_unknown_types_are_kept_and_counted() -> None:
    resources = estate()
    resources.append(
        {
            "id": f"{RG}/providers/microsoft.network/virtualnetworks/vnet2",
            "type": "microsoft.network/virtualnetworks",
            "name": "vnet2",
        }
    )
    snap = make_snapshot(resources)
    index = Index(snap)
    counts = index.type_counts()
    assert counts["Microsoft.Network/virtualNetworks"] == 2  # first spelling wins
    assert "microsoft.network/virtualnetworks" not in counts
    assert counts[REGISTRIES] == 3
    assert counts[GROUPS] == 2
    assert counts["Microsoft.Authorization/roleAssignments"] == 1
    assert counts["Microsoft.Authorization/roleDefinitions"] == 1
    assert counts["Microsoft.Security/pricings"] == len(pricings()) * 2
    assert sum(counts.values()) == len(snap.resources)
    assert len(index.of_type("MICROSOFT.NETWORK/VIRTUALNETWORKS")) == 2
    results = evaluate(index)
    assert not [r for r in results if "virtualNetworks" in r.resource_id]


def test_subscriptions_come_from_list_ids_and_coverage() -> None:
    reg = registry()
    third = "33333333-3333-3333-3333-333333333333"
    snap = make_snapshot(
        [reg, *role_assignments()],
        [entry(f"/subscriptions/{third}", DIAG, "denied")],
        subscriptions=[Subscription(SUB2_ID, "Zulu"), Subscription(SUB_ID, "alpha")],
    )
    subs = Index(snap).subscriptions
    assert [s.subscription_id for s in subs] == [
        third,  # unnamed: labelled by its id ("3333…" sorts before letters)
        "a925f2f7-5c63-4b7b-8799-25a5f97bc3b2",  # from the role assignment's id
        SUB_ID,
        SUB2_ID,
    ]
    assert [s.label for s in subs][2:] == ["alpha", "Zulu"]


def test_evaluate_defaults_to_the_whole_catalogue() -> None:
    results = evaluate(Index(make_snapshot([])))
    assert {r.check_id for r in results} == set(catalogue_ids("MAN-"))
    results = evaluate(Index(make_snapshot(estate())))
    assert {r.check_id for r in results} == {c.id for c in load_catalogue()}


# --- remediation commands --------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [c for c in catalogue_ids("ACR-") + catalogue_ids("SUB-")])
def test_az_commands_fill_every_slot(check_id: str) -> None:
    chk = load_catalogue()[check_id]
    target = SUB if chk.target is Target.SUBSCRIPTION else f"{RG}/providers/{REGISTRIES}/myRegistry"
    command = chk.az_for(target)
    if chk.az is None:
        assert command is None
        return
    assert command is not None and command.startswith("az ")
    for slot in ("{name}", "{resource_group}", "{subscription}", "{id}"):
        assert slot not in command
    if "{subscription}" in chk.az:
        assert SUB_ID in command


def test_az_command_quotes_hostile_names() -> None:
    chk = load_catalogue()["ACR-001"]
    command = chk.az_for(f"{SUB}/resourceGroups/rg x/providers/{REGISTRIES}/r$(id);ls")
    assert command is not None
    assert "--name 'r$(id);ls'" in command
    assert "--resource-group 'rg x'" in command
