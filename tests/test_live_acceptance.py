"""Acceptance of live collection: `aci-audit collect` against the fake ARM + Entra.

The fake serves the demo estate (every check has something to judge) plus one container
group full of canary secrets. A complete, faithful collection must audit exactly like the
estate itself: the reference is a snapshot built straight from what the fake serves, with
every kind collected. What the fake denies must come out NOT_ASSESSED, never guessed.

Not repeated here (see test_live_collect.py): paging, throttling with Retry-After, a
persistent 5xx, a group that cannot be read, unknown subscription or bad secret, cancel.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakearm import FakeAzure, load_example
from fakearm.entra import OPENID, TOKEN
from fakearm.server import GRAPH_PATH

import aciaudit
from aciaudit.cli import main
from aciaudit.run import audit
from aciaudit.snapshot_io import load_snapshot, parse_snapshot
from aciaudit.sources.azure.apis import ACI_FALLBACK_API
from checks import kinds
from checks.catalogue import load_catalogue
from checks.kinds import (
    AUDITED_KINDS,
    CONTAINER_GROUPS,
    DIAGNOSTIC_SETTINGS,
    METRIC_ALERTS,
    PRICINGS,
    REGISTRIES,
    ROLE_ASSIGNMENTS,
    TOKENS,
)
from checks.model import Status
from checks.snapshot import SNAPSHOT_FORMAT, SNAPSHOT_VERSION, CoverageStatus, Snapshot

ROOT = Path(__file__).resolve().parents[1]
DEMO = Path(aciaudit.__file__).resolve().parent / "data" / "demo_estate.json"
PROD = "11111111-1111-4111-8111-111111111111"
DEV = "22222222-2222-4222-8222-222222222222"
SANDBOX = "33333333-3333-4333-8333-333333333333"
PROD_ACR = (
    f"/subscriptions/{PROD}/resourceGroups/rg-fabrikam-shared/providers/"
    "Microsoft.ContainerRegistry/registries/FabrikamProd"
)
DEV_ACR = (
    f"/subscriptions/{DEV}/resourceGroups/rg-fabrikam-dev-shared/providers/"
    "Microsoft.ContainerRegistry/registries/fabrikamdev"
)

# Every canary carries the tag; sinks are searched for it whatever the case.
TAG = "QZXCANARY"
GITHUB_TOKEN = "ghp_" + TAG + "0123456789abcdefghijklmnopqrstu"[:27]
ACCOUNT_KEY = (TAG + "A" * 79 + "==")[:88]
CANARY_GROUP = (
    f"/subscriptions/{PROD}/resourceGroups/rg-fabrikam-api/providers/"
    "Microsoft.ContainerInstance/containerGroups/ledger-sync"
)

Key = tuple[str, str]  # (check id, resource id)
Outcome = tuple[Status, str]  # (status, message)


# -- the estate ------------------------------------------------------------------------------


def demo_document() -> dict[str, Any]:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def canary_group() -> dict[str, Any]:
    """A group with a secret in every place a container group can hold one. ARM drops
    the write-only ones (secureValue, passwords, keys, secret volumes) from its answers;
    with `scrub_secrets` off the fake plays an ARM that does not."""
    group = load_example("Microsoft.ContainerInstance/2026-05-01/ContainerGroupsGet_Succeeded.json")
    group["id"] = CANARY_GROUP
    group["name"] = "ledger-sync"
    props = group["properties"]
    container = props["containers"][0]["properties"]
    container["image"] = "fabrikamprod.azurecr.io/ledger/sync:3.2.1"
    container["environmentVariables"] = [
        {"name": "LOG_LEVEL", "value": f"debug-{TAG}-loglevel"},
        {"name": "DB_PASSWORD", "value": f"Pw-{TAG}-7781"},
        {"name": "GH", "value": GITHUB_TOKEN},
        {"name": "API_KEY", "secureValue": f"Secure-{TAG}-55"},
    ]
    container["command"] = [
        "/bin/sh",
        "-c",
        "az storage blob list --connection-string "
        f"'DefaultEndpointsProtocol=https;AccountName=st;AccountKey={ACCOUNT_KEY}'",
    ]
    props["initContainers"] = [
        {
            "name": "migrate",
            "properties": {
                "image": "fabrikamprod.azurecr.io/ledger/migrate:3.2.1",
                "command": ["migrate", f"--password=Flag-{TAG}-93", "--token", f"Tok-{TAG}-0d"],
                "environmentVariables": [],
            },
        }
    ]
    props["imageRegistryCredentials"][0]["password"] = f"Reg-{TAG}"
    props["volumes"][0]["azureFile"]["storageAccountKey"] = ACCOUNT_KEY
    props["volumes"] += [
        {
            "name": "config",
            "gitRepo": {"repository": f"https://ci:Git-{TAG}-77@github.com/fabrikam/config.git"},
        },
        {"name": "certs", "secret": {"tls.key": f"Vol-{TAG}-key"}},
    ]
    props["diagnostics"] = {
        "logAnalytics": {"workspaceId": "ws-fabrikam-ops", "workspaceKey": f"Ws-{TAG}-key"}
    }
    return group


def seed(fake: FakeAzure) -> list[dict[str, Any]]:
    """The demo estate and the canary group into the fake; returns the subscriptions."""
    demo = demo_document()
    for sub in demo["subscriptions"]:
        fake.add_subscription(sub["subscriptionId"], sub["displayName"])
    for resource in demo["resources"]:
        # Subscription diagnostic settings come with ARM's id without a leading slash.
        fake.add(resource, route_id="/" + resource["id"].lstrip("/"))
    fake.add(canary_group())
    return list(demo["subscriptions"])


def reference(fake: FakeAzure, subscriptions: list[dict[str, Any]]) -> Snapshot:
    """The estate exactly as the fake serves it, every kind collected everywhere."""
    return parse_snapshot(
        {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "subscriptions": subscriptions,
            "resources": fake.objects(),
            "coverage": [
                {"scope": f"/subscriptions/{s['subscriptionId']}", "kind": k, "status": "collected"}
                for s in subscriptions
                # Defender findings too: the collector reads them (this estate has none).
                for k in (*AUDITED_KINDS, kinds.DEFENDER_FINDINGS)
            ],
        },
        origin="reference",
    )


@dataclass(frozen=True)
class Denial:
    pattern: str  # the ARM path the fake refuses (403 AuthorizationFailed)
    scope: str  # where the collector must record it
    kind: str


DENIALS = (
    Denial(
        rf"^/subscriptions/{SANDBOX}/providers/Microsoft\.Security/pricings$", SANDBOX, PRICINGS
    ),
    Denial(
        rf"^/subscriptions/{DEV}/providers/Microsoft\.Insights/metricAlerts$", DEV, METRIC_ALERTS
    ),
    Denial(
        rf"^/subscriptions/{PROD}/providers/Microsoft\.Authorization/roleAssignments$",
        PROD,
        ROLE_ASSIGNMENTS,
    ),
    Denial(
        r"/registries/fabrikamdev/providers/Microsoft\.Insights/diagnosticSettings$",
        DEV_ACR,
        DIAGNOSTIC_SETTINGS,
    ),
    Denial(r"/registries/FabrikamProd/tokens$", PROD_ACR, TOKENS),
)


def denial_scope(denial: Denial) -> str:
    return denial.scope if denial.scope.startswith("/") else f"/subscriptions/{denial.scope}"


# -- running it --------------------------------------------------------------------------------


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAzure]:
    """The seeded fake, and this process's environment pointed at it (in-process runs)."""
    with FakeAzure() as server:
        seed(server)
        for name, value in cli_env(server).items():
            monkeypatch.setenv(name, value)
        yield server


def cli_env(fake: FakeAzure) -> dict[str, str]:
    """A service principal in the environment and trust in the fake's CA: what a CI job
    sets. These machines set REQUESTS_CA_BUNDLE globally; ours must win."""
    return {
        "AZURE_TENANT_ID": fake.tenant_id,
        "AZURE_CLIENT_ID": fake.client_id,
        "AZURE_CLIENT_SECRET": fake.client_secret,
        "REQUESTS_CA_BUNDLE": fake.ca_path,
        # The default chain stops at the environment credential; should that ever fail,
        # this keeps it from probing the managed-identity endpoint off this machine.
        "AZURE_TOKEN_CREDENTIALS": "EnvironmentCredential",
    }


def endpoints(fake: FakeAzure) -> list[str]:
    return ["--arm-endpoint", fake.url, "--authority-host", fake.url]


def aci_audit(fake: FakeAzure, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script in a child process, as a user runs it."""
    script = Path(sys.executable).with_name("aci-audit")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tui.launch"]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AZURE_", "IDENTITY_", "MSI_", "PYTEST_"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(cli_env(fake))
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def outcomes(snapshot: Snapshot) -> dict[Key, Outcome]:
    return {(r.check_id, r.resource_id): (r.status, r.message) for r in audit(snapshot).results}


def report_outcomes(report: dict[str, Any]) -> dict[Key, Outcome]:
    return {
        (r["check_id"], r["resource_id"]): (Status(r["status"]), r["message"])
        for r in report["results"]
    }


def assert_same_results(
    got: dict[Key, Outcome], expected: dict[Key, Outcome], denials: tuple[Denial, ...] = ()
) -> None:
    """`got` audits like `expected`, except results a denial hides: NOT_ASSESSED, naming
    the denied kind. Every check that declares a denied kind must be hidden under it."""
    assert set(got) == set(expected)
    catalogue = load_catalogue()
    hidden: dict[Denial, int] = dict.fromkeys(denials, 0)
    mismatches = []
    for key, want in expected.items():
        check_id, rid = key
        status, message = got[key]
        cause = next(
            (
                d
                for d in denials
                if rid.lower().startswith(denial_scope(d).lower())
                and f"{d.kind} denied (AuthorizationFailed".lower() in message.lower()
            ),
            None,
        )
        declared = next(
            (
                d
                for d in denials
                if d.kind in catalogue[check_id].requires
                and rid.lower().startswith(denial_scope(d).lower())
            ),
            None,
        )
        if cause is not None or declared is not None:
            if status is not Status.NOT_ASSESSED or cause is None:
                mismatches.append((key, "should be NOT_ASSESSED for a denial", want, got[key]))
            else:
                hidden[cause] += 1
        elif (status, message) != want:
            mismatches.append((key, "differs", want, got[key]))
    assert mismatches == []
    assert all(hidden.values()), f"a denial hid nothing: {hidden}"


def skipped_as_unneeded(entry: dict[str, str]) -> bool:
    """Diagnostic settings of a group that logs to a workspace are not read (ACI-015
    passes on the workspace alone), nor role assignments of a subscription without any
    managed identity (ACI-025 has nothing to judge there), nor role definitions when
    every assigned role is a built-in known by its id."""
    return (
        entry["status"] == CoverageStatus.NOT_COLLECTED
        and entry["kind"]
        in (kinds.DIAGNOSTIC_SETTINGS, kinds.ROLE_ASSIGNMENTS, kinds.ROLE_DEFINITIONS)
        and entry.get("detail", "").startswith("not needed")
    )


def assert_no_leak(fake: FakeAzure, sinks: dict[str, str]) -> None:
    secrets = [fake.client_secret, *fake.issued_tokens]
    assert fake.issued_tokens, "no token was issued: nothing was tested"
    for name, text in sinks.items():
        assert TAG.lower() not in text.lower(), f"a canary secret reached {name}"
        for secret in secrets:
            assert secret not in text, f"a credential reached {name}"


# -- (a) the acceptance run ----------------------------------------------------------------------


def test_collect_in_a_child_process_audits_like_the_estate(fake: FakeAzure, tmp_path: Path) -> None:
    for denial in DENIALS:
        fake.fail(denial.pattern, status=403)
    expected = outcomes(reference(fake, demo_document()["subscriptions"]))
    assert sum(s is Status.FAIL for s, _ in expected.values()) > 20  # a rich estate

    collected = aci_audit(fake, tmp_path, "collect", *endpoints(fake), "-o", "snap.json")

    assert collected.returncode == 0, collected.stderr
    assert collected.stdout == ""
    assert "signed in as app " in collected.stderr and "wrote snap.json" in collected.stderr
    snap = tmp_path / "snap.json"
    document = json.loads(snap.read_text(encoding="utf-8"))
    assert document["source"]["kind"] == "live"
    assert document["source"]["arm_endpoint"] == fake.url
    assert document["source"]["tenant_id"] == fake.tenant_id
    assert {s["subscriptionId"] for s in document["subscriptions"]} == {PROD, DEV, SANDBOX}
    denied = {
        (c["scope"].lower(), c["kind"])
        for c in document["coverage"]
        if c["status"] == CoverageStatus.DENIED
    }
    assert denied == {(denial_scope(d).lower(), d.kind) for d in DENIALS}
    assert all(
        c["status"] == CoverageStatus.COLLECTED or skipped_as_unneeded(c)
        for c in document["coverage"]
        if (c["scope"].lower(), c["kind"]) not in denied
    )

    scanned = aci_audit(fake, tmp_path, "scan", "--snapshot", "snap.json", "--format", "json")

    assert scanned.returncode == 0, scanned.stderr
    assert_same_results(report_outcomes(json.loads(scanned.stdout)), expected, DENIALS)
    assert fake.violations == []
    assert_no_leak(
        fake,
        {
            "snapshot": snap.read_text(encoding="utf-8"),
            "report": scanned.stdout,
            "stderr": collected.stderr + scanned.stderr,
        },
    )


# -- (b) nothing to audit ------------------------------------------------------------------------


@pytest.mark.parametrize("states", [(), ("Disabled", "Deleted")], ids=["empty", "none-enabled"])
def test_a_tenant_without_enabled_subscriptions_is_one_line_exit_2(
    tmp_path: Path, states: tuple[str, ...]
) -> None:
    with FakeAzure() as empty:
        for i, state in enumerate(states):
            empty.add_subscription(f"{i}0000000-0000-4000-8000-000000000000", f"Old {i}", state)

        result = aci_audit(empty, tmp_path, "collect", *endpoints(empty), "-o", "snap.json")

        assert result.returncode == 2
        assert result.stdout == ""
        errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
        assert len(errors) == 1, result.stderr
        assert errors[0].startswith("aci-audit: error: ")
        assert "sees no Enabled subscription" in errors[0] and empty.tenant_id in errors[0]
        assert "Traceback" not in result.stderr
        assert list(tmp_path.iterdir()) == []  # no snapshot, no temporary file
        assert empty.violations == []


# -- (c) Resource Graph refused ------------------------------------------------------------------


def test_resource_graph_denied_falls_back_to_listing_with_the_same_results(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail(GRAPH_PATH, status=403, method="POST")
    fake.page_size = 2  # the per-subscription lists page as well
    expected = outcomes(reference(fake, demo_document()["subscriptions"]))
    target = tmp_path / "snap.json"

    assert main(["collect", "--auth", "env", *endpoints(fake), "-o", str(target)]) == 0

    err = capsys.readouterr().err
    assert "Resource Graph unavailable (AuthorizationFailed" in err
    assert "listing per subscription" in err
    assert len(fake.calls(GRAPH_PATH, "POST")) == 1  # refused once, not retried
    for sub in (PROD, DEV, SANDBOX):
        for kind in (REGISTRIES, CONTAINER_GROUPS):
            assert fake.calls(rf"^/subscriptions/{sub}/providers/{re.escape(kind)}$", "GET")
    snapshot = load_snapshot(target)
    listed = {c.kind: c for c in snapshot.coverage if c.kind in (REGISTRIES, CONTAINER_GROUPS)}
    assert listed[REGISTRIES].api_version != "resource-graph"
    assert all(
        c.status is CoverageStatus.COLLECTED or skipped_as_unneeded(c.to_dict())
        for c in snapshot.coverage
    )
    assert_same_results(outcomes(snapshot), expected)


# A cloud that lags behind (Azure Stack Hub, sovereign clouds) serves only the older ACI
# api-version. Azure Stack Hub has no Resource Graph either: there the listing is the path.


@pytest.mark.parametrize("graph", [True, False], ids=["graph", "listing"])
def test_a_cloud_serving_only_the_older_aci_api_reads_every_group(
    fake: FakeAzure, tmp_path: Path, graph: bool
) -> None:
    fake.api_versions = {CONTAINER_GROUPS: [ACI_FALLBACK_API]}
    groups = [o["id"] for o in fake.objects() if o.get("type") == CONTAINER_GROUPS]
    target = tmp_path / "snap.json"
    flags = [] if graph else ["--no-resource-graph"]

    assert main(["collect", "--auth", "env", *endpoints(fake), *flags, "-o", str(target)]) == 0

    snapshot = load_snapshot(target)
    got = sorted(r["id"] for r in snapshot.resources if r["type"] == CONTAINER_GROUPS)
    assert got == sorted(groups)
    entries = [c for c in snapshot.coverage if c.kind == CONTAINER_GROUPS]
    assert entries and all(c.status is CoverageStatus.COLLECTED for c in entries)
    read = {c.scope.lower(): c.api_version for c in entries}
    assert all(read[g.lower()] == ACI_FALLBACK_API for g in groups)
    # Refused when listing, the newer version is not asked again for each group (on the
    # Resource Graph path the first group reads race, so only the listing path is exact).
    if graph:
        return
    refused = [
        r for r in fake.requests
        if r.method == "GET" and r.api_version != ACI_FALLBACK_API
        and any(r.path.lower() == g.lower() for g in groups)
    ]  # fmt: skip
    assert refused == []


# -- (d) transient server errors -----------------------------------------------------------------

# One of each kind of read answers 500 once; the CLI's default retries must absorb it.
FLAKY = (
    ("POST", GRAPH_PATH),
    ("GET", r"^/subscriptions$"),
    ("GET", r"/containerGroups/nightly-settlement$"),
    ("GET", r"/registries/FabrikamProd/cacheRules$"),
    ("GET", r"/registries/fabrikamdev/tokens$"),
    ("GET", r"/registries/FabrikamProd/providers/Microsoft\.Insights/diagnosticSettings$"),
    ("GET", rf"^/subscriptions/{DEV}/providers/Microsoft\.Insights/diagnosticSettings$"),
    ("GET", rf"^/subscriptions/{PROD}/providers/Microsoft\.Security/pricings$"),
    ("GET", rf"^/subscriptions/{SANDBOX}/providers/Microsoft\.Insights/metricAlerts$"),
    ("GET", rf"^/subscriptions/{PROD}/providers/Microsoft\.Authorization/roleAssignments$"),
    ("GET", r"/roleDefinitions/[0-9a-f-]+$"),
)


def test_a_500_then_success_is_retried_and_the_run_is_complete(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = outcomes(reference(fake, demo_document()["subscriptions"]))
    rules = [fake.fail(p, status=500, method=m, times=1) for m, p in FLAKY]
    target = tmp_path / "snap.json"

    assert main(["collect", "--auth", "env", *endpoints(fake), "-o", str(target)]) == 0

    err = capsys.readouterr().err
    assert "failed" not in err and "unavailable" not in err, err
    for (method, pattern), rule in zip(FLAKY, rules, strict=True):
        assert rule.hits == 1, f"{method} {pattern} was never read"
        first_failed = next(r for r in fake.calls(pattern, method) if r.status == 500)
        retried = [
            r
            for r in fake.calls(pattern, method)
            if r.path == first_failed.path and r.status == 200
        ]
        assert retried, f"{method} {first_failed.path} was not retried"
    snapshot = load_snapshot(target)
    assert all(
        c.status is CoverageStatus.COLLECTED or skipped_as_unneeded(c.to_dict())
        for c in snapshot.coverage
    )
    assert_same_results(outcomes(snapshot), expected)


# -- (e) no secret anywhere, and nothing but reads -------------------------------------------------


@pytest.mark.parametrize("scrub", [True, False], ids=["arm", "arm-returning-write-only-values"])
def test_no_secret_reaches_any_output_and_only_reads_are_sent(
    fake: FakeAzure,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    scrub: bool,
) -> None:
    fake.scrub_secrets = scrub
    caplog.set_level(logging.DEBUG)
    for name in ("azure", "azure.identity", "azure.core", "msal", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    snap, md, js = tmp_path / "snap.json", tmp_path / "report.md", tmp_path / "report.json"

    assert main(["collect", "--auth", "env", *endpoints(fake), "-o", str(snap)]) == 0
    assert main(["scan", "--snapshot", str(snap), "-o", str(md)]) == 0
    assert main(["scan", "--snapshot", str(snap), "--format", "json", "-o", str(js)]) == 0
    assert main(["scan", "--snapshot", str(snap)]) == 0  # Markdown on stdout
    # Live straight to a report, no snapshot in between.
    assert main(["scan", "--auth", "env", *endpoints(fake), "--format", "json"]) == 0

    out, err = capsys.readouterr()
    # The canaries were there to be found: the snapshot holds markers in their places.
    text = snap.read_text(encoding="utf-8")
    assert "redacted:v1:github-token:" in text
    assert caplog.records and any(r.name.startswith("azure") for r in caplog.records)
    assert_no_leak(
        fake,
        {
            "snapshot": text,
            "markdown report": md.read_text(encoding="utf-8"),
            "json report": js.read_text(encoding="utf-8"),
            "stdout": out,
            "stderr": err,
            "logs": caplog.text + "\n".join(str(r.args) for r in caplog.records),
        },
    )
    assert fake.violations == []
    for request in fake.requests:
        graph = request.method == "POST" and request.path.rstrip("/").lower() == GRAPH_PATH
        assert request.method == "GET" or graph, f"{request.method} {request.path}"
    assert fake.calls(GRAPH_PATH, "POST")
    assert fake.entra_requests
    for call in fake.entra_requests:
        assert (call.method == "GET" and OPENID.match(call.path)) or (
            call.method == "POST" and TOKEN.match(call.path)
        ), f"{call.method} {call.path}"
    assert fake.token_requests >= 1
