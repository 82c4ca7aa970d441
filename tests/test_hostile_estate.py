"""Issue #13 acceptance: the hostile estate (tests/data/hostile/estate/estate.json: 34 planted
secrets in 32 kinds of place, wrong types, NaN, a 400,000-character value, bidi names,
formula cells). No planted value reaches any sink: every report format as a file and
on stdout, stderr, and a `collect` snapshot through the fake ARM. (The app's screens:
tests/tui/test_hostile_app.py.)"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fakearm import FakeAzure
from fixtures import DATA

from aciaudit.cli import main
from aciaudit.reports import FILE_NAMES, FORMATS

HOSTILE = DATA / "hostile" / "estate" / "estate.json"
PLANTED: list[str] = json.loads((DATA / "hostile" / "estate" / "planted.json").read_text())
# Every planted value carries this tag, so one search finds any of them, or a piece.
TAG = "Qzx7h"
# Where the secrets sit (each a distinct kind of place), for the record and the count.
PLACES = [
    "tag value",
    "tag value: URL user info",
    "tag value: storage connection string",
    "registry tag",
    "image reference user info",
    "sh -c: mysql -pPASSWORD",
    "sh -c: export PGPASSWORD=",
    "sh -c: Authorization: Bearer",
    "env value (secret name)",
    "env value: user:pass:uid list",
    "env secureValue",
    "liveness probe exec: curl -u user:pass",
    "readiness probe header Authorization",
    "readiness probe header X-Api-Key",
    "readiness probe header Ocp-Apim-Subscription-Key",
    "init container command --password",
    "init container env: GitHub token",
    "registry credential password",
    "registry credential username that is a token",
    "gitRepo URL user info",
    "secret volume (private key)",
    "azureFile storageAccountKey",
    "diagnostics workspaceKey",
    "dnsConfig options secret=",
    "extension settings apiToken",
    "extension protectedSettings",
    "a field Azure adds next year: export API_SECRET=",
    "ACR token password",
    "cache rule source URL user info",
    "container group profile command --token=",
    "container group profile env",
    "liveness probe exec: curl -H 'Cookie: …' and -H \"X-Ms-Client-Secret: …\"",
]


def _clean(text: str, where: str) -> None:
    assert TAG.lower() not in text.lower(), f"a planted secret reached {where}"
    for value in PLANTED:
        assert value not in text, f"{value!r} reached {where}"


def test_the_estate_is_hostile_enough() -> None:
    raw = HOSTILE.read_text()
    assert len(PLANTED) >= 30 and len(PLACES) >= 15
    assert all(value in raw or json.dumps(value)[1:-1] in raw for value in PLANTED)
    assert "NaN" in raw and "\u202e" in raw and "=HYPERLINK" in raw
    doc = json.loads(raw)
    assert any(len(v) >= 400_000 for v in doc["resources"][0]["tags"].values())


def test_no_planted_secret_in_any_report_stdout_or_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    folder = tmp_path / "reports"
    code = main(
        ["scan", "--snapshot", str(HOSTILE), "--format", ",".join(FORMATS), "-o", str(folder)]
    )
    assert code == 0
    elapsed = time.perf_counter() - started
    captured = capsys.readouterr()
    _clean(captured.out + captured.err, "stdout/stderr of a folder scan")
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILE_NAMES[f] for f in FORMATS)
    for path in folder.iterdir():
        _clean(path.read_text(), path.name)
    for fmt in FORMATS:
        assert main(["scan", "--snapshot", str(HOSTILE), "--format", fmt]) == 0
        captured = capsys.readouterr()
        _clean(captured.out + captured.err, f"{fmt} on stdout")
    # The 400,000-character value and every detector over it: seconds, not minutes.
    assert elapsed < 60


def test_wrong_types_are_not_assessed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--snapshot", str(HOSTILE), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out, parse_constant=_refuse)
    by_check = {
        r["check_id"]: r
        for r in report["results"]
        if "registries/hostileacr" in r["resource_id"]
        and "/" not in r["resource_id"].split("registries/hostileacr")[1]
    }
    for check_id in ("ACR-001", "ACR-002", "ACR-003"):
        assert by_check[check_id]["status"] == "NOT_ASSESSED", check_id
        assert "unexpected type" in by_check[check_id]["message"]


def _refuse(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in a report")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    doc = json.loads(HOSTILE.read_text())
    with FakeAzure() as server:
        sub = doc["subscriptions"][0]
        server.add_subscription(sub["subscriptionId"], "Hostile")
        for resource in doc["resources"]:
            server.add(copy.deepcopy(resource))
        server.sign_in_env(monkeypatch)
        yield server


def test_no_planted_secret_in_a_collect_snapshot(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "estate.json"
    args = [
        "collect",
        "--auth",
        "env",
        "--arm-endpoint",
        fake.url,
        "--authority-host",
        fake.url,
        "--ca-bundle",
        str(fake.ca_path),
        "--no-resource-graph",
        "-o",
        str(target),
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err, "collect's stdout/stderr")
    text = target.read_text()
    _clean(text, "the collected snapshot")
    collected = json.loads(text, parse_constant=_refuse)
    kinds = {r["type"].lower() for r in collected["resources"]}
    # The group, the registry, its token (password) and its cache rule (source URL).
    assert {
        "microsoft.containerinstance/containergroups",
        "microsoft.containerregistry/registries",
        "microsoft.containerregistry/registries/tokens",
        "microsoft.containerregistry/registries/cacherules",
    } <= kinds
