"""The token goes to ARM and nowhere else; reads end.

Every pager, the SDK's included (subscriptions, registries, tokens, cache rules) and our
own ARM lists (container groups, role assignments), follows a `nextLink` only to the ARM
endpoint's scheme, host and port, else stops before sending anything and records the
kind as failed; a `nextLink` seen before stops paging; a 3xx is never followed;
`Retry-After` is honoured up to `--max-retry-wait`; retries are bounded; a cancel ends
a collection within 2 s even while a read hangs; credential errors never quote a token.

Shapes: ARM's list envelope `{"value": [...], "nextLink": <absolute URL>}` is the
`x-ms-pageable` contract of every list operation in azure-rest-api-specs (e.g.
`containerregistry/.../stable/2025-11-01/containerregistry.json`, `Registries_List`,
`Tokens_List`, `CacheRules_List`; `containerinstance/.../stable/2025-09-01`,
`ContainerGroups_List`; `authorization/.../stable/2022-04-01`, `RoleAssignments_ListForScope`
with `$filter=assignedTo('{id}')`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fakearm import FakeAzure
from test_live_acceptance import ROOT, cli_env, endpoints
from test_live_collect import PRINCIPAL, SUB1, estate, options

from aciaudit.sources.azure.auth import _first_line
from aciaudit.sources.azure.collector import CollectionError, collect
from aciaudit.sources.azure.progress import Cancelled
from checks import kinds
from checks.snapshot import CoverageStatus

RG_SHARED = f"/subscriptions/{SUB1}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry"
ACR = f"{RG_SHARED}/registries/contosoacr"
GROUP_WEB = (
    f"/subscriptions/{SUB1}/resourceGroups/rg-app/providers/"
    "Microsoft.ContainerInstance/containerGroups/web"
)


def more_of_everything(fake: FakeAzure) -> None:
    """A second item in each paged list, so that a page size of 1 needs a nextLink."""
    registry = next(o for o in fake.objects() if o["id"] == ACR)
    fake.add({**registry, "id": f"{RG_SHARED}/registries/second", "name": "second"})
    for kind, name, props in (
        ("tokens", "pull", {"status": "enabled"}),
        ("cacheRules", "hub", {"sourceRepository": "docker.io/library/nginx"}),
        ("cacheRules", "mcr", {"sourceRepository": "mcr.microsoft.com/dotnet"}),
    ):
        fake.add(
            {
                "id": f"{ACR}/{kind}/{name}",
                "name": name,
                "type": f"Microsoft.ContainerRegistry/registries/{kind}",
                "properties": props,
            }
        )
    web = next(o for o in fake.objects() if o["id"] == GROUP_WEB)
    fake.add({**web, "id": GROUP_WEB + "2", "name": "web2"})
    fake.add(
        {
            "id": f"/subscriptions/{SUB1}/providers/Microsoft.Authorization/roleAssignments/ra2",
            "name": "ra2",
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {
                "principalId": PRINCIPAL,
                "principalType": "ServicePrincipal",
                "scope": f"/subscriptions/{SUB1}",
                "roleDefinitionId": f"/subscriptions/{SUB1}/providers/Microsoft.Authorization/"
                "roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
            },
        }
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        more_of_everything(server)
        server.sign_in_env(monkeypatch)
        yield server


@pytest.fixture
def elsewhere() -> Any:
    """Another origin (same address, another port): it must never hear from us."""
    with FakeAzure() as server:
        yield server


# (pager, list path, coverage scope, kind, read through Resource Graph?)
PAGERS = [
    ("registries (SDK)", r"/registries$", f"/subscriptions/{SUB1}", kinds.REGISTRIES, False),
    ("tokens (SDK)", r"/tokens$", ACR, kinds.TOKENS, True),
    ("cache rules (SDK)", r"/cacheRules$", ACR, kinds.CACHE_RULES, True),
    (
        "container groups (ARM list)",
        r"/containerGroups$",
        f"/subscriptions/{SUB1}",
        kinds.CONTAINER_GROUPS,
        False,
    ),
    (
        "role assignments (ARM list)",
        r"/roleAssignments$",
        f"/subscriptions/{SUB1}",
        kinds.ROLE_ASSIGNMENTS,
        True,
    ),
]


def entry(snap: Any, scope: str, kind: str) -> Any:
    return next(c for c in snap.coverage if c.scope.lower() == scope.lower() and c.kind == kind)


@pytest.mark.parametrize(
    ("pager", "path", "scope", "kind", "graph"), PAGERS, ids=[p[0] for p in PAGERS]
)
def test_a_next_link_to_another_host_is_never_followed(
    fake: FakeAzure, elsewhere: FakeAzure, pager: str, path: str, scope: str, kind: str, graph: bool
) -> None:
    fake.page_size = 1
    fake.next_link_origin = elsewhere.url
    fake.next_link_paths = path
    snap = collect(options(fake, use_resource_graph=graph))
    got = entry(snap, scope, kind)
    assert got.status is CoverageStatus.FAILED, pager
    assert "nextLink to another host refused" in (got.detail or "")
    assert elsewhere.requests == [] and elsewhere.entra_requests == []
    assert fake.violations == []


def test_the_subscription_pager_refuses_another_host_too(
    fake: FakeAzure, elsewhere: FakeAzure
) -> None:
    fake.page_size = 1
    fake.next_link_origin = elsewhere.url
    fake.next_link_paths = r"^/subscriptions$"
    with pytest.raises(CollectionError, match="nextLink to another host refused"):
        collect(options(fake))
    assert elsewhere.requests == [] and elsewhere.entra_requests == []


@pytest.mark.parametrize(
    ("pager", "path", "scope", "kind", "graph"), PAGERS, ids=[p[0] for p in PAGERS]
)
def test_a_looping_next_link_stops_the_read(
    fake: FakeAzure, pager: str, path: str, scope: str, kind: str, graph: bool
) -> None:
    fake.page_size = 1
    fake.next_link_loop = True
    fake.next_link_paths = path
    start = time.monotonic()
    snap = collect(options(fake, use_resource_graph=graph))
    assert time.monotonic() - start < 30
    got = entry(snap, scope, kind)
    assert got.status is CoverageStatus.FAILED, pager
    assert "seen before" in (got.detail or "")
    assert len(fake.calls(path)) <= 4  # first page, the linked one, and no more per list


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_is_never_followed(fake: FakeAzure, elsewhere: FakeAzure, status: int) -> None:
    target = f"{elsewhere.url}{GROUP_WEB}/providers/Microsoft.Insights/diagnosticSettings"
    fake.fail(r"/containerGroups/web/providers/Microsoft\.Insights/diagnosticSettings$", status,
              "Moved", headers={"Location": target})  # fmt: skip
    fake.fail(r"/registries/contosoacr/tokens$", status, "Moved",
              headers={"Location": f"{elsewhere.url}{ACR}/tokens"})  # fmt: skip
    snap = collect(options(fake))
    assert entry(snap, GROUP_WEB, kinds.DIAGNOSTIC_SETTINGS).status is CoverageStatus.FAILED
    assert entry(snap, ACR, kinds.TOKENS).status is CoverageStatus.FAILED
    assert elsewhere.requests == [] and elsewhere.entra_requests == []


def test_retry_after_beyond_the_cap_fails_the_read_at_once(fake: FakeAzure) -> None:
    fake.fail(r"/providers/Microsoft\.Insights/metricAlerts$", 429, retry_after=3600)
    start = time.monotonic()
    snap = collect(options(fake, retries=4, max_retry_wait=60))
    assert time.monotonic() - start < 20
    got = entry(snap, f"/subscriptions/{SUB1}", kinds.METRIC_ALERTS)
    assert got.status is CoverageStatus.FAILED
    assert "retry after 3600 s, more than --max-retry-wait 60 s" in (got.detail or "")
    assert (
        len(fake.calls(rf"/subscriptions/{SUB1}/providers/Microsoft\.Insights/metricAlerts$")) == 1
    )


def test_retries_are_bounded(fake: FakeAzure) -> None:
    fake.fail(r"/providers/Microsoft\.Insights/metricAlerts$", 503)
    snap = collect(options(fake, retries=2, backoff=0.01))
    assert (
        entry(snap, f"/subscriptions/{SUB1}", kinds.METRIC_ALERTS).status is CoverageStatus.FAILED
    )
    assert (
        len(fake.calls(rf"/subscriptions/{SUB1}/providers/Microsoft\.Insights/metricAlerts$")) == 3
    )


def test_a_cancel_ends_the_collection_within_two_seconds_while_a_read_hangs(
    fake: FakeAzure,
) -> None:
    fake.fail(r"/containerGroups/web$", 500, stall=30)  # the server sits on this read
    cancel = threading.Event()
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            collect(options(fake, timeout=60), cancel=cancel)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not fake.calls(r"/containerGroups/web$", "GET") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    pressed = time.monotonic()
    cancel.set()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - pressed < 2
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


def test_ctrl_c_exits_130_within_two_seconds_writing_nothing(
    fake: FakeAzure, tmp_path: Path
) -> None:
    fake.fail(r"/containerGroups/web$", 500, stall=30)
    script = Path(sys.executable).with_name("aci-audit")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tui.launch"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "PYTEST_"))}
    env |= {"PYTHONPATH": str(ROOT), **cli_env(fake)}
    out = tmp_path / "report.md"
    child = subprocess.Popen(
        [*command, "scan", "--auth", "env", *endpoints(fake), "-o", str(out)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not fake.calls(r"/containerGroups/web$", "GET") and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        pressed = time.monotonic()
        child.send_signal(signal.SIGINT)
        code = child.wait(5)
        took = time.monotonic() - pressed
        _, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
    assert code == 130 and took < 2, (code, took, err)
    assert "Traceback" not in err and "nothing was written" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_credential_errors_keep_the_code_and_description_only() -> None:
    quoted = (
        'ClientSecretCredential.get_token failed: {"token_type": "Bearer", '
        '"access_token": "eyJ0eXAiOiJKV1QiLCJhbGci.eyJhdWQiOiJodHRwcyI6.c2lnbmF0dXJl", '
        '"refresh_token": "0.AXYAq3-refresh", "error": "invalid_client", '
        '"error_description": "AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: 1"}'
    )
    said = _first_line(Exception(quoted))
    assert said == "invalid_client: AADSTS7000215: Invalid client secret provided."
    bare = _first_line(Exception("failed with access_token=abc.def and eyJhbGciOi.eyJzdWIi.sig"))
    assert "abc.def" not in bare and "eyJ" not in bare


def test_a_token_failure_during_reads_is_reduced_too() -> None:
    from azure.core.exceptions import ClientAuthenticationError

    from aciaudit.sources.azure.arm import triage

    quoted = (
        'Authentication failed: {"error": "invalid_grant", "error_description": '
        '"AADSTS70043: The refresh token has expired.", "refresh_token": "0.AXYA-secret"}'
    )
    failure = triage(ClientAuthenticationError(message=quoted))
    assert failure.status is CoverageStatus.FAILED
    assert (
        failure.detail
        == "sign-in failed: invalid_grant: AADSTS70043: The refresh token has expired."
    )
