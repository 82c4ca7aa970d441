"""Container registry checks ACR-001 … ACR-016."""

from __future__ import annotations

from collections import Counter, defaultdict

from checks.catalogue.common import LEARN, MISSING, Resource, absent, get, is_enum, name, observed
from checks.catalogue.diagnostics import destination_of, enabled_log_names
from checks.context import Context
from checks.images import PUBLIC_REGISTRIES, parse_image
from checks.kinds import CACHE_RULES, DEFENDER_FINDINGS, TOKENS
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
from checks.vulns import (
    ImageScan,
    Vulnerability,
    VulnSeverity,
    counts_text,
    defender_gap,
    merge_findings,
    no_vuln_data,
)

REGISTRY = Target.REGISTRY
ACR_DOCS = f"{LEARN}/container-registry"


def _sku(reg: Resource) -> str | None:
    value = get(reg, "sku.name")
    return value if isinstance(value, str) else None


def _premium_only(reg: Resource, feature: str) -> Outcome | None:
    """NOT_APPLICABLE for a Premium-only feature on a lower tier; None when Premium."""
    sku = _sku(reg)
    if sku is None:
        return absent(reg, "sku.name", "the registry's tier is unknown")
    if sku.lower() != "premium":
        return not_applicable(
            f"Registry '{name(reg)}' is {sku}; {feature}: Premium tier only.",
            Evidence("sku.name", sku, "Premium"),
        )
    return None


def _flag(reg: Resource, path: str, bad: bool, fail_msg: str, pass_msg: str) -> Outcome:
    """A boolean ARM always returns: absent → NOT_ASSESSED, `bad` → FAIL."""
    value = get(reg, path)
    if value is MISSING:
        return absent(reg, path)
    ev = Evidence(path, value, str(not bad).lower())
    return fail(fail_msg, ev) if value is bad else passed(pass_msg, ev)


def _policy_status(reg: Resource, policy: str) -> tuple[str | None, str]:
    path = f"properties.policies.{policy}.status"
    value = get(reg, path)
    return (value if isinstance(value, str) else None), path


@check("ACR-001")
def acr_001(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _flag(
        reg,
        "properties.adminUserEnabled",
        True,
        f"Registry '{n}' has the admin user enabled.",
        f"Registry '{n}' has the admin user disabled.",
    )


@check("ACR-002")
def acr_002(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    value = get(reg, "properties.anonymousPullEnabled")
    if value is MISSING:
        return absent(reg, "properties.anonymousPullEnabled", "api-version before 2025-04-01")
    return _flag(
        reg,
        "properties.anonymousPullEnabled",
        True,
        f"Registry '{n}' allows anonymous pull.",
        f"Registry '{n}' requires authentication to pull.",
    )


@check("ACR-003")
def acr_003(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    public = get(reg, "properties.publicNetworkAccess")
    action = get(reg, "properties.networkRuleSet.defaultAction")
    ev_public = Evidence("properties.publicNetworkAccess", observed(public), "Disabled")
    ev_action = Evidence("properties.networkRuleSet.defaultAction", observed(action), "Deny")
    if is_enum(public, "Disabled"):
        return passed(f"Registry '{n}' has public network access disabled.", ev_public)
    if is_enum(action, "Deny"):
        rules = get(reg, "properties.networkRuleSet.ipRules")
        count = len(rules) if isinstance(rules, list) else 0
        ev_rules = Evidence("properties.networkRuleSet.ipRules", f"{count} rule(s)", "known ranges")
        return passed(
            f"Registry '{n}' denies public traffic except {count} allowed IP rule(s).",
            ev_action,
            ev_rules,
        )
    return fail(f"Registry '{n}' accepts connections from any network.", ev_public, ev_action)


@check("ACR-004")
def acr_004(reg: Resource, ctx: Context) -> Outcome:
    if (na := _premium_only(reg, "private endpoints")) is not None:
        return na
    n = name(reg)
    conns = get(reg, "properties.privateEndpointConnections")
    conns = conns if isinstance(conns, list) else []
    states = [get(c, "properties.privateLinkServiceConnectionState.status") for c in conns]
    path = "properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status"
    ev = Evidence(path, [observed(s) for s in states], "at least one Approved")
    if any(is_enum(s, "Approved") for s in states):
        return passed(f"Registry '{n}' has an approved private endpoint.", ev)
    if conns:
        return fail(f"Registry '{n}' has private endpoints but none is approved.", ev)
    return fail(f"Registry '{n}' has no private endpoint.", ev)


@check("ACR-005")
def acr_005(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    sku = _sku(reg)
    if sku is None:
        return absent(reg, "sku.name", "the registry's tier is unknown")
    ev = Evidence("sku.name", sku, "Premium")
    if sku.lower() == "premium":
        return passed(f"Registry '{n}' is Premium and can be network-isolated.", ev)
    return fail(f"Registry '{n}' is {sku} and cannot be network-isolated.", ev)


_AUDIT_CATEGORIES = {"containerregistryloginevents", "containerregistryrepositoryevents"}
_AUDIT_GROUPS = {"audit", "alllogs"}


@check("ACR-006")
def acr_006(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    settings = ctx.index.diagnostic_settings(reg["id"])
    seen = []
    for setting in settings:
        logs = enabled_log_names(setting)
        dest = destination_of(setting)
        seen.append(
            f"{name(setting)}: {sorted(logs) or 'no enabled logs'} → {dest or 'no destination'}"
        )
        if dest and (logs & _AUDIT_GROUPS or logs >= _AUDIT_CATEGORIES):
            return passed(
                f"Registry '{n}' sends its audit logs through diagnostic setting '{name(setting)}'.",
                Evidence("diagnosticSettings", seen[-1], "audit logs to a destination"),
            )
    ev = Evidence(
        "diagnosticSettings",
        seen or "none",
        "a setting with audit logs (or login and repository events) and a destination",
    )
    return fail(f"Registry '{n}' does not collect its audit logs.", ev)


def _policy_check(reg: Resource, policy: str, want: str, fail_msg: str, pass_msg: str) -> Outcome:
    status, path = _policy_status(reg, policy)
    if status is None:
        return absent(reg, path)
    ev = Evidence(path, status, want)
    return passed(pass_msg, ev) if status.lower() == want else fail(fail_msg, ev)


@check("ACR-007")
def acr_007(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _policy_check(
        reg,
        "trustPolicy",
        "enabled",
        f"Registry '{n}' does not enforce content trust.",
        f"Registry '{n}' enforces content trust.",
    )


@check("ACR-008")
def acr_008(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _policy_check(
        reg,
        "quarantinePolicy",
        "enabled",
        f"Registry '{n}' does not quarantine unscanned images.",
        f"Registry '{n}' quarantines images until they are scanned.",
    )


@check("ACR-009")
def acr_009(reg: Resource, ctx: Context) -> Outcome:
    if (na := _premium_only(reg, "a retention policy")) is not None:
        return na
    n = name(reg)
    return _policy_check(
        reg,
        "retentionPolicy",
        "enabled",
        f"Registry '{n}' keeps untagged manifests forever.",
        f"Registry '{n}' purges untagged manifests.",
    )


@check("ACR-010")
def acr_010(reg: Resource, ctx: Context) -> Outcome:
    if (na := _premium_only(reg, "export control")) is not None:
        return na
    n = name(reg)
    return _policy_check(
        reg,
        "exportPolicy",
        "disabled",
        f"Registry '{n}' allows images to be exported.",
        f"Registry '{n}' blocks image export.",
    )


@check("ACR-011")
def acr_011(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _policy_check(
        reg,
        "azureADAuthenticationAsArmPolicy",
        "disabled",
        f"Registry '{n}' accepts ARM-audience Entra tokens.",
        f"Registry '{n}' accepts only registry-audience Entra tokens.",
    )


@check("ACR-012")
def acr_012(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    tokens = ctx.index.owned_by(reg["id"], TOKENS)
    enabled = [name(t) for t in tokens if is_enum(get(t, "properties.status"), "enabled")]
    ev = Evidence(
        "tokens[*].properties.status",
        {name(t): observed(get(t, "properties.status")) for t in tokens},
        "disabled",
    )
    if enabled:
        return fail(
            f"Registry '{n}' has {len(enabled)} enabled token(s): {', '.join(enabled)}.", ev
        )
    return passed(f"Registry '{n}' has no enabled repository-scoped token.", ev)


@check("ACR-013")
def acr_013(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    mode = get(reg, "properties.roleAssignmentMode")
    if mode is MISSING:
        return absent(reg, "properties.roleAssignmentMode", "api-version before 2025-11-01")
    ev = Evidence("properties.roleAssignmentMode", mode, "AbacRepositoryPermissions")
    if is_enum(mode, "AbacRepositoryPermissions"):
        return passed(f"Registry '{n}' scopes permissions per repository.", ev)
    return fail(f"Registry '{n}' grants permissions on all repositories at once.", ev)


def _is_public_upstream(source: str) -> bool:
    host = parse_image(source).registry
    return host in PUBLIC_REGISTRIES or host == "mcr.microsoft.com"


@check("ACR-014")
def acr_014(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    rules = ctx.index.owned_by(reg["id"], CACHE_RULES)
    sources = {name(r): get(r, "properties.sourceRepository") for r in rules}
    public = [k for k, v in sources.items() if isinstance(v, str) and _is_public_upstream(v)]
    ev = Evidence(
        "cacheRules[*].properties.sourceRepository",
        {k: observed(v) for k, v in sources.items()},
        "no public upstream",
    )
    if public:
        return fail(f"Registry '{n}' mirrors public upstreams via: {', '.join(public)}.", ev)
    return passed(f"Registry '{n}' has no cache rule for a public upstream.", ev)


@check("ACR-015")
def acr_015(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    status = get(reg, "properties.encryption.status")
    if status is MISSING:
        return absent(reg, "properties.encryption.status")
    ev = Evidence("properties.encryption.status", status, "enabled")
    if is_enum(status, "enabled"):
        return passed(f"Registry '{n}' is encrypted with a customer-managed key.", ev)
    return fail(f"Registry '{n}' uses Microsoft-managed keys only.", ev)


@check("ACR-016")
def acr_016(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    if ctx.scans is None:
        defender = ctx.index.coverage(DEFENDER_FINDINGS, reg["id"])
        return not_assessed(f"Registry '{n}': {no_vuln_data(defender)}.")
    server = get(reg, "properties.loginServer")
    host = server.lower() if isinstance(server, str) else ""
    scans = ctx.scans.for_registry(host, reg["id"])
    if not scans:
        gap = defender_gap(ctx.index.coverage(DEFENDER_FINDINGS, reg["id"]))
        return not_assessed(
            f"Registry '{n}': no scan data for images in {host or 'this registry'}"
            + (f"; {gap}." if gap else "."),
            Evidence("properties.loginServer", observed(server), "scan reports of its images"),
        )
    repos = _images_by_repository(host, scans)
    evidence, offending, total = [], [], Counter[VulnSeverity]()
    for repo, images in sorted(repos.items()):
        counts: Counter[VulnSeverity] = Counter()
        worst: list[Vulnerability] = []
        for image_scans in images.values():
            findings = merge_findings(image_scans)
            counts.update(v.severity for v in findings)
            worst.extend(findings[:3])
        worst.sort(key=lambda v: (v.severity.rank, not v.fixed, v.id))
        sources = "; ".join(
            dict.fromkeys(f"{s.tool}: {s.source}" for group in images.values() for s in group)
        )
        ev = Evidence(
            f"repositories/{repo}",
            {
                "images": len(images),
                "open": {sev.value: k for sev, k in counts.items()},
                "worst": [f"{v.id} {v.package} {v.installed}" for v in worst[:3]],
            },
            "no open vulnerabilities",
            f"{counts_text(counts)} ({sources})",
        )
        evidence.append(ev)
        total.update(counts)
        if counts:
            offending.append(ev)
    if offending:
        return fail(
            f"Registry '{n}' has open vulnerabilities in {len(offending)} of {len(repos)} "
            f"scanned repositories: {counts_text(total)}.",
            *offending,
        )
    return passed(
        f"Registry '{n}': the scan reports of {len(repos)} repositories list no open "
        "vulnerabilities.",
        *evidence,
    )


def _images_by_repository(
    host: str, scans: list[ImageScan]
) -> dict[str, dict[str, list[ImageScan]]]:
    """repository → image (digest, else tag) → its reports; two tools' reports of the
    same digest merge instead of counting twice."""
    out: dict[str, dict[str, list[ImageScan]]] = defaultdict(lambda: defaultdict(list))
    for scan in scans:
        # Legacy Defender rows name no host: they reached here by the registry's id.
        refs = [r for r in scan.refs if r.registry in (host, "")]
        if not refs:
            continue
        digests = sorted(r.digest for r in refs if r.digest)
        tags = sorted(f":{r.tag}" for r in refs if r.tag)
        key = (digests or tags or [scan.name])[0]
        out[refs[0].repository][key].append(scan)
    return out
