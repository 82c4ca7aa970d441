"""The snapshot (format v1): ARM objects as ARM returns them, plus coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SNAPSHOT_FORMAT = "aci-auditor.snapshot"
SNAPSHOT_VERSION = 1


class CoverageStatus(StrEnum):
    COLLECTED = "collected"
    DENIED = "denied"
    FAILED = "failed"
    NOT_COLLECTED = "not_collected"


@dataclass(frozen=True, slots=True)
class CoverageEntry:
    scope: str
    kind: str
    status: CoverageStatus
    api_version: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scope": self.scope, "kind": self.kind, "status": str(self.status)}
        if self.api_version:
            out["api_version"] = self.api_version
        if self.detail:
            out["detail"] = self.detail
        return out

    def describe(self) -> str:
        """A short reason for NOT_ASSESSED: `denied (AuthorizationFailed: …)`."""
        text = self.status.value.replace("_", " ")
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True, slots=True)
class Subscription:
    subscription_id: str
    display_name: str = ""
    state: str = ""
    tenant_id: str = ""

    @property
    def scope(self) -> str:
        return f"/subscriptions/{self.subscription_id}"

    @property
    def label(self) -> str:
        return self.display_name or self.subscription_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "subscriptionId": self.subscription_id,
            "displayName": self.display_name,
            "state": self.state,
            "tenantId": self.tenant_id,
        }


@dataclass(slots=True)
class Snapshot:
    """A whole estate as read at one moment. Resources are already redacted."""

    resources: list[dict[str, Any]]
    coverage: list[CoverageEntry]
    subscriptions: list[Subscription] = field(default_factory=list)
    collected_at: str = ""
    tool: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    # Which input shape it came from: snapshot, array, arm-list or resource-graph.
    form: str = "snapshot"

    @property
    def is_demo(self) -> bool:
        return self.source.get("kind") == "demo"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "collected_at": self.collected_at,
            "tool": self.tool,
            "source": self.source,
            "subscriptions": [s.to_dict() for s in self.subscriptions],
            "resources": self.resources,
            "coverage": [c.to_dict() for c in self.coverage],
        }
