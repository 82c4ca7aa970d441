"""The first phase and the one after it: list the registries and container groups
(through Resource Graph, else subscription by subscription), then read each group whole."""

from __future__ import annotations

from collections.abc import Sequence

from aciaudit.sources.azure.apis import ACR_API
from aciaudit.sources.azure.arm import Cancelled, triage
from aciaudit.sources.azure.graph import batches, graph_rows
from aciaudit.sources.azure.reads import Json, Reads
from aciaudit.sources.azure.versions import ACI, read_whole
from checks import kinds
from checks.snapshot import Subscription

GRAPH_QUERY = (
    "Resources | where type in~ ('microsoft.containerinstance/containergroups', "
    "'microsoft.containerregistry/registries', "
    "'microsoft.containerinstance/containergroupprofiles', 'microsoft.containerinstance/ngroups')"
)


def list_top_level(reads: Reads) -> None:
    """Resource Graph, one query per batch of subscriptions; a batch whose query fails or
    answers malformed is listed subscription by subscription instead (and then failed
    in coverage if that fails too: never an empty inventory)."""
    reads.progress.phase("inventory", len(reads.subs))
    fallback: list[Subscription] = list(reads.subs) if not reads.graph_ok else []
    if reads.graph_ok:
        for batch in batches(reads.subs):
            if not _list_batch_with_graph(reads, batch):
                fallback.extend(batch)
    if fallback:
        reads.pool.each(fallback, lambda sub: _list_subscription(reads, sub), lambda: None)
    # Rows a failed query returned before failing are kept (the listing wins where it
    # read the same object); then every object once, whatever the case of its id.
    for row in reads.graph_partial:
        _sort_row(reads, row)
    reads.registries[:] = _unique(reads.registries)
    reads.groups[:] = _unique(reads.groups)
    reads.profiles[:] = _unique(reads.profiles)
    reads.ngroups[:] = _unique(reads.ngroups)


def _unique(objects: list[Json]) -> list[Json]:
    seen: set[str] = set()
    out = []
    for obj in objects:
        key = str(obj.get("id", "")).lower()
        if key and key not in seen:
            seen.add(key)
            out.append(obj)
    return out


def _list_batch_with_graph(reads: Reads, batch: Sequence[Subscription]) -> bool:
    rows: list[Json] = []
    try:
        graph_rows(
            reads.arm,
            GRAPH_QUERY,
            [s.subscription_id for s in batch],
            reads.cancel,
            rows,
            on_page=lambda page: _read_groups_early(reads, page),
        )
    except Cancelled:
        raise
    except Exception as exc:
        # Later reads (Defender findings) take the per-subscription path too.
        reads.graph_ok = False
        detail = triage(exc).detail
        reads.progress.note(
            f"Resource Graph unavailable ({detail}); listing per subscription "
            f"({len(batch)} subscription(s); {len(rows)} row(s) read before it are kept)"
        )
        reads.graph_partial.extend(rows)
        return False
    for row in rows:
        _sort_row(reads, row)
    for sub in batch:
        reads.covered(sub.scope, kinds.REGISTRIES, "resource-graph")
        # Groups are read one by one below; their api-version is recorded there.
        reads.covered(sub.scope, kinds.CONTAINER_GROUPS, "resource-graph")
        reads.covered(sub.scope, kinds.CONTAINER_GROUP_PROFILES, "resource-graph")
        reads.covered(sub.scope, kinds.NGROUPS, "resource-graph")
    reads.progress.advance("inventory", len(batch))
    return True


def _read_groups_early(reads: Reads, page: list[Json]) -> None:
    """Queue the whole read of each container group on a page as the page arrives: a
    large estate's listing takes many pages, and the reads need nothing else from it.
    `read_groups` waits for them and reads no group twice."""
    for row in page:
        if str(row.get("type", "")).lower() != kinds.CONTAINER_GROUPS.lower():
            continue
        listed = _arm_shape(row)
        listed["type"] = kinds.CONTAINER_GROUPS
        key = str(listed.get("id", "")).lower()
        if key and key not in reads.early_groups:
            reads.early_groups[key] = reads.pool.start(
                lambda group: read_whole(reads, group, kinds.CONTAINER_GROUPS, ACI), listed
            )


def _arm_shape(row: Json) -> Json:
    # Resource Graph rows carry extra columns; keep ARM's shape for the snapshot.
    return {
        k: v
        for k, v in row.items()
        if k not in ("subscriptionId", "resourceGroup", "tenantId", "managedBy")
    }


def _sort_row(reads: Reads, row: Json) -> None:
    obj = _arm_shape(row)
    kind = str(obj.get("type", "")).lower()
    if kind == kinds.REGISTRIES.lower():
        obj["type"] = kinds.REGISTRIES
        reads.registries.append(obj)
    elif kind == kinds.CONTAINER_GROUPS.lower():
        obj["type"] = kinds.CONTAINER_GROUPS
        reads.groups.append(obj)
    elif kind == kinds.CONTAINER_GROUP_PROFILES.lower():
        obj["type"] = kinds.CONTAINER_GROUP_PROFILES
        reads.profiles.append(obj)
    elif kind == kinds.NGROUPS.lower():
        obj["type"] = kinds.NGROUPS
        reads.ngroups.append(obj)


def _list_subscription(reads: Reads, sub: Subscription) -> None:
    try:
        acr = reads.arm.acr(sub.subscription_id)
        found = [r.as_dict() for r in reads.arm.pages(acr.registries.list(), "registries")]
        reads.registries.extend(found)
        reads.covered(sub.scope, kinds.REGISTRIES, ACR_API)
    except Cancelled:
        raise
    except Exception as exc:
        reads.problem(sub.scope, kinds.REGISTRIES, exc)
    path = f"{sub.scope}/providers/{kinds.CONTAINER_GROUPS}"
    for api in reads.aci_apis:
        try:
            listed = list(reads.arm.list(path, api, cancel=reads.cancel))
        except Cancelled:
            raise
        except Exception as exc:
            if ACI.older_after(reads, api, exc):
                continue
            reads.problem(sub.scope, kinds.CONTAINER_GROUPS, ACI.failure(exc))
            break
        reads.groups.extend(listed)
        reads.covered(sub.scope, kinds.CONTAINER_GROUPS, api)
        break
    reads.progress.advance("inventory")


def read_groups(reads: Reads) -> None:
    """List answers omit environment variables and securityContext: read each group."""
    reads.each(
        "container groups",
        reads.groups,
        lambda listed: read_whole(reads, listed, kinds.CONTAINER_GROUPS, ACI),
        started=reads.early_groups,
    )
