"""What the fake tenant holds: subscriptions, resource groups and ARM objects by id.

ARM matches paths case-insensitively, so everything is keyed by the lower-cased id while
the bodies keep the casing they were added with (ARM answers with the stored casing, not
the request's).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArmPath:
    """A path split the way ARM routes it: `{scope}/providers/{namespace}/{type}/{name}/...`.

    `scope` is everything before the *last* `/providers/` (a subscription, a resource group,
    or a whole resource id for extension resources such as diagnostic settings).
    """

    scope: str
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def is_collection(self) -> bool:
        return len(self.types) > len(self.names)

    @property
    def full_type(self) -> str:
        return "/".join((self.namespace, *self.types))

    @property
    def type_and_names(self) -> str:
        """`Microsoft.X/things/name/children/child`: how ARM names a resource in messages."""
        parts = [self.namespace]
        for i, kind in enumerate(self.types):
            parts.append(kind)
            if i < len(self.names):
                parts.append(self.names[i])
        return "/".join(parts)


def split(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def parse(path: str) -> ArmPath | None:
    """The provider part of a path, or None for bare scopes (`/subscriptions/x`, ...)."""
    segments = split(path)
    at = None
    for i in range(len(segments) - 1):
        if segments[i].lower() == "providers":
            at = i
    if at is None:
        return None
    rest = segments[at + 2 :]
    if not rest:
        return None
    scope = "/" + "/".join(segments[:at]) if at else ""
    return ArmPath(scope, segments[at + 1], tuple(rest[0::2]), tuple(rest[1::2]))


def subscription_of(path: str) -> str | None:
    segments = split(path)
    if len(segments) >= 2 and segments[0].lower() == "subscriptions":
        return segments[1]
    return None


def resource_group_of(path: str) -> str | None:
    segments = split(path)
    if (
        len(segments) >= 4
        and segments[0].lower() == "subscriptions"
        and segments[2].lower() == "resourcegroups"
    ):
        return segments[3]
    return None


def normalise(route_id: str) -> str:
    """A routing key: leading slash, no trailing one (some real ids lack the leading one)."""
    return "/" + route_id.strip().strip("/")


@dataclass(slots=True)
class Stored:
    route_id: str  # where it is served; usually body["id"]
    body: Json
    parsed: ArmPath

    @property
    def collection(self) -> str:
        """The list path this object appears in directly: its id without the last name."""
        return self.route_id.rsplit("/", 1)[0]


CONTAINER_GROUPS = "microsoft.containerinstance/containergroups"


class Estate:
    """Thread-safe store; the HTTP handler threads only read it after the test seeds it."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self._lock = threading.Lock()
        self.subscriptions: dict[str, Json] = {}
        self.resource_groups: dict[tuple[str, str], Json] = {}
        self.objects: dict[str, Stored] = {}

    # -- seeding ----------------------------------------------------------------------

    def add_subscription(
        self,
        sub_id: str,
        display_name: str,
        state: str = "Enabled",
        tenant_id: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Json:
        # The shape of Subscriptions_List (2022-12-01) items, example GetSubscriptions.json.
        body: Json = {
            "authorizationSource": "RoleBased",
            "displayName": display_name,
            "id": f"/subscriptions/{sub_id}",
            "managedByTenants": [],
            "state": state,
            "subscriptionId": sub_id,
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off",
            },
            "tags": dict(tags or {}),
            "tenantId": tenant_id or self.tenant_id,
        }
        with self._lock:
            self.subscriptions[sub_id.lower()] = body
        return body

    def add_resource_group(self, sub_id: str, name: str, location: str = "westus") -> Json:
        self._ensure_subscription(sub_id)
        body: Json = {
            "id": f"/subscriptions/{sub_id}/resourceGroups/{name}",
            "name": name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": location,
            "properties": {"provisioningState": "Succeeded"},
        }
        with self._lock:
            self.resource_groups[(sub_id.lower(), name.lower())] = body
        return body

    def add(self, resource: Json, route_id: str | None = None) -> Json:
        """Store a deep copy; `route_id` serves it at another path than its `id` (for odd
        real ids such as the subscription diagnostic setting's `subscriptions/...` one)."""
        rid = route_id or resource.get("id")
        if not isinstance(rid, str) or not rid.strip("/"):
            raise ValueError("an ARM object needs an 'id' (or pass route_id=)")
        key = normalise(rid)
        parsed = parse(key)
        if parsed is None or parsed.is_collection:
            raise ValueError(f"not a resource id (no /providers/{{ns}}/{{type}}/{{name}}): {rid}")
        sub = subscription_of(key)
        if sub:
            self._ensure_subscription(sub)
            rg = resource_group_of(key)
            if rg and (sub.lower(), rg.lower()) not in self.resource_groups:
                self.add_resource_group(sub, rg, str(resource.get("location") or "westus"))
        with self._lock:
            self.objects[key.lower()] = Stored(key, copy.deepcopy(resource), parsed)
        return resource

    def _ensure_subscription(self, sub_id: str) -> None:
        # A resource implies its subscription exists; tests need not declare it first.
        if sub_id.lower() not in self.subscriptions:
            self.add_subscription(sub_id, f"Subscription {sub_id[:8]}")

    # -- reading ----------------------------------------------------------------------

    def snapshot(self) -> list[Stored]:
        with self._lock:
            return list(self.objects.values())

    def get(self, path: str) -> Stored | None:
        with self._lock:
            return self.objects.get(normalise(path).lower())

    def has_subscription(self, sub_id: str) -> bool:
        return sub_id.lower() in self.subscriptions

    def has_resource_group(self, sub_id: str, name: str) -> bool:
        return (sub_id.lower(), name.lower()) in self.resource_groups

    def groups_of(self, sub_id: str) -> list[Json]:
        return [b for (s, _), b in self.resource_groups.items() if s == sub_id.lower()]

    def collection(self, path: str) -> list[Stored]:
        """Objects listed at a collection path, in insertion order.

        Direct children (`{parent}/tokens/x` under `{parent}/tokens`) always; a
        subscription-wide list of a top-level type also takes every resource group's.
        """
        wanted = normalise(path).lower()
        parsed = parse(wanted)
        sub_wide = (
            parsed is not None
            and len(parsed.types) == 1
            and len(split(parsed.scope)) == 2
            and split(parsed.scope)[0] == "subscriptions"
        )
        out = []
        for item in self.snapshot():
            if item.collection.lower() == wanted or (
                sub_wide
                and parsed is not None
                and len(item.parsed.types) == 1
                and item.parsed.full_type.lower() == parsed.full_type
                and len(split(item.parsed.scope)) == 4
                and item.parsed.scope.lower().startswith(parsed.scope + "/resourcegroups/")
            ):
                out.append(item)
        return out


# -- what ARM does to bodies on the way out ------------------------------------------------


def scrub_secrets(body: Json) -> Json:
    """Drop what ARM never returns for a container group: secure env values, registry
    passwords, storage and workspace keys, secret volume contents (compare the request and
    response of ContainerGroupsCreateOrUpdate.json). Works on a copy."""
    out = copy.deepcopy(body)
    props = out.get("properties")
    if not isinstance(props, dict):
        return out
    for container in _containers(props):
        for env in _list(container.get("environmentVariables")):
            if isinstance(env, dict):
                env.pop("secureValue", None)
    for cred in _list(props.get("imageRegistryCredentials")):
        if isinstance(cred, dict):
            cred.pop("password", None)
    for volume in _list(props.get("volumes")):
        if not isinstance(volume, dict):
            continue
        if isinstance(volume.get("azureFile"), dict):
            volume["azureFile"].pop("storageAccountKey", None)
        if isinstance(volume.get("secret"), dict):
            volume["secret"] = {}
    diagnostics = props.get("diagnostics")
    if isinstance(diagnostics, dict) and isinstance(diagnostics.get("logAnalytics"), dict):
        diagnostics["logAnalytics"].pop("workspaceKey", None)
    return out


def list_shape(body: Json, env_mode: str) -> Json:
    """A container group as ContainerGroups_List shows it: no runtime instanceView, no
    securityContext, and environment variables withheld (`env_mode` "omit" drops the key,
    "empty" leaves `[]` as the spec's list example shows). Works on a copy."""
    out = copy.deepcopy(body)
    props = out.get("properties")
    if not isinstance(props, dict):
        return out
    props.pop("instanceView", None)
    for container in _containers(props):
        container.pop("instanceView", None)
        container.pop("securityContext", None)
        if env_mode == "empty":
            container["environmentVariables"] = []
        else:
            container.pop("environmentVariables", None)
    return out


def _containers(props: Json) -> list[Json]:
    out = []
    for key in ("containers", "initContainers"):
        for container in _list(props.get(key)):
            if isinstance(container, dict) and isinstance(container.get("properties"), dict):
                out.append(container["properties"])
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
