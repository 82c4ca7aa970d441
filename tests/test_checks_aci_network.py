"""Network exposure, logging and encryption: ACI-011 … ACI-015, ACI-028."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures import (
    ACI_API,
    ACI_OLD_API,
    DELETE,
    category_logs,
    container_group,
    diagnostic_setting,
    run_one,
    workspace,
)

from checks.model import Evidence, Result, Status

CG = "Microsoft.ContainerInstance/containerGroups"
DIAG = "Microsoft.Insights/diagnosticSettings"
GET = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsGet_Succeeded.json"
CREATE = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdate.json"
ENCRYPTED = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupEncryptionProperties.json"
SECRET_REF = (
    f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdateSecretReference.json"
)
OLD_GET = f"Microsoft.ContainerInstance/{ACI_OLD_API}/ContainerGroupsGet_Failed.json"
SUBNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet1/subnets/aci"
)


def by_path(result: Result) -> dict[str, Evidence]:
    return {ev.path: ev for ev in result.evidence}


def ip(kind: str | None, *ports: int, **extra: Any) -> dict[str, Any]:
    """An ipAddress block like the examples' (`kind=None` leaves the type out)."""
    out: dict[str, Any] = {"ports": [{"port": p, "protocol": "TCP"} for p in ports], **extra}
    if kind is not None:
        out["type"] = kind
    return out


def with_ip(address: dict[str, Any] | None, name: str = "net") -> dict[str, Any]:
    """Get_Succeeded with its whole ipAddress replaced (None removes it)."""
    cg = container_group(name=name)
    if address is None:
        cg["properties"].pop("ipAddress")
    else:
        cg["properties"]["ipAddress"] = address
    return cg


# --- ACI-011 ------------------------------------------------------------------------


def test_aci_011_example_public_ip_fails() -> None:
    res = run_one("ACI-011", container_group())
    assert res.status is Status.FAIL
    assert res.message == "Container group 'demo1' has a public IP address (10.0.0.1)."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.ipAddress.type", "Public")


@pytest.mark.parametrize(
    ("address", "status", "shown"),
    [
        (ip("Public", 80), Status.FAIL, "Public"),
        (ip("public", 80), Status.FAIL, "public"),
        (ip("PUBLIC", 80), Status.FAIL, "PUBLIC"),
        (ip("Private", 80), Status.PASS, "Private"),
        (ip("private", 80), Status.PASS, "private"),
        (None, Status.PASS, "<absent>"),
    ],
)
def test_aci_011_type(address: dict[str, Any] | None, status: Status, shown: str) -> None:
    res = run_one("ACI-011", with_ip(address))
    assert res.status is status
    assert "'net'" in res.message
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.ipAddress.type", shown)
    if status is Status.FAIL:
        # No `ip` in the edited block: the message does not invent one.
        assert res.message == "Container group 'net' has a public IP address."


def test_aci_011_older_api_version_example() -> None:
    res = run_one("ACI-011", container_group(base=OLD_GET), api_versions={CG: ACI_OLD_API})
    assert res.status is Status.FAIL


# --- ACI-012 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "status", "named"),
    [
        (ip("Public", 22), Status.FAIL, ["22 (SSH)"]),
        (ip("Public", 3306), Status.FAIL, ["3306 (MySQL)"]),
        (ip("public", 80, 6379), Status.FAIL, ["6379 (Redis)"]),
        (ip("Public", 80, 22, 3389, 443), Status.FAIL, ["22 (SSH)", "3389 (RDP)"]),
        (ip("Public", 2375, 27017), Status.FAIL, ["2375 (Docker API)", "27017 (MongoDB)"]),
        (ip("Public", 80, 443), Status.PASS, []),
        (ip("Public"), Status.PASS, []),
    ],
)
def test_aci_012_public_ports(address: dict[str, Any], status: Status, named: list[str]) -> None:
    res = run_one("ACI-012", with_ip(address))
    assert res.status is status
    assert "'net'" in res.message
    evs = by_path(res)
    assert evs["properties.ipAddress.type"].observed == address["type"]
    assert evs["properties.ipAddress.ports[*].port"].observed == [
        p["port"] for p in address["ports"]
    ]
    if named:
        assert res.message == f"Container group 'net' exposes {', '.join(named)} to the internet."
    else:
        assert res.message == "Container group 'net' exposes no administrative or database port."


@pytest.mark.parametrize(
    "address",
    [ip("Private", 22), ip("private", 22, 3306), None],
    ids=["Private", "private", "no-ip"],
)
def test_aci_012_private_or_no_ip_passes_whatever_the_port(address: dict[str, Any] | None) -> None:
    res = run_one("ACI-012", with_ip(address))
    assert res.status is Status.PASS
    assert res.message == "Container group 'net' exposes no port to the internet."
    [ev] = res.evidence
    assert ev.path == "properties.ipAddress.type"


def test_aci_012_example_public_port_80_passes() -> None:
    res = run_one("ACI-012", container_group())
    assert res.status is Status.PASS
    assert by_path(res)["properties.ipAddress.ports[*].port"].observed == [80]


# --- ACI-013 ------------------------------------------------------------------------


def test_aci_013_subnet_ids_pass() -> None:
    cg = container_group(name="vnet", properties={"subnetIds": [{"id": SUBNET, "name": "aci"}]})
    res = run_one("ACI-013", cg)
    assert res.status is Status.PASS
    assert res.message == "Container group 'vnet' runs in a virtual network."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.subnetIds", [SUBNET])


def test_aci_013_legacy_network_profile_passes() -> None:
    profile = {"id": SUBNET.replace("virtualNetworks/vnet1/subnets/aci", "networkProfiles/np1")}
    cg = container_group(name="vnet", properties={"networkProfile": profile})
    res = run_one("ACI-013", cg)
    assert res.status is Status.PASS
    assert "legacy network profile" in res.message
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.networkProfile", profile)


@pytest.mark.parametrize(
    ("subnets", "shown"), [(DELETE, "<absent>"), ([], [])], ids=["absent", "empty"]
)
def test_aci_013_no_subnet_fails(subnets: Any, shown: Any) -> None:
    cg = container_group(name="flat", properties={"subnetIds": subnets})
    res = run_one("ACI-013", cg)
    assert res.status is Status.FAIL
    assert res.message == "Container group 'flat' is not deployed into a virtual network."
    [ev] = res.evidence
    # Evidence shows what ARM returned: an empty list is observed as [], not <absent>.
    assert (ev.path, ev.observed, ev.expected) == ("properties.subnetIds", shown, "a subnet")


@pytest.mark.parametrize("base", [GET, CREATE, OLD_GET])
def test_aci_013_examples_without_subnets_fail(base: str) -> None:
    assert run_one("ACI-013", container_group(base=base)).status is Status.FAIL


# --- ACI-014 ------------------------------------------------------------------------


def test_aci_014_example_unsecure_scope_fails() -> None:
    res = run_one("ACI-014", container_group(base=CREATE))
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'demo1' uses DNS label 'dnsnamelabel1' that anyone can reclaim."
    )
    [ev] = res.evidence
    assert ev.path == "properties.ipAddress.autoGeneratedDomainNameLabelScope"
    assert ev.observed == "Unsecure"
    assert ev.note == "label: dnsnamelabel1"


@pytest.mark.parametrize(
    ("scope", "status", "shown"),
    [
        ("Unsecure", Status.FAIL, "Unsecure"),
        ("unsecure", Status.FAIL, "unsecure"),
        ("UNSECURE", Status.FAIL, "UNSECURE"),
        (DELETE, Status.FAIL, "<absent>"),
        ("TenantReuse", Status.PASS, "TenantReuse"),
        ("SubscriptionReuse", Status.PASS, "SubscriptionReuse"),
        ("ResourceGroupReuse", Status.PASS, "ResourceGroupReuse"),
        ("Noreuse", Status.PASS, "Noreuse"),
    ],
)
def test_aci_014_scope(scope: Any, status: Status, shown: str) -> None:
    cg = container_group(
        base=CREATE,
        name="dns",
        properties={"ipAddress": {"autoGeneratedDomainNameLabelScope": scope}},
    )
    res = run_one("ACI-014", cg)
    assert res.status is status
    assert "'dns'" in res.message
    assert "'dnsnamelabel1'" in res.message
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (
        "properties.ipAddress.autoGeneratedDomainNameLabelScope",
        shown,
    )


@pytest.mark.parametrize("base", [GET, OLD_GET, ENCRYPTED])
def test_aci_014_no_label_is_not_applicable(base: str) -> None:
    res = run_one("ACI-014", container_group(base=base, name="nolabel"))
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'nolabel' has no DNS name label."


def test_aci_014_no_ip_address_is_not_applicable() -> None:
    cg = container_group(base=CREATE, name="nolabel", properties={"ipAddress": DELETE})
    assert run_one("ACI-014", cg).status is Status.NOT_APPLICABLE


# --- ACI-015 ------------------------------------------------------------------------

WORKSPACE_PATH = "properties.diagnostics.logAnalytics.workspaceId"


@pytest.mark.parametrize("base", [CREATE, SECRET_REF])
def test_aci_015_log_analytics_passes(base: str) -> None:
    res = run_one("ACI-015", container_group(base=base))
    assert res.status is Status.PASS
    assert res.message == "Container group 'demo1' sends container logs to Log Analytics."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (WORKSPACE_PATH, "workspaceid")


def test_aci_015_log_analytics_passes_even_when_settings_are_denied() -> None:
    cg = container_group(base=CREATE)
    res = run_one("ACI-015", cg, coverage=[("/subscriptions/subid", DIAG, "denied", "403")])
    assert res.status is Status.PASS


def test_aci_015_diagnostic_setting_with_enabled_logs_passes() -> None:
    cg = container_group(name="diag")
    setting = diagnostic_setting(
        cg["id"], "to-law", logs=category_logs("ContainerInstanceLog"), destination=workspace()
    )
    res = run_one("ACI-015", cg, [setting])
    assert res.status is Status.PASS
    assert res.message == "Container group 'diag' sends logs through diagnostic setting 'to-law'."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("diagnosticSettings", "to-law")


@pytest.mark.parametrize(
    ("logs", "destination"),
    [
        (category_logs("ContainerInstanceLog", enabled=False), workspace()),
        ([], workspace()),
        (category_logs("ContainerInstanceLog"), {}),
    ],
    ids=["logs-disabled", "no-logs", "no-destination"],
)
def test_aci_015_useless_diagnostic_setting_fails(
    logs: list[dict[str, Any]], destination: dict[str, Any]
) -> None:
    cg = container_group(name="diag")
    setting = diagnostic_setting(cg["id"], "half", logs=logs, destination=destination)
    res = run_one("ACI-015", cg, [setting])
    assert res.status is Status.FAIL
    assert res.message == "Container group 'diag' collects no container logs."
    evs = by_path(res)
    assert evs[WORKSPACE_PATH].observed == "<absent>"
    assert evs["diagnosticSettings"].observed == "none with enabled logs"


def test_aci_015_a_setting_on_another_group_does_not_count() -> None:
    cg = container_group(name="diag")
    other = container_group(name="other")
    setting = diagnostic_setting(
        other["id"], "to-law", logs=category_logs("ContainerInstanceLog"), destination=workspace()
    )
    res = run_one("ACI-015", cg, [other, setting])
    assert res.status is Status.FAIL


@pytest.mark.parametrize(
    ("coverage", "omit", "reason"),
    [
        ([("/subscriptions/subid", DIAG, "denied", "AuthorizationFailed")], [], "denied"),
        ([("/subscriptions/subid", DIAG, "failed", "timeout")], [], "failed"),
        ([], [DIAG], "not collected"),
    ],
    ids=["denied", "failed", "not-collected"],
)
def test_aci_015_unread_settings_are_not_assessed(
    coverage: list[tuple[str, ...]], omit: list[str], reason: str
) -> None:
    # Issue #12 item 10: logs may leave through a setting nobody could read: never FAIL.
    cg = container_group(name="blind")
    res = run_one("ACI-015", cg, coverage=coverage, omit=omit)
    assert res.status is Status.NOT_ASSESSED
    assert "'blind'" in res.message
    assert "could not be read" in res.message and reason in res.message
    evs = by_path(res)
    assert evs[WORKSPACE_PATH].observed == "<absent>"
    note = evs["diagnosticSettings"].note
    assert reason in note
    assert evs["diagnosticSettings"].observed == "<not read>"


# --- ACI-028 ------------------------------------------------------------------------


def test_aci_028_customer_managed_key_passes() -> None:
    res = run_one("ACI-028", container_group(base=ENCRYPTED))
    assert res.status is Status.PASS
    assert (
        res.message == "Container group 'demo1' is encrypted with customer-managed key 'test-key'."
    )
    [ev] = res.evidence
    assert ev.path == "properties.encryptionProperties"
    assert ev.observed == {
        "vaultBaseUrl": "https://testkeyvault.vault.azure.net/",
        "keyName": "test-key",
    }


@pytest.mark.parametrize(
    ("encryption", "shown"),
    [
        (DELETE, {"vaultBaseUrl": "<absent>", "keyName": "<absent>"}),
        (
            {"keyName": DELETE},
            {"vaultBaseUrl": "https://testkeyvault.vault.azure.net/", "keyName": "<absent>"},
        ),
        ({"vaultBaseUrl": DELETE}, {"vaultBaseUrl": "<absent>", "keyName": "test-key"}),
    ],
    ids=["absent", "no-key", "no-vault"],
)
def test_aci_028_without_a_full_key_fails(encryption: Any, shown: dict[str, str]) -> None:
    cg = container_group(
        base=ENCRYPTED, name="plain", properties={"encryptionProperties": encryption}
    )
    res = run_one("ACI-028", cg)
    assert res.status is Status.FAIL
    assert res.message == "Container group 'plain' is encrypted with Microsoft-managed keys only."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.encryptionProperties", shown)


@pytest.mark.parametrize("base", [GET, CREATE, OLD_GET])
def test_aci_028_examples_without_encryption_fail(base: str) -> None:
    assert run_one("ACI-028", container_group(base=base)).status is Status.FAIL
