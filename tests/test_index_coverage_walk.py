"""Index.coverage finds the most specific entry over exactly arm_id.ancestors' scopes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checks import arm_id
from checks.index import Index
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot

KIND = "Microsoft.ContainerInstance/containerGroups"
segments = st.sampled_from(["subscriptions", "S1", "s1", "resourceGroups", "RG", "x", ""])
ids = st.lists(segments, max_size=6).map(lambda parts: "/" + "/".join(parts))


def reference(entries: dict[str, CoverageEntry], resource_id: str) -> CoverageEntry | None:
    for scope in arm_id.ancestors(resource_id):
        if scope in entries:
            return entries[scope]
    return None


@settings(max_examples=300, deadline=None)
@given(scopes=st.lists(ids, max_size=5), probes=st.lists(ids, min_size=1, max_size=5))
def test_same_entry_as_the_ancestors_walk(scopes: list[str], probes: list[str]) -> None:
    coverage = [CoverageEntry(s, KIND, CoverageStatus.COLLECTED, detail=s) for s in scopes]
    index = Index(Snapshot(resources=[], coverage=coverage))
    entries = {c.scope.lower().rstrip("/"): c for c in coverage}
    for rid in probes:
        assert index.coverage(KIND, rid) is reference(entries, rid)
        assert index.coverage(KIND, rid) is reference(entries, rid)  # memoised the same
