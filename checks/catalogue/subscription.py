"""Subscription-wide checks SUB-001 … SUB-004: Defender, activity log, alerts."""

from __future__ import annotations

from checks.catalogue.common import MISSING, Resource, get, is_enum, name
from checks.catalogue.diagnostics import destination_of, enabled_log_names
from checks.context import Context
from checks.kinds import METRIC_ALERTS, PRICINGS
from checks.model import (
    Evidence,
    Outcome,
    Target,
    fail,
    not_applicable,
    not_assessed,
    passed,
)
from checks.registry import check
from checks.snapshot import Subscription

SUBS = Target.SUBSCRIPTION
VA_EXTENSION = "ContainerRegistriesVulnerabilityAssessments"


def _sub(target: Resource) -> Subscription:
    sub = target["subscription"]
    assert isinstance(sub, Subscription)
    return sub


def _plan_absent(label: str, field: str) -> Outcome:
    """An always-returned plan field is missing: older api-version, not "off"."""
    return not_assessed(
        f"Subscription '{label}': properties.{field} is absent from the Containers plan "
        "(likely read at an older api-version).",
        Evidence(f"pricings/Containers.properties.{field}", "<absent>", "present"),
    )


def _containers_plan(target: Resource, ctx: Context) -> Resource | None:
    for pricing in ctx.index.owned_by(target["id"], PRICINGS):
        if name(pricing).lower() == "containers":
            return pricing
    return None


@check("SUB-001")
def sub_001(target: Resource, ctx: Context) -> Outcome:
    label = _sub(target).label
    plan = _containers_plan(target, ctx)
    if plan is None:
        return not_assessed(
            f"Subscription '{label}': pricings were read but hold no Containers plan."
        )
    tier = get(plan, "properties.pricingTier")
    if tier is MISSING:
        return _plan_absent(label, "pricingTier")
    ev = Evidence("pricings/Containers.properties.pricingTier", tier, "Standard")
    if is_enum(tier, "Standard"):
        return passed(f"Subscription '{label}' has Defender for Containers enabled.", ev)
    return fail(f"Subscription '{label}' does not have Defender for Containers enabled.", ev)


@check("SUB-002")
def sub_002(target: Resource, ctx: Context) -> Outcome:
    label = _sub(target).label
    plan = _containers_plan(target, ctx)
    if plan is None:
        return not_assessed(
            f"Subscription '{label}': pricings were read but hold no Containers plan."
        )
    tier = get(plan, "properties.pricingTier")
    if tier is MISSING:
        return _plan_absent(label, "pricingTier")
    if not is_enum(tier, "Standard"):
        return not_applicable(
            f"Subscription '{label}': Defender for Containers is off (see SUB-001)."
        )
    extensions = get(plan, "properties.extensions")
    if extensions is MISSING:
        return _plan_absent(label, "extensions")
    state = "<absent>"
    for ext in extensions if isinstance(extensions, list) else []:
        if isinstance(ext, dict) and str(ext.get("name", "")).lower() == VA_EXTENSION.lower():
            state = str(ext.get("isEnabled"))
    ev = Evidence(
        f"pricings/Containers.properties.extensions[{VA_EXTENSION}].isEnabled", state, "True"
    )
    if state.lower() == "true":
        return passed(f"Subscription '{label}' scans registry images for vulnerabilities.", ev)
    return fail(f"Subscription '{label}' does not scan registry images for vulnerabilities.", ev)


@check("SUB-003")
def sub_003(target: Resource, ctx: Context) -> Outcome:

    label = _sub(target).label
    settings = ctx.index.diagnostic_settings(target["id"])
    for setting in settings:
        logs = enabled_log_names(setting)
        if destination_of(setting) and ("administrative" in logs or "alllogs" in logs):
            return passed(
                f"Subscription '{label}' exports its Administrative activity log via '{name(setting)}'.",
                Evidence(
                    "diagnosticSettings", name(setting), "Administrative logs to a destination"
                ),
            )
    ev = Evidence(
        "diagnosticSettings",
        [name(s) for s in settings] or "none",
        "a setting with the Administrative category and a destination",
    )
    return fail(f"Subscription '{label}' does not export its Administrative activity log.", ev)


def _watches_groups(alert: Resource, group_ids: set[str]) -> bool:
    props = alert.get("properties") or {}
    if str(props.get("targetResourceType", "")).lower() == Target.CONTAINER_GROUP.lower():
        return True
    scopes = props.get("scopes")
    if isinstance(scopes, list) and any(str(s).lower() in group_ids for s in scopes):
        return True
    criteria = get(alert, "properties.criteria.allOf")
    return isinstance(criteria, list) and any(
        isinstance(c, dict)
        and str(c.get("metricNamespace", "")).lower() == Target.CONTAINER_GROUP.lower()
        for c in criteria
    )


@check("SUB-004")
def sub_004(target: Resource, ctx: Context) -> Outcome:
    label = _sub(target).label
    sub_prefix = target["id"].lower() + "/"
    groups = {g["id"].lower() for g in ctx.groups_by_subscription.get(target["id"].lower(), [])}
    if not groups:
        return not_applicable(f"Subscription '{label}' has no container groups.")
    alerts = [a for a in ctx.index.of_type(METRIC_ALERTS) if a["id"].lower().startswith(sub_prefix)]
    watching = [
        name(a)
        for a in alerts
        if get(a, "properties.enabled") is not False and _watches_groups(a, groups)
    ]
    ev = Evidence(
        "metricAlerts",
        watching or [name(a) for a in alerts] or "none",
        "an enabled alert on Microsoft.ContainerInstance/containerGroups",
    )
    if watching:
        return passed(
            f"Subscription '{label}' has {len(watching)} metric alert(s) on container groups.", ev
        )
    return fail(
        f"Subscription '{label}' has {len(groups)} container group(s) and no metric alert on them.",
        ev,
    )
