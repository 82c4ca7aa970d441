"""Registries are judged from a GET at the pinned ACR api-version, not from the Resource
Graph row, whose property set is not guaranteed complete: a private registry whose row
lacks `publicNetworkAccess` and `networkRuleSet` must not FAIL ACR-003.

Shapes: azure-rest-api-specs `specification/containerregistry/resource-manager/
Microsoft.ContainerRegistry/stable/2025-11-01/containerregistry.json`, `Registries_Get`
(`RegistryProperties.publicNetworkAccess`, `networkRuleSet`); older clouds serve
2023-07-01 or 2019-05-01 (Azure Stack Hub) and refuse newer versions.
"""

from __future__ import annotations

from typing import Any

import pytest
from fakearm import FakeAzure
from test_live_collect import SUB1, estate, options

from aciaudit.run import audit
from aciaudit.sources.azure.collector import collect
from checks.kinds import REGISTRIES
from checks.model import Status
from checks.snapshot import CoverageStatus

ACR = (
    f"/subscriptions/{SUB1}/resourceGroups/rg-shared/providers/"
    "Microsoft.ContainerRegistry/registries/contosoacr"
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        registry = next(o for o in server.objects() if o["id"] == ACR)
        registry["properties"]["publicNetworkAccess"] = "Disabled"
        server.add(registry)
        server.sign_in_env(monkeypatch)
        yield server


def acr_003(snap: Any) -> Any:
    return next(r for r in audit(snap).results if r.check_id == "ACR-003" and r.resource_id == ACR)


def entry(snap: Any) -> Any:
    return next(c for c in snap.coverage if c.scope == ACR and c.kind == REGISTRIES)


def test_a_private_registry_whose_row_lacks_fields_is_judged_from_its_get(fake: FakeAzure) -> None:
    fake.graph_row_omits = {"publicNetworkAccess", "networkRuleSet"}
    snap = collect(options(fake))
    assert acr_003(snap).status is Status.PASS
    stored = next(r for r in snap.resources if r["id"] == ACR)
    assert stored["properties"]["publicNetworkAccess"] == "Disabled"
    gets = fake.calls(r"/registries/contosoacr$", "GET")
    assert [g.api_version for g in gets] == ["2025-11-01"]  # one more request per registry
    assert entry(snap).api_version == "2025-11-01"


@pytest.mark.parametrize(
    ("served", "refusal"),
    [
        ("2023-07-01", (400, "NoRegisteredProviderFound")),
        ("2019-05-01", (404, "InvalidResourceType")),
    ],
)
def test_an_older_cloud_is_read_at_its_version(
    fake: FakeAzure, served: str, refusal: tuple[int, str]
) -> None:
    fake.api_versions = {REGISTRIES: [served]}
    fake.api_version_refusal = refusal
    snap = collect(options(fake))
    got = entry(snap)
    assert (got.status, got.api_version) == (CoverageStatus.COLLECTED, served)
    assert any(r["id"] == ACR for r in snap.resources)


def test_a_failed_get_keeps_the_registry_and_says_so(fake: FakeAzure) -> None:
    fake.fail(r"/registries/contosoacr$", 500)
    snap = collect(options(fake))
    got = entry(snap)
    assert got.status is CoverageStatus.FAILED and "InternalServerError" in (got.detail or "")
    assert any(r["id"] == ACR for r in snap.resources)
    # Never judged from the row: its checks say why they were not assessed.
    assert acr_003(snap).status is Status.NOT_ASSESSED
