"""Evidence shared between results, and the JSON writer's reuse of its bytes.

ACI-025 judges each distinct set of identities once and hands the same evidence tuple
to every group that runs with it; the JSON writer encodes a long tuple once per object,
and splices a shared tuple's bytes into a longer one that starts or ends with its very
items. Each case here checks the outcome against what an unshared evaluation or the
plain encoding says, so a cache keyed too loosely shows as a wrong line.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from fixtures import make_snapshot, run_check
from test_checks_aci_runtime import (
    ACR_PULL,
    OWNER,
    READER,
    SUB_SCOPE,
    USER_PRINCIPAL,
    assignment,
    user_identity_group,
)
from test_report_json import REG, REG2, make_run
from test_report_json_lines import reference, result_lines

from aciaudit.reports.json_report import SHARED_MIN, dumps, encode
from aciaudit.run import audit
from checks.model import Evidence, Result, Status

N_GRANTS = SHARED_MIN + 2  # long enough for the writer's shared-tuple path
UMI = "user-assigned identity container-group-identity"
SECOND_PRINCIPAL = "cccccccc-0000-4000-8000-000000000003"


def _rg(i: int) -> str:
    return f"{SUB_SCOPE}/resourceGroups/rg-{i:02d}"


def _shared_identity_grants() -> list[dict[str, Any]]:
    return [
        assignment(USER_PRINCIPAL, (ACR_PULL, READER)[i % 2], _rg(i), n=i) for i in range(N_GRANTS)
    ]


def _group(
    name: str, system: str | None = None, acls: bool = False, second: bool = False
) -> dict[str, Any]:
    """A group running with the shared user-assigned identity, and optionally a system
    identity of its own (`system`: its principal id), a second user-assigned identity
    after it (`second`) and identityAcls."""
    cg = user_identity_group(name)
    cg["id"] = cg["id"].rsplit("/", 1)[0] + f"/{name}"
    if second:
        [uid] = cg["identity"]["userAssignedIdentities"]
        other = uid.rsplit("/", 1)[0] + "/second"
        cg["identity"]["userAssignedIdentities"][other] = {"principalId": SECOND_PRINCIPAL}
    if system is not None:
        cg["identity"]["type"] = "SystemAssigned, UserAssigned"
        cg["identity"]["principalId"] = system
    if acls:
        cg["properties"]["identityAcls"] = {"defaultAccess": "System", "acls": []}
    return cg


def _estate() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    groups = {
        "plain-a": _group("plain-a"),
        "plain-b": _group("plain-b"),
        # A system identity with no role: the evidence is the shared identity's alone.
        "sys-none": _group("sys-none", system="dddddddd-0000-4000-8000-000000000004"),
        # A system identity with a narrow role: its grant, then the shared ones.
        "sys-reader": _group("sys-reader", system="eeeeeeee-0000-4000-8000-000000000005"),
        # A system identity with Owner: FAIL, with that grant only.
        "sys-owner": _group("sys-owner", system="ffffffff-0000-4000-8000-000000000006"),
        # A second user-assigned identity after the shared one: its grant follows.
        "two-users": _group("two-users", second=True),
        # The same identity with identityAcls: the group's own items follow.
        "acls": _group("acls", acls=True),
    }
    others = [
        *_shared_identity_grants(),
        assignment("eeeeeeee-0000-4000-8000-000000000005", READER, _rg(90), n=90),
        assignment("ffffffff-0000-4000-8000-000000000006", OWNER, _rg(91), n=91),
        assignment(SECOND_PRINCIPAL, ACR_PULL, _rg(92), n=92),
    ]
    return groups, others


def _scopes(result: Result) -> list[tuple[str, str]]:
    return [
        (ev.observed["identity"], ev.observed["scope"]) if isinstance(ev.observed, dict) else
        (ev.path, ev.observed)
        for ev in result.evidence
    ]  # fmt: skip


def test_groups_with_one_identity_share_its_evidence_and_differ_where_they_differ() -> None:
    groups, others = _estate()
    results = {
        r.resource_id.rsplit("/", 1)[-1]: r
        for r in run_check("ACI-025", [*groups.values(), *others])
    }
    shared = [(UMI, _rg(i)) for i in range(N_GRANTS)]
    assert _scopes(results["plain-a"]) == shared
    assert results["plain-a"].status is Status.PASS
    # The very same tuple, also for a group whose own identity holds nothing.
    assert results["plain-b"].evidence is results["plain-a"].evidence
    assert results["sys-none"].evidence is results["plain-a"].evidence
    # Different assignments, different evidence, each judged on its own.
    assert _scopes(results["sys-reader"]) == [("system-assigned identity", _rg(90)), *shared]
    assert results["sys-reader"].status is Status.PASS
    assert _scopes(results["sys-owner"]) == [("system-assigned identity", _rg(91))]
    assert results["sys-owner"].status is Status.FAIL
    assert "Owner at" in results["sys-owner"].message
    assert _scopes(results["two-users"]) == [
        *shared,
        ("user-assigned identity second", _rg(92)),
    ]
    assert _scopes(results["acls"]) == [
        *shared,
        ("properties.identityAcls.defaultAccess", "System"),
    ]
    # Each message names its own group, though the verdict is shared.
    assert "'plain-b'" in results["plain-b"].message


def test_a_group_and_its_identity_alone_give_the_same_verdict_as_in_a_crowd() -> None:
    """Sharing must not leak one group's evidence into another's: each group evaluated
    alone says what it says among the others."""
    groups, others = _estate()
    crowd = run_check("ACI-025", [*groups.values(), *others])
    by_id = {r.resource_id: r for r in crowd}
    for group in groups.values():
        [alone] = [r for r in run_check("ACI-025", [group, *others]) if r.check_id == "ACI-025"]
        assert by_id[alone.resource_id] == alone


def test_the_json_report_of_shared_evidence_is_the_plain_encoding() -> None:
    groups, others = _estate()
    # Twice over, so every shared tuple is met again after it was cached.
    more = [
        _group(f"{name}-2", **kw)
        for name, kw in (("plain", {}), ("acls", {"acls": True}), ("two", {"second": True}))
    ]
    run = audit(make_snapshot([*groups.values(), *more, *others]))
    lines = result_lines(dumps(run))
    assert len(lines) == len(run.results)
    for line, result in zip(lines, run.results, strict=True):
        assert line == encode(reference(run, result)).decode(), result.resource_id


def _ev(i: int, observed: Any = None) -> Evidence:
    return Evidence("roleAssignments", {"n": i} if observed is None else observed, "x")


def test_the_writer_splices_only_the_very_items_of_a_shared_tuple() -> None:
    """Tuples that start or end like a cached one but hold other objects (one equal to
    the cached item, True where it held 1) are encoded as themselves."""
    block = tuple(_ev(i) for i in range(SHARED_MIN))
    own = _ev(100)
    one, true = _ev(7, {"flag": 1}), _ev(7, {"flag": True})
    assert one == true  # equal tuples, different JSON
    with_one = (*block[:-1], one)
    with_true = (*block[:-1], true)
    cases = [
        block,
        block,  # cached from here
        (own, *block),  # ends with the block: spliced
        (*block, own),  # starts with it: spliced
        (*block[:-1], _ev(SHARED_MIN - 1), own),  # same first items, another last one
        (own, _ev(0), *block[1:]),  # same last items, another first one
        with_one,
        with_one,  # cached
        (*with_true, own),  # starts with with_one's first item, not its last
        (own, *block[:3], true),  # ends with with_true's item, equal to with_one's
        (*block, *block),  # the block twice
    ]
    base = make_run()
    results = [
        Result("ACR-001", (REG, REG2)[i % 2], Status.PASS, f"case {i}", ev)
        for i, ev in enumerate(cases)
    ]
    run = replace(base, results=results)
    lines = result_lines(dumps(run))
    assert lines == [encode(reference(run, r)).decode() for r in results]
    assert '"flag":true' in lines[8] and '"flag":1' in lines[7]


def test_the_last_line_ends_the_array_whichever_encoder_wrote_it() -> None:
    """The writer ends every line with a comma and takes it off the last one: a last
    result only the standard encoder can write, and a run of one result, both parse."""
    base = make_run()
    ok = Result("ACR-001", REG, Status.PASS, "fine", (_ev(1),))
    huge = Result("ACR-001", REG2, Status.FAIL, "huge", (_ev(2, {"big": 2**70}),))
    for results in ([ok, huge], [huge], [ok], [ok, Result(*ok[:4], tuple(map(_ev, range(9))))]):
        run = replace(base, results=results)
        text = dumps(run)
        assert [r["message"] for r in json.loads(text)["results"]] == [r.message for r in results]
        assert result_lines(text) == [encode(reference(run, r)).decode() for r in results]
        assert text.endswith("}\n  ]\n}\n")
