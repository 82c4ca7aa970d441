"""The api-versions a collection asks ARM for: the newest stable ones that carry the
fields the checks read."""

# ACI: the newest stable (2026-05-01: azureFile.userManagedIdentityClientId), then older
# ones, newest first, for clouds that refuse it (sovereign clouds, Azure Stack Hub lag
# behind). The version each group was read at is recorded in its coverage.
ACI_API = "2026-05-01"
ACI_FALLBACK_APIS = ("2025-09-01", "2023-05-01", "2021-10-01")
ACI_FALLBACK_API = "2023-05-01"  # what most lagging clouds serve
ACR_API = "2025-11-01"  # what azure-mgmt-containerregistry 15 speaks
ACR_FALLBACK_APIS = ("2023-07-01", "2019-05-01")  # 2019-05-01: Azure Stack Hub
DIAGNOSTICS_API = "2021-05-01-preview"  # the only version with category groups
PRICINGS_API = "2024-01-01"
ROLES_API = "2022-04-01"
ALERTS_API = "2018-03-01"
# Defender for Cloud sub-assessments, read per registry when Resource Graph is refused.
DEFENDER_API = "2019-01-01-preview"
