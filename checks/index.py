"""An index over a snapshot: by type, by owner scope, by id; coverage look-ups."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from checks import arm_id
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot, Subscription

Resource = dict[str, Any]

DIAGNOSTIC_SETTINGS = "microsoft.insights/diagnosticsettings"


class Index:
    """Case-insensitive views of a snapshot. Built once; read by every check."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        # By the hash of the lower-cased id, not the lower-cased id itself: a copy of
        # every id in lower case held 18 MB at 10,000 groups. Another id with the same
        # hash (never seen in practice) goes to `_by_id_clash`, keyed in full.
        self._by_id: dict[int, Resource] = {}
        self._by_id_clash: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._by_owner: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for res in snapshot.resources:
            rid = res["id"]
            rtype = res["type"].lower()
            lowered = rid.lower()
            if self._get(lowered) is not None:
                # The same object twice (ARM and Resource Graph spellings): one result.
                continue
            slot = hash(lowered)
            if slot in self._by_id:
                self._by_id_clash[lowered] = res
            else:
                self._by_id[slot] = res
            self._by_type[rtype].append(res)
            self._by_owner[(arm_id.owner_of(rid), rtype)].append(res)
        for bucket in self._by_type.values():
            bucket.sort(key=lambda r: r["id"].lower())
        self._coverage: dict[str, dict[str, CoverageEntry]] = defaultdict(dict)
        self._coverage_memo: dict[tuple[str, str], CoverageEntry | None] = {}
        for entry in snapshot.coverage:
            self._coverage[entry.kind.lower()][entry.scope.lower().rstrip("/")] = entry
        self.subscriptions = self._subscriptions()

    def _subscriptions(self) -> list[Subscription]:
        """Listed subscriptions, plus any that only resource ids or coverage mention."""
        known = {s.subscription_id.lower(): s for s in self.snapshot.subscriptions}
        for rid in [r["id"] for r in self.snapshot.resources] + [
            c.scope for c in self.snapshot.coverage
        ]:
            sub = _subscription_of(rid)
            if sub and sub.lower() not in known:
                known[sub.lower()] = Subscription(sub)
        return sorted(known.values(), key=lambda s: (s.label.lower(), s.subscription_id))

    def get(self, resource_id: str) -> Resource | None:
        return self._get(resource_id.lower())

    def _get(self, lowered: str) -> Resource | None:
        found = self._by_id.get(hash(lowered))
        if found is not None and found["id"].lower() == lowered:
            return found
        return self._by_id_clash.get(lowered) if self._by_id_clash else None

    def of_type(self, rtype: str) -> list[Resource]:
        return self._by_type.get(rtype.lower(), [])

    def owned_by(self, owner_id: str, rtype: str) -> list[Resource]:
        """Children or extension resources of `owner_id` with type `rtype`."""
        key = (owner_id.lower().rstrip("/") or "/", rtype.lower())
        return self._by_owner.get(key, [])

    def diagnostic_settings(self, target_id: str) -> list[Resource]:
        return self.owned_by(target_id, DIAGNOSTIC_SETTINGS)

    def type_counts(self) -> dict[str, int]:
        """Resources per type as spelled in the snapshot (first spelling wins)."""
        return {bucket[0]["type"]: len(bucket) for bucket in self._by_type.values()}

    def coverage(self, kind: str, resource_id: str) -> CoverageEntry | None:
        """The most specific coverage entry for `kind` at the resource or above it."""
        # Every check asks this for every resource it judges: remember the walk.
        key = (kind, resource_id)
        try:
            return self._coverage_memo[key]
        except KeyError:
            pass
        found: CoverageEntry | None = None
        entries = self._coverage.get(kind.lower())
        if entries:
            # arm_id.ancestors' scopes, most specific first, made one at a time and not
            # cached: the answer is memoised above, and a cached tuple of every prefix
            # of every id judged held 17 MB at 10,000 groups.
            scope = resource_id.lower().rstrip("/")
            while True:
                found = entries.get(scope)
                cut = scope.rfind("/")
                if found is not None or cut <= 0:
                    break
                scope = scope[:cut]
        self._coverage_memo[key] = found
        return found

    def is_collected(self, kind: str, resource_id: str) -> bool:
        entry = self.coverage(kind, resource_id)
        return entry is not None and entry.status is CoverageStatus.COLLECTED

    def missing_reason(self, kind: str, resource_id: str) -> str | None:
        """None when `kind` is available for the resource, else why it is not."""
        entry = self.coverage(kind, resource_id)
        if entry is None:
            return f"{kind} was not collected for this scope"
        if entry.status is CoverageStatus.COLLECTED:
            return None
        return f"{kind} {entry.describe()}"

    def api_version(self, kind: str, resource_id: str) -> str | None:
        entry = self.coverage(kind, resource_id)
        return entry.api_version if entry else None


_SUBSCRIPTIONS = "/subscriptions/"


def _subscription_of(rid: str) -> str | None:
    """`arm_id.parse(rid).subscription`, without parsing (and caching) the whole id of
    each of a large snapshot's resources when it starts the usual way."""
    if rid[:15].lower() == _SUBSCRIPTIONS:
        end = rid.find("/", 15)
        sub = rid[15:] if end < 0 else rid[15:end]
        if sub:  # `/subscriptions//x`: empty segments are skipped, parse knows how
            return sub
    return arm_id.parse(rid).subscription
