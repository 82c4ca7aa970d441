"""Container groups at ACI 2026-05-01, and clouds that refuse it.

Shapes: azure-rest-api-specs `specification/containerinstance/resource-manager/
Microsoft.ContainerInstance/ContainerInstance/stable/2026-05-01/` (the example
`ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json`: an `azureFile` volume
with `userManagedIdentityClientId`, a property new in 2026-05-01; 2025-09-01 has
`storageAccountKeyReference` but no identity mount). ARM refuses a version a cloud does
not serve with 400 `NoRegisteredProviderFound` / `InvalidApiVersionParameter`, and some
clouds with 404 `InvalidResourceType`: a refusal is never "deleted since listed".
"""

from __future__ import annotations

from typing import Any

import pytest
from fakearm import FakeAzure
from fixtures import load_example
from test_live_collect import SUB1, estate, options, rebase

from aciaudit.run import audit
from aciaudit.sources.azure.apis import ACI_API
from aciaudit.sources.azure.collector import collect
from checks.kinds import CONTAINER_GROUPS
from checks.model import Status
from checks.snapshot import CoverageStatus

MI_SHARE = "Microsoft.ContainerInstance/2026-05-01/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        server.sign_in_env(monkeypatch)
        yield server


def groups(fake: FakeAzure) -> list[str]:
    return sorted(o["id"].lower() for o in fake.objects() if o.get("type") == CONTAINER_GROUPS)


def read_at(snap: Any) -> dict[str, Any]:
    return {c.scope.lower(): c for c in snap.coverage if c.kind == CONTAINER_GROUPS}


def test_groups_are_read_at_2026_05_01(fake: FakeAzure) -> None:
    snap = collect(options(fake))
    entries = read_at(snap)
    assert all(entries[g].api_version == ACI_API == "2026-05-01" for g in groups(fake))


@pytest.mark.parametrize(
    ("refusal", "served"),
    [
        ((404, "InvalidResourceType"), "2025-09-01"),
        ((400, "InvalidApiVersionParameter"), "2023-05-01"),
        ((400, "NoRegisteredProviderFound"), "2021-10-01"),
    ],
    ids=["404-InvalidResourceType", "400-InvalidApiVersionParameter", "400-NoRegisteredProvider"],
)
@pytest.mark.parametrize("graph", [True, False], ids=["graph", "listing"])
def test_a_refused_version_falls_back_and_no_group_is_lost(
    fake: FakeAzure, refusal: tuple[int, str], served: str, graph: bool
) -> None:
    fake.api_versions = {CONTAINER_GROUPS: [served]}
    fake.api_version_refusal = refusal
    snap = collect(options(fake, use_resource_graph=graph))
    got = sorted(r["id"].lower() for r in snap.resources if r["type"] == CONTAINER_GROUPS)
    assert got == groups(fake)
    entries = read_at(snap)
    for g in groups(fake):
        assert entries[g].status is CoverageStatus.COLLECTED
        assert entries[g].api_version == served  # recorded per resource
    # Each group holds its full body (the GET), not a listed shape.
    assert all(
        r.get("properties", {}).get("containers")
        for r in snap.resources
        if r["type"] == CONTAINER_GROUPS
    )


def test_every_version_refused_with_404_is_a_failed_read_not_a_deletion(fake: FakeAzure) -> None:
    fake.api_versions = {CONTAINER_GROUPS: ["2099-01-01"]}
    fake.api_version_refusal = (404, "InvalidResourceType")
    snap = collect(options(fake))  # Resource Graph lists them; every GET is refused
    entries = read_at(snap)
    for g in groups(fake):
        assert entries[g].status is CoverageStatus.FAILED
        assert "every ACI api-version refused" in (entries[g].detail or "")
    kept = sorted(r["id"].lower() for r in snap.resources if r["type"] == CONTAINER_GROUPS)
    assert kept == groups(fake)  # kept in the inventory, their checks NOT_ASSESSED


def test_an_identity_mounted_share_passes_aci_027(fake: FakeAzure) -> None:
    body = load_example(MI_SHARE, "200")
    fake.add(rebase(body, SUB1, "rg-app", "mi-share"))
    snap = collect(options(fake))
    result = next(
        r
        for r in audit(snap).results
        if r.check_id == "ACI-027" and r.resource_id.endswith("/mi-share")
    )
    assert result.status is Status.PASS


def test_at_2025_09_01_a_share_without_key_reference_is_not_assessed(fake: FakeAzure) -> None:
    body = load_example(MI_SHARE, "200")
    share = body["properties"]["volumes"][0]["azureFile"]
    share.pop("userManagedIdentityClientId")  # what 2025-09-01 shows of an identity mount
    fake.add(rebase(body, SUB1, "rg-app", "mi-share"))
    fake.api_versions = {CONTAINER_GROUPS: ["2025-09-01"]}
    snap = collect(options(fake))
    result = next(
        r
        for r in audit(snap).results
        if r.check_id == "ACI-027" and r.resource_id.endswith("/mi-share")
    )
    assert result.status is Status.NOT_ASSESSED
    assert "2025-09-01" in result.message and "userManagedIdentityClientId" in result.message
