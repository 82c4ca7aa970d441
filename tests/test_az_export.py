"""`--az-export`: az CLI output read into the ARM shape the checks expect.

The az-cli examples in tests/data/arm-examples are real CLI output; the ARM examples are
turned into what `az … show` prints for them (`azify`, following the differences listed
in tests/data/arm-examples/README.md) and must come back unchanged.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from fixtures import ACI_API, ACR_API, ARM_EXAMPLES, clone, load_example, load_list

from aciaudit.cli import build_parser, main
from aciaudit.run import audit
from aciaudit.snapshot_io import SnapshotError, parse_snapshot
from aciaudit.sources.az_export import NOT_IN_EXPORT, load_az_export, normalise
from aciaudit.sources.azure.progress import SilentProgress
from checks.kinds import AUDITED_KINDS, CONTAINER_GROUPS, DIAGNOSTIC_SETTINGS, REGISTRIES
from checks.model import Status
from checks.snapshot import CoverageStatus

AZ = ARM_EXAMPLES / "az-cli"
VNET_GROUP = AZ / "az-container-create-vnet.learn.json"
ACR_2024 = AZ / "az-acr-create-2024.community.json"
ACR_2018 = AZ / "az-acr-create-2018.learn.json"
ENV_QUERY = AZ / "az-container-show-query-envvars.learn.json"

TAG = "QZXAZCANARY"
SUB_ID = "00000000-1111-4222-8333-444444444444"
RG = "rg-app"


# --- helpers --------------------------------------------------------------------------------


def walk(value: Any):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _rename(obj: Any, old: str, new: str) -> None:
    if isinstance(obj, dict) and new in obj:
        obj[old] = obj.pop(new)


def azify(arm: dict[str, Any], resource_group: str) -> dict[str, Any]:
    """What `az container show` / `az acr show` prints for an ARM body."""
    body = clone(arm)
    props = body.pop("properties")
    for key in ("containers", "initContainers", "extensions"):
        for item in props.get(key, []):
            item.update(item.pop("properties"))
            for part in (item.get("resources") or {}).values():
                _rename(part, "memoryInGb", "memoryInGB")
            for probe in ("livenessProbe", "readinessProbe"):
                _rename(item.get(probe), "execProperty", "exec")
            item.setdefault("securityContext", None)
    for conn in props.get("privateEndpointConnections", []):
        conn.update(conn.pop("properties"))
        conn["resourceGroup"] = resource_group
    _rename(
        props.get("policies"),
        "azureAdAuthenticationAsArmPolicy",
        "azureADAuthenticationAsArmPolicy",
    )
    for rule in (props.get("networkRuleSet") or {}).get("ipRules", []):
        _rename(rule, "ipAddressOrRange", "value")
    for subnet in props.get("subnetIds", []):
        subnet.setdefault("name", None)
        subnet["resourceGroup"] = resource_group
    body.update(props)
    for absent in ("identity", "encryptionProperties", "priority", "status", "extensions"):
        body.setdefault(absent, None)
    body["resourceGroup"] = resource_group
    return dict(sorted(body.items()))


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def statuses(resources: list[dict[str, Any]] | None = None, snapshot=None) -> dict:
    snap = snapshot if snapshot is not None else parse_snapshot(resources)
    return {(r.check_id, r.resource_id.lower()): r.status for r in audit(snap).results}


def rich_group() -> dict[str, Any]:
    """ContainerGroupsCreateOrUpdate's response, with a probe, limits and a subnet added."""
    group = load_example(
        f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdate.json"
    )
    props = group["properties"]["containers"][0]["properties"]
    props["livenessProbe"] = {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5}
    props["resources"]["limits"] = {"cpu": 2, "memoryInGB": 3}
    group["properties"]["subnetIds"] = [
        {
            "id": "/subscriptions/subid/resourceGroups/demo/providers/Microsoft.Network"
            "/virtualNetworks/vnet/subnets/aci"
        }
    ]
    return group


def rich_registry() -> dict[str, Any]:
    """RegistryGet with an IP rule, Deny and an approved private endpoint connection."""
    reg = load_example(f"Microsoft.ContainerRegistry/{ACR_API}/RegistryGet.json")
    reg["properties"]["networkRuleSet"] = {
        "defaultAction": "Deny",
        "ipRules": [{"action": "Allow", "value": "203.0.113.0/24"}],
    }
    reg["properties"]["privateEndpointConnections"] = load_list(
        f"Microsoft.ContainerRegistry/{ACR_API}/PrivateEndpointConnectionList.json"
    )
    return reg


# --- the real az-cli examples ---------------------------------------------------------------


def test_vnet_group_example_is_arm_shaped() -> None:
    snap = load_az_export([VNET_GROUP]).snapshot
    [group] = snap.resources
    assert group["type"] == CONTAINER_GROUPS
    assert set(group) == {"id", "name", "type", "location", "tags", "properties"}
    props = group["properties"]
    assert props["sku"] == "Standard"  # a container group's sku is a property
    assert props["ipAddress"] == {
        "ip": "10.0.0.4",
        "ports": [{"port": 80, "protocol": "TCP"}],
        "type": "Private",
    }
    assert props["subnetIds"] == [
        {
            "id": "/subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxx/resourceGroups/"
            "myACIResourceGroup123/providers/Microsoft.Network/virtualNetworks/aci-vnet/"
            "subnets/aci-subnet"
        }
    ]
    [container] = props["containers"]
    assert container["name"] == "appcontainer"
    inner = container["properties"]
    assert inner["image"] == "mcr.microsoft.com/azuredocs/aci-helloworld"
    assert inner["resources"] == {"requests": {"cpu": 1.0, "memoryInGB": 1.5}}
    for absent in ("command", "livenessProbe", "securityContext", "volumeMounts"):
        assert absent not in inner
    for absent in ("diagnostics", "identity", "confidentialComputeProperties", "volumes"):
        assert absent not in props and absent not in group
    nodes = list(walk(group))
    assert None not in nodes
    assert not any(isinstance(n, dict) and "resourceGroup" in n for n in nodes)
    assert "memoryInGb" not in json.dumps(group)


def test_registry_examples_are_arm_shaped() -> None:
    snap = load_az_export([ACR_2024, ACR_2018]).snapshot
    reg = next(r for r in snap.resources if r["name"] == "davidebacrcontainer")
    assert reg["type"] == REGISTRIES
    assert reg["sku"] == {"name": "Basic", "tier": "Basic"}  # a registry's sku is not
    assert reg["systemData"]["createdByType"] == "User"
    props = reg["properties"]
    assert props["loginServer"] == "davidebacrcontainer.azurecr.io"
    assert props["policies"]["azureADAuthenticationAsArmPolicy"] == {"status": "enabled"}
    assert "azureAdAuthenticationAsArmPolicy" not in props["policies"]
    assert props["encryption"] == {"status": "disabled"}  # keyVaultProperties: null dropped
    for absent in ("networkRuleSet", "status", "identity", "resourceGroup"):
        assert absent not in props and absent not in reg
    legacy = next(r for r in snap.resources if r["name"] == "myContainerRegistry")
    assert "storageAccount" not in legacy["properties"]


def test_registry_example_scans_like_its_arm_equivalent() -> None:
    """ARM's body for the same registry (properties nested, ARM's key names) gives the
    same verdicts: az's `azureAdAuthenticationAsArmPolicy` is ACR-011's key."""
    export = load_az_export([ACR_2024]).snapshot
    [reg] = export.resources
    arm = json.loads(ACR_2024.read_text())
    props = {
        k: arm.pop(k)
        for k in list(arm)
        if k not in ("id", "name", "type", "location", "tags", "sku", "systemData", "resourceGroup")
    }
    arm.pop("resourceGroup")
    props["policies"]["azureADAuthenticationAsArmPolicy"] = props["policies"].pop(
        "azureAdAuthenticationAsArmPolicy"
    )
    arm["properties"] = without_nulls(props)
    assert statuses([arm]) == statuses(snapshot=export)
    results = {r.check_id: r for r in audit(export).results if r.resource_id == reg["id"]}
    # Read, not absent: enabled ARM-audience tokens fail ACR-011.
    assert results["ACR-011"].status is Status.FAIL
    assert results["ACR-011"].evidence[0].observed == "enabled"
    assert results["ACR-001"].status is Status.PASS  # adminUserEnabled: false


# --- round trip through what az prints ------------------------------------------------------


@pytest.mark.parametrize(
    ("arm", "rg"),
    [
        (rich_group, "demo"),
        (
            lambda: load_example(
                f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsGet_Succeeded.json"
            ),
            "demo",
        ),
        (rich_registry, "myResourceGroup"),
        (
            lambda: load_example(f"Microsoft.ContainerRegistry/{ACR_API}/RegistryCreateAbac.json"),
            "myResourceGroup",
        ),
    ],
)
def test_az_output_of_an_arm_body_normalises_back_to_it(arm, rg, tmp_path: Path) -> None:
    body = arm()
    az = azify(body, rg)
    assert "properties" not in az
    export = load_az_export([write(tmp_path / "show.json", az)]).snapshot
    expected = parse_snapshot([without_nulls(body)])
    assert export.resources == expected.resources
    got, want = statuses(snapshot=export), statuses(snapshot=expected)
    # An export's container groups are at the CLI SDK's 2024-05-01-preview, which has no
    # key references: ACI-027 cannot FAIL an exported share (issue #12 item 6).
    for key in [k for k in want if k[0] == "ACI-027" and want[k] is Status.FAIL]:
        assert got.pop(key) is Status.NOT_ASSESSED
        want.pop(key)
    assert got == want


def test_an_export_records_the_cli_sdk_api_version_and_aci_027_says_so(tmp_path: Path) -> None:
    body = rich_group()
    az = azify(body, "demo")
    export = load_az_export([write(tmp_path / "show.json", az)]).snapshot
    entry = next(c for c in export.coverage if c.kind == CONTAINER_GROUPS)
    assert entry.api_version == "2024-05-01-preview"
    result = next(r for r in audit(export).results if r.check_id == "ACI-027")
    if result.status is not Status.NOT_APPLICABLE:
        assert result.status is Status.NOT_ASSESSED
        assert "2024-05-01-preview" in result.message


def test_renames_are_applied_where_az_spells_them_differently() -> None:
    group = normalise(azify(rich_group(), "demo"), CONTAINER_GROUPS)
    inner = group["properties"]["containers"][0]["properties"]
    assert inner["resources"]["requests"]["memoryInGB"] == 1.5
    assert inner["resources"]["limits"] == {"cpu": 2, "memoryInGB": 3}
    assert inner["livenessProbe"]["exec"] == {"command": ["cat", "/tmp/healthy"]}
    reg = normalise(azify(rich_registry(), "myResourceGroup"), REGISTRIES)
    assert reg["properties"]["networkRuleSet"]["ipRules"] == [
        {"action": "Allow", "value": "203.0.113.0/24"}
    ]
    [conn] = reg["properties"]["privateEndpointConnections"]
    assert conn["properties"]["privateLinkServiceConnectionState"]["status"] == "Approved"
    assert "resourceGroup" not in conn


def test_virtual_network_rule_id_is_restored() -> None:
    az = {
        "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerRegistry/registries/x",
        "type": "Microsoft.ContainerRegistry/registries",
        "networkRuleSet": {
            "defaultAction": "Deny",
            "ipRules": [],
            "virtualNetworkRules": [{"action": "Allow", "virtualNetworkResourceId": "/sub/net"}],
        },
    }
    reg = normalise(az, REGISTRIES)
    assert reg["properties"]["networkRuleSet"]["virtualNetworkRules"] == [
        {"action": "Allow", "id": "/sub/net"}
    ]


def test_null_secure_value_becomes_absent_not_a_value() -> None:
    group = azify(
        load_example(f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsGet_Succeeded.json"),
        "demo",
    )
    [env] = json.loads(ENV_QUERY.read_text())
    group["containers"][0]["environmentVariables"] = env
    out = normalise(group, CONTAINER_GROUPS)
    variables = out["properties"]["containers"][0]["properties"]["environmentVariables"]
    assert variables[1] == {"name": "SECRET"}
    assert variables[0]["name"] == "NOTSECRET" and "secureValue" not in variables[0]


# --- inputs: folders, lists, kinds ----------------------------------------------------------


def test_folder_of_exports_and_the_unknown_shape_warned(tmp_path: Path) -> None:
    for src in (VNET_GROUP, ACR_2024, ENV_QUERY):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "notes.txt").write_text("not read")
    export = load_az_export([tmp_path])
    kinds = sorted(r["type"] for r in export.snapshot.resources)
    assert kinds == [CONTAINER_GROUPS, REGISTRIES]
    [warning] = export.warnings
    assert ENV_QUERY.name in warning and "skipped" in warning


def test_mixed_list_keeps_groups_and_registries_and_warns_about_the_rest(tmp_path: Path) -> None:
    storage = {
        "id": f"/subscriptions/{SUB_ID}/resourceGroups/{RG}/providers/Microsoft.Storage/"
        "storageAccounts/st1",
        "type": "Microsoft.Storage/storageAccounts",
        "resourceGroup": RG,
    }
    group = json.loads(VNET_GROUP.read_text())
    registry = json.loads(ACR_2024.read_text())
    untyped = json.loads(ACR_2024.read_text())
    del untyped["type"]
    untyped["id"] = untyped["id"].replace("davidebacrcontainer", "untyped")
    path = write(
        tmp_path / "mixed.json", [group, storage, registry, "text", {"name": "x"}, untyped]
    )
    export = load_az_export([path])
    names = sorted(r["name"] for r in export.snapshot.resources)
    assert names == ["appcontainer", "davidebacrcontainer", "davidebacrcontainer"]
    untyped_out = next(r for r in export.snapshot.resources if "untyped" in r["id"])
    assert untyped_out["type"] == REGISTRIES  # spelled by its id
    assert len(export.warnings) == 3
    assert all(w.startswith(f"{path}: [") for w in export.warnings)
    assert "Microsoft.Storage/storageAccounts" in export.warnings[0]
    assert '"id"' in export.warnings[2]


def test_objects_cut_by_query_are_skipped_not_judged(tmp_path: Path) -> None:
    """`az container list --query "[].{id:id, type:type, name:name}"` keeps no property a
    check could read: judging it would pass ACI-011 on an IP address never read."""
    group = json.loads(VNET_GROUP.read_text())
    registry = json.loads(ACR_2024.read_text())
    cut = [{k: obj[k] for k in ("id", "name", "type")} for obj in (group, registry)]
    path = write(tmp_path / "cut.json", [*cut, group])
    export = load_az_export([path])
    assert [r["name"] for r in export.snapshot.resources] == ["appcontainer"]
    assert len(export.warnings) == 2
    assert "without `containers`" in export.warnings[0]
    assert "without `loginServer`" in export.warnings[1]


def test_kind_by_shape_when_neither_type_nor_id_spells_it(tmp_path: Path) -> None:
    group = json.loads(VNET_GROUP.read_text())
    del group["type"]
    group["id"] = "/subscriptions/s/resourceGroups/r/appcontainer"  # a cut-down id
    export = load_az_export([write(tmp_path / "g.json", group)])
    assert export.snapshot.resources[0]["type"] == CONTAINER_GROUPS


def test_arm_shaped_input_is_kept(tmp_path: Path) -> None:
    """`az resource show` prints ARM's body plus `resourceGroup`."""
    reg = rich_registry()
    shown = dict(reg, resourceGroup="myResourceGroup", managedBy=None)
    export = load_az_export([write(tmp_path / "r.json", shown)])
    assert export.snapshot.resources == parse_snapshot([without_nulls(reg)]).resources


def test_list_then_show_of_the_same_group_keeps_the_fuller_read(tmp_path: Path) -> None:
    full = json.loads(VNET_GROUP.read_text())
    listed = {k: v for k, v in full.items() if k != "instanceView"}
    a = write(tmp_path / "a-list.json", [listed])
    b = write(tmp_path / "b-show.json", full)
    export = load_az_export([a, b])
    [group] = export.snapshot.resources
    assert group["properties"]["instanceView"]["state"] == "Running"


def test_repeatable_paths_from_the_command_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.json"
    code = main(
        [
            "scan",
            "--az-export",
            str(VNET_GROUP),
            "--az-export",
            str(ACR_2024),
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    assert report["snapshot"]["resource_counts"] == {CONTAINER_GROUPS: 1, REGISTRIES: 1}
    assert report["snapshot"]["source"]["kind"] == "az-export"


# --- coverage -------------------------------------------------------------------------------


def test_coverage_marks_the_kinds_present_collected_and_the_rest_not() -> None:
    snap = load_az_export([VNET_GROUP]).snapshot
    [sub] = snap.subscriptions
    assert sub.subscription_id == "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxx"
    by_kind = {e.kind: e for e in snap.coverage}
    assert set(by_kind) == set(AUDITED_KINDS)
    assert all(e.scope == sub.scope for e in snap.coverage)
    assert by_kind[CONTAINER_GROUPS].status is CoverageStatus.COLLECTED
    for kind in set(AUDITED_KINDS) - {CONTAINER_GROUPS}:
        assert by_kind[kind].status is CoverageStatus.NOT_COLLECTED
        assert NOT_IN_EXPORT in (by_kind[kind].detail or "")
    assert "az acr list" in (by_kind[REGISTRIES].detail or "")


def test_not_collected_reasons_are_visible_in_the_scan(tmp_path: Path, capsys) -> None:
    assert (
        main(
            [
                "scan",
                "--az-export",
                str(VNET_GROUP),
                "--az-export",
                str(ACR_2024),
                "--format",
                "json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    results = report["results"]
    acr_006 = [r for r in results if r["check_id"] == "ACR-006"]
    assert acr_006 and all(r["status"] == "NOT_ASSESSED" for r in acr_006)
    assert any(
        DIAGNOSTIC_SETTINGS in r["message"] and NOT_IN_EXPORT in r["message"] for r in acr_006
    )
    sub_results = [r for r in results if r["check_id"].startswith("SUB-")]
    assert sub_results and all(r["status"] == "NOT_ASSESSED" for r in sub_results)
    # The group's subscription has no registry listing: said so, not silently passed.
    assert any(
        r["check_id"] == "ACR-001"
        and r["status"] == "NOT_ASSESSED"
        and "az acr list" in r["message"]
        for r in results
    )
    coverage = report["snapshot"]["coverage"]
    assert any(c["status"] == "not_collected" and NOT_IN_EXPORT in c["detail"] for c in coverage)
    # What the export does hold is judged: the private group is not public (ACI-011).
    by_id = {(r["check_id"], r["resource_id"].rsplit("/", 1)[-1]): r for r in results}
    assert by_id[("ACI-011", "appcontainer")]["status"] in ("PASS", "FAIL")


# --- secrets --------------------------------------------------------------------------------


def leaky_group_show() -> dict[str, Any]:
    """`az container show` output carrying a secret everywhere one can hide."""
    group = json.loads(VNET_GROUP.read_text())
    group["id"] = (
        f"/subscriptions/{SUB_ID}/resourceGroups/{RG}/providers/"
        "Microsoft.ContainerInstance/containerGroups/leaky"
    )
    group["name"] = "leaky"
    container = group["containers"][0]
    container["environmentVariables"] = [
        {"name": "DB_PASSWORD", "secureValue": None, "value": f"Pw-{TAG}-7781"},
        {"name": "LOG_LEVEL", "secureValue": None, "value": f"debug-{TAG}"},
        {"name": "API_KEY", "secureValue": f"Secure-{TAG}-55", "value": None},
    ]
    container["command"] = ["/bin/sh", "-c", f"run --password {TAG}hunter2"]
    group["imageRegistryCredentials"] = [
        {"server": "contoso.azurecr.io", "username": "contoso", "password": f"Reg-{TAG}-pw"}
    ]
    group["volumes"] = [
        {"name": "s", "secret": {"app.conf": f"c2VjcmV0-{TAG}"}},
        {
            "name": "g",
            "gitRepo": {"repository": f"https://user:{TAG}tok@github.com/o/r.git"},
        },
        {
            "name": "f",
            "azureFile": {
                "shareName": "s",
                "storageAccountName": "st",
                "storageAccountKey": f"{TAG}==",
            },
        },
    ]
    group["diagnostics"] = {"logAnalytics": {"workspaceId": "w", "workspaceKey": f"{TAG}wk"}}
    group["extensions"] = [
        {
            "name": "kube-proxy",
            "extensionType": "kube-proxy",
            "version": "1.0",
            "settings": {},
            "protectedSettings": {"kubeConfig": f"{TAG}-kubeconfig"},
        }
    ]
    return group


def test_canary_secrets_never_reach_any_output(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "show.json", leaky_group_show())
    export = load_az_export([path])
    assert TAG.lower() not in json.dumps(export.snapshot.to_dict()).lower()
    for fmt in ("markdown", "json"):
        assert main(["scan", "--az-export", str(path), "--format", fmt]) == 0
        out, err = capsys.readouterr()
        assert TAG.lower() not in (out + err).lower()
        report = tmp_path / f"report.{fmt}"
        assert main(["scan", "--az-export", str(path), "--format", fmt, "-o", str(report)]) == 0
        out, err = capsys.readouterr()
        assert TAG.lower() not in (report.read_text() + out + err).lower()
    # The secrets were seen, as secrets: ACI-006 fails on the plain DB_PASSWORD.
    results = {r.check_id: r for r in audit(export.snapshot).results}
    assert results["ACI-006"].status is Status.FAIL
    assert "DB_PASSWORD" in results["ACI-006"].message


def test_canary_in_a_skipped_object_is_not_echoed(tmp_path: Path, capsys) -> None:
    other = {
        "id": "/subscriptions/s/providers/Microsoft.Web/sites/x",
        "type": "Microsoft.Web/sites",
        "password": TAG,
    }
    path = write(tmp_path / "mixed.json", [json.loads(VNET_GROUP.read_text()), other])
    assert main(["scan", "--az-export", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "warning:" in err and "Microsoft.Web/sites" in err
    assert TAG.lower() not in (out + err).lower()


# --- errors and options ---------------------------------------------------------------------


def _one_line_error(capsys, must_name: Path) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(must_name) in lines[0] and "error:" in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not JSON"),
        ("", "empty"),
        ('"just a string"', "not az output"),
        ('{"format": "aci-auditor.snapshot", "version": 1}', "--snapshot"),
        ("[[1, 2]]", "no container group or registry"),
    ],
)
def test_invalid_input_is_one_line_naming_the_file(tmp_path: Path, capsys, content, needle) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["scan", "--az-export", str(path)]) == 2
    assert needle in _one_line_error(capsys, path)


def test_missing_file_and_empty_folder_exit_2(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.json"
    assert main(["scan", "--az-export", str(missing)]) == 2
    assert "no such file" in _one_line_error(capsys, missing)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["scan", "--az-export", str(empty)]) == 2
    assert "no *.json" in _one_line_error(capsys, empty)


def test_load_raises_snapshot_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match=r"nope\.json"):
        load_az_export([tmp_path / "nope.json"])


@pytest.mark.parametrize("other", [["--demo"], ["--snapshot", "x.json"]])
def test_exclusive_with_demo_and_snapshot(other: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["scan", "--az-export", str(VNET_GROUP), *other])
    assert exc.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_the_app_accepts_az_export_and_loads_it_as_a_source() -> None:
    from aciaudit.sources.choice import Loaded, az_export_source

    args = build_parser().parse_args(["--az-export", str(VNET_GROUP), "--az-export", str(AZ)])
    assert args.az_export == [VNET_GROUP, AZ]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--az-export", str(AZ), "--demo"])
    source = az_export_source([AZ])
    assert str(AZ) in source.label
    # The objects skipped come back with the snapshot; the pipeline tells the user.
    loaded = source.load(SilentProgress(), threading.Event())
    assert isinstance(loaded, Loaded)
    assert len(loaded.snapshot.resources) == 3  # the env-var query is skipped
    assert any(ENV_QUERY.name in w for w in loaded.warnings)
