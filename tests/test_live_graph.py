"""Resource Graph as Azure serves it: pages of `$top` 1,000 followed by `$skipToken` to
the end, rows de-duplicated by id, the per-user quota headers, throttling with and
without `Retry-After`, and answers that are not a well-formed result.

Shapes from the REST specification (azure-rest-api-specs,
`specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2021-03-01/
resourcegraph.json`): `QueryRequestOptions` (`$top` at most 1000, `$skipToken`,
`resultFormat` objectArray|table) and `QueryResponse` (`totalRecords`, `count`,
`resultTruncated` "true"|"false", `$skipToken`, `data`: an object array or a
`{columns, rows}` table). The quota headers `x-ms-user-quota-remaining` and
`x-ms-user-quota-resets-after` (hh:mm:ss) are those of Learn's "Guidance for throttled
requests in Azure Resource Graph".
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from fakearm import FakeAzure
from test_live_collect import SUB1, SUB2, estate, options

from aciaudit.sources.azure.collector import collect
from checks.kinds import CONTAINER_GROUPS, REGISTRIES
from checks.snapshot import CoverageStatus

GRAPH = r"/providers/Microsoft\.ResourceGraph/resources"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        server.sign_in_env(monkeypatch)
        yield server


def inventory_posts(fake: FakeAzure) -> list[Any]:
    return [
        r
        for r in fake.calls(GRAPH, "POST")
        if str((r.body_json or {}).get("query", "")).lower().startswith("resources")
    ]


def inventory(snap: Any) -> dict[tuple[str, str], Any]:
    return {
        (c.scope.lower(), c.kind): c
        for c in snap.coverage
        if c.kind in (REGISTRIES, CONTAINER_GROUPS) and c.scope.count("/") == 2
    }


def ids(snap: Any, kind: str) -> list[str]:
    return sorted(r["id"].lower() for r in snap.resources if r["type"] == kind)


def test_asks_for_1000_rows_a_page_and_follows_skip_tokens_to_the_end(fake: FakeAzure) -> None:
    fake.graph_page_size = 1  # the service may send fewer rows than asked for
    snap = collect(options(fake))
    posts = inventory_posts(fake)
    assert len(posts) == 3  # registry + two groups, one row a page
    assert all(p.body_json["options"]["$top"] == 1000 for p in posts)
    assert "$skipToken" not in posts[0].body_json["options"]
    assert all(p.body_json["options"].get("$skipToken") for p in posts[1:])
    assert len(ids(snap, CONTAINER_GROUPS)) == 2 and len(ids(snap, REGISTRIES)) == 1
    assert {c.api_version for c in inventory(snap).values()} == {"resource-graph"}


def test_rows_repeated_across_pages_are_kept_once(fake: FakeAzure) -> None:
    fake.graph_page_size = 1
    fake.graph_fault = "duplicates"  # the next page repeats the last row, id upper-cased
    snap = collect(options(fake))
    groups = ids(snap, CONTAINER_GROUPS)
    assert len(groups) == len(set(groups)) == 2
    assert len(ids(snap, REGISTRIES)) == 1
    # Each group read once, not once per copy of its row.
    assert len(fake.calls(r"/containerGroups/[^/]+$", "GET")) == 2


@pytest.mark.parametrize("fault", ["data-not-list", "truncated", "row-without-id", "loop"])
def test_a_malformed_answer_is_a_failed_read_then_the_listing(fake: FakeAzure, fault: str) -> None:
    fake.graph_fault = fault
    fake.graph_page_size = 1
    notes: list[str] = []

    class Notes:
        def phase(self, name: str, total: int) -> None: ...
        def advance(self, name: str, amount: int = 1) -> None: ...
        def problem(self, entry: Any) -> None: ...
        def note(self, text: str) -> None:
            notes.append(text)

    snap = collect(options(fake), Notes())
    # Never an empty inventory: the subscriptions were listed one by one instead.
    assert any("malformed Resource Graph answer" in n for n in notes), notes
    assert len(ids(snap, CONTAINER_GROUPS)) == 2 and len(ids(snap, REGISTRIES)) == 1
    listed = inventory(snap)
    assert {c.status for c in listed.values()} == {CoverageStatus.COLLECTED}
    assert "resource-graph" not in {c.api_version for c in listed.values()}
    assert fake.calls(
        rf"/subscriptions/{SUB1}/providers/Microsoft\.ContainerInstance/containerGroups$"
    )


def test_malformed_answer_and_failed_listing_leave_the_inventory_failed(fake: FakeAzure) -> None:
    fake.graph_fault = "data-not-list"
    fake.fail(
        rf"/subscriptions/{SUB2}/providers/Microsoft\.ContainerInstance/containerGroups$", 500
    )
    snap = collect(options(fake))
    listed = inventory(snap)
    entry = listed[(f"/subscriptions/{SUB2}", CONTAINER_GROUPS)]
    assert entry.status is CoverageStatus.FAILED
    assert "InternalServerError" in (entry.detail or "")
    assert listed[(f"/subscriptions/{SUB1}", CONTAINER_GROUPS)].status is CoverageStatus.COLLECTED


@pytest.mark.parametrize("retry_after", [1, None], ids=["retry-after", "no-retry-after"])
def test_a_throttled_query_is_retried_and_nothing_is_lost(
    fake: FakeAzure, retry_after: int | None
) -> None:
    fake.graph_page_size = 1
    # The second page is throttled twice, then answered.
    fake.fail(GRAPH, 429, "RateLimiting", method="POST", times=2, retry_after=retry_after, after=1)
    snap = collect(options(fake, retries=3, backoff=0.05))
    posts = inventory_posts(fake)
    assert [p.status for p in posts] == [200, 429, 429, 200, 200]
    # The retried page asked again for the same continuation.
    assert posts[1].body_json["options"] == posts[3].body_json["options"]
    assert len(ids(snap, CONTAINER_GROUPS)) == 2
    assert {c.api_version for c in inventory(snap).values()} == {"resource-graph"}


def test_a_query_throttled_past_its_retries_falls_back_keeping_its_rows(fake: FakeAzure) -> None:
    fake.graph_page_size = 1
    fake.fail(GRAPH, 429, "RateLimiting", method="POST", after=1)
    snap = collect(options(fake, retries=1, backoff=0.01))
    assert len(ids(snap, CONTAINER_GROUPS)) == 2 and len(ids(snap, REGISTRIES)) == 1
    assert {c.status for c in inventory(snap).values()} == {CoverageStatus.COLLECTED}


def test_the_quota_headers_pause_the_next_query(fake: FakeAzure) -> None:
    fake.graph_page_size = 1
    fake.graph_quota(limit=1, window=1.0)  # one query a second: "0 left, resets 00:00:01"
    snap = collect(options(fake))
    posts = inventory_posts(fake)
    assert len(posts) == 3 and all(p.status == 200 for p in posts)
    gaps = [b.received - a.received for a, b in itertools.pairwise(posts)]
    assert min(gaps) >= 0.5, gaps  # waited for the window instead of hitting a 429
    assert len(ids(snap, CONTAINER_GROUPS)) == 2


def test_defender_rows_read_before_a_failure_are_kept(fake: FakeAzure) -> None:
    sub = f"/subscriptions/{SUB1}"
    acr = f"{sub}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoacr"
    for n in range(3):
        fake.add(
            {
                "id": f"{acr}/providers/Microsoft.Security/assessments/a/subAssessments/s{n}",
                "name": f"s{n}",
                "type": "Microsoft.Security/assessments/subAssessments",
                "properties": {
                    "id": f"CVE-2024-000{n}",
                    "status": {"code": "Unhealthy"},
                    "additionalData": {
                        "assessedResourceType": "AzureContainerRegistryVulnerability"
                    },
                },
            }
        )
    fake.graph_page_size = 1
    # Queries 1-3 are the inventory's; the Defender query's second page fails for good.
    fake.fail(GRAPH, 500, method="POST", after=4)
    start = time.monotonic()
    snap = collect(options(fake))
    assert time.monotonic() - start < 30
    findings = [r for r in snap.resources if r["type"].lower().endswith("subassessments")]
    assert len(findings) == 1  # the first page's row, not thrown away
    entry = next(c for c in snap.coverage if c.scope == sub and "Security" in c.kind)
    assert entry.status is CoverageStatus.FAILED
    assert "1 finding row(s) read before it are kept" in (entry.detail or "")


def test_group_reads_start_while_the_listing_still_pages(fake: FakeAzure) -> None:
    # A large estate's listing is many pages; the whole read of a group on an early page
    # need not wait for the last one.
    fake.graph_page_size = 1
    fake.latency = 0.2
    snap = collect(options(fake))
    posts = inventory_posts(fake)
    last = posts[-1]
    gets = fake.calls(r"/containerGroups/[^/]+$", "GET")
    assert len(posts) == 3 and len(gets) == 2  # each group read once
    first_get = min(g.received for g in gets)
    assert first_get < last.received + last.seconds, "group reads waited for the listing"
    assert len(ids(snap, CONTAINER_GROUPS)) == 2
    assert all(
        c.status is CoverageStatus.COLLECTED for c in snap.coverage if c.kind == CONTAINER_GROUPS
    )


@pytest.mark.parametrize("fault", ["loop", "duplicates"])
def test_a_group_read_early_is_not_read_again_after_a_fallback(fake: FakeAzure, fault: str) -> None:
    fake.graph_page_size = 1
    fake.graph_fault = fault
    snap = collect(options(fake))
    gets = fake.calls(r"/containerGroups/[^/]+$", "GET")
    assert sorted(g.path.lower() for g in gets) == ids(snap, CONTAINER_GROUPS)
    assert len(ids(snap, CONTAINER_GROUPS)) == 2
