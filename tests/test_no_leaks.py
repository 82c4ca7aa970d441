"""Canary secrets planted in a raw third-party snapshot never reach any output.

Every canary carries the tag below; the test greps every sink for it, whatever the case.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from aciaudit.cli import main
from aciaudit.reports import FORMATS
from aciaudit.snapshot_io import SnapshotError, load_snapshot, save_snapshot

TAG = "QZXCANARY"
SUB = "/subscriptions/00000000-1111-4222-8333-444444444444"
GROUP_ID = (
    f"{SUB}/resourceGroups/rg-app/providers/Microsoft.ContainerInstance/containerGroups/leaky"
)
GITHUB_TOKEN = "ghp_" + TAG + "0123456789abcdefghijklmnopqrstu"[:27]
ACCOUNT_KEY = (TAG + "A" * 79 + "==")[:88]


def container(name: str, env: list[dict], command: list[str] | None = None) -> dict:
    props: dict = {
        "image": "contosoacr.azurecr.io/app:1.0",
        "environmentVariables": env,
        "resources": {"requests": {"cpu": 1, "memoryInGB": 1}},
    }
    if command is not None:
        props["command"] = command
    return {"name": name, "properties": props}


def raw_snapshot() -> dict:
    group = {
        "id": GROUP_ID,
        "name": "leaky",
        "type": "Microsoft.ContainerInstance/containerGroups",
        "location": "westeurope",
        "properties": {
            "osType": "Linux",
            "containers": [
                container("first", [{"name": "LOG_LEVEL", "value": f"debug-{TAG}-loglevel"}]),
                container(
                    "second",
                    [
                        {"name": "DB_PASSWORD", "value": f"Pw-{TAG}-7781"},
                        {"name": "API_KEY", "secureValue": f"Secure-{TAG}-55"},
                        {"name": "GH", "value": GITHUB_TOKEN},
                    ],
                    command=[
                        "/bin/sh",
                        "-c",
                        "az storage blob list --connection-string "
                        f"'DefaultEndpointsProtocol=https;AccountName=st;AccountKey={ACCOUNT_KEY}' "
                        "&& curl -sSL https://get.example.com/install.sh | sh",
                    ],
                ),
            ],
            "initContainers": [
                container(
                    "init",
                    [],
                    command=["migrate", f"--password=Flag-{TAG}-93", "--token", f"Tok-{TAG}-0d"],
                )
            ],
            "imageRegistryCredentials": [
                {
                    "server": "contosoacr.azurecr.io",
                    "username": "contosoacr",
                    "password": f"Reg-{TAG}",
                }
            ],
            "volumes": [
                {
                    "name": "src",
                    "gitRepo": {
                        "repository": f"https://deploy:Git-{TAG}-11@github.com/contoso/app",
                        "revision": "main",
                    },
                }
            ],
        },
    }
    return {
        "format": "aci-auditor.snapshot",
        "version": 1,
        "collected_at": "2026-11-28T12:00:00Z",
        "source": {"kind": "snapshot"},
        "subscriptions": [{"subscriptionId": SUB.rsplit("/", 1)[-1], "displayName": "Prod"}],
        "resources": [group],
        "coverage": [
            {
                "scope": SUB,
                "kind": "Microsoft.ContainerInstance/containerGroups",
                "status": "collected",
            }
        ],
    }


def assert_clean(text: str, where: str) -> None:
    assert TAG.lower() not in text.lower(), f"canary leaked into {where}"


def test_the_raw_fixture_really_carries_canaries() -> None:
    # Guard against a test that cannot fail: the input must hold them all.
    text = json.dumps(raw_snapshot())
    assert text.lower().count(TAG.lower()) == 9


@pytest.fixture
def snapshot_file(tmp_path: Path) -> Path:
    path = tmp_path / "raw.json"
    path.write_text(json.dumps(raw_snapshot()))
    return path


@pytest.mark.parametrize("fmt", FORMATS)  # every report format there is
def test_reports_and_streams_hold_no_canary(
    snapshot_file: Path, tmp_path: Path, capsys, fmt: str
) -> None:
    assert main(["scan", "--snapshot", str(snapshot_file), "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert_clean(out, f"{fmt} on stdout")
    assert_clean(err, "stderr")
    target = tmp_path / f"report.{fmt}"
    assert main(["scan", "--snapshot", str(snapshot_file), "--format", fmt, "-o", str(target)]) == 0
    assert_clean(target.read_text(), f"{fmt} file")
    assert_clean("".join(capsys.readouterr()), "streams with -o")


def test_findings_still_see_every_secret(snapshot_file: Path, capsys) -> None:
    assert main(["scan", "--snapshot", str(snapshot_file), "--format", "json"]) == 0
    results = {r["check_id"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert results["ACI-006"]["status"] == "FAIL"
    assert results["ACI-007"]["status"] == "FAIL"
    assert results["ACI-008"]["status"] == "FAIL"
    assert results["ACI-023"]["status"] == "FAIL"  # the script outside the secret survives
    paths = [e["path"] for e in results["ACI-006"]["evidence"]]
    assert any("containers[1]" in p for p in paths)


def test_saved_snapshot_holds_no_canary(snapshot_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "redacted.json"
    save_snapshot(load_snapshot(snapshot_file), out)
    assert_clean(out.read_text(), "saved snapshot")


def test_error_messages_hold_no_canary(tmp_path: Path) -> None:
    broken = raw_snapshot()
    broken["coverage"].append({"scope": SUB, "kind": "x", "status": f"bad-{TAG}"[:3]})
    broken["resources"].append(copy.deepcopy(broken["resources"][0]) | {"id": ""})
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert_clean(str(info.value), "error message")
