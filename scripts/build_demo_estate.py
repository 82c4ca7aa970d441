"""Build the demo estate: Fabrikam Logistics, a fictional company on Azure.

Writes `aciaudit/data/demo_estate.json`, the snapshot (format v1) that
`aci-audit scan --demo` audits. Every object follows the real ARM shapes in
`tests/data/arm-examples/` (ACI 2026-05-01, ACR 2025-11-01, Insights 2021-05-01-preview,
Security 2024-01-01, Authorization 2022-04-01).

The estate is built so that every automated check has at least one FAIL and one PASS,
and so that NOT_ASSESSED shows up for each of its reasons: a denied listing, a failed
one, a kind that was not collected, and a property absent at an older api-version.

No secret value is stored. Environment variable values, command-line secrets and
gitRepo user info are already redaction markers, exactly as a collected snapshot holds
them: `redacted:v1:<detector>:<length>:<first 12 hex of SHA-256>`. Each marker is
computed from a fictional stand-in string of the right length; the stand-ins are
plain words, shaped like no real credential.

    .venv/bin/python scripts/build_demo_estate.py          # write the file
    .venv/bin/python scripts/build_demo_estate.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

Json = dict[str, Any]

OUTPUT = Path(__file__).resolve().parents[1] / "aciaudit" / "data" / "demo_estate.json"
COLLECTED_AT = "2026-11-28T09:30:00Z"
LOCATION = "westeurope"

# -- identities ---------------------------------------------------------------------------


def fake_guid(word: str) -> str:
    """A valid-looking, obviously fake GUID: a hex word repeated (version 4, variant 8)."""
    digits = (word * 32)[:32]
    digits = digits[:12] + "4" + digits[13:16] + "8" + digits[17:]
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


TENANT = fake_guid("fab0")
PROD = "11111111-1111-4111-8111-111111111111"
DEV = "22222222-2222-4222-8222-222222222222"
SANDBOX = "33333333-3333-4333-8333-333333333333"
SUBSCRIPTIONS = {
    PROD: "Fabrikam Production",
    DEV: "Fabrikam Development",
    SANDBOX: "Fabrikam Sandbox",
}
# The identity the auditor ran as: only named in the AuthorizationFailed messages.
AUDITOR_APP = fake_guid("a0d1")
AUDITOR_OBJECT = fake_guid("0b1e")

# Built-in role definitions: the same GUIDs in every tenant.
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
SMB_SHARE_READER = "aba4ae5f-2193-4029-9191-0cb91df5e314"
# A custom role somebody wrote with `*` actions.
AUTOMATION_OPERATOR = fake_guid("c0570e")


def sub_id(sub: str) -> str:
    return f"/subscriptions/{sub}"


def rg_id(sub: str, rg: str) -> str:
    return f"{sub_id(sub)}/resourceGroups/{rg}"


def resource_id(sub: str, rg: str, rtype: str, name: str) -> str:
    return f"{rg_id(sub, rg)}/providers/{rtype}/{name}"


def user_identity(sub: str, rg: str, name: str) -> str:
    return resource_id(sub, rg, "Microsoft.ManagedIdentity/userAssignedIdentities", name)


def workspace_id(sub: str) -> str:
    return resource_id(
        sub, "rg-fabrikam-ops", "Microsoft.OperationalInsights/workspaces", "law-fabrikam-ops"
    )


# -- redaction markers and image digests --------------------------------------------------


def marker(detector: str, stand_in: str) -> str:
    """The marker a collector writes for `stand_in` (a fictional value, never stored)."""
    digest = hashlib.sha256(stand_in.encode("utf-8")).hexdigest()[:12]
    return f"redacted:v1:{detector}:{len(stand_in)}:{digest}"


def env(name: str, stand_in: str, detector: str = "none") -> Json:
    """A plain environment variable as a collected snapshot holds it: value redacted."""
    return {"name": name, "value": marker(detector, stand_in)}


def secure_env(name: str) -> Json:
    """A secureValue variable: ARM returns its name only."""
    return {"name": name}


def digest_of(reference: str) -> str:
    """A stable, fictional manifest digest for an image reference."""
    return "sha256:" + hashlib.sha256(reference.encode("utf-8")).hexdigest()


def pinned(repository: str, tag: str) -> str:
    """`repo@sha256:…` for a tag that was reviewed and scanned."""
    return f"{repository}@{digest_of(f'{repository}:{tag}')}"


# -- container registries ---------------------------------------------------------------


def policies(
    *,
    quarantine: str = "disabled",
    trust: str = "disabled",
    retention: str = "disabled",
    export: str = "enabled",
    arm_audience: str | None = "enabled",
) -> Json:
    out: Json = {
        "quarantinePolicy": {"status": quarantine},
        "trustPolicy": {"type": "Notary", "status": trust},
        "retentionPolicy": {
            "days": 7,
            "lastUpdatedTime": "2026-03-02T08:14:51.2203114+00:00",
            "status": retention,
        },
        "exportPolicy": {"status": export},
    }
    if arm_audience is not None:
        out["azureADAuthenticationAsArmPolicy"] = {"status": arm_audience}
    return out


def private_endpoint(registry: str, name: str, status: str, description: str) -> Json:
    sub = registry.split("/")[2]
    return {
        "id": f"{registry}/privateEndpointConnections/{name}",
        "name": name,
        "type": "Microsoft.ContainerRegistry/registries/privateEndpointConnections",
        "properties": {
            "provisioningState": "Succeeded",
            "privateEndpoint": {
                "id": resource_id(
                    sub, "rg-fabrikam-network", "Microsoft.Network/privateEndpoints", name
                )
            },
            "privateLinkServiceConnectionState": {
                "status": status,
                "description": description,
                "actionsRequired": "None",
            },
        },
    }


def registry(
    sub: str,
    rg: str,
    name: str,
    *,
    sku: str,
    login_server: str | None = None,
    admin: bool = False,
    anonymous_pull: bool = False,
    public_access: str = "Enabled",
    default_action: str | None = "Allow",
    ip_rules: list[str] | None = None,
    policy_block: Json | None = None,
    encryption: Json | None = None,
    role_assignment_mode: str = "LegacyRegistryPermissions",
    read_at_2023: bool = False,
    endpoints: list[tuple[str, str, str]] | None = None,
    identity: Json | None = None,
    tags: Json | None = None,
) -> Json:
    """A registry as Registries_List returns it at 2025-11-01.

    `read_at_2023` leaves out what api-versions of 2023 did not return yet:
    anonymousPullEnabled, roleAssignmentMode and networkRuleBypassAllowedForTasks.
    """
    rid = resource_id(sub, rg, "Microsoft.ContainerRegistry/registries", name)
    props: Json = {
        "loginServer": login_server or f"{name.lower()}.azurecr.io",
        "creationDate": "2024-05-14T10:21:07.4471893Z",
        "provisioningState": "Succeeded",
        "adminUserEnabled": admin,
    }
    if default_action is not None:
        props["networkRuleSet"] = {
            "defaultAction": default_action,
            "ipRules": [{"action": "Allow", "value": ip} for ip in ip_rules or []],
        }
    props["policies"] = policy_block if policy_block is not None else policies()
    props["encryption"] = encryption or {"status": "disabled"}
    props["status"] = None
    props["dataEndpointEnabled"] = sku == "Premium"
    props["dataEndpointHostNames"] = (
        [f"{name.lower()}.{LOCATION}.data.azurecr.io"] if sku == "Premium" else []
    )
    props["privateEndpointConnections"] = [
        private_endpoint(rid, pe, status, text) for pe, status, text in endpoints or []
    ]
    props["publicNetworkAccess"] = public_access
    props["networkRuleBypassOptions"] = "AzureServices"
    if not read_at_2023:
        props["networkRuleBypassAllowedForTasks"] = False
    props["zoneRedundancy"] = "Enabled" if sku == "Premium" else "Disabled"
    if not read_at_2023:
        props["anonymousPullEnabled"] = anonymous_pull
        props["roleAssignmentMode"] = role_assignment_mode
    out: Json = {
        "id": rid,
        "name": name,
        "type": "Microsoft.ContainerRegistry/registries",
        "location": LOCATION,
        "tags": tags or {},
        "sku": {"name": sku, "tier": sku},
    }
    if identity is not None:
        out["identity"] = identity
    out["properties"] = props
    return out


def token(registry_id: str, name: str, status: str, scope_map: str) -> Json:
    """A repository-scoped token; ARM returns password names and expiry, never values."""
    return {
        "id": f"{registry_id}/tokens/{name}",
        "name": name,
        "type": "Microsoft.ContainerRegistry/registries/tokens",
        "properties": {
            "creationDate": "2025-09-18T13:02:44.7319214Z",
            "provisioningState": "Succeeded",
            "scopeMapId": f"{registry_id}/scopeMaps/{scope_map}",
            "credentials": {
                "certificates": [],
                "passwords": [
                    {
                        "name": "password1",
                        "creationTime": "2025-09-18T13:02:51.0000000Z",
                        "expiry": "2026-09-18T13:02:51.0000000Z",
                    }
                ],
            },
            "status": status,
        },
    }


def cache_rule(registry_id: str, name: str, source: str, target: str) -> Json:
    return {
        "id": f"{registry_id}/cacheRules/{name}",
        "name": name,
        "type": "Microsoft.ContainerRegistry/registries/cacheRules",
        "properties": {
            "credentialSetResourceId": None,
            "sourceRepository": source,
            "targetRepository": target,
            "creationDate": "2025-11-03T16:40:12.0918266Z",
            "provisioningState": "Succeeded",
        },
    }


# -- diagnostic settings, Defender pricings, metric alerts -------------------------------


def log_entry(*, category: str | None = None, group: str | None = None, on: bool = True) -> Json:
    out: Json = {"category": category} if category else {"categoryGroup": group}
    out["enabled"] = on
    out["retentionPolicy"] = {"enabled": False, "days": 0}
    return out


def diagnostic_setting(
    target: str,
    name: str,
    logs: list[Json],
    *,
    workspace: str | None = None,
    storage: str | None = None,
    metrics: bool = False,
) -> Json:
    """A resource-level diagnostic setting (DiagnosticSettings_List)."""
    props: Json = {}
    if storage:
        props["storageAccountId"] = storage
    if workspace:
        props["workspaceId"] = workspace
    props["metrics"] = (
        [
            {
                "category": "AllMetrics",
                "enabled": True,
                "retentionPolicy": {"enabled": False, "days": 0},
            }
        ]
        if metrics
        else []
    )
    props["logs"] = logs
    return {
        "id": f"{target}/providers/microsoft.insights/diagnosticSettings/{name}",
        "type": "Microsoft.Insights/diagnosticSettings",
        "name": name,
        "properties": props,
    }


def activity_log_export(
    sub: str,
    name: str,
    logs: list[Json],
    *,
    workspace: str | None = None,
    storage: str | None = None,
) -> Json:
    """A subscription-level setting as SubscriptionDiagnosticSettings_List returns it:
    `"type": null` and an id without its leading slash."""
    setting = diagnostic_setting(sub_id(sub), name, logs, workspace=workspace, storage=storage)
    setting["id"] = setting["id"].lstrip("/")
    setting["type"] = None
    for log in setting["properties"]["logs"]:
        log.pop("retentionPolicy", None)
    del setting["properties"]["metrics"]
    return setting


def activity_categories(*enabled: str) -> list[Json]:
    every = ("Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy")
    return [log_entry(category=c, on=c in enabled) for c in every]


def pricing(sub: str, plan: str, tier: str, extensions: dict[str, bool] | None = None) -> Json:
    props: Json = {"pricingTier": tier, "freeTrialRemainingTime": "PT0S", "enforce": "False"}
    if tier == "Standard":
        props["enablementTime"] = "2026-01-12T09:03:27.1840095Z"
    if plan == "ContainerRegistry":
        props["deprecated"] = True
        props["replacedBy"] = ["Containers"]
    if extensions is not None:
        props["extensions"] = [
            {"name": ext, "isEnabled": "True" if on else "False"} for ext, on in extensions.items()
        ]
    return {
        "id": f"{sub_id(sub)}/providers/Microsoft.Security/pricings/{plan}",
        "name": plan,
        "type": "Microsoft.Security/pricings",
        "properties": props,
    }


def containers_plan(sub: str, tier: str, va: bool | None = None) -> Json:
    extensions = None
    if tier == "Standard":
        extensions = {
            "ContainerRegistriesVulnerabilityAssessments": bool(va),
            "AgentlessDiscoveryForKubernetes": True,
            "ContainerSensor": True,
        }
    return pricing(sub, "Containers", tier, extensions)


def metric_alert(
    sub: str,
    name: str,
    *,
    enabled: bool,
    target_type: str,
    metric: str,
    threshold: float,
    description: str,
) -> Json:
    return {
        "id": resource_id(sub, "rg-fabrikam-ops", "Microsoft.Insights/metricAlerts", name),
        "name": name,
        "type": "Microsoft.Insights/metricAlerts",
        "location": "global",
        "tags": {},
        "properties": {
            "description": description,
            "severity": 2,
            "enabled": enabled,
            "scopes": [sub_id(sub)],
            "evaluationFrequency": "PT1M",
            "windowSize": "PT5M",
            "targetResourceType": target_type,
            "targetResourceRegion": LOCATION,
            "criteria": {
                "odata.type": "Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria",
                "allOf": [
                    {
                        "criterionType": "StaticThresholdCriterion",
                        "name": "Metric1",
                        "metricName": metric,
                        "metricNamespace": target_type,
                        "operator": "GreaterThan",
                        "threshold": threshold,
                        "timeAggregation": "Average",
                    }
                ],
            },
            "autoMitigate": True,
            "actions": [
                {
                    "actionGroupId": resource_id(
                        sub,
                        "rg-fabrikam-ops",
                        "microsoft.insights/actionGroups",
                        "ag-platform-oncall",
                    ),
                    "webHookProperties": {},
                }
            ],
        },
    }


# -- role assignments and definitions ----------------------------------------------------


def role_definition(
    sub: str, guid: str, role_name: str, role_type: str, actions: list[str]
) -> Json:
    not_actions = ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"]
    return {
        "id": f"{sub_id(sub)}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        "type": "Microsoft.Authorization/roleDefinitions",
        "name": guid,
        "properties": {
            "roleName": role_name,
            "type": role_type,
            "description": f"{role_name} (demo estate)",
            "assignableScopes": ["/"] if role_type == "BuiltInRole" else [sub_id(sub)],
            "permissions": [
                {
                    "actions": actions,
                    "notActions": not_actions if "*" in actions else [],
                    "dataActions": [],
                    "notDataActions": [],
                }
            ],
        },
    }


def role_assignment(
    scope: str, assignment: str, role: str, principal: str, principal_type: str = "ServicePrincipal"
) -> Json:
    sub = scope.split("/")[2]
    return {
        "properties": {
            "roleDefinitionId": f"{sub_id(sub)}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": principal_type,
            "scope": scope,
        },
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{assignment}",
        "type": "Microsoft.Authorization/roleAssignments",
        "name": assignment,
    }


# -- container groups ---------------------------------------------------------------------


def security(
    *,
    run_as: int | None = None,
    escalation: bool | None = False,
    privileged: bool | None = None,
    add: list[str] | None = None,
) -> Json:
    out: Json = {}
    if privileged is not None:
        out["privileged"] = privileged
    if escalation is not None:
        out["allowPrivilegeEscalation"] = escalation
    if add:
        out["capabilities"] = {"add": add, "drop": []}
    if run_as is not None:
        out["runAsUser"] = run_as
        out["runAsGroup"] = run_as
    return out


def container(
    name: str,
    image: str,
    *,
    ports: list[int] | None = None,
    env_vars: list[Json] | None = None,
    command: list[str] | None = None,
    cpu: float = 1.0,
    memory: float = 1.5,
    limits: bool = True,
    mounts: list[tuple[str, str, bool]] | None = None,
    context: Json | None = None,
) -> Json:
    resources: Json = {"requests": {"cpu": cpu, "memoryInGB": memory}}
    if limits:
        resources["limits"] = {"cpu": cpu, "memoryInGB": memory}
    props: Json = {
        "image": image,
        "command": command or [],
        "ports": [{"port": p, "protocol": "TCP"} for p in ports or []],
        "environmentVariables": env_vars or [],
        "resources": resources,
    }
    if mounts:
        props["volumeMounts"] = [
            {"name": vol, "mountPath": path, "readOnly": ro} for vol, path, ro in mounts
        ]
    if context:
        props["securityContext"] = context
    return {"name": name, "properties": props}


def init_container(
    name: str,
    image: str,
    *,
    command: list[str],
    env_vars: list[Json] | None = None,
    mounts: list[tuple[str, str, bool]] | None = None,
    context: Json | None = None,
) -> Json:
    """An init container: ARM's schema has no ports and no resources for these."""
    props: Json = {"image": image, "command": command, "environmentVariables": env_vars or []}
    if mounts:
        props["volumeMounts"] = [
            {"name": vol, "mountPath": path, "readOnly": ro} for vol, path, ro in mounts
        ]
    if context:
        props["securityContext"] = context
    return {"name": name, "properties": props}


def public_ip(
    ip: str, ports: list[int], label: str | None = None, scope: str | None = None
) -> Json:
    out: Json = {
        "type": "Public",
        "ip": ip,
        "ports": [{"port": p, "protocol": "TCP"} for p in ports],
    }
    if label:
        out["dnsNameLabel"] = label
        out["fqdn"] = f"{label}.{LOCATION}.azurecontainer.io"
    if scope:
        out["autoGeneratedDomainNameLabelScope"] = scope
    return out


def private_ip(ip: str, ports: list[int]) -> Json:
    return {"type": "Private", "ip": ip, "ports": [{"port": p, "protocol": "TCP"} for p in ports]}


def subnet(sub: str, vnet: str, name: str) -> Json:
    vnet_id = resource_id(sub, "rg-fabrikam-network", "Microsoft.Network/virtualNetworks", vnet)
    return {"id": f"{vnet_id}/subnets/{name}", "name": name}


def log_analytics(sub: str, customer_id: str) -> Json:
    """`diagnostics` as ARM returns it: the workspace key is write-only and dropped."""
    return {
        "logAnalytics": {
            "workspaceId": customer_id,
            "workspaceResourceId": workspace_id(sub),
            "logType": "ContainerInstanceLogs",
        }
    }


def system_identity(principal: str) -> Json:
    return {"type": "SystemAssigned", "principalId": principal, "tenantId": TENANT}


def user_identities(*identities: tuple[str, str, str]) -> Json:
    """(resource id, principalId, clientId) for each user-assigned identity."""
    return {
        "type": "UserAssigned",
        "tenantId": TENANT,
        "userAssignedIdentities": {
            uid: {"principalId": principal, "clientId": client}
            for uid, principal, client in identities
        },
    }


def container_group(
    sub: str,
    rg: str,
    name: str,
    containers: list[Json],
    *,
    init: list[Json] | None = None,
    os_type: str = "Linux",
    sku: str = "Standard",
    restart: str = "Always",
    ip: Json | None = None,
    subnets: list[Json] | None = None,
    volumes: list[Json] | None = None,
    credentials: list[Json] | None = None,
    identity: Json | None = None,
    diagnostics: Json | None = None,
    encryption: Json | None = None,
    cce_policy: str | None = None,
    secret_references: list[Json] | None = None,
    tags: Json | None = None,
) -> Json:
    """A container group as ContainerGroups_Get returns it at 2026-05-01 (no instanceView)."""
    props: Json = {
        "sku": sku,
        "provisioningState": "Succeeded",
        "containers": containers,
        "initContainers": init or [],
        "imageRegistryCredentials": credentials or [],
        "restartPolicy": restart,
        "osType": os_type,
        "isCreatedFromStandbyPool": False,
    }
    optional = {
        "ipAddress": ip,
        "subnetIds": subnets,
        "volumes": volumes,
        "diagnostics": diagnostics,
        "encryptionProperties": encryption,
        "secretReferences": secret_references,
    }
    props.update({key: value for key, value in optional.items() if value})
    if cce_policy is not None:
        props["confidentialComputeProperties"] = {"ccePolicy": cce_policy}
    out: Json = {
        "id": resource_id(sub, rg, "Microsoft.ContainerInstance/containerGroups", name),
        "name": name,
        "type": "Microsoft.ContainerInstance/containerGroups",
        "location": LOCATION,
        "tags": tags or {},
    }
    if identity:
        out["identity"] = identity
    out["properties"] = props
    if sku != "Confidential":
        out["zones"] = ["1"]
    return out


def cce_policy(images: list[str]) -> str:
    """A CCE policy is base64 of a Rego document; this one is short and fictional."""
    rego = "\n".join(
        [
            "package policy",
            "",
            'api_version := "0.10.0"',
            'framework_version := "0.2.3"',
            "",
            "containers := [",
            *[
                f'  {{"id": "{image}", "allow_elevated": false, "exec_processes": []}},'
                for image in images
            ],
            "]",
            "",
            "allow_properties_access := false",
            "allow_dump_stacks := false",
            "allow_runtime_logging := false",
            "allow_environment_variable_dropping := false",
            "allow_unencrypted_scratch := false",
        ]
    )
    return base64.b64encode(rego.encode("utf-8")).decode("ascii")


# -- the estate ---------------------------------------------------------------------------

ACR = "Microsoft.ContainerRegistry/registries"
ACI = "Microsoft.ContainerInstance/containerGroups"
PROD_LOGIN = "FabrikamProd.azurecr.io"  # mixed case, as ARM returns it; images use lower case
PROD_IMAGES = "fabrikamprod.azurecr.io"
DEV_IMAGES = "fabrikamdev.azurecr.io"

FABRIKAM_PROD = resource_id(PROD, "rg-fabrikam-shared", ACR, "FabrikamProd")
FABRIKAM_PARTNERS = resource_id(PROD, "rg-fabrikam-edge", ACR, "fabrikampartners")
FABRIKAM_DEV = resource_id(DEV, "rg-fabrikam-dev-shared", ACR, "fabrikamdev")

ACR_CMK_IDENTITY = user_identity(PROD, "rg-fabrikam-shared", "id-acr-cmk")
ORDERS_IDENTITY = user_identity(PROD, "rg-fabrikam-api", "id-orders-api")
PAYMENTS_IDENTITY = user_identity(PROD, "rg-fabrikam-payments", "id-payments")
NOTIFICATIONS_IDENTITY = user_identity(PROD, "rg-fabrikam-api", "id-notifications")

# principalId of each container group identity; clientId where a user-assigned one has it.
STOREFRONT_PRINCIPAL = fake_guid("5f0e")
SETTLEMENT_PRINCIPAL = fake_guid("5e77")
FRAUD_PRINCIPAL = fake_guid("f4a0d")
DOCS_PRINCIPAL = fake_guid("d0c5")
ORDERS_PRINCIPAL, ORDERS_CLIENT = fake_guid("0dd5"), fake_guid("0dd5c1")
PAYMENTS_PRINCIPAL, PAYMENTS_CLIENT = fake_guid("9a15"), fake_guid("9a15c1")
NOTIFY_PRINCIPAL, NOTIFY_CLIENT = fake_guid("a071"), fake_guid("a071c1")
CMK_PRINCIPAL, CMK_CLIENT = fake_guid("c3c3"), fake_guid("c3c3c1")
PLATFORM_ADMINS_GROUP = fake_guid("ad3a")

LAW_CUSTOMER_ID = fake_guid("1a3")  # the workspace's customer id, what ACI stores
CMK_VAULT = "https://kv-fabrikam-cmk.vault.azure.net/"


def registries() -> list[Json]:
    """Four registries: exemplary Premium, partner-facing Premium, dev Standard, old Basic."""
    prod = registry(
        PROD,
        "rg-fabrikam-shared",
        "FabrikamProd",
        sku="Premium",
        login_server=PROD_LOGIN,
        public_access="Disabled",
        default_action="Deny",
        policy_block=policies(
            quarantine="enabled",
            trust="enabled",
            retention="enabled",
            export="Disabled",  # ARM usually says `disabled`: casing varies
            arm_audience="disabled",
        ),
        encryption={
            "status": "enabled",
            "keyVaultProperties": {
                "keyIdentifier": f"{CMK_VAULT}keys/acr-fabrikamprod",
                "versionedKeyIdentifier": f"{CMK_VAULT}keys/acr-fabrikamprod/{'7c1e' * 8}",
                "identity": CMK_CLIENT,
                "keyRotationEnabled": True,
                "lastKeyRotationTimestamp": "2026-10-01T00:00:00Z",
            },
        },
        role_assignment_mode="AbacRepositoryPermissions",
        endpoints=[("pe-fabrikamprod-hub", "Approved", "Auto-Approved")],
        identity=user_identities((ACR_CMK_IDENTITY, CMK_PRINCIPAL, CMK_CLIENT)),
        tags={"env": "prod", "owner": "platform-team", "costCenter": "CC-4411"},
    )
    partners = registry(
        PROD,
        "rg-fabrikam-edge",
        "fabrikampartners",
        sku="Premium",
        anonymous_pull=True,  # "so carriers can pull the label-printer agent"
        default_action="Deny",
        ip_rules=["203.0.113.0/24", "198.51.100.17"],
        policy_block=policies(quarantine="enabled", trust="Disabled", arm_audience="Enabled"),
        endpoints=[
            ("pe-carrier-link", "Pending", "Requested by carrier integration (ticket OPS-2231)")
        ],
        tags={"env": "prod", "owner": "partner-integration", "notes": "shared | external"},
    )
    dev = registry(
        DEV,
        "rg-fabrikam-dev-shared",
        "fabrikamdev",
        sku="Standard",
        admin=True,
        tags={"env": "dev", "owner": "platform-team"},
    )
    # Read at 2023-07-01: no anonymousPullEnabled, no roleAssignmentMode, no
    # azureADAuthenticationAsArmPolicy. A Basic registry returns no networkRuleSet.
    sandbox = registry(
        SANDBOX,
        "rg-sandbox",
        "fabrikamsandbox",
        sku="Basic",
        admin=True,
        default_action=None,
        policy_block=policies(arm_audience=None),
        read_at_2023=True,
        tags={"env": "sandbox"},
    )
    return [prod, partners, dev, sandbox]


def registry_children() -> list[Json]:
    return [
        token(FABRIKAM_PROD, "release-pipeline-readonly", "disabled", "_repositories_pull"),
        cache_rule(
            FABRIKAM_PROD,
            "golden-dotnet-aspnet",
            f"{DEV_IMAGES}/golden/dotnet-aspnet",
            "golden/dotnet-aspnet",
        ),
        cache_rule(FABRIKAM_PARTNERS, "nginx", "docker.io/library/nginx", "mirror/nginx"),
        token(FABRIKAM_DEV, "build-agent", "enabled", "_repositories_push"),
        token(FABRIKAM_DEV, "old-laptop", "disabled", "_repositories_pull"),
    ]


def groups() -> list[Json]:
    """Eleven container groups: eight in production, three in development."""
    prod_vnet = "vnet-fabrikam-prod"
    cmk = {
        "vaultBaseUrl": CMK_VAULT,
        "keyName": "aci-fabrikam-prod",
        "keyVersion": "3e9b" * 8,
        "identity": PAYMENTS_IDENTITY,
    }
    storefront = container_group(
        PROD,
        "rg-fabrikam-web",
        "storefront-web",
        [
            container(
                "web",
                f"{PROD_IMAGES}/storefront/web:2.14.1",
                ports=[8080],
                env_vars=[
                    env("ASPNETCORE_ENVIRONMENT", "Production"),
                    env("LOG_LEVEL", "error"),
                    env("CATALOG_API_URL", "https://orders.fabrikam.internal/catalog"),
                ],
                context=security(run_as=1000),
            ),
            container(
                "envoy",
                f"{PROD_IMAGES}/platform/envoy-proxy:1.31.2",
                ports=[443],
                cpu=0.5,
                memory=0.5,
                context=security(run_as=101),
            ),
        ],
        ip=public_ip("203.0.113.40", [443], label="fabrikam-storefront", scope="TenantReuse"),
        credentials=[{"server": PROD_IMAGES, "identity": "[system]"}],
        identity=system_identity(STOREFRONT_PRINCIPAL),
        diagnostics=log_analytics(PROD, LAW_CUSTOMER_ID),
        tags={"env": "prod", "owner": "team-storefront", "notes": "public site | 24x7"},
    )
    orders = container_group(
        PROD,
        "rg-fabrikam-api",
        "orders-api",
        [
            container(
                "api",
                pinned(f"{PROD_IMAGES}/orders/api", "3.8.0"),
                ports=[8443],
                cpu=2.0,
                memory=4.0,
                env_vars=[
                    env("LOG_LEVEL", "Warning"),
                    env("ORDERS_DB_HOST", "sql-fabrikam-orders.database.windows.net"),
                    secure_env("ORDERS_DB_PASSWORD"),
                    {"name": "SERVICEBUS_CONNECTION", "secureValueReference": "servicebus-conn"},
                ],
                mounts=[("rate-cards", "/mnt/rate-cards", True)],
                context=security(run_as=10001),
            ),
            container(
                "dotnet-monitor",
                pinned("mcr.microsoft.com/dotnet/monitor", "8.0.5"),
                ports=[52323],
                cpu=0.25,
                memory=0.5,
                env_vars=[env("DOTNETMONITOR_Urls", "http://+:52323")],
                context=security(run_as=10001),
            ),
        ],
        ip=private_ip("10.40.2.4", [8443]),
        subnets=[subnet(PROD, prod_vnet, "snet-aci-api")],
        volumes=[
            {
                "name": "rate-cards",
                "azureFile": {
                    "shareName": "rate-cards",
                    "storageAccountName": "stfabrikamorders",
                    "readOnly": True,
                    "userManagedIdentityClientId": ORDERS_CLIENT,
                },
            }
        ],
        secret_references=[
            {
                "name": "servicebus-conn",
                "identity": ORDERS_IDENTITY,
                "secretReferenceUri": "https://kv-fabrikam-orders.vault.azure.net/secrets/servicebus-conn",
            }
        ],
        credentials=[{"server": PROD_IMAGES, "identity": ORDERS_IDENTITY}],
        identity=user_identities((ORDERS_IDENTITY, ORDERS_PRINCIPAL, ORDERS_CLIENT)),
        diagnostics=log_analytics(PROD, LAW_CUSTOMER_ID),
        encryption=cmk | {"identity": ORDERS_IDENTITY},
        tags={"env": "prod", "owner": "team-orders"},
    )
    payment_images = [
        pinned(f"{PROD_IMAGES}/payments/authorizer", "5.2.0"),
        pinned(f"{PROD_IMAGES}/payments/hsm-bridge", "1.9.4"),
    ]
    payments = container_group(
        PROD,
        "rg-fabrikam-payments",
        "payments-authorizer",
        [
            container(
                "authorizer",
                payment_images[0],
                ports=[9443],
                cpu=2.0,
                memory=4.0,
                env_vars=[env("PAYMENTS_REGION", "eu-west"), secure_env("ACQUIRER_API_KEY")],
                context=security(run_as=10001),
            ),
            container(
                "hsm-bridge",
                payment_images[1],
                cpu=0.5,
                memory=1.0,
                context=security(run_as=10002),
            ),
        ],
        sku="Confidential",
        cce_policy=cce_policy(payment_images),
        ip=private_ip("10.40.3.4", [9443]),
        subnets=[subnet(PROD, prod_vnet, "snet-aci-payments")],
        credentials=[{"server": PROD_IMAGES, "identity": PAYMENTS_IDENTITY}],
        identity=user_identities((PAYMENTS_IDENTITY, PAYMENTS_PRINCIPAL, PAYMENTS_CLIENT)),
        diagnostics=log_analytics(PROD, LAW_CUSTOMER_ID),
        encryption=cmk,
        tags={"env": "prod", "owner": "team-payments", "pci": "in-scope"},
    )
    settlement = container_group(
        PROD,
        "rg-fabrikam-batch",
        "nightly-settlement",
        [
            container(
                "settlement",
                f"{PROD_IMAGES}/settlement/job:2026.11.2",
                command=["dotnet", "Fabrikam.Settlement.dll", "--business-date", "yesterday"],
                cpu=2.0,
                memory=8.0,
                limits=False,
                env_vars=[
                    env("LOG_LEVEL", "Information"),
                    env(
                        "SETTLEMENT_STORAGE_CONNECTION_STRING",
                        "fictional storage connection string for the demo, "
                        "long enough to look like one: account stfabrikambatch, "
                        "endpoint suffix core.windows.net, no key of any kind",
                        "azure-storage-key",
                    ),
                ],
                mounts=[("exports", "/mnt/exports", False)],
            ),
        ],
        init=[
            # The trap: only the *init* container is privileged, and it alone
            # carries a password on its command line.
            init_container(
                "db-migrate",
                f"{PROD_IMAGES}/settlement/migrator:2026.11.2",
                command=[
                    "/app/migrate",
                    "--server=sql-fabrikam-settlement.database.windows.net",
                    "--user=settlement_owner",
                    "--password=" + marker("cli-flag", "fictional migrator stand-in"),
                ],
                context=security(privileged=True, escalation=None),
            )
        ],
        restart="Never",
        volumes=[
            {
                "name": "exports",
                "azureFile": {
                    "shareName": "settlement-exports",
                    "storageAccountName": "stfabrikambatch",
                },
            },
            {"name": "scratch", "emptyDir": {}},
        ],
        identity=system_identity(SETTLEMENT_PRINCIPAL),
        tags={"env": "prod", "owner": "team-finance", "schedule": "02:00 UTC"},
    )
    notifications = container_group(
        PROD,
        "rg-fabrikam-api",
        "customer-notifications",
        [
            container(
                "notifier",
                f"{PROD_IMAGES}/notifications/worker:4.1.0",
                env_vars=[env("LOG_LEVEL", "Information"), env("QUEUE_NAME", "shipment-events")],
                context=security(run_as=1000),
            ),
            # The trap: only the *second* container holds a secret.
            container(
                "smtp-relay",
                "ghcr.io/fabrikam-oss/smtp-relay:3.2.0",
                ports=[2525],
                cpu=0.25,
                memory=0.5,
                env_vars=[
                    env("SMTP_HOST", "smtp.fabrikam.example"),
                    env("SMTP_PASSWORD", "fictional relay stand-in", "keyword-name"),
                ],
                context=security(run_as=1000),
            ),
        ],
        credentials=[{"server": PROD_IMAGES, "identity": NOTIFICATIONS_IDENTITY}],
        identity=user_identities((NOTIFICATIONS_IDENTITY, NOTIFY_PRINCIPAL, NOTIFY_CLIENT)),
        tags={"env": "prod", "owner": "team-customer"},
    )
    route_planner = container_group(
        PROD,
        "rg-fabrikam-batch",
        "route-planner",
        [
            container(
                "planner",
                f"{PROD_IMAGES}/routing/planner:1.12.0",
                command=["python", "-m", "planner", "--models", "/models", "--horizon", "48h"],
                cpu=4.0,
                memory=16.0,
                mounts=[("models", "/models", True)],
                context=security(run_as=1000),
            ),
            # A carrier's solver, pulled from the carrier's own registry.
            container(
                "solver",
                "contosoregistry.azurecr.io/routing/solver:5.0.3",
                cpu=2.0,
                memory=8.0,
                context=security(run_as=1000),
            ),
        ],
        restart="Never",
        volumes=[
            {
                "name": "models",
                "gitRepo": {
                    "repository": "https://github.com/fabrikam/route-models.git",
                    "directory": ".",
                    "revision": hashlib.sha1(b"route-models v2026.11").hexdigest(),
                },
            }
        ],
        credentials=[{"server": "contosoregistry.azurecr.io", "username": "fabrikam-pull"}],
        diagnostics=log_analytics(PROD, LAW_CUSTOMER_ID),
        tags={"env": "prod", "owner": "team-routing"},
    )
    label_printer = container_group(
        PROD,
        "rg-fabrikam-warehouse",
        "label-printer-win",
        [
            container(
                "iis",
                "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
                ports=[80],
                cpu=2.0,
                memory=4.0,
                env_vars=[env("WAREHOUSE_CODE", "AMS-02")],
            )
        ],
        os_type="Windows",
        ip=public_ip("203.0.113.41", [80]),
        diagnostics=log_analytics(PROD, LAW_CUSTOMER_ID),
        tags={"env": "prod", "owner": "team-warehouse"},
    )
    fraud = container_group(
        PROD,
        "rg-fabrikam-payments",
        "fraud-scoring",
        [
            container(
                "scorer",
                pinned(f"{PROD_IMAGES}/payments/fraud-model", "0.9.1"),
                ports=[8000],
                cpu=2.0,
                memory=4.0,
                env_vars=[env("MODEL_VERSION", "0.9.1")],
                context=security(run_as=1000, add=["CAP_NET_ADMIN"]),
            )
        ],
        sku="Confidential",  # confidential hardware, but no CCE policy to pin what runs
        ip=private_ip("10.40.3.5", [8000]),
        subnets=[subnet(PROD, prod_vnet, "snet-aci-payments")],
        identity=system_identity(FRAUD_PRINCIPAL),
        diagnostics=log_analytics(PROD, LAW_CUSTOMER_ID),
        tags={"env": "prod", "owner": "team-payments"},
    )
    jumpbox = container_group(
        DEV,
        "rg-fabrikam-dev-tools",
        "dev-jumpbox",
        [
            container(
                "sshd",
                "linuxserver/openssh-server:9.7_p1-r4-ls171",
                ports=[22],
                command=[
                    "/bin/sh",
                    "-c",
                    "curl -fsSL https://raw.githubusercontent.com/fabrikam-dev/dotfiles/main/"
                    "bootstrap.sh | sh && exec /init",
                ],
                limits=False,
                env_vars=[env("USER_NAME", "devops"), env("PUID", "0")],
                context=security(run_as=0, escalation=True, add=["NET_ADMIN", "SYS_PTRACE"]),
            ),
            container(
                "mysql",
                "mysql:8.4",
                ports=[3306],
                limits=False,
                env_vars=[
                    env("MYSQL_DATABASE", "routing_scratch"),
                    env("MYSQL_ROOT_PASSWORD", "fictional root stand-in", "keyword-name"),
                ],
            ),
        ],
        ip=public_ip("198.51.100.23", [22, 3306]),
        tags={"env": "dev", "owner": "platform-team", "expires": "never"},
    )
    preview = container_group(
        DEV,
        "rg-fabrikam-dev-web",
        "feature-preview-web",
        [
            container(
                "web",
                "nginx",
                ports=[80],
                cpu=0.5,
                memory=0.5,
                env_vars=[env("NGINX_HOST", "preview.fabrikam.example")],
                context=security(run_as=101),
            ),
            container(
                "cache",
                "redis:latest",
                cpu=0.5,
                memory=1.0,
                env_vars=[env("REDIS_PASSWORD", "fictional cache stand-in", "keyword-name")],
                context=security(run_as=999),
            ),
        ],
        ip=public_ip("198.51.100.24", [80], label="fabrikam-preview", scope="Unsecure"),
        tags={"env": "dev", "owner": "team-storefront"},
    )
    docs = container_group(
        DEV,
        "rg-fabrikam-dev-tools",
        "docs-builder",
        [
            container(
                "mkdocs",
                f"{DEV_IMAGES}/tools/mkdocs:1.6.1",
                command=[
                    "mkdocs",
                    "build",
                    "--config-file",
                    "/src/mkdocs.yml",
                    "--site-dir",
                    "/site",
                ],
                cpu=0.5,
                memory=1.0,
                env_vars=[
                    env("LOG_LEVEL", "debug"),
                    env("GITHUB_TOKEN", "fictional docs bot stand-in, forty chars", "github-token"),
                ],
                mounts=[("src", "/src", True)],
                context=security(run_as=1000),
            )
        ],
        restart="OnFailure",
        volumes=[
            {
                "name": "src",
                "gitRepo": {
                    "repository": "https://"
                    + marker("url-userinfo", "docs-bot:fictional user info")
                    + "@github.com/fabrikam/docs-site.git",
                    "directory": ".",
                    "revision": "main",
                },
            }
        ],
        credentials=[{"server": DEV_IMAGES, "username": "fabrikamdev"}],
        identity=system_identity(DOCS_PRINCIPAL),
        tags={"env": "dev", "owner": "team-docs"},
    )
    return [
        storefront,
        orders,
        payments,
        settlement,
        notifications,
        route_planner,
        label_printer,
        fraud,
        jumpbox,
        preview,
        docs,
    ]


def diagnostics() -> list[Json]:
    prod_ws = workspace_id(PROD)
    dev_storage = resource_id(
        DEV, "rg-fabrikam-dev-ops", "Microsoft.Storage/storageAccounts", "stfabrikamdevlogs"
    )
    settlement = resource_id(PROD, "rg-fabrikam-batch", ACI, "nightly-settlement")
    return [
        diagnostic_setting(
            FABRIKAM_PROD, "acr-audit-to-law", [log_entry(group="audit")], workspace=prod_ws
        ),
        # Login events only: repository events (push, delete) are not kept.
        diagnostic_setting(
            FABRIKAM_PARTNERS,
            "acr-logins",
            [
                log_entry(category="ContainerRegistryLoginEvents"),
                log_entry(category="ContainerRegistryRepositoryEvents", on=False),
            ],
            workspace=prod_ws,
        ),
        diagnostic_setting(FABRIKAM_DEV, "metrics-only", [], storage=dev_storage, metrics=True),
        diagnostic_setting(settlement, "aci-logs", [log_entry(group="allLogs")], workspace=prod_ws),
        activity_log_export(
            PROD,
            "activity-log-to-law",
            activity_categories("Administrative", "Security", "Policy", "Alert"),
            workspace=prod_ws,
        ),
        # Exported, but without the Administrative category.
        activity_log_export(
            DEV, "security-events", activity_categories("Security", "Policy"), storage=dev_storage
        ),
    ]


def defender() -> list[Json]:
    return [
        containers_plan(PROD, "Standard", va=True),
        pricing(PROD, "VirtualMachines", "Standard", {"AgentlessVmScanning": True}),
        pricing(PROD, "ContainerRegistry", "Free"),
        containers_plan(DEV, "Free"),
        pricing(DEV, "VirtualMachines", "Free"),
        containers_plan(SANDBOX, "Standard", va=False),
    ]


def alerts() -> list[Json]:
    return [
        metric_alert(
            PROD,
            "aci-cpu-saturation",
            enabled=True,
            target_type=ACI,
            metric="CpuUsage",
            threshold=800,
            description="Container group CPU above 0.8 cores for 5 minutes",
        ),
        metric_alert(
            DEV,
            "aci-cpu-saturation",
            enabled=False,  # muted during a load test and never turned back on
            target_type=ACI,
            metric="CpuUsage",
            threshold=800,
            description="Container group CPU above 0.8 cores for 5 minutes",
        ),
        metric_alert(
            DEV,
            "acr-storage-quota",
            enabled=True,
            target_type=ACR,
            metric="StorageUsed",
            threshold=90_000_000_000,
            description="Registry storage above 90 GB",
        ),
    ]


def access_control() -> list[Json]:
    orders_kv = resource_id(
        PROD, "rg-fabrikam-api", "Microsoft.KeyVault/vaults", "kv-fabrikam-orders"
    )
    payments_kv = resource_id(
        PROD, "rg-fabrikam-payments", "Microsoft.KeyVault/vaults", "kv-fabrikam-payments"
    )
    orders_storage = resource_id(
        PROD, "rg-fabrikam-api", "Microsoft.Storage/storageAccounts", "stfabrikamorders"
    )
    return [
        role_definition(PROD, CONTRIBUTOR, "Contributor", "BuiltInRole", ["*"]),
        role_definition(
            PROD,
            ACR_PULL,
            "AcrPull",
            "BuiltInRole",
            ["Microsoft.ContainerRegistry/registries/pull/read"],
        ),
        role_definition(PROD, KEY_VAULT_SECRETS_USER, "Key Vault Secrets User", "BuiltInRole", []),
        role_definition(
            PROD,
            SMB_SHARE_READER,
            "Storage File Data SMB Share Reader",
            "BuiltInRole",
            [],
        ),
        role_definition(
            PROD, AUTOMATION_OPERATOR, "Fabrikam Automation Operator", "CustomRole", ["*"]
        ),
        # Least privilege: pull from the registry, read named secrets, read one share.
        role_assignment(FABRIKAM_PROD, fake_guid("ea01"), ACR_PULL, STOREFRONT_PRINCIPAL),
        role_assignment(FABRIKAM_PROD, fake_guid("ea02"), ACR_PULL, ORDERS_PRINCIPAL),
        role_assignment(orders_kv, fake_guid("ea03"), KEY_VAULT_SECRETS_USER, ORDERS_PRINCIPAL),
        role_assignment(orders_storage, fake_guid("ea04"), SMB_SHARE_READER, ORDERS_PRINCIPAL),
        role_assignment(FABRIKAM_PROD, fake_guid("ea05"), ACR_PULL, PAYMENTS_PRINCIPAL),
        role_assignment(payments_kv, fake_guid("ea06"), KEY_VAULT_SECRETS_USER, PAYMENTS_PRINCIPAL),
        role_assignment(FABRIKAM_PROD, fake_guid("ea07"), ACR_PULL, NOTIFY_PRINCIPAL),
        # Too much: a batch job that can change the whole subscription …
        role_assignment(sub_id(PROD), fake_guid("ea08"), CONTRIBUTOR, SETTLEMENT_PRINCIPAL),
        # … and a custom role with `*` on the API resource group.
        role_assignment(
            rg_id(PROD, "rg-fabrikam-api"), fake_guid("ea09"), AUTOMATION_OPERATOR, NOTIFY_PRINCIPAL
        ),
        # People, not container groups: present in every real listing.
        role_assignment(sub_id(PROD), fake_guid("ea0a"), OWNER, PLATFORM_ADMINS_GROUP, "Group"),
    ]


def denied(sub: str, action: str) -> str:
    """The AuthorizationFailed message ARM returns for a read the auditor may not do."""
    return (
        f"AuthorizationFailed: The client '{AUDITOR_APP}' with object id '{AUDITOR_OBJECT}' "
        f"does not have authorization to perform action '{action}' over scope "
        f"'{sub_id(sub)}' or the scope is invalid. If access was recently granted, "
        "please refresh your credentials."
    )


API_VERSIONS = {
    ACI: "2026-05-01",
    ACR: "2025-11-01",
    f"{ACR}/tokens": "2025-11-01",
    f"{ACR}/cacheRules": "2025-11-01",
    "Microsoft.Insights/diagnosticSettings": "2021-05-01-preview",
    "Microsoft.Security/pricings": "2024-01-01",
    "Microsoft.Authorization/roleAssignments": "2022-04-01",
    "Microsoft.Authorization/roleDefinitions": "2022-04-01",
    "Microsoft.Insights/metricAlerts": "2018-03-01",
}


def coverage() -> list[Json]:
    """Everything collected, except the gaps that show each NOT_ASSESSED reason."""
    gaps: dict[tuple[str, str], Json] = {
        (sub_id(DEV), "Microsoft.Authorization/roleAssignments"): {
            "status": "denied",
            "detail": denied(DEV, "Microsoft.Authorization/roleAssignments/read"),
        },
        (sub_id(DEV), "Microsoft.Authorization/roleDefinitions"): {
            "status": "not_collected",
            "detail": "skipped: role assignments could not be read, so there was nothing to resolve",
        },
        (sub_id(SANDBOX), ACI): {
            "status": "denied",
            "detail": denied(SANDBOX, "Microsoft.ContainerInstance/containerGroups/read"),
        },
        (sub_id(SANDBOX), "Microsoft.Insights/metricAlerts"): {"status": "not_collected"},
        # The sandbox's registries answered at an older api-version.
        (sub_id(SANDBOX), ACR): {"status": "collected", "api_version": "2023-07-01"},
    }
    entries: list[Json] = []
    for sub in SUBSCRIPTIONS:
        for kind, api_version in API_VERSIONS.items():
            entry: Json = {"scope": sub_id(sub), "kind": kind}
            entry |= gaps.get(
                (sub_id(sub), kind), {"status": "collected", "api_version": api_version}
            )
            entries.append(entry)
    # One registry's tokens could not be listed: the server kept failing.
    entries.append(
        {
            "scope": FABRIKAM_PARTNERS,
            "kind": f"{ACR}/tokens",
            "status": "failed",
            "detail": "InternalServerError after 4 attempts",
        }
    )
    return entries


def build() -> Json:
    return {
        "format": "aci-auditor.snapshot",
        "version": 1,
        "collected_at": COLLECTED_AT,
        "tool": {"name": "aci-auditor", "version": "0.1.0"},
        "source": {
            "kind": "demo",
            "cloud": "AzureCloud",
            "tenant_id": TENANT,
            "description": "Fabrikam Logistics: a fictional estate, not a real Azure tenant",
        },
        "subscriptions": [
            {"subscriptionId": sub, "displayName": label, "state": "Enabled", "tenantId": TENANT}
            for sub, label in SUBSCRIPTIONS.items()
        ],
        "resources": [
            *registries(),
            *registry_children(),
            *groups(),
            *diagnostics(),
            *defender(),
            *alerts(),
            *access_control(),
        ],
        "coverage": coverage(),
    }


def render() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed file is out of date"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text("utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run scripts/build_demo_estate.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
