"""The reads of a live collection, phase by phase, each recording its coverage."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from aciaudit.sources.azure.arm import ArmSession, Cancelled, triage
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import CollectProgress
from checks import arm_id, kinds
from checks.snapshot import CoverageEntry, CoverageStatus, Subscription

if TYPE_CHECKING:
    from aciaudit.sources.azure.collector import Collected, Pool

Json = dict[str, Any]

# The newest stable api-versions that carry the fields the checks read.
ACI_API = "2025-09-01"
ACI_FALLBACK_API = "2023-05-01"  # sovereign clouds lag behind
ACR_API = "2025-11-01"  # what azure-mgmt-containerregistry 15 speaks
DIAGNOSTICS_API = "2021-05-01-preview"  # the only version with category groups
PRICINGS_API = "2024-01-01"
ROLES_API = "2022-04-01"
ALERTS_API = "2018-03-01"
# Up to this many identities in a subscription, role assignments are filtered per
# identity; above it, one listing of the subscription costs fewer requests.
ROLE_FILTER_MAX = 3
GRAPH_BATCH = 1000  # Resource Graph takes at most 1,000 subscriptions per query
GRAPH_QUERY = (
    "Resources | where type in~ ('microsoft.containerinstance/containergroups', "
    "'microsoft.containerregistry/registries')"
)
# Defender for Cloud image findings: one sub-assessment row per (image, vulnerability).
# MDVM rows (assessment key c0b7cfc6-3172-465a-b378-53c7ff2cc0d5) and the legacy
# Qualys-era ones (dbd0cb49-b563-45e7-9724-889e799fa648) differ in assessedResourceType,
# so the filter is on that, never on the key alone.
DEFENDER_TYPES = ("AzureContainerRegistryVulnerability", "ContainerRegistryVulnerability")
# (column, path under `properties`): what aciaudit.vulns.defender reads, nothing more
# (a full row also carries CPE, exploitability and remediation text).
DEFENDER_FIELDS = (
    ("findingId", "id"),
    ("displayName", "displayName"),
    ("status", "status"),
    ("timeGenerated", "timeGenerated"),
    ("resourceDetails", "resourceDetails"),
    ("assessedResourceType", "additionalData.assessedResourceType"),
    ("artifactDetails", "additionalData.artifactDetails"),
    ("softwareDetails", "additionalData.softwareDetails"),
    ("cveId", "additionalData.vulnerabilityDetails.cveId"),
    ("severity", "additionalData.vulnerabilityDetails.severity"),
    ("references", "additionalData.vulnerabilityDetails.references"),
    ("repositoryName", "additionalData.repositoryName"),  # legacy rows
    ("imageDigest", "additionalData.imageDigest"),
    ("cve", "additionalData.cve"),
)
DEFENDER_QUERY = (
    "securityresources"
    " | where type =~ 'microsoft.security/assessments/subassessments'"
    " | where tostring(properties.additionalData.assessedResourceType) in~ ("
    + ", ".join(f"'{t}'" for t in DEFENDER_TYPES)
    + ") | project id, type, "
    + ", ".join(f"{column} = properties.{path}" for column, path in DEFENDER_FIELDS)
)
DEFENDER_TYPES_LOWER = frozenset(t.lower() for t in DEFENDER_TYPES)
DEFENDER_PHASE = "Defender vulnerability findings"
# Without Resource Graph: ARM's list of one registry's MDVM sub-assessments. (The
# Qualys-era assessment was retired in 2024; its rows are read through Resource Graph.)
MDVM_ASSESSMENT = "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5"
DEFENDER_API = "2019-01-01-preview"
# Built-in roles ACI-025 judges by GUID alone: no need to read their definitions.
KNOWN_ROLE_GUIDS = frozenset(
    {
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "8311e382-0749-4cb8-b61a-304f252e45ec",
        "4633458b-17de-408a-b874-0445c86b69e6",
    }
)


class Inventory:
    def __init__(
        self,
        session: ArmSession,
        subscriptions: list[Subscription],
        out: Collected,
        progress: CollectProgress,
        pool: Pool,
        options: LiveOptions,
    ) -> None:
        self.arm = session
        self.subs = subscriptions
        self.out = out
        self.progress = progress
        self.pool = pool
        self.options = options
        self.cancel: threading.Event = pool.cancel
        self.registries: list[Json] = []
        self.groups: list[Json] = []
        # False once the inventory's Resource Graph query was refused: later reads
        # take the per-subscription path without asking again.
        self.graph_ok = options.use_resource_graph
        # The ACI api-versions to try, newest first; narrowed once a cloud refuses one.
        self.aci_apis: tuple[str, ...] = (ACI_API, ACI_FALLBACK_API)

    def run(self) -> None:
        self._list_top_level()
        # Everything after the listing needs only the listing: the phases run side by
        # side on the one bounded pool, so none waits for another's slowest request.
        phases = (
            self._read_groups,
            self._registry_children,
            self._diagnostic_settings,
            self._subscription_side_data,
            self._defender_findings,
            self._roles,
        )
        with ThreadPoolExecutor(len(phases), thread_name_prefix="phase") as runner:
            futures = [runner.submit(phase) for phase in phases]
            try:
                # Short waits: Ctrl-C is delivered between them, not after the last read.
                while wait(futures, timeout=0.2).not_done:
                    pass
            except BaseException:  # Ctrl-C reaches this thread: stop the phases too
                self.cancel.set()
                raise
        errors = [exc for f in futures if (exc := f.exception()) is not None]
        # The cause, not the Cancelled it set off in the other phases.
        for exc in sorted(errors, key=lambda e: isinstance(e, Cancelled)):
            raise exc

    # -- helpers --------------------------------------------------------------------

    def _covered(self, scope: str, kind: str, api_version: str | None = None) -> None:
        self.out.coverage.append(
            CoverageEntry(scope, kind, CoverageStatus.COLLECTED, api_version=api_version)
        )

    def _problem(self, scope: str, kind: str, exc: Exception) -> CoverageEntry | None:
        """Record a failed read; None when the object is simply gone (404)."""
        failure = triage(exc)
        if failure.not_found:
            return None
        entry = CoverageEntry(scope, kind, failure.status, detail=failure.detail)
        self.out.coverage.append(entry)
        self.progress.problem(entry)
        return entry

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    # -- registries and container groups --------------------------------------------

    def _list_top_level(self) -> None:
        self.progress.phase("inventory", len(self.subs))
        if self.graph_ok:
            try:
                self._list_with_graph()
                return
            except Cancelled:
                raise
            except Exception as exc:
                self.graph_ok = False
                detail = triage(exc).detail
                self.progress.note(
                    f"Resource Graph unavailable ({detail}); listing per subscription"
                )
                self.registries.clear()
                self.groups.clear()
        self.pool.each(self.subs, self._list_subscription, lambda: None)

    def _list_with_graph(self) -> None:
        rows: list[Json] = []
        for start in range(0, len(self.subs), GRAPH_BATCH):
            batch = [s.subscription_id for s in self.subs[start : start + GRAPH_BATCH]]
            rows.extend(self._graph_rows(GRAPH_QUERY, batch))
            self.progress.advance("inventory", len(batch))
        for row in rows:
            self._sort_row(row)
        for sub in self.subs:
            self._covered(sub.scope, kinds.REGISTRIES, "resource-graph")
            # Groups are read one by one below; their api-version is recorded there.
            self._covered(sub.scope, kinds.CONTAINER_GROUPS, "resource-graph")

    def _sort_row(self, row: Json) -> None:
        # Resource Graph rows carry extra columns; keep ARM's shape for the snapshot.
        obj = {
            k: v
            for k, v in row.items()
            if k not in ("subscriptionId", "resourceGroup", "tenantId", "managedBy")
        }
        kind = str(obj.get("type", "")).lower()
        if kind == kinds.REGISTRIES.lower():
            obj["type"] = kinds.REGISTRIES
            self.registries.append(obj)
        elif kind == kinds.CONTAINER_GROUPS.lower():
            obj["type"] = kinds.CONTAINER_GROUPS
            self.groups.append(obj)

    def _list_subscription(self, sub: Subscription) -> None:
        try:
            acr = self.arm.acr(sub.subscription_id)
            found = [r.as_dict() for r in acr.registries.list()]
            self.registries.extend(found)
            self._covered(sub.scope, kinds.REGISTRIES, ACR_API)
        except Cancelled:
            raise
        except Exception as exc:
            self._problem(sub.scope, kinds.REGISTRIES, exc)
        path = f"{sub.scope}/providers/{kinds.CONTAINER_GROUPS}"
        for api in self.aci_apis:
            try:
                listed = list(self.arm.list(path, api, cancel=self.cancel))
            except Cancelled:
                raise
            except Exception as exc:
                if self._older_aci_only(api, exc):
                    continue
                self._problem(sub.scope, kinds.CONTAINER_GROUPS, exc)
                break
            self.groups.extend(listed)
            self._covered(sub.scope, kinds.CONTAINER_GROUPS, api)
            break
        self.progress.advance("inventory")

    def _older_aci_only(self, api: str, exc: Exception) -> bool:
        """This cloud refused the newer ACI api-version (Azure Stack Hub, sovereign clouds
        lag behind): every later read asks for the older one straight away."""
        detail = triage(exc).detail.lower()
        if api != ACI_API or not ("api-version" in detail or "api version" in detail):
            return False
        self.aci_apis = (ACI_FALLBACK_API,)
        return True

    def _read_groups(self) -> None:
        """List answers omit environment variables and securityContext: read each group."""
        for registry in self.registries:
            self.out.add(registry)
        self.progress.phase("container groups", len(self.groups))
        self.pool.each(
            list(self.groups), self._read_group, lambda: self.progress.advance("container groups")
        )

    def _read_group(self, listed: Json) -> None:
        rid = listed["id"]
        for api in self.aci_apis:
            try:
                full = self.arm.get(rid, api)
            except Cancelled:
                raise
            except Exception as exc:
                if triage(exc).not_found:
                    return  # deleted since it was listed
                if self._older_aci_only(api, exc):
                    continue
                # Keep the listed shape for the inventory; its checks are NOT_ASSESSED.
                self.out.add(listed)
                self._problem(rid, kinds.CONTAINER_GROUPS, exc)
                return
            self.out.add(full)
            self._covered(rid, kinds.CONTAINER_GROUPS, api)
            return

    # -- registry children ------------------------------------------------------------

    def _registry_children(self) -> None:
        self.progress.phase("registry tokens and cache rules", len(self.registries))
        self.pool.each(
            list(self.registries),
            self._read_children,
            lambda: self.progress.advance("registry tokens and cache rules"),
        )

    def _read_children(self, registry: Json) -> None:
        rid = registry["id"]
        parsed = arm_id.parse(rid)
        if not (parsed.subscription and parsed.resource_group):
            return
        acr = self.arm.acr(parsed.subscription)
        readers = (
            (kinds.TOKENS, acr.tokens.list),
            (kinds.CACHE_RULES, acr.cache_rules.list),
        )
        for kind, operation in readers:
            self._check_cancel()
            try:
                for child in operation(parsed.resource_group, parsed.name):
                    self.out.add(child.as_dict())
                self._covered(rid, kind, ACR_API)
            except Cancelled:
                raise
            except Exception as exc:
                self._problem(rid, kind, exc)

    # -- diagnostic settings -----------------------------------------------------------

    def _diagnostic_settings(self) -> None:
        # ACI-015 reads a group's diagnostic settings only when the group itself sends no
        # logs to Log Analytics; skipping the others saves one request per group.
        groups: list[str] = []
        for group in self.groups:
            if not _logs_to_workspace(group):
                groups.append(group["id"])
                continue
            self.out.coverage.append(
                CoverageEntry(
                    group["id"],
                    kinds.DIAGNOSTIC_SETTINGS,
                    CoverageStatus.NOT_COLLECTED,
                    detail="not needed: the group sends its logs to Log Analytics",
                )
            )
        targets = [r["id"] for r in self.registries] + groups + [s.scope for s in self.subs]
        self.progress.phase("diagnostic settings", len(targets))
        self.pool.each(
            targets, self._read_diagnostics, lambda: self.progress.advance("diagnostic settings")
        )

    def _read_diagnostics(self, target: str) -> None:
        path = f"{target}/providers/{kinds.DIAGNOSTIC_SETTINGS}"
        try:
            body = self.arm.get(path, DIAGNOSTICS_API)
        except Cancelled:
            raise
        except Exception as exc:
            self._problem(target, kinds.DIAGNOSTIC_SETTINGS, exc)
            return
        for setting in body.get("value") or []:
            if isinstance(setting, dict) and setting.get("id"):
                setting["type"] = setting.get("type") or kinds.DIAGNOSTIC_SETTINGS
                setting["id"] = arm_id.normalise_id(str(setting["id"]))
                self.out.add(setting)
        self._covered(target, kinds.DIAGNOSTIC_SETTINGS, DIAGNOSTICS_API)

    # -- per subscription: Defender plans, metric alerts ---------------------------------

    def _subscription_side_data(self) -> None:
        self.progress.phase("Defender plans and alerts", len(self.subs))
        self.pool.each(
            self.subs,
            self._read_sub_side,
            lambda: self.progress.advance("Defender plans and alerts"),
        )

    def _read_sub_side(self, sub: Subscription) -> None:
        try:
            security = self.arm.security(sub.subscription_id)
            body = security.pricings.list(scope_id=sub.scope.lstrip("/"), cls=self.arm.raw_body())
            for pricing in body.get("value") or []:
                if isinstance(pricing, dict):
                    self.out.add(pricing)
            self._covered(sub.scope, kinds.PRICINGS, PRICINGS_API)
        except Cancelled:
            raise
        except Exception as exc:
            self._problem(sub.scope, kinds.PRICINGS, exc)
        try:
            body = self.arm.get(f"{sub.scope}/providers/{kinds.METRIC_ALERTS}", ALERTS_API)
            for alert in body.get("value") or []:
                if isinstance(alert, dict):
                    self.out.add(alert)
            self._covered(sub.scope, kinds.METRIC_ALERTS, ALERTS_API)
        except Cancelled:
            raise
        except Exception as exc:
            self._problem(sub.scope, kinds.METRIC_ALERTS, exc)

    # -- Defender for Cloud vulnerability findings ----------------------------------------

    def _defender_findings(self) -> None:
        """Sub-assessments of registry images (Security Reader or Reader on the
        subscription): one Resource Graph query per 1,000 subscriptions, else one ARM list
        per registry. Healthy and NotApplicable rows are kept: the parser tells open
        findings from the rest."""
        self.progress.phase(DEFENDER_PHASE, len(self.subs))
        if not self.graph_ok:
            registries: dict[str, list[str]] = defaultdict(list)
            for registry in self.registries:
                registries[(arm_id.subscription_scope(registry["id"]) or "").lower()].append(
                    registry["id"]
                )
            self.pool.each(
                self.subs,
                lambda sub: self._defender_per_registry(sub, registries[sub.scope.lower()]),
                lambda: self.progress.advance(DEFENDER_PHASE),
            )
            return
        for start in range(0, len(self.subs), GRAPH_BATCH):
            batch = self.subs[start : start + GRAPH_BATCH]
            try:
                rows = self._graph_rows(DEFENDER_QUERY, [s.subscription_id for s in batch])
            except Cancelled:
                raise
            except Exception as exc:
                # Denied here (no Security Reader) says nothing of the rest: go on.
                for sub in batch:
                    self._problem(sub.scope, kinds.DEFENDER_FINDINGS, exc)
            else:
                for row in rows:
                    finding = _finding(row)
                    if finding is not None:
                        self.out.add(finding)
                for sub in batch:
                    self._covered(sub.scope, kinds.DEFENDER_FINDINGS, "resource-graph")
            self.progress.advance(DEFENDER_PHASE, len(batch))

    def _defender_per_registry(self, sub: Subscription, registry_ids: list[str]) -> None:
        """Without Resource Graph: the MDVM assessment's sub-assessments of each registry.
        The subscription's entry is collected when every registry was, else the first
        problem (what ACI-029 names for a group when no findings could be read)."""
        problem: CoverageEntry | None = None
        for rid in registry_ids:
            self._check_cancel()
            path = (
                f"{rid}/providers/Microsoft.Security/assessments/{MDVM_ASSESSMENT}/subAssessments"
            )
            try:
                for item in self.arm.list(path, DEFENDER_API, cancel=self.cancel):
                    props = item.get("properties")
                    props = props if isinstance(props, dict) else {}
                    row = {c: _at(props, p) for c, p in DEFENDER_FIELDS}
                    kind = str(row.get("assessedResourceType") or "").lower()
                    if kind in DEFENDER_TYPES_LOWER and (
                        finding := _finding({**row, "id": item.get("id")})
                    ):
                        self.out.add(finding)
            except Cancelled:
                raise
            except Exception as exc:
                entry = self._problem(rid, kinds.DEFENDER_FINDINGS, exc)
                if entry is not None:  # a 404: never assessed, nothing to read
                    problem = problem or entry
                    continue
            self._covered(rid, kinds.DEFENDER_FINDINGS, DEFENDER_API)
        if problem is None:
            self._covered(sub.scope, kinds.DEFENDER_FINDINGS, DEFENDER_API)
        else:
            detail = f"{problem.detail} (registry {arm_id.parse(problem.scope).name})"
            self.out.coverage.append(
                CoverageEntry(sub.scope, kinds.DEFENDER_FINDINGS, problem.status, detail=detail)
            )

    def _graph_rows(self, query: str, subscriptions: list[str]) -> list[Json]:
        """Every row of one Resource Graph query, following `$skipToken`."""
        rows: list[Json] = []
        skip: str | None = None
        while True:
            self._check_cancel()
            request = QueryRequest(
                subscriptions=subscriptions,
                query=query,
                options=QueryRequestOptions(skip_token=skip, result_format="objectArray"),
            )
            answer = self.arm.graph.resources(request)
            data: list[Any] = answer.data if isinstance(answer.data, list) else []
            rows.extend(r for r in data if isinstance(r, dict))
            skip = answer.skip_token
            if not skip:
                return rows

    # -- role assignments of container-group identities ----------------------------------

    def _roles(self) -> None:
        principals: dict[str, set[str]] = defaultdict(set)
        for group in self.groups:
            sub = arm_id.subscription_scope(group["id"])
            if sub:
                principals[sub.lower()].update(_principal_ids(group))
        self.progress.phase("role assignments", len(self.subs))
        self.pool.each(
            self.subs,
            lambda sub: self._read_roles(sub, sorted(principals.get(sub.scope.lower(), ()))),
            lambda: self.progress.advance("role assignments"),
        )

    def _read_roles(self, sub: Subscription, principal_ids: list[str]) -> None:
        definitions: set[str] = set()
        path = f"{sub.scope}/providers/{kinds.ROLE_ASSIGNMENTS}"
        wanted = {p.lower() for p in principal_ids}
        try:
            if len(principal_ids) <= ROLE_FILTER_MAX:
                # A few identities: ask for theirs only (one short list each).
                queries = [{"$filter": f"assignedTo('{p}')"} for p in principal_ids]
            else:
                # Many: one listing of the subscription beats one request per identity;
                # assignments of other principals are dropped, never stored.
                queries = [{}]
            for params in queries:
                self._check_cancel()
                for assignment in self.arm.list(path, ROLES_API, params, cancel=self.cancel):
                    props = assignment.get("properties") or {}
                    if str(props.get("principalId", "")).lower() not in wanted:
                        continue
                    definitions.add(str(props.get("roleDefinitionId", "")))
                    self.out.add(assignment)
            self._covered(sub.scope, kinds.ROLE_ASSIGNMENTS, ROLES_API)
        except Cancelled:
            raise
        except Exception as exc:
            self._problem(sub.scope, kinds.ROLE_ASSIGNMENTS, exc)
            return
        unknown = sorted(
            d
            for d in definitions
            if d and d.rstrip("/").rsplit("/", 1)[-1].lower() not in KNOWN_ROLE_GUIDS
        )
        try:
            for definition_id in unknown:
                self._check_cancel()
                self.out.add(self.arm.get(definition_id, ROLES_API))
            self._covered(sub.scope, kinds.ROLE_DEFINITIONS, ROLES_API)
        except Cancelled:
            raise
        except Exception as exc:
            self._problem(sub.scope, kinds.ROLE_DEFINITIONS, exc)


def _at(obj: Json, path: str) -> Any:
    value: Any = obj
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _finding(row: Json) -> Json | None:
    """A projected sub-assessment row back in ARM's shape (`properties.additionalData`…),
    the shape aciaudit.vulns.defender reads from a snapshot."""
    rid = row.get("id")
    if not isinstance(rid, str) or not rid:
        return None
    props: Json = {}
    for column, path in DEFENDER_FIELDS:
        value = row.get(column)
        if value is None:
            continue
        *parents, leaf = path.split(".")
        node = props
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return {"id": rid, "type": kinds.DEFENDER_FINDINGS, "properties": props}


def _logs_to_workspace(group: Json) -> bool:
    diagnostics = (group.get("properties") or {}).get("diagnostics") or {}
    workspace = (diagnostics.get("logAnalytics") or {}) if isinstance(diagnostics, dict) else {}
    return isinstance(workspace, dict) and bool(workspace.get("workspaceId"))


def _principal_ids(group: Json) -> set[str]:
    identity = group.get("identity")
    if not isinstance(identity, dict):
        return set()
    out = set()
    if isinstance(identity.get("principalId"), str):
        out.add(identity["principalId"])
    users = identity.get("userAssignedIdentities")
    for info in users.values() if isinstance(users, dict) else ():
        if isinstance(info, dict) and isinstance(info.get("principalId"), str):
            out.add(info["principalId"])
    return out
