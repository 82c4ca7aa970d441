"""Container registry checks ACR-001 … ACR-016."""

from __future__ import annotations

from collections import Counter, defaultdict

from checks.catalogue.common import LEARN, MISSING, Resource, absent, get, is_enum, name, observed
from checks.catalogue.diagnostics import destination_of, enabled_log_names
from checks.context import Context
from checks.images import PUBLIC_REGISTRIES, parse_image
from checks.kinds import CACHE_RULES, DEFENDER_FINDINGS, DIAGNOSTIC_SETTINGS, TOKENS
from checks.model import (
    Evidence,
    Outcome,
    Severity,
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


@check(
    id="ACR-001",
    title="Admin user is enabled",
    severity=Severity.HIGH,
    sections=("S3",),
    target=REGISTRY,
    rationale=(
        "The admin account is a single shared username and password with push and pull "
        "rights on every repository. It cannot be scoped, is rarely rotated and leaves no "
        "per-user trail: use Entra identities or repository-scoped tokens instead."
    ),
    remediation="Disable the admin user and move every client to an Entra identity.",
    learn_url=f"{ACR_DOCS}/container-registry-authentication#admin-account",
    references=(
        "Azure Policy dc921057",
        "Prowler containerregistry_admin_user_disabled",
        "Checkov CKV_AZURE_137",
        "MCSB IM-1",
    ),
    az="az acr update --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --admin-enabled false",
)
def acr_001(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _flag(
        reg,
        "properties.adminUserEnabled",
        True,
        f"Registry '{n}' has the admin user enabled.",
        f"Registry '{n}' has the admin user disabled.",
    )


@check(
    id="ACR-002",
    title="Anonymous pull is enabled",
    severity=Severity.HIGH,
    sections=("S1",),
    target=REGISTRY,
    rationale=(
        "With anonymous pull anyone on the internet who can reach the registry can pull "
        "every image without credentials, together with whatever the layers hold."
    ),
    remediation="Turn anonymous pull off unless the registry is meant to be public.",
    learn_url=f"{ACR_DOCS}/anonymous-pull-access",
    references=("Azure Policy 9f2dea28", "Checkov CKV_AZURE_138"),
    az="az acr update --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --anonymous-pull-enabled false",
)
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


@check(
    id="ACR-003",
    title="Registry is reachable from any network",
    severity=Severity.MEDIUM,
    sections=("S13",),
    target=REGISTRY,
    rationale=(
        "A registry open to every network can be probed and brute-forced from anywhere, "
        "and a leaked credential works from anywhere. Restrict it to known networks."
    ),
    remediation=(
        "Disable public network access (Premium, with private endpoints) or set the "
        "network rule set's default action to Deny and allow known IP ranges."
    ),
    learn_url=f"{ACR_DOCS}/container-registry-access-selected-networks",
    references=("Azure Policy d0793b48", "MCSB NS-2"),
    az="az acr update --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --default-action Deny",
)
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


@check(
    id="ACR-004",
    title="No approved private endpoint",
    severity=Severity.MEDIUM,
    sections=("S13",),
    target=REGISTRY,
    rationale=(
        "A private endpoint keeps registry traffic on the virtual network; without an "
        "approved one, pulls and pushes cross the public endpoint."
    ),
    remediation="Create a private endpoint for the registry and approve its connection.",
    learn_url=f"{ACR_DOCS}/container-registry-private-link",
    references=("Azure Policy e8eef0a8",),
    az="az network private-endpoint create --name {name}-pe --resource-group {resource_group} "
    "--subscription {subscription} --vnet-name <vnet> --subnet <subnet> "
    "--private-connection-resource-id {id} --group-id registry --connection-name {name}-pe",
)
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


@check(
    id="ACR-005",
    title="SKU cannot isolate the registry network",
    severity=Severity.LOW,
    sections=("S13",),
    target=REGISTRY,
    rationale=(
        "Only the Premium tier supports private endpoints, disabling public access and "
        "export controls; Basic and Standard registries always keep a public endpoint."
    ),
    remediation="Upgrade the registry to Premium where network isolation is required.",
    learn_url=f"{ACR_DOCS}/container-registry-skus",
    references=("Azure Policy bd560fc0",),
    az="az acr update --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --sku Premium",
)
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


@check(
    id="ACR-006",
    title="Registry audit logs are not collected",
    severity=Severity.MEDIUM,
    sections=("S16",),
    target=REGISTRY,
    rationale=(
        "Login and repository events are the only record of who pulled, pushed or deleted "
        "images. Without a diagnostic setting they are not kept anywhere."
    ),
    remediation=(
        "Add a diagnostic setting that sends the audit category group (or "
        "ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents) to a "
        "Log Analytics workspace, storage account or event hub."
    ),
    learn_url=f"{ACR_DOCS}/monitor-container-registry",
    references=("PSRule Azure.ACR.AuditLogs", "MCSB LT-4"),
    az="az monitor diagnostic-settings create --name acr-audit --resource {id} "
    "--workspace <log-analytics-workspace-id> "
    '--logs \'[{{"categoryGroup":"audit","enabled":true}}]\'',
    requires=(DIAGNOSTIC_SETTINGS,),
)
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


@check(
    id="ACR-007",
    title="Image signing is not enforced by the registry",
    severity=Severity.LOW,
    sections=("S9",),
    target=REGISTRY,
    rationale=(
        "Without content trust, clients cannot tell a signed image from a tampered one. "
        "Docker Content Trust is being retired in favour of Notary Project signatures, "
        "which ARM does not show: verify signing in the pipeline as well."
    ),
    remediation=(
        "Enable content trust (Premium) or sign images with Notation and verify "
        "signatures at deployment."
    ),
    learn_url=f"{ACR_DOCS}/container-registry-content-trust",
    references=("Checkov CKV_AZURE_164",),
    az="az acr config content-trust update --registry {name} --status enabled",
)
def acr_007(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _policy_check(
        reg,
        "trustPolicy",
        "enabled",
        f"Registry '{n}' does not enforce content trust.",
        f"Registry '{n}' enforces content trust.",
    )


@check(
    id="ACR-008",
    title="Quarantine of unscanned images is off",
    severity=Severity.LOW,
    sections=("S5",),
    target=REGISTRY,
    rationale=(
        "With quarantine, a pushed image cannot be pulled until a scanner releases it; "
        "without it, an image is usable before anyone has looked at it."
    ),
    remediation="Enable the quarantine policy and release images from the scanning pipeline.",
    learn_url="https://github.com/Azure/acr/tree/main/docs/preview/quarantine",
    references=("Checkov CKV_AZURE_166",),
    az="az resource update --ids {id} --set properties.policies.quarantinePolicy.status=enabled",
)
def acr_008(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _policy_check(
        reg,
        "quarantinePolicy",
        "enabled",
        f"Registry '{n}' does not quarantine unscanned images.",
        f"Registry '{n}' quarantines images until they are scanned.",
    )


@check(
    id="ACR-009",
    title="Untagged manifests are kept forever",
    severity=Severity.LOW,
    sections=("S9",),
    target=REGISTRY,
    rationale=(
        "Untagged manifests are old, unpatched images that nobody tracks but anyone with "
        "pull rights can still run by digest."
    ),
    remediation="Enable the retention policy for untagged manifests.",
    learn_url=f"{ACR_DOCS}/container-registry-retention-policy",
    references=("Checkov CKV_AZURE_167",),
    az="az acr config retention update --registry {name} --status enabled --days 7 "
    "--type UntaggedManifests",
)
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


@check(
    id="ACR-010",
    title="Images can be exported out of the registry",
    severity=Severity.MEDIUM,
    sections=("S1",),
    target=REGISTRY,
    rationale=(
        "With exports allowed, anyone with import rights elsewhere can copy every image "
        "out of a network-isolated registry, defeating the isolation."
    ),
    remediation="Disable exports (this requires public network access to be disabled).",
    learn_url=f"{ACR_DOCS}/data-loss-prevention",
    references=("Azure Policy 524b0254",),
    az="az acr update --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --public-network-enabled false --allow-exports false",
)
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


@check(
    id="ACR-011",
    title="Entra ARM-audience tokens are accepted",
    severity=Severity.LOW,
    sections=("S3",),
    target=REGISTRY,
    rationale=(
        "ARM-audience tokens are broad: a token minted for Azure Resource Manager also "
        "opens the registry. Requiring registry-audience tokens narrows a stolen token's reach."
    ),
    remediation="Disable authentication-as-ARM so only registry-audience tokens are accepted.",
    learn_url=f"{ACR_DOCS}/container-registry-disable-authentication-as-arm",
    references=("Azure Policy 42781ec6",),
    az="az acr config authentication-as-arm update --registry {name} --status disabled",
)
def acr_011(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    return _policy_check(
        reg,
        "azureADAuthenticationAsArmPolicy",
        "disabled",
        f"Registry '{n}' accepts ARM-audience Entra tokens.",
        f"Registry '{n}' accepts only registry-audience Entra tokens.",
    )


@check(
    id="ACR-012",
    title="Repository-scoped access tokens are enabled",
    severity=Severity.LOW,
    sections=("S3",),
    target=REGISTRY,
    rationale=(
        "Repository-scoped tokens are passwords outside Entra: they bypass conditional "
        "access and are easily forgotten. Each enabled token is a credential to inventory."
    ),
    remediation="Disable tokens that Entra identities can replace; rotate the rest.",
    learn_url=f"{ACR_DOCS}/container-registry-repository-scoped-permissions",
    references=("Azure Policy ff05e24e",),
    az="az acr token update --name <token-name> --registry {name} --status disabled",
    requires=(TOKENS,),
)
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


@check(
    id="ACR-013",
    title="Repository-level permissions (ABAC) are not used",
    severity=Severity.LOW,
    sections=("S10",),
    target=REGISTRY,
    rationale=(
        "Without ABAC, a role assignment on the registry grants access to every "
        "repository in it; ABAC lets roles be limited to named repositories."
    ),
    remediation="Switch the role assignment mode to RBAC with ABAC repository permissions.",
    learn_url=f"{ACR_DOCS}/container-registry-rbac-abac-repository-permissions",
    az="az acr update --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --role-assignment-mode rbac-abac",
)
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


@check(
    id="ACR-014",
    title="Pull-through cache rules mirror public upstreams",
    severity=Severity.MEDIUM,
    sections=("S8",),
    target=REGISTRY,
    rationale=(
        "A cache rule makes public images available under the registry's own name, so "
        "anything on the upstream looks approved once it is cached."
    ),
    remediation=(
        "Remove cache rules for public upstreams, or restrict them to vetted "
        "repositories and scan what they bring in."
    ),
    learn_url=f"{ACR_DOCS}/artifact-cache-overview",
    references=("Azure Policy 84497762",),
    az="az acr cache delete --registry {name} --name <cache-rule-name>",
    requires=(CACHE_RULES,),
)
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


@check(
    id="ACR-015",
    title="Not encrypted with a customer-managed key",
    severity=Severity.LOW,
    sections=("S17",),
    target=REGISTRY,
    rationale=(
        "With a customer-managed key the organisation controls, rotates and can revoke "
        "the key protecting image data at rest."
    ),
    remediation="Create a Premium registry encrypted with a Key Vault key (set at creation).",
    learn_url=f"{ACR_DOCS}/tutorial-enable-customer-managed-keys",
    references=("Azure Policy 5b9159ae", "MCSB DP-5"),
    az="az acr create --name <new-registry> --resource-group {resource_group} --sku Premium "
    "--identity <identity-id> --key-encryption-key <key-id>",
)
def acr_015(reg: Resource, ctx: Context) -> Outcome:
    n = name(reg)
    status = get(reg, "properties.encryption.status")
    if status is MISSING:
        return absent(reg, "properties.encryption.status")
    ev = Evidence("properties.encryption.status", status, "enabled")
    if is_enum(status, "enabled"):
        return passed(f"Registry '{n}' is encrypted with a customer-managed key.", ev)
    return fail(f"Registry '{n}' uses Microsoft-managed keys only.", ev)


@check(
    id="ACR-016",
    title="Registry images have unresolved vulnerabilities",
    severity=Severity.HIGH,
    sections=("S5",),
    target=REGISTRY,
    rationale=(
        "Images with known vulnerabilities in the registry will be deployed sooner or "
        "later; fix or remove them before they run."
    ),
    remediation="Rebuild images on patched bases and delete vulnerable tags.",
    learn_url="https://learn.microsoft.com/azure/defender-for-cloud/agentless-vulnerability-assessment-azure",
)
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
