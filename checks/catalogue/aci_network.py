"""Network exposure, logging and encryption of container groups: ACI-011 … ACI-015, ACI-028."""

from __future__ import annotations

from checks.catalogue.aci_parts import ACI_DOCS, GROUP_NOUN, RECREATE_AZ
from checks.catalogue.common import MISSING, Resource, get, is_enum, name, observed
from checks.catalogue.diagnostics import destination_of, enabled_log_names
from checks.context import Context
from checks.kinds import DIAGNOSTIC_SETTINGS
from checks.model import Evidence, Outcome, Severity, Target, fail, not_applicable, passed
from checks.registry import check

GROUPS = Target.CONTAINER_GROUP
ADMIN_PORTS = {
    22: "SSH",
    23: "Telnet",
    135: "RPC",
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    2375: "Docker API",
    2376: "Docker API (TLS)",
    2379: "etcd",
    3306: "MySQL",
    3389: "RDP",
    5432: "PostgreSQL",
    5601: "Kibana",
    5984: "CouchDB",
    5985: "WinRM",
    5986: "WinRM (TLS)",
    6379: "Redis",
    9200: "Elasticsearch",
    10250: "kubelet",
    11211: "memcached",
    27017: "MongoDB",
}


def _is_public(group: Resource) -> tuple[bool, Evidence]:
    kind = get(group, "properties.ipAddress.type")
    return is_enum(kind, "Public"), Evidence(
        "properties.ipAddress.type", observed(kind), "Private or none"
    )


@check(
    id="ACI-011",
    title="Container group has a public IP address",
    severity=Severity.MEDIUM,
    sections=("S13",),
    target=GROUPS,
    rationale=(
        "A public IP exposes every listed port to the internet with no network security "
        "group in front of it."
    ),
    remediation="Deploy into a virtual network and publish through an application gateway or load balancer.",
    learn_url=f"{ACI_DOCS}/container-instances-vnet",
    az=RECREATE_AZ,
)
def aci_011(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    public, ev = _is_public(group)
    if public:
        ip = get(group, "properties.ipAddress.ip")
        return fail(
            f"{GROUP_NOUN} '{n}' has a public IP address{'' if ip is MISSING else f' ({ip})'}.", ev
        )
    return passed(f"{GROUP_NOUN} '{n}' has no public IP address.", ev)


@check(
    id="ACI-012",
    title="Administrative or database port open to the internet",
    severity=Severity.HIGH,
    sections=("S13",),
    target=GROUPS,
    rationale=(
        "Remote administration and database ports are the first ones scanned and "
        "brute-forced; on a public IP nothing filters them."
    ),
    remediation="Remove the port from the public IP, or move the group into a virtual network.",
    learn_url=f"{ACI_DOCS}/container-instances-vnet",
    references=("MCSB NS-1",),
    az=RECREATE_AZ,
)
def aci_012(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    public, ev = _is_public(group)
    if not public:
        return passed(f"{GROUP_NOUN} '{n}' exposes no port to the internet.", ev)
    ports = get(group, "properties.ipAddress.ports")
    open_ports = (
        [p.get("port") for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
    )
    risky = [f"{p} ({ADMIN_PORTS[p]})" for p in open_ports if p in ADMIN_PORTS]
    ev_ports = Evidence(
        "properties.ipAddress.ports[*].port", open_ports, "no administrative or database port"
    )
    if risky:
        return fail(f"{GROUP_NOUN} '{n}' exposes {', '.join(risky)} to the internet.", ev, ev_ports)
    return passed(f"{GROUP_NOUN} '{n}' exposes no administrative or database port.", ev, ev_ports)


@check(
    id="ACI-013",
    title="Not deployed into a virtual network",
    severity=Severity.MEDIUM,
    sections=("S13",),
    target=GROUPS,
    rationale=(
        "Only a group in a virtual network can sit behind network security groups, "
        "private endpoints and firewalls."
    ),
    remediation="Redeploy the group into a delegated subnet.",
    learn_url=f"{ACI_DOCS}/container-instances-vnet",
    references=("Azure Policy 8af8f826", "Checkov CKV_AZURE_98", "MCSB NS-1"),
    az="az container create --resource-group {resource_group} --subscription {subscription} "
    "--name {name} --image <image> --vnet <vnet> --subnet <subnet>",
)
def aci_013(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    subnets = get(group, "properties.subnetIds")
    profile = get(group, "properties.networkProfile")
    if isinstance(subnets, list) and subnets:
        ids = [s.get("id") for s in subnets if isinstance(s, dict)]
        return passed(
            f"{GROUP_NOUN} '{n}' runs in a virtual network.",
            Evidence("properties.subnetIds", ids, "a subnet"),
        )
    if profile is not MISSING:
        return passed(
            f"{GROUP_NOUN} '{n}' runs in a virtual network (legacy network profile).",
            Evidence("properties.networkProfile", profile, "a subnet"),
        )
    return fail(
        f"{GROUP_NOUN} '{n}' is not deployed into a virtual network.",
        Evidence("properties.subnetIds", observed(subnets), "a subnet"),
    )


@check(
    id="ACI-014",
    title="DNS name label can be taken over after deletion",
    severity=Severity.MEDIUM,
    sections=("S13",),
    target=GROUPS,
    rationale=(
        "With an Unsecure label scope, anyone can claim the same DNS name once the group "
        "is deleted and receive the traffic still pointed at it (subdomain takeover)."
    ),
    remediation="Recreate the group with a DNS label reuse scope such as TenantReuse or Noreuse.",
    learn_url=f"{ACI_DOCS}/how-to-reuse-dns-names",
    az=RECREATE_AZ,
)
def aci_014(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    label = get(group, "properties.ipAddress.dnsNameLabel")
    if label is MISSING:
        return not_applicable(f"{GROUP_NOUN} '{n}' has no DNS name label.")
    scope = get(group, "properties.ipAddress.autoGeneratedDomainNameLabelScope")
    ev = Evidence(
        "properties.ipAddress.autoGeneratedDomainNameLabelScope",
        observed(scope),
        "TenantReuse, SubscriptionReuse, ResourceGroupReuse or Noreuse",
        f"label: {label}",
    )
    if scope is MISSING or is_enum(scope, "Unsecure"):
        return fail(f"{GROUP_NOUN} '{n}' uses DNS label '{label}' that anyone can reclaim.", ev)
    return passed(f"{GROUP_NOUN} '{n}' protects DNS label '{label}' with scope {scope}.", ev)


@check(
    id="ACI-015",
    title="Container logs are not collected",
    severity=Severity.MEDIUM,
    sections=("S14",),
    target=GROUPS,
    rationale=(
        "Without container logs in a workspace there is no record of what the containers "
        "did, and nothing to investigate after an incident."
    ),
    remediation="Send container logs to Log Analytics (diagnostics.logAnalytics) or add a diagnostic setting.",
    learn_url=f"{ACI_DOCS}/container-instances-log-analytics",
    references=("MCSB LT-3",),
    az="az container create --resource-group {resource_group} --subscription {subscription} "
    "--name {name} --image <image> --log-analytics-workspace <workspace-id> "
    "--log-analytics-workspace-key <key>",
)
def aci_015(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    workspace = get(group, "properties.diagnostics.logAnalytics.workspaceId")
    ev = Evidence(
        "properties.diagnostics.logAnalytics.workspaceId", observed(workspace), "a workspace"
    )
    if workspace is not MISSING:
        return passed(f"{GROUP_NOUN} '{n}' sends container logs to Log Analytics.", ev)
    reason = ctx.index.missing_reason(DIAGNOSTIC_SETTINGS, group["id"])
    if reason is not None:
        return fail(
            f"{GROUP_NOUN} '{n}' sends no container logs to Log Analytics "
            "(its diagnostic settings could not be read).",
            ev,
            Evidence(
                "diagnosticSettings",
                "<not read>",
                "a setting with enabled logs",
                f"decided on properties.diagnostics alone: {reason}",
            ),
        )
    for setting in ctx.index.diagnostic_settings(group["id"]):
        if enabled_log_names(setting) and destination_of(setting):
            return passed(
                f"{GROUP_NOUN} '{n}' sends logs through diagnostic setting '{name(setting)}'.",
                Evidence("diagnosticSettings", name(setting), "a setting with enabled logs"),
            )
    return fail(
        f"{GROUP_NOUN} '{n}' collects no container logs.",
        ev,
        Evidence("diagnosticSettings", "none with enabled logs", "a setting with enabled logs"),
    )


@check(
    id="ACI-028",
    title="Not encrypted with a customer-managed key",
    severity=Severity.LOW,
    sections=("S17",),
    target=GROUPS,
    rationale=(
        "With a customer-managed key the organisation controls, rotates and can revoke "
        "the key protecting the group's deployment data."
    ),
    remediation="Recreate the group with encryptionProperties pointing at a Key Vault key.",
    learn_url=f"{ACI_DOCS}/container-instances-encrypt-data",
    references=("Azure Policy 0aa61e00", "MCSB DP-5"),
    az=RECREATE_AZ,
)
def aci_028(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    vault = get(group, "properties.encryptionProperties.vaultBaseUrl")
    key = get(group, "properties.encryptionProperties.keyName")
    ev = Evidence(
        "properties.encryptionProperties",
        {"vaultBaseUrl": observed(vault), "keyName": observed(key)},
        "a Key Vault key",
    )
    if vault is not MISSING and key is not MISSING:
        return passed(f"{GROUP_NOUN} '{n}' is encrypted with customer-managed key '{key}'.", ev)
    return fail(f"{GROUP_NOUN} '{n}' is encrypted with Microsoft-managed keys only.", ev)
