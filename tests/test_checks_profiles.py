"""Container group profiles (#12 item 8): the container-group checks that read only the
body also judge profiles, one result per (check, profile), named as a profile.

Shapes after the REST specification, Microsoft.ContainerInstance stable 2025-09-01
(`containerGroupProfiles`: ContainerGroupProfilesGet.json / ContainerGroupProfilesList.json,
copied into tests/data/arm-examples): the body has containers, imageRegistryCredentials,
ipAddress, osType, volumes, sku and revision, but no instanceView and no identity.
"""

from __future__ import annotations

from typing import Any

from fixtures import SUB_ID, load_example, run_check

from aciaudit.redact import redact_in_place
from checks.catalogue import load_catalogue
from checks.model import Status, Target

PROFILES = "Microsoft.ContainerInstance/containerGroupProfiles"
GET = "Microsoft.ContainerInstance/2025-09-01/ContainerGroupProfilesGet.json"
SCOPE = f"/subscriptions/{SUB_ID}"
PID = f"{SCOPE}/resourceGroups/demo/providers/{PROFILES}/demo1"
COLLECTED = (SCOPE, PROFILES, "collected", None, "2025-09-01")


def profile(**container_props: Any) -> dict[str, Any]:
    body = load_example(GET)
    body["id"] = PID
    body["properties"]["containers"][0]["properties"].update(container_props)
    redact_in_place(body)  # as every source does: profiles are redacted like groups
    return body


def results(check_id: str, *resources: dict[str, Any], coverage=(COLLECTED,)) -> list:
    return run_check(check_id, list(resources), coverage=list(coverage), subscriptions=[SCOPE])


def only(check_id: str, res: dict[str, Any], coverage=(COLLECTED,)):
    found = [r for r in results(check_id, res, coverage=coverage) if r.resource_id == res["id"]]
    assert len(found) == 1, found
    return found[0]


def test_catalogue_declares_which_checks_apply_to_profiles() -> None:
    applies = {c.id for c in load_catalogue() if Target.CONTAINER_GROUP_PROFILE in c.also}
    for cid in ("ACI-006", "ACI-007", "ACI-010", "ACI-016", "ACI-018", "ACI-019", "ACI-001"):
        assert cid in applies
    # Checks about what a profile does not carry (instanceView, identity, diagnostics,
    # a deployed address) do not apply.
    for cid in ("ACI-011", "ACI-015", "ACI-025", "ACI-029"):
        assert cid not in applies
    # The contract stays: target is still containerGroups.
    assert all(c.target is Target.CONTAINER_GROUP for c in load_catalogue() if c.also)


def test_plaintext_secret_in_a_profile_fails_and_names_the_profile() -> None:
    res = profile(environmentVariables=[{"name": "DB_PASSWORD", "value": "hunter2-Secret!"}])
    r = only("ACI-006", res)
    assert r.status is Status.FAIL
    assert r.message.startswith("Container group profile 'demo1'")
    assert "hunter2" not in repr(r)
    assert "hunter2" not in repr(res)


def test_privileged_container_in_a_profile_fails_and_a_plain_one_passes() -> None:
    bad = only("ACI-016", profile(securityContext={"privileged": True}))
    assert bad.status is Status.FAIL
    assert "Container group profile 'demo1'" in bad.message
    good = only("ACI-016", profile(securityContext={"privileged": False}))
    assert good.status is Status.PASS


def test_capabilities_and_root_on_profiles() -> None:
    caps = only("ACI-018", profile(securityContext={"capabilities": {"add": ["SYS_ADMIN"]}}))
    assert caps.status is Status.FAIL
    root = only("ACI-019", profile(securityContext={"runAsUser": 0}))
    assert root.status is Status.FAIL


def test_image_checks_run_on_profiles() -> None:
    r = only("ACI-005", profile())  # image "nginx": no tag
    assert r.status is Status.FAIL
    assert r.message.startswith("Container group profile 'demo1'")


def test_key_mounted_share_read_at_2025_09_01_is_not_assessed() -> None:
    # 2025-09-01 shows key references but not identity mounts (2026-05-01).
    r = only("ACI-027", profile())
    assert r.status is Status.NOT_ASSESSED
    assert "2025-09-01" in r.message


def test_network_checks_do_not_run_on_profiles() -> None:
    assert [r for r in results("ACI-011", profile()) if r.resource_id == PID] == []


def test_denied_profile_listing_is_not_assessed_per_subscription() -> None:
    denied = (SCOPE, PROFILES, "denied", "AuthorizationFailed")
    found = results("ACI-006", coverage=(denied,))
    gaps = [r for r in found if r.status is Status.NOT_ASSESSED]
    assert len(gaps) == 1
    assert "Container group profiles in subscription" in gaps[0].message
    assert "AuthorizationFailed" in gaps[0].message
    assert gaps[0].resource_id == f"{SCOPE}/providers/{PROFILES}"


def test_profile_whose_get_failed_is_not_assessed() -> None:
    failed = (PID, PROFILES, "failed", "HTTP 500")
    r = only("ACI-006", profile(), coverage=(COLLECTED, failed))
    assert r.status is Status.NOT_ASSESSED
    assert "could not be read in full" in r.message


def test_a_source_that_cannot_see_profiles_adds_no_result() -> None:
    # An older snapshot, an az export or the demo record no profile coverage at all.
    assert results("ACI-006", coverage=()) == []


def test_profile_without_properties_is_not_assessed() -> None:
    row = {"id": PID, "name": "demo1", "type": PROFILES}
    r = only("ACI-016", row)
    assert r.status is Status.NOT_ASSESSED
    assert "no properties" in r.message


def test_aci_025_shows_which_containers_can_use_each_identity() -> None:
    # identityAcls after the ACI 2026-05-01 ContainerGroup model (IdentityAcls:
    # defaultAccess, acls[].identity/access; IdentityAccessLevel All / System / User).
    from fixtures import container_group

    uami = f"{SCOPE}/resourceGroups/demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pull"
    group = container_group(subscription=SUB_ID)
    group["identity"] = {"type": "SystemAssigned", "principalId": "p-1", "tenantId": "t"}
    group["properties"]["identityAcls"] = {
        "defaultAccess": "System",
        "acls": [{"identity": uami, "access": "User"}],
    }
    (r,) = [x for x in run_check("ACI-025", [group]) if x.resource_id == group["id"]]
    assert r.status is Status.PASS
    acl = {e.path: e for e in r.evidence if e.path.startswith("properties.identityAcls")}
    assert acl["properties.identityAcls.defaultAccess"].note.endswith("not the containers")
    assert acl["properties.identityAcls.acls[0]"].observed == {"identity": uami, "access": "User"}
    assert acl["properties.identityAcls.acls[0]"].note == "the containers can use it"
    assert any(e.path == "roleAssignments" for e in r.evidence)


def test_diff_cannot_call_a_profile_fail_resolved_when_profiles_were_not_read() -> None:
    from fixtures import container_group, make_snapshot

    from aciaudit.diff import Change, diff_runs
    from aciaudit.run import audit

    res = profile(securityContext={"privileged": True})
    group = container_group(subscription=SUB_ID)
    old = audit(make_snapshot([res, group], coverage=[COLLECTED]))
    # The newer input cannot see profiles at all (an az export, an older snapshot).
    new = audit(make_snapshot([group]))
    entry = next(
        e for e in diff_runs(old, new).entries if e.check_id == "ACI-016" and e.resource_id == PID
    )
    assert entry.change is Change.INCOMPARABLE
    assert PROFILES in entry.reason


def test_cce_and_encryption_checks_read_the_profile_body() -> None:
    res = profile()
    res["properties"]["sku"] = "Confidential"  # and no confidentialComputeProperties
    cce = only("ACI-021", res)
    assert cce.status is Status.FAIL
    assert cce.message.startswith("Container group profile 'demo1'")
    cmk = only("ACI-028", profile())
    assert cmk.status is Status.FAIL
    assert cmk.message.startswith("Container group profile 'demo1'")


def test_the_loader_refuses_also_outside_container_group_checks() -> None:
    import pytest

    from checks.catalogue.loader import Source, build_catalogue, decode
    from checks.catalogue.schema import Family
    from checks.registry import CatalogueError

    text = """
prefix = "ACR"
[[checks]]
id = "ACR-900"
title = "t"
severity = "low"
sections = ["S1"]
target = "Microsoft.ContainerRegistry/registries"
also = ["Microsoft.ContainerInstance/containerGroupProfiles"]
rationale = "r"
remediation = "r"
learn_url = "https://example.invalid"
"""
    family = decode(text, "x.toml", Family)
    with pytest.raises(CatalogueError, match=r"\.also: only a container-group check"):
        build_catalogue([Source("x.toml", family, "x.py", ())])


def test_the_markdown_report_offers_no_container_command_for_a_profile() -> None:
    # Every report fills commands through Check.az_for, which has none for a profile: a
    # container group command would name a group that happens to share the name.
    from fixtures import make_snapshot

    from aciaudit.reports import render
    from aciaudit.run import audit

    res = profile(image="docker.io/someone/tool:1")
    snap = make_snapshot([res], coverage=[COLLECTED], subscriptions=[SCOPE])
    run = audit(snap)
    with_az = [
        r
        for r in run.results
        if r.resource_id == PID and r.status is Status.FAIL and run.check(r).az is not None
    ]
    assert with_az, "the profile should fail a check that has an az command for groups"
    assert all(run.check(r).az_for(PID) is None for r in with_az)
    assert "--name demo1" not in render(run, "markdown")
