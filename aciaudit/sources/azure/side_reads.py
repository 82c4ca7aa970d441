"""The phases that read around the listing: registry tokens and cache rules, diagnostic
settings, and each subscription's Defender plans and metric alerts."""

from __future__ import annotations

from aciaudit.sources.azure.apis import ACR_API, ALERTS_API, DIAGNOSTICS_API, PRICINGS_API
from aciaudit.sources.azure.arm import Cancelled
from aciaudit.sources.azure.reads import Json, Reads
from checks import arm_id, kinds
from checks.snapshot import Subscription

# -- registry children ------------------------------------------------------------------


def registry_children(reads: Reads) -> None:
    reads.each(
        "registry tokens and cache rules",
        reads.registries,
        lambda registry: _read_children(reads, registry),
    )


def _read_children(reads: Reads, registry: Json) -> None:
    rid = registry["id"]
    parsed = arm_id.parse(rid)
    if not (parsed.subscription and parsed.resource_group):
        return
    acr = reads.arm.acr(parsed.subscription)
    readers = (
        (kinds.TOKENS, acr.tokens.list),
        (kinds.CACHE_RULES, acr.cache_rules.list),
    )
    for kind, operation in readers:
        reads.check_cancel()
        try:
            pager = operation(parsed.resource_group, parsed.name)
            for child in reads.arm.pages(pager, kind):
                reads.out.add(child.as_dict())
            reads.covered(rid, kind, ACR_API)
        except Cancelled:
            raise
        except Exception as exc:
            reads.problem(rid, kind, exc)


# -- diagnostic settings ------------------------------------------------------------------


def diagnostic_settings(reads: Reads) -> None:
    # ACI-015 reads a group's diagnostic settings only when the group itself sends no
    # logs to Log Analytics; skipping the others saves one request per group.
    groups: list[str] = []
    for group in reads.groups:
        if not _logs_to_workspace(group):
            groups.append(group["id"])
            continue
        reads.not_collected(
            group["id"],
            kinds.DIAGNOSTIC_SETTINGS,
            "not needed: the group sends its logs to Log Analytics",
        )
    targets = [r["id"] for r in reads.registries] + groups + [s.scope for s in reads.subs]
    reads.each("diagnostic settings", targets, lambda target: _read_diagnostics(reads, target))


def _read_diagnostics(reads: Reads, target: str) -> None:
    path = f"{target}/providers/{kinds.DIAGNOSTIC_SETTINGS}"
    try:
        body = reads.arm.get(path, DIAGNOSTICS_API)
    except Cancelled:
        raise
    except Exception as exc:
        reads.problem(target, kinds.DIAGNOSTIC_SETTINGS, exc)
        return
    for setting in body.get("value") or []:
        if isinstance(setting, dict) and setting.get("id"):
            setting["type"] = setting.get("type") or kinds.DIAGNOSTIC_SETTINGS
            setting["id"] = arm_id.normalise_id(str(setting["id"]))
            reads.out.add(setting)
    reads.covered(target, kinds.DIAGNOSTIC_SETTINGS, DIAGNOSTICS_API)


def _logs_to_workspace(group: Json) -> bool:
    diagnostics = (group.get("properties") or {}).get("diagnostics") or {}
    workspace = (diagnostics.get("logAnalytics") or {}) if isinstance(diagnostics, dict) else {}
    return isinstance(workspace, dict) and bool(workspace.get("workspaceId"))


# -- per subscription: Defender plans, metric alerts ---------------------------------------


def subscription_side_data(reads: Reads) -> None:
    reads.each("Defender plans and alerts", reads.subs, lambda sub: _read_sub_side(reads, sub))


def _read_sub_side(reads: Reads, sub: Subscription) -> None:
    try:
        security = reads.arm.security(sub.subscription_id)
        body = security.pricings.list(scope_id=sub.scope.lstrip("/"), cls=reads.arm.raw_body())
        for pricing in body.get("value") or []:
            if isinstance(pricing, dict):
                reads.out.add(pricing)
        reads.covered(sub.scope, kinds.PRICINGS, PRICINGS_API)
    except Cancelled:
        raise
    except Exception as exc:
        reads.problem(sub.scope, kinds.PRICINGS, exc)
    try:
        body = reads.arm.get(f"{sub.scope}/providers/{kinds.METRIC_ALERTS}", ALERTS_API)
        for alert in body.get("value") or []:
            if isinstance(alert, dict):
                reads.out.add(alert)
        reads.covered(sub.scope, kinds.METRIC_ALERTS, ALERTS_API)
    except Cancelled:
        raise
    except Exception as exc:
        reads.problem(sub.scope, kinds.METRIC_ALERTS, exc)
