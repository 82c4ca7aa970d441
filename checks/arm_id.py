"""ARM resource ids: parsing and scope arithmetic, case-insensitively."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


def normalise_id(raw: str) -> str:
    """ARM sometimes omits the leading slash (subscription diagnostic settings)."""
    raw = raw.strip()
    return raw if raw.startswith("/") else "/" + raw


@dataclass(frozen=True, slots=True)
class ArmId:
    subscription: str | None
    resource_group: str | None
    name: str


@lru_cache(maxsize=65536)
def parse(resource_id: str) -> ArmId:
    parts = [p for p in resource_id.split("/") if p]
    lowered = [p.lower() for p in parts]
    sub = rg = None
    if "subscriptions" in lowered:
        i = lowered.index("subscriptions")
        sub = parts[i + 1] if i + 1 < len(parts) else None
    if "resourcegroups" in lowered:
        i = lowered.index("resourcegroups")
        rg = parts[i + 1] if i + 1 < len(parts) else None
    return ArmId(sub, rg, parts[-1] if parts else "")


def subscription_scope(resource_id: str) -> str | None:
    sub = parse(resource_id).subscription
    return f"/subscriptions/{sub}" if sub else None


@lru_cache(maxsize=131072)
def ancestors(resource_id: str) -> tuple[str, ...]:
    """Every slash-prefix of the id, most specific first, lower-cased.

    Only real scopes (the resource, a parent resource, its resource group, its
    subscription) ever appear in coverage, so the other prefixes simply miss.
    """
    rid = resource_id.lower().rstrip("/")
    out = [rid]
    cut = rid.rfind("/")
    while cut > 0:
        rid = rid[:cut]
        out.append(rid)
        cut = rid.rfind("/")
    return tuple(out)


def owner_of(resource_id: str) -> str:
    """The scope a resource hangs off, lower-cased.

    Extension resources (`<target>/providers/Microsoft.Insights/diagnosticSettings/x`)
    belong to their target; child resources (`…/registries/r/tokens/t`) to their parent.
    """
    rid = resource_id.lower().rstrip("/")
    head, sep, tail = rid.rpartition("/providers/")
    if sep and tail.count("/") == 2:
        return head or "/"
    parts = rid.split("/")
    return "/".join(parts[:-2]) or "/"


def infer_type(resource_id: str) -> str | None:
    """The ARM type spelled by an id: the provider namespace plus its type segments."""
    parts = [p for p in resource_id.split("/") if p]
    # The last `providers` keyword is followed by a namespace and type/name pairs; a
    # resource may itself be *named* `providers`, which leaves no such tail.
    for i in range(len(parts) - 1, -1, -1):
        rest = parts[i + 1 :]
        if parts[i].lower() == "providers" and len(rest) >= 3 and len(rest) % 2 == 1:
            namespace, pairs = rest[0], rest[1:]
            types = [pairs[j] for j in range(0, len(pairs), 2)]
            if types[-1].lower() == "diagnosticsettings":
                # Subscription settings come back under `AzureResourceManager` or
                # `microsoft.insights`; both are Microsoft.Insights/diagnosticSettings.
                return "Microsoft.Insights/diagnosticSettings"
            return "/".join([namespace, *types])
    return None
