"""The ARM kinds the catalogue reads: what a complete collection must cover."""

REGISTRIES = "Microsoft.ContainerRegistry/registries"
CONTAINER_GROUPS = "Microsoft.ContainerInstance/containerGroups"
# Container group profiles (templates with containers, secrets, credentials: judged by
# the container-group checks that declare `also`) and NGroups (inventory only). Read at
# 2025-09-01 and later; not in AUDITED_KINDS: a source that cannot see them (an older
# snapshot, an az export, the demo) records nothing, and the engine then makes no
# listing-gap result for them; a source that could not read them records why.
CONTAINER_GROUP_PROFILES = "Microsoft.ContainerInstance/containerGroupProfiles"
NGROUPS = "Microsoft.ContainerInstance/nGroups"
TOKENS = "Microsoft.ContainerRegistry/registries/tokens"
CACHE_RULES = "Microsoft.ContainerRegistry/registries/cacheRules"
DIAGNOSTIC_SETTINGS = "Microsoft.Insights/diagnosticSettings"
PRICINGS = "Microsoft.Security/pricings"
ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
ROLE_DEFINITIONS = "Microsoft.Authorization/roleDefinitions"
METRIC_ALERTS = "Microsoft.Insights/metricAlerts"
# Defender for Cloud's image vulnerability findings (sub-assessments), read through
# Resource Graph when the identity may. Optional data, so not an audited kind: without
# it ACR-016 / ACI-029 say why they cannot judge (`checks.vulns.no_vuln_data`).
DEFENDER_FINDINGS = "Microsoft.Security/assessments/subAssessments"

AUDITED_KINDS: tuple[str, ...] = (
    REGISTRIES,
    CONTAINER_GROUPS,
    TOKENS,
    CACHE_RULES,
    DIAGNOSTIC_SETTINGS,
    PRICINGS,
    ROLE_ASSIGNMENTS,
    ROLE_DEFINITIONS,
    METRIC_ALERTS,
)


_PROFILE_SEGMENT = f"/providers/{CONTAINER_GROUP_PROFILES}/".lower()


def kind_label(resource_id: str) -> str | None:
    """The short label reports give a result's object when its kind is not told by the
    check's target: "profile" for a container group profile, else None."""
    return "profile" if _PROFILE_SEGMENT in resource_id.lower() else None
