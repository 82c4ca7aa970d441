"""Shared fixture builders: real ARM shapes from tests/data/arm-examples, edited per test.

Every builder returns a fresh deep copy, so a test may mutate what it gets without
touching any other test's data.

    reg = registry(sku="Premium", properties={"publicNetworkAccess": "Disabled"})
    cg = container_group(name="web", properties={"ipAddress": DELETE})
    results = run_check("ACR-001", [reg])

`properties=` (and any other dict-valued override) is deep-merged into the base body;
the value `DELETE` removes a key. Scalars and lists replace. `name=`, `subscription=` and
`resource_group=` rebuild the id (and a registry's loginServer) consistently.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from checks import arm_id
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.kinds import AUDITED_KINDS
from checks.model import Result
from checks.policy import Policy
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot, Subscription

# The one place tests find their data files. They live inside the repository, so a clone
# alone runs every test; a missing file is a loud FileNotFoundError, never a skip.
DATA = Path(__file__).resolve().parent / "data"
ARM_EXAMPLES = DATA / "arm-examples"
SCAN_EXAMPLES = DATA / "scan-examples"
SNAPSHOT_EXAMPLE = DATA / "snapshot-example.json"
# Every check id with its severity, sections and target: the contract users' CI relies on.
CATALOGUE_CONTRACT = DATA / "catalogue-contract.json"
CCE_POLICIES = DATA / "cce-policies" / "rego" / "policies.json"

# The subscription / resource group the ACR examples live in.
SUB_ID = "00000000-0000-0000-0000-000000000000"
SUB = f"/subscriptions/{SUB_ID}"
RG = "myResourceGroup"

ACR_API = "2025-11-01"
ACR_OLD_API = "2025-04-01"
ACI_API = "2026-05-01"
ACI_OLD_API = "2023-05-01"
INSIGHTS_API = "2021-05-01-preview"
SECURITY_API = "2024-01-01"
AUTH_API = "2022-04-01"


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""Override value that removes the key from the base body."""


def clone(obj: Any) -> Any:
    """A deep copy: use before editing anything shared."""
    return copy.deepcopy(obj)


@cache
def _raw_example(relpath: str) -> str:
    return (ARM_EXAMPLES / relpath).read_text(encoding="utf-8")


def load_example_file(relpath: str) -> dict[str, Any]:
    """The whole example file (parameters and every response), freshly parsed."""
    return json.loads(_raw_example(relpath))


def load_example(relpath: str, status: str = "200") -> Any:
    """`responses[status]["body"]` of tests/data/arm-examples/<relpath>, freshly parsed."""
    return load_example_file(relpath)["responses"][status]["body"]


def load_list(relpath: str, status: str = "200") -> list[dict[str, Any]]:
    """The `value` array of a list example."""
    return load_example(relpath, status)["value"]


def merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `overrides` into `base` in place (dicts merge, DELETE removes)."""
    for key, value in overrides.items():
        if value is DELETE:
            base.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = _strip_deletes(clone(value))
    return base


def _strip_deletes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_deletes(v) for k, v in value.items() if v is not DELETE}
    return value


def set_path(obj: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set (or with DELETE remove) a dotted path, creating dicts on the way."""
    *head, last = path.split(".")
    node = obj
    for key in head:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    if value is DELETE:
        node.pop(last, None)
    else:
        node[last] = value
    return obj


def _rebuild_id(
    resource: dict[str, Any],
    provider_type: str,
    name: str | None,
    subscription: str | None,
    resource_group: str | None,
) -> None:
    parsed = arm_id.parse(resource["id"])
    name = name or resource.get("name") or parsed.name
    sub = subscription or parsed.subscription
    rg = resource_group or parsed.resource_group
    resource["name"] = name
    resource["id"] = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider_type}/{name}"


# --- registries -----------------------------------------------------------------


def registry(
    *,
    name: str | None = None,
    subscription: str | None = None,
    resource_group: str | None = None,
    sku: str | dict[str, Any] | None = None,
    base: str = f"Microsoft.ContainerRegistry/{ACR_API}/RegistryList.json",
    **overrides: Any,
) -> dict[str, Any]:
    """A registry from RegistryList.json value[0] (Standard, every policy present).

    `base` may name another example: a list file (value[0] is used) or a single body
    (RegistryGet.json, RegistryCreateAbac.json, 2025-04-01/RegistryGet.json …).
    `sku="Premium"` sets name and tier.
    """
    body = load_example(base)
    reg = body["value"][0] if isinstance(body, dict) and "value" in body else body
    if name or subscription or resource_group:
        _rebuild_id(
            reg, "Microsoft.ContainerRegistry/registries", name, subscription, resource_group
        )
        if name and isinstance(reg.get("properties"), dict):
            reg["properties"]["loginServer"] = f"{name.lower()}.azurecr.io"
    if sku is not None:
        reg["sku"] = {"name": sku, "tier": sku} if isinstance(sku, str) else clone(sku)
    return merge(reg, overrides)


def registry_child(
    reg: Mapping[str, Any], kind: str, name: str, properties: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A child resource (`tokens`, `cacheRules`, `privateEndpointConnections`, …)."""
    return {
        "id": f"{reg['id']}/{kind}/{name}",
        "name": name,
        "type": f"Microsoft.ContainerRegistry/registries/{kind}",
        "properties": clone(dict(properties or {})),
    }


def token(reg: Mapping[str, Any], name: str = "token1", **properties: Any) -> dict[str, Any]:
    props = {"status": "enabled", "scopeMapId": f"{reg['id']}/scopeMaps/_repositories_pull"}
    props.update(properties)
    return registry_child(reg, "tokens", name, _strip_deletes(props))


def cache_rule(reg: Mapping[str, Any], name: str = "rule1", **properties: Any) -> dict[str, Any]:
    props = {
        "sourceRepository": "docker.io/library/nginx",
        "targetRepository": "nginx",
        "provisioningState": "Succeeded",
    }
    props.update(properties)
    return registry_child(reg, "cacheRules", name, _strip_deletes(props))


def private_endpoint_connections(status: str | None = None) -> list[dict[str, Any]]:
    """PrivateEndpointConnectionList.json value; `status` rewrites every connection's
    privateLinkServiceConnectionState.status (Approved / Pending / Rejected …)."""
    conns = load_list(f"Microsoft.ContainerRegistry/{ACR_API}/PrivateEndpointConnectionList.json")
    if status is not None:
        for conn in conns:
            set_path(conn, "properties.privateLinkServiceConnectionState.status", status)
    return conns


# --- container groups -------------------------------------------------------------


def container_group(
    *,
    name: str | None = None,
    subscription: str | None = None,
    resource_group: str | None = None,
    base: str = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsGet_Succeeded.json",
    **overrides: Any,
) -> dict[str, Any]:
    """A container group from ContainerGroupsGet_Succeeded.json (public IP, image
    `nginx`, azureFile volume, registry credential with username only).

    Its real id is in subscription `subid`, resource group `demo`; pass
    `subscription=SUB_ID` to put it beside the default registry.
    """
    body = load_example(base)
    group = body["value"][0] if isinstance(body, dict) and "value" in body else body
    if name or subscription or resource_group:
        _rebuild_id(
            group, "Microsoft.ContainerInstance/containerGroups", name, subscription, resource_group
        )
    return merge(group, overrides)


# --- diagnostics, pricings, authorization ------------------------------------------


def diagnostic_setting(
    target_id: str,
    name: str = "setting1",
    *,
    logs: list[dict[str, Any]] | None = None,
    destination: Mapping[str, Any] | None = None,
    **properties: Any,
) -> dict[str, Any]:
    """A diagnostic setting on `target_id`, shaped like getDiagnosticSetting.json.

    Default: the example's destinations (workspace, storage, event hub) and its logs.
    `destination={}` removes every destination; `logs=[...]` replaces the logs.
    """
    body = load_example(f"Microsoft.Insights/{INSIGHTS_API}/getDiagnosticSetting.json")
    body["id"] = f"{target_id}/providers/Microsoft.Insights/diagnosticSettings/{name}"
    body["name"] = name
    body["type"] = "Microsoft.Insights/diagnosticSettings"
    props = body["properties"]
    if destination is not None:
        for key in (
            "workspaceId",
            "storageAccountId",
            "eventHubAuthorizationRuleId",
            "eventHubName",
            "marketplacePartnerId",
            "serviceBusRuleId",
        ):
            props.pop(key, None)
        props.update(clone(dict(destination)))
    if logs is not None:
        props["logs"] = clone(logs)
    merge(props, properties)
    return body


def audit_logs(group: str = "audit", enabled: bool = True) -> list[dict[str, Any]]:
    return [{"categoryGroup": group, "enabled": enabled, "retentionPolicy": None}]


def category_logs(*categories: str, enabled: bool = True) -> list[dict[str, Any]]:
    return [{"category": c, "enabled": enabled} for c in categories]


def workspace(sub: str = SUB) -> dict[str, str]:
    return {
        "workspaceId": f"{sub}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws1"
    }


def pricings(sub: str = SUB, **enabled: str | bool) -> list[dict[str, Any]]:
    """ListPricings_example.json value, rebased onto `sub`.

    `pricings(Containers="False")` rewrites that plan's pricingTier/isEnabled strings
    (True → Standard/"True", False → Free/"False").
    """
    out = load_list(f"Microsoft.Security/{SECURITY_API}/ListPricings_example.json")
    for item in out:
        _, _, tail = item["id"].partition("/providers/")
        item["id"] = f"{sub}/providers/{tail}"
        want = enabled.get(item["name"])
        if want is not None:
            on = want is True or (isinstance(want, str) and want.lower() == "true")
            item["properties"]["pricingTier"] = "Standard" if on else "Free"
            item["properties"]["isEnabled"] = "True" if on else "False"
    return out


def role_assignments() -> list[dict[str, Any]]:
    return load_list(f"Microsoft.Authorization/{AUTH_API}/RoleAssignments_ListForScope.json")


def role_definition() -> dict[str, Any]:
    return load_example(f"Microsoft.Authorization/{AUTH_API}/GetRoleDefinitionById.json")


def subscription_setting_raw(sub_id: str = SUB_ID) -> dict[str, Any]:
    """listSubscriptionDiagnosticSettings.json value[0] exactly as ARM shapes it (id
    without a leading slash, `"type": null`, allLogs to three destinations), moved to
    `sub_id`. Feed it through aciaudit.snapshot_io.parse_snapshot, not make_snapshot."""
    setting = load_list(
        f"Microsoft.Insights/{INSIGHTS_API}/listSubscriptionDiagnosticSettings.json"
    )[0]
    old = arm_id.parse(setting["id"]).subscription
    assert old is not None
    return json.loads(json.dumps(setting).replace(old, sub_id))


def metric_alert(
    name: str = "aci-cpu",
    *,
    scopes: Iterable[str] = (),
    target_resource_type: str | None = None,
    metric_namespace: str | None = None,
    enabled: bool | None = True,
    subscription: str = SUB_ID,
    resource_group: str = RG,
) -> dict[str, Any]:
    """A Microsoft.Insights/metricAlerts resource (2018-03-01 shape)."""
    criterion: dict[str, Any] = {
        "criterionType": "StaticThresholdCriterion",
        "name": "High_CPU",
        "metricName": "CpuUsage",
        "dimensions": [],
        "operator": "GreaterThan",
        "threshold": 800,
        "timeAggregation": "Average",
    }
    if metric_namespace is not None:
        criterion["metricNamespace"] = metric_namespace
    props: dict[str, Any] = {
        "description": "CPU of container groups",
        "severity": 3,
        "enabled": enabled,
        "scopes": list(scopes),
        "evaluationFrequency": "PT1M",
        "windowSize": "PT15M",
        "criteria": {
            "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            "allOf": [criterion],
        },
        "autoMitigate": True,
        "actions": [],
    }
    if target_resource_type is not None:
        props["targetResourceType"] = target_resource_type
        props["targetResourceRegion"] = "westus"
    if enabled is None:
        del props["enabled"]
    return {
        "id": f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.Insights/metricAlerts/{name}",
        "name": name,
        "type": "Microsoft.Insights/metricAlerts",
        "location": "global",
        "properties": props,
    }


# --- snapshots and evaluation -------------------------------------------------------


CoverageSpec = CoverageEntry | Mapping[str, Any] | tuple[Any, ...]


def coverage_entry(spec: CoverageSpec) -> CoverageEntry:
    """A CoverageEntry from an entry, a dict (snapshot form) or a tuple
    `(scope, kind, status[, detail[, api_version]])`."""
    if isinstance(spec, CoverageEntry):
        return spec
    if isinstance(spec, Mapping):
        return CoverageEntry(
            scope=spec["scope"],
            kind=spec["kind"],
            status=CoverageStatus(spec["status"]),
            api_version=spec.get("api_version"),
            detail=spec.get("detail"),
        )
    scope, kind, status, *rest = spec
    return CoverageEntry(
        scope=scope,
        kind=kind,
        status=CoverageStatus(status),
        detail=rest[0] if rest else None,
        api_version=rest[1] if len(rest) > 1 else None,
    )


def subscription_scopes(resources: Iterable[Mapping[str, Any]]) -> list[str]:
    scopes: dict[str, str] = {}
    for res in resources:
        sub = arm_id.parse(str(res.get("id") or "")).subscription
        if sub:
            scopes.setdefault(sub.lower(), f"/subscriptions/{sub}")
    return list(scopes.values())


def make_snapshot(
    resources: Iterable[Mapping[str, Any]],
    coverage: Iterable[CoverageSpec] | None = None,
    subscriptions: Iterable[Subscription | str | Mapping[str, Any]] | None = None,
    api_versions: Mapping[str, str] | None = None,
    *,
    default_coverage: bool = True,
    omit: Iterable[tuple[str, str] | str] = (),
) -> Snapshot:
    """A Snapshot over deep copies of `resources`.

    By default every kind in AUDITED_KINDS is `collected` at each subscription scope
    named by a resource id or in `subscriptions` (api_version from `api_versions`,
    keyed by kind). `coverage` entries are added on top: one with the same scope and
    kind replaces the default. `omit` drops default entries, by kind (every scope) or
    by (scope, kind). `default_coverage=False` starts from nothing.
    """
    res = [clone(dict(r)) for r in resources]
    subs: list[Subscription] = []
    for s in subscriptions or ():
        if isinstance(s, Subscription):
            subs.append(s)
        elif isinstance(s, str):
            subs.append(Subscription(s.rsplit("/", 1)[-1]))
        else:
            subs.append(
                Subscription(
                    s["subscriptionId"],
                    s.get("displayName", ""),
                    s.get("state", ""),
                    s.get("tenantId", ""),
                )
            )
    versions = {k.lower(): v for k, v in (api_versions or {}).items()}
    omitted = {
        (o[0].lower().rstrip("/"), o[1].lower()) if isinstance(o, tuple) else ("*", o.lower())
        for o in omit
    }
    entries: dict[tuple[str, str], CoverageEntry] = {}
    if default_coverage:
        scopes = subscription_scopes(res)
        for s in subs:
            if s.scope.lower() not in {x.lower() for x in scopes}:
                scopes.append(s.scope)
        for scope in scopes:
            for kind in AUDITED_KINDS:
                key = (scope.lower(), kind.lower())
                if key in omitted or ("*", kind.lower()) in omitted:
                    continue
                entries[key] = CoverageEntry(
                    scope, kind, CoverageStatus.COLLECTED, versions.get(kind.lower())
                )
    for spec in coverage or ():
        entry = coverage_entry(spec)
        entries[(entry.scope.lower().rstrip("/"), entry.kind.lower())] = entry
    return Snapshot(resources=res, coverage=list(entries.values()), subscriptions=subs)


def run_check(
    check_id: str,
    resources: Iterable[Mapping[str, Any]],
    *,
    policy: Policy | None = None,
    **snapshot_kwargs: Any,
) -> list[Result]:
    """Evaluate only `check_id` over a snapshot built by make_snapshot."""
    catalogue = load_catalogue()
    index = Index(make_snapshot(resources, **snapshot_kwargs))
    return evaluate(index, policy, checks=[catalogue[check_id]])


def result_for(results: Iterable[Result], resource_id: str) -> Result:
    """The single result about `resource_id` (case-insensitive)."""
    found = [r for r in results if r.resource_id.lower() == resource_id.lower()]
    assert len(found) == 1, f"expected one result for {resource_id}, got {found}"
    return found[0]


def run_one(
    check_id: str,
    target: Mapping[str, Any],
    others: Iterable[Mapping[str, Any]] = (),
    **kwargs: Any,
) -> Result:
    """Evaluate `check_id` with `target` (plus `others`) and return the result for target."""
    results = run_check(check_id, [target, *others], **kwargs)
    return result_for(results, str(target["id"]))
