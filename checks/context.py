"""What checks share during one evaluation: the index, the policy, derived look-ups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Any, TypeVar, cast

from checks import arm_id
from checks.images import MICROSOFT_REGISTRY
from checks.index import Index
from checks.kinds import ROLE_ASSIGNMENTS, ROLE_DEFINITIONS
from checks.model import Outcome, Target
from checks.policy import Policy
from checks.vulns import ImageScan, ScanIndex, as_index

Resource = dict[str, Any]
T = TypeVar("T")


def registries_by_login_server(index: Index) -> dict[str, Resource]:
    """Registries keyed by lower-cased login server: how an image host names one."""
    out: dict[str, Resource] = {}
    for reg in index.of_type(Target.REGISTRY):
        server = (reg.get("properties") or {}).get("loginServer")
        if isinstance(server, str) and server:
            out[server.lower()] = reg
    return out


class Context:
    def __init__(
        self,
        index: Index,
        policy: Policy | None = None,
        scans: ScanIndex | Iterable[ImageScan] | None = None,
    ) -> None:
        self.index = index
        self.policy = policy or Policy()
        # None: no vulnerability data was given at all (not the same as no reports).
        self.scans = as_index(scans)
        self._memo: dict[tuple[Callable[..., Any], int], Any] = {}
        self._shared: dict[Hashable, Any] = {}
        # Resource id → why it cannot be judged by any check (None: it can). The engine's.
        self.unread: dict[str, Outcome | None] = {}

    def memo(self, fn: Callable[[Resource], T], resource: Resource) -> T:
        """`fn(resource)` computed once per run: resources outlive the evaluation, so
        their ids are stable keys for its whole length."""
        key = (fn, id(resource))
        try:
            return cast(T, self._memo[key])
        except KeyError:
            value = self._memo[key] = fn(resource)
            return value

    def shared(self, key: Hashable, fn: Callable[[], T]) -> T:
        """`fn()` computed once per run under `key` and the same object handed to every
        caller: for verdicts that depend on less than the resource being judged (a role
        definition, a shared identity), so results share them instead of copies."""
        try:
            return cast(T, self._shared[key])
        except KeyError:
            value = self._shared[key] = fn()
            return value

    @cached_property
    def groups_by_subscription(self) -> dict[str, list[Resource]]:
        """Container groups keyed by lower-cased subscription scope."""
        out: dict[str, list[Resource]] = defaultdict(list)
        for group in self.index.of_type(Target.CONTAINER_GROUP):
            scope = arm_id.subscription_scope(group["id"])
            if scope:
                out[scope.lower()].append(group)
        return out

    @cached_property
    def registries_by_login_server(self) -> dict[str, Resource]:
        return registries_by_login_server(self.index)

    @cached_property
    def estate_hosts(self) -> frozenset[str]:
        return frozenset(self.registries_by_login_server)

    @cached_property
    def trusted_hosts(self) -> frozenset[str]:
        return self.estate_hosts | {MICROSOFT_REGISTRY}

    def is_trusted_host(self, host: str) -> bool:
        """An estate registry, Microsoft's, or one the policy approves (glob patterns)."""
        if host in self.trusted_hosts:
            return True
        return any(fnmatchcase(host, p.lower()) for p in self.policy.approved_registries)

    @cached_property
    def registry_listing_gaps(self) -> list[str]:
        """Subscriptions whose registries were not listed: an ACR host seen in an
        image may belong to the estate without being in the snapshot."""
        return [
            sub.label
            for sub in self.index.subscriptions
            if not self.index.is_collected(Target.REGISTRY, sub.scope)
        ]

    @cached_property
    def role_assignments_by_principal(self) -> dict[str, list[Resource]]:
        out: dict[str, list[Resource]] = defaultdict(list)
        for ra in self.index.of_type(ROLE_ASSIGNMENTS):
            principal = (ra.get("properties") or {}).get("principalId")
            if isinstance(principal, str):
                out[principal.lower()].append(ra)
            # Held through an Entra group: the live collector names the identities the
            # group's assignment applies to (`$filter=assignedTo(...)` answered it).
            holders = ra.get("assignedTo")
            for holder in holders if isinstance(holders, list) else ():
                if isinstance(holder, str) and holder.lower() != str(principal).lower():
                    out[holder.lower()].append(ra)
        return out

    @cached_property
    def role_definitions_by_guid(self) -> dict[str, Resource]:
        """Role definitions keyed by their GUID: the same definition is addressed
        under many scopes (`/subscriptions/x/providers/…/roleDefinitions/<guid>`)."""
        out: dict[str, Resource] = {}
        for rd in self.index.of_type(ROLE_DEFINITIONS):
            out[rd["id"].rstrip("/").rsplit("/", 1)[-1].lower()] = rd
        return out
