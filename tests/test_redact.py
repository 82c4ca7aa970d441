"""Redaction of resources: canary secrets planted everywhere never survive, shapes do."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from aciaudit.redact import redact_in_place, redact_resources
from aciaudit.secrets import make_marker
from checks.secret_markers import Marker, markers_in, parse_marker

TAG = "QCNRY"  # in every canary, so one search proves none survived
GH_TOKEN = "ghp_" + (TAG + "0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")[:36]
ACCOUNT_KEY = (TAG + "k9Zp3Vt8Qm2" * 8)[:86] + "=="
DB_PASSWORD = f"Canary-7f3a9c1e-{TAG}-db"
LOG_LEVEL = f"Canary-{TAG}-harmless-name"
SECURE = f"Canary-{TAG}-secure"
INIT_SECRET = f"Canary-{TAG}-init"
FLAG_PASSWORD = f"Canary-{TAG}-flag"
FLAG_TOKEN = f"Canary {TAG} token with spaces"
SCRIPT_API_KEY = f"{TAG}apikey42"
BEARER = f"{TAG}-bearer-0123"
GIT_TOKEN = f"Canary-{TAG}-git"
REGISTRY_PASSWORD = f"Canary-{TAG}-registry"
STORAGE_KEY = f"Canary-{TAG}-share"
WORKSPACE_KEY = f"Canary-{TAG}-workspace"
SECRET_VOLUME = f"Canary-{TAG}-volume"
CANARIES = [
    GH_TOKEN,
    ACCOUNT_KEY,
    DB_PASSWORD,
    LOG_LEVEL,
    SECURE,
    INIT_SECRET,
    FLAG_PASSWORD,
    FLAG_TOKEN,
    SCRIPT_API_KEY,
    BEARER,
    GIT_TOKEN,
    REGISTRY_PASSWORD,
    STORAGE_KEY,
    WORKSPACE_KEY,
    SECRET_VOLUME,
]
SCRIPT = (
    f"curl -sSL -H 'Authorization: Bearer {BEARER}' https://get.example.com/install.sh | sh"
    f" && app --api-key {SCRIPT_API_KEY} --verbose"
)


def arm_group() -> dict[str, Any]:
    """ContainerGroupsGet_Succeeded (api 2026-05-01) as ARM returns it."""
    return {
        "name": "demo1",
        "type": "Microsoft.ContainerInstance/containerGroups",
        "id": "/subscriptions/subid/resourceGroups/demo/providers/Microsoft.ContainerInstance/containerGroups/demo1",
        "location": "WestUs",
        "properties": {
            "containers": [
                {
                    "name": "demo1",
                    "properties": {
                        "command": [],
                        "environmentVariables": [],
                        "image": "nginx",
                        "ports": [{"port": 80}],
                        "resources": {"requests": {"cpu": 1, "memoryInGB": 1.5}},
                        "volumeMounts": [
                            {"name": "volume1", "mountPath": "/mnt/volume1", "readOnly": False}
                        ],
                    },
                }
            ],
            "imageRegistryCredentials": [
                {
                    "server": "azcloudconsoleregistry.azurecr.io",
                    "username": "azcloudconsoleregistry",
                }
            ],
            "ipAddress": {
                "type": "Public",
                "ip": "10.0.0.1",
                "ports": [{"port": 80, "protocol": "TCP"}],
            },
            "osType": "Linux",
            "provisioningState": "Succeeded",
            "volumes": [
                {
                    "name": "volume1",
                    "azureFile": {
                        "readOnly": False,
                        "shareName": "share1",
                        "storageAccountName": "storage1",
                    },
                }
            ],
        },
        "zones": ["1"],
    }


def leaky_group() -> dict[str, Any]:
    group = arm_group()
    props = group["properties"]
    first = props["containers"][0]["properties"]
    first["environmentVariables"] = [{"name": "PORT", "value": "80"}]
    second = copy.deepcopy(props["containers"][0])
    second["name"] = "sidecar"
    second["properties"]["environmentVariables"] = [
        {"name": "GH", "value": GH_TOKEN},
        {
            "name": "STORAGE",
            "value": f"DefaultEndpointsProtocol=https;AccountName=st;AccountKey={ACCOUNT_KEY}",
        },
        {"name": "DB_PASSWORD", "value": DB_PASSWORD},
        {"name": "LOG_LEVEL", "value": LOG_LEVEL},
        {"name": "API_KEY", "secureValue": SECURE},
    ]
    second["properties"]["command"] = ["/bin/sh", "-c", SCRIPT]
    props["containers"].append(second)
    props["initContainers"] = [
        {
            "name": "init",
            "properties": {
                "image": "busybox",
                "environmentVariables": [{"name": "INIT_SECRET", "value": INIT_SECRET}],
                "command": ["migrate", f"--password={FLAG_PASSWORD}", "--token", FLAG_TOKEN],
            },
        }
    ]
    props["imageRegistryCredentials"][0]["password"] = REGISTRY_PASSWORD
    props["volumes"][0]["azureFile"]["storageAccountKey"] = STORAGE_KEY
    props["volumes"] += [
        {
            "name": "src",
            "gitRepo": {
                "repository": f"https://deploy:{GIT_TOKEN}@github.com/contoso/app",
                "revision": "main",
            },
        },
        {"name": "conf", "secret": {"settings.json": SECRET_VOLUME}},
    ]
    props["diagnostics"] = {
        "logAnalytics": {
            "workspaceId": "ws-1",
            "workspaceKey": WORKSPACE_KEY,
            "logType": "ContainerInsights",
        }
    }
    return group


def marker(value: object) -> Marker:
    parsed = parse_marker(value)
    assert parsed is not None, f"not a marker: {value!r}"
    return parsed


def redacted_group() -> dict[str, Any]:
    group = leaky_group()
    redact_in_place(group)
    return group


def test_the_fixture_really_carries_every_canary() -> None:
    # Guard against a test that cannot fail.
    text = json.dumps(leaky_group())
    for canary in CANARIES:
        assert canary in text


def test_no_canary_survives() -> None:
    text = json.dumps(redacted_group())
    assert TAG.lower() not in text.lower()
    for canary in CANARIES:
        assert canary not in text


def test_every_plain_env_value_becomes_a_marker_naming_its_detector() -> None:
    props = redacted_group()["properties"]
    env = {
        var["name"]: var
        for c in [*props["containers"], *props["initContainers"]]
        for var in c["properties"]["environmentVariables"]
    }
    detectors = {
        name: marker(var.get("value", var.get("secureValue"))).detector for name, var in env.items()
    }
    assert detectors == {
        "PORT": "none",  # harmless, yet never shown either
        "GH": "github-token",
        "STORAGE": "azure-storage-key",
        "DB_PASSWORD": "keyword-name",
        "LOG_LEVEL": "none",
        "API_KEY": "keyword-name",
        "INIT_SECRET": "keyword-name",
    }
    assert "value" not in env["API_KEY"]
    # Same value, same marker: snapshots can be compared without holding the secret.
    assert env["DB_PASSWORD"]["value"] == make_marker(DB_PASSWORD, "keyword-name")
    assert marker(env["PORT"]["value"]).length == 2


def test_command_lines_keep_everything_but_the_secrets() -> None:
    props = redacted_group()["properties"]
    migrate, password, token_flag, token = props["initContainers"][0]["properties"]["command"]
    assert (migrate, token_flag) == ("migrate", "--token")
    assert password.startswith("--password=")
    assert marker(password.removeprefix("--password=")).detector == "cli-flag"
    assert marker(token) == marker(make_marker(FLAG_TOKEN, "cli-flag"))

    shell, dash_c, script = props["containers"][1]["properties"]["command"]
    assert (shell, dash_c) == ("/bin/sh", "-c")
    assert script.startswith("curl -sSL -H 'Authorization: Bearer redacted:v1:auth-header:")
    assert "' https://get.example.com/install.sh | sh && app --api-key redacted:v1:" in script
    assert script.endswith(" --verbose")
    assert [m.detector for m in markers_in(script)] == ["auth-header", "cli-flag"]


def test_git_repo_user_info_becomes_one_marker() -> None:
    volumes = redacted_group()["properties"]["volumes"]
    url = volumes[1]["gitRepo"]["repository"]
    assert url.startswith("https://")
    assert url.endswith("@github.com/contoso/app")
    userinfo = url.removeprefix("https://").removesuffix("@github.com/contoso/app")
    assert marker(userinfo) == marker(make_marker(f"deploy:{GIT_TOKEN}", "url-userinfo"))
    assert volumes[1]["gitRepo"]["revision"] == "main"


def test_other_secret_fields_become_markers() -> None:
    props = redacted_group()["properties"]
    cred = props["imageRegistryCredentials"][0]
    assert cred["username"] == "azcloudconsoleregistry"
    assert marker(cred["password"]).flagged
    share = props["volumes"][0]["azureFile"]
    assert share["shareName"] == "share1"
    assert marker(share["storageAccountKey"]).flagged
    assert marker(props["volumes"][2]["secret"]["settings.json"]).flagged
    log_analytics = props["diagnostics"]["logAnalytics"]
    assert log_analytics["workspaceId"] == "ws-1"
    assert marker(log_analytics["workspaceKey"]).flagged


def test_everything_else_is_untouched() -> None:
    before, after = leaky_group(), redacted_group()
    for key in ("id", "name", "type", "location", "zones"):
        assert after[key] == before[key]
    for key in ("ipAddress", "osType", "provisioningState"):
        assert after["properties"][key] == before["properties"][key]
    first = after["properties"]["containers"][0]["properties"]
    assert first["image"] == "nginx"
    assert first["command"] == []
    assert (
        first["volumeMounts"] == before["properties"]["containers"][0]["properties"]["volumeMounts"]
    )


def test_redacting_twice_changes_nothing() -> None:
    once = redacted_group()
    twice = copy.deepcopy(once)
    redact_in_place(twice)
    assert twice == once


def test_markers_a_third_party_left_are_kept() -> None:
    kept = make_marker("old", "github-token")
    group = arm_group()
    container = group["properties"]["containers"][0]["properties"]
    container["command"] = ["app", f"--old={kept} --password=Fresh-{TAG}"]
    container["environmentVariables"] = [{"name": "GH", "value": kept}]
    redact_in_place(group)
    arg = container["command"][1]
    assert arg.startswith(f"--old={kept} --password=redacted:v1:cli-flag:")
    assert container["environmentVariables"][0]["value"] == kept


def test_resources_list_and_other_shapes() -> None:
    graph_row = leaky_group()
    graph_row["type"] = graph_row["type"].lower()  # Resource Graph lowercases types
    az_flat = {"type": "Microsoft.ContainerInstance/containerGroups", **leaky_group()["properties"]}
    for container in az_flat["containers"]:  # `az container show`: no properties level
        container.update(container.pop("properties"))
    other: dict[str, Any] = {
        "type": "Microsoft.Something/else",
        "properties": {
            "settings": [{"clientSecret": f"Canary-{TAG}-cs", "enabled": True}],
            "Password": 123456,
            "passwordEnabled": True,
            "protectedSettings": {"kubeconfig": f"Canary-{TAG}-kube"},
        },
    }
    resources: list[Any] = [graph_row, az_flat, other, None, "junk"]
    redact_resources(resources)
    assert TAG.lower() not in json.dumps(resources).lower()
    assert other["properties"]["passwordEnabled"] is True
    assert marker(other["properties"]["Password"]).length == 6
    assert az_flat["containers"][1]["command"][:2] == ["/bin/sh", "-c"]


def test_user_and_password_in_two_arguments() -> None:
    group = arm_group()
    container = group["properties"]["containers"][0]["properties"]
    container["command"] = ["curl", "-u", f"admin:Pw-{TAG}", "-u", "1000:1000", "https://x"]
    redact_in_place(group)
    cmd = container["command"]
    assert (
        cmd[2].startswith("admin:") and marker(cmd[2].removeprefix("admin:")).detector == "cli-flag"
    )
    assert cmd[3:] == ["-u", "1000:1000", "https://x"]


@pytest.mark.parametrize(
    "properties",
    [
        None,
        [],
        "text",
        {"containers": None, "initContainers": "x", "volumes": {"a": 1}},
        {"containers": [None, "x", 3, {"properties": None}, {"properties": []}]},
        {
            "containers": [
                {
                    "name": "c",
                    "properties": {
                        "environmentVariables": [
                            None,
                            "X=1",
                            {"value": f"Canary-{TAG}-noname"},
                            {"name": None, "value": f"Canary-{TAG}-nullname"},
                            {"name": "N", "value": 8080},
                            {"name": "F", "value": 1.5},
                            {"name": "B", "value": False},
                            {"name": "O", "value": {"nested": f"Canary-{TAG}-obj"}},
                            {"name": "S", "value": None, "secureValue": None},
                            {"name": 7, "value": f"Canary-{TAG}-intname"},
                        ],
                        "command": [None, 5, ["x"], "--password", None, "--token", 42],
                    },
                }
            ],
            "volumes": [None, {"gitRepo": None}, {"gitRepo": {"repository": None}}, {"secret": []}],
            "imageRegistryCredentials": [None, {"password": None}],
            "diagnostics": {"logAnalytics": None},
        },
    ],
)
def test_malformed_shapes_do_not_crash(properties: object) -> None:
    group = {"type": "Microsoft.ContainerInstance/containerGroups", "properties": properties}
    redact_in_place(group)
    assert TAG.lower() not in json.dumps(group).lower()
    redact_in_place(group)  # and again


def test_numbers_are_hashed_as_their_json_text() -> None:
    group = arm_group()
    container = group["properties"]["containers"][0]["properties"]
    container["environmentVariables"] = [{"name": "N", "value": 8080}]
    container["command"] = ["--token", 42]
    redact_in_place(group)
    assert container["environmentVariables"][0]["value"] == make_marker("8080", "none")
    assert container["command"][1] == make_marker("42", "cli-flag")


def test_the_walk_needs_no_secret_named_key() -> None:
    """Issue #13: a secret anywhere is found by its content or context, not because a
    key named it; there is no pre-scan that lets the walk be skipped."""
    from aciaudit.redact import redact_resources

    planted = "Qz7-CANARY-pw-91"
    tags = {"note": f"curl -u admin:{planted} https://x", "db_password": planted}
    resource = {"id": "/subscriptions/s/x", "type": "Microsoft.Foo/bars", "tags": tags}
    redact_resources([resource])
    assert planted not in json.dumps(resource)


def test_load_redacts_secret_keys_in_any_encoding(tmp_path) -> None:
    import json as _json

    from aciaudit.snapshot_io import load_snapshot

    planted = "Hunter2-QZXCANARY-long-enough"
    body = [
        {
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app",
            "type": "Microsoft.Web/sites",
            "properties": {"siteConfig": {"clientSecret": planted}},
        }
    ]
    for encoding in ("utf-8", "utf-16"):
        path = tmp_path / f"snap-{encoding}.json"
        path.write_bytes(_json.dumps(body).encode(encoding))
        snap = load_snapshot(path)
        assert planted not in _json.dumps(snap.resources)


def test_an_arm_id_is_kept_but_a_token_inside_one_is_not() -> None:
    from aciaudit.redact import redact_text

    rid = (
        "/subscriptions/9d91e956-1c9b-4e3c-8d5e-2f4a6b8c0d1e/resourceGroups/rg-x/providers/"
        "Microsoft.ContainerInstance/containerGroups/web"
    )
    assert redact_text(rid) == rid
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    pasted = redact_text(f"/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/{token}")
    assert token not in pasted and "redacted:v1:github-token:" in pasted


def test_a_command_seen_again_in_a_run_is_redacted_as_the_first() -> None:
    # The walk remembers each command of a run by its strings; the second is that result.
    planted = "Hunter2-QZXCANARY-cmd"
    resources = [
        {
            "id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app{i}",
            "type": "Microsoft.Web/sites",
            "properties": {"startup": ["app", "--password", planted]},
        }
        for i in range(3)
    ]
    redact_resources(resources)
    commands = [r["properties"]["startup"] for r in resources]
    assert commands[0] == commands[1] == commands[2]
    assert commands[0][:2] == ["app", "--password"] and parse_marker(commands[0][2])
    assert commands[0] is not commands[1]  # each list keeps its own identity
    assert planted not in json.dumps(resources)


def test_numbers_under_plain_keys_and_under_a_secret_pair() -> None:
    resource: dict[str, Any] = {
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app",
        "type": "Microsoft.Web/sites",
        "properties": {
            "port": 8080,
            "cpu": 1.5,
            "ratio": float("nan"),
            "limit": float("inf"),
            "pair": {"name": "DB_PASSWORD", "value": 12345678},
            "plain_pair": {"name": "LOG_LEVEL", "value": 3},
        },
    }
    redact_resources([resource])
    props = resource["properties"]
    assert (props["port"], props["cpu"], props["ratio"], props["limit"]) == (
        8080,
        1.5,
        "nan",
        "inf",
    )
    assert parse_marker(props["pair"]["value"]) is not None
    assert props["plain_pair"]["value"] == 3


def test_a_bulk_redaction_keeps_no_parent_path_afterwards() -> None:
    from aciaudit import secrets

    rid = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app"
    redact_resources([{"id": rid, "type": "Microsoft.Web/sites", "properties": {"x": rid + "/y"}}])
    assert not secrets._heads_seen and not secrets._segments_seen


def test_commands_equal_when_joined_are_each_redacted_as_themselves() -> None:
    # The run's memory keys a command by its items: `--password "a b"` is not
    # `--password a` then `b`, nor the plain string their join spells.
    secret = "Qz7-CANARY-cmd"
    lists = [["--password", f"{secret} b"], ["--password", secret, "b"]]
    resources = [
        {
            "id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app{i}",
            "type": "Microsoft.Web/sites",
            "properties": {"startup": value},
        }
        for i, value in enumerate([*lists, f"--password {secret} b"])
    ]
    alone = copy.deepcopy(resources)
    redact_resources(resources)
    for one in alone:
        redact_in_place(one)
    assert resources == alone
    assert secret not in json.dumps(resources)
    first, second = (r["properties"]["startup"] for r in resources[:2])
    assert len(first) == 2 and len(second) == 3 and second[2] == "b"


@pytest.mark.parametrize("where", ["plain", "secret-key", "secret-pair"])
def test_a_marker_followed_by_more_text_is_not_taken_for_a_marker(where: str) -> None:
    # Text after a marker is data: a token or a password there must still be redacted.
    marker = make_marker("old", "keyword-name")
    token = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8"
    value = f"{marker} {token}" if where == "plain" else f"{marker} hunter2-CANARY"
    props: dict[str, Any] = {
        "plain": {"note": value},
        "secret-key": {"password": value},
        "secret-pair": {"header": {"name": "Authorization", "value": value}},
    }[where]
    resource = {
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app",
        "type": "Microsoft.Web/sites",
        "properties": props,
    }
    redact_resources([resource])
    text = json.dumps(resource)
    assert token not in text and "hunter2-CANARY" not in text


def test_a_marker_with_an_absurd_length_is_not_a_marker_and_does_not_crash() -> None:
    # A hand-made marker of 5,000 digits: int() of it raised ValueError (exit 4).
    fake = "redacted:v1:keyword-name:" + "9" * 5000 + ":0123456789ab"
    assert parse_marker(fake) is None and markers_in(fake) == []
    resource = {
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/"
        "containerGroups/cg",
        "type": "Microsoft.ContainerInstance/containerGroups",
        "properties": {
            "containers": [
                {
                    "name": "c",
                    "properties": {"environmentVariables": [{"name": "X", "value": fake}]},
                }
            ]
        },
    }
    redact_resources([resource])
    env = resource["properties"]["containers"][0]["properties"]["environmentVariables"]
    assert parse_marker(env[0]["value"]) is not None  # the value became a real marker
