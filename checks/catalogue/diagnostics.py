"""Reading diagnostic settings: where a setting sends data, and which logs it enables."""

from __future__ import annotations

from checks.catalogue.common import Resource, get

_DESTINATIONS = (
    "workspaceId",
    "storageAccountId",
    "eventHubAuthorizationRuleId",
    "marketplacePartnerId",
)


def destination_of(setting: Resource) -> str | None:
    for key in _DESTINATIONS:
        value = get(setting, f"properties.{key}")
        # ARM returns "" for an unset destination, not null.
        if isinstance(value, str) and value.strip():
            return key
    return None


def enabled_log_names(setting: Resource) -> set[str]:
    """Lower-cased categories and category groups a setting sends."""
    logs = get(setting, "properties.logs")
    out: set[str] = set()
    for log in logs if isinstance(logs, list) else []:
        if isinstance(log, dict) and log.get("enabled") is True:
            for key in ("category", "categoryGroup"):
                if isinstance(log.get(key), str):
                    out.add(log[key].lower())
    return out
