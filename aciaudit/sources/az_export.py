"""`az` CLI output read as a snapshot: `az container list|show`, `az acr list|show`.

The CLI prints the SDK's model, not the ARM body the checks read. It flattens
`properties` into the top level (of the resource, of each container, extension and
private endpoint connection), prints `null` for every attribute ARM left out, adds a
`resourceGroup` key to each object with an `id`, and rebuilds a few key names from the
SDK's snake_case (`memoryInGb` for ARM's `memoryInGB`). This module undoes all of that,
so a check reads an export exactly as it reads a live collection, and an attribute the
CLI printed as `null` counts as absent (NOT_ASSESSED), never as a value.

An export holds container groups and registries only: every other kind the checks need
(diagnostic settings, Defender pricings, role assignments, tokens…) is marked
`not_collected` for each subscription, so those checks say why they were not assessed.
Secrets go through `aciaudit.redact` before the objects leave this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aciaudit.gcpause import paused_gc
from aciaudit.redact import redact_in_place
from aciaudit.snapshot_io import SnapshotError, read_json_file
from checks import arm_id
from checks.kinds import AUDITED_KINDS, CONTAINER_GROUPS, REGISTRIES
from checks.snapshot import (
    SNAPSHOT_FORMAT,
    CoverageEntry,
    CoverageStatus,
    Snapshot,
    Subscription,
)

SOURCE_KIND = "az-export"
NOT_IN_EXPORT = "not in the az CLI export"
# What to add to an export for a kind it lacks.
_LIST_COMMAND = {CONTAINER_GROUPS: "az container list", REGISTRIES: "az acr list"}
# The api-version an export's objects effectively have: azure-cli (2.91) prints container
# groups through its bundled SDK at 2024-05-01-preview, whose models have no
# storageAccountKeyReference, secureValueReference, passwordReference or
# secretReferences; the checks that need them say NOT_ASSESSED with this version.
# Registries: not recorded (the bundled ACR SDK varies by release; nothing depends on it).
EXPORT_API_VERSIONS = {CONTAINER_GROUPS: "2024-05-01-preview"}
_EXPECTED = "the JSON printed by `az container list|show` or `az acr list|show`"

JsonDict = dict[str, Any]

# Keys that stay on the ARM envelope; everything else the CLI printed is a property.
# A container group's `sku` is a property (a string); a registry's is on the envelope.
_ENVELOPE_COMMON = frozenset(
    {"id", "name", "type", "location", "tags", "identity", "zones", "systemData", "etag"}
)
_ENVELOPE = {
    CONTAINER_GROUPS.lower(): _ENVELOPE_COMMON,
    REGISTRIES.lower(): _ENVELOPE_COMMON | {"sku"},
}
# Nested ARM objects with their own `properties` envelope, which the CLI flattens too.
_NAME_ONLY = frozenset({"name"})
_SUB_RESOURCE = frozenset({"id", "name", "type", "systemData", "etag"})

# The CLI's spelling → ARM's, by where the key sits. Found by comparing az output with
# the ARM bodies and the REST spec: the SDK attribute names that do not round-trip.
_REQUESTS_RENAMES = {"memoryInGb": "memoryInGB"}
_PROBE_RENAMES = {"execProperty": "exec"}
_POLICY_RENAMES = {"azureAdAuthenticationAsArmPolicy": "azureADAuthenticationAsArmPolicy"}
_IP_RULE_RENAMES = {"ipAddressOrRange": "value"}
_VNET_RULE_RENAMES = {"virtualNetworkResourceId": "id"}


@dataclass(slots=True)
class AzExport:
    snapshot: Snapshot
    # One line each, naming the file: objects skipped and why.
    warnings: list[str] = field(default_factory=list)


def load_az_export(paths: Sequence[Path]) -> AzExport:
    """Read az CLI JSON from files (or folders of *.json files) into a redacted snapshot."""
    files = _expand(paths)
    warnings: list[str] = []
    by_id: dict[str, JsonDict] = {}
    with paused_gc():
        for path in files:
            for obj in _objects(
                path,
                read_json_file(path, "an az output file", f"expected {_EXPECTED}")[0],
                warnings,
            ):
                key = obj["id"].lower()
                kept = by_id.get(key)
                # `az container list` then `show` of the same group: keep the fuller read.
                if kept is None or len(obj.get("properties", {})) > len(kept["properties"]):
                    by_id[key] = obj
        resources = list(by_id.values())
        if not resources:
            where = files[0] if len(files) == 1 else ", ".join(str(p) for p in paths)
            raise SnapshotError(f"{where}: no container group or registry found; {_EXPECTED}")
    return AzExport(
        Snapshot(
            resources=resources,
            coverage=_coverage(resources),
            subscriptions=[Subscription(s) for s in _subscription_ids(resources)],
            tool={"name": "az CLI"},
            source={"kind": SOURCE_KIND, "origin": ", ".join(p.name for p in files)},
            form=SOURCE_KIND,
        ),
        warnings,
    )


def normalise(obj: JsonDict, rtype: str) -> JsonDict:
    """One az CLI object (already typed) in ARM shape; nulls and `resourceGroup` dropped."""
    clean = _drop_nulls(obj)
    envelope = _ENVELOPE[rtype.lower()]
    props = clean.get("properties")
    if not isinstance(props, dict):
        # Flattened: lift every non-envelope key under `properties`.
        props = {k: v for k, v in clean.items() if k not in envelope}
        clean = {k: v for k, v in clean.items() if k in envelope}
        clean["properties"] = props
    if rtype.lower() == CONTAINER_GROUPS.lower():
        _container_group(props)
    else:
        _registry(props)
    return clean


# --- reading --------------------------------------------------------------------------------


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if not found:
                raise SnapshotError(f"{path}: the folder holds no *.json files")
            files.extend(found)
        else:
            files.append(path)
    return files


def _objects(path: Path, data: Any, warnings: list[str]) -> Iterable[JsonDict]:
    """The container groups and registries in one file, in ARM shape."""
    if isinstance(data, dict) and data.get("format") == SNAPSHOT_FORMAT:
        raise SnapshotError(f"{path}: an aci-auditor snapshot, not az output; use --snapshot")
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        items, where = data["value"], "value"  # `az rest` prints the ARM list body
    elif isinstance(data, list):
        items, where = data, ""
    elif isinstance(data, dict):
        items, where = [data], None
    else:
        raise SnapshotError(f"{path}: not az output (a JSON {_json_type(data)}); {_EXPECTED}")
    skipped = 0
    for i, item in enumerate(items):
        at = f"{path}" if where is None else f"{path}: {where}[{i}]"
        rtype = _kind(item)
        if rtype is None or not _whole(item, rtype):
            skipped += 1
            why = _describe(item) if rtype is None else _REQUIRED[rtype][1]
            warnings.append(f"{at}: skipped {why}")
            continue
        item["type"] = rtype
        redact_in_place(item)  # before anything else touches it
        obj = normalise(item, rtype)
        obj["id"] = arm_id.normalise_id(obj["id"])
        yield obj
    if items and skipped == len(items) and len(items) > 1:
        warnings.append(f"{path}: none of its {len(items)} items is a container group or registry")


def _kind(item: Any) -> str | None:
    """CONTAINER_GROUPS or REGISTRIES, by `type`, else by id, else by shape; None if neither."""
    if not isinstance(item, dict):
        return None
    rid = item.get("id")
    if not isinstance(rid, str) or not rid.strip():
        return None
    rtype = item.get("type")
    if not isinstance(rtype, str) or not rtype:
        rtype = arm_id.infer_type(rid) or _by_shape(item)
    if not isinstance(rtype, str):
        return None
    for kind in (CONTAINER_GROUPS, REGISTRIES):
        if rtype.lower() == kind.lower():
            return kind
    return None


# A property every read of the kind carries; without it the object was cut down (by
# `--query`), and judging what is left would pass checks on properties never read.
_REQUIRED = {
    CONTAINER_GROUPS: ("containers", "a container group without `containers` (cut by --query?)"),
    REGISTRIES: ("loginServer", "a registry without `loginServer` (cut by --query?)"),
}


def _props(item: JsonDict) -> JsonDict:
    nested = item.get("properties")
    return nested if isinstance(nested, dict) else item


def _whole(item: JsonDict, rtype: str) -> bool:
    return _props(item).get(_REQUIRED[rtype][0]) is not None


def _by_shape(item: JsonDict) -> str | None:
    props = _props(item)
    if isinstance(props.get("containers"), list):
        return CONTAINER_GROUPS
    if isinstance(props.get("loginServer"), str):
        return REGISTRIES
    return None


def _describe(item: Any) -> str:
    """Why an item was skipped, without echoing any of its values but its type."""
    if not isinstance(item, dict):
        return f"a JSON {_json_type(item)}, not an az object"
    rid = item.get("id")
    if not isinstance(rid, str) or not rid.strip():
        return 'an object without an "id" (was the output cut by --query?)'
    rtype = item.get("type")
    shown = rtype[:80] if isinstance(rtype, str) and rtype else "an unknown type"
    return f"{shown}: not a container group or registry"


def _json_type(value: Any) -> str:
    names = {str: "string", int: "number", float: "number", bool: "boolean", list: "array"}
    return "null" if value is None else names.get(type(value), "object")


# --- normalising ----------------------------------------------------------------------------


def _drop_nulls(value: Any) -> Any:
    """A copy without `null` members, nor the `resourceGroup` the CLI adds beside an `id`."""
    if isinstance(value, dict):
        out = {k: _drop_nulls(v) for k, v in value.items() if v is not None}
        if "id" in value:
            out.pop("resourceGroup", None)
        return out
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _container_group(props: JsonDict) -> None:
    for key in ("containers", "initContainers"):
        for container in _nest_each(props, key, _NAME_ONLY):
            inner = container["properties"]
            resources = inner.get("resources")
            if isinstance(resources, dict):
                for part in ("requests", "limits"):
                    _rename(resources.get(part), _REQUESTS_RENAMES)
            for probe in ("livenessProbe", "readinessProbe"):
                _rename(inner.get(probe), _PROBE_RENAMES)
    _nest_each(props, "extensions", _NAME_ONLY)


def _registry(props: JsonDict) -> None:
    _rename(props.get("policies"), _POLICY_RENAMES)
    rules = props.get("networkRuleSet")
    if isinstance(rules, dict):
        for rule in _dicts(rules.get("ipRules")):
            _rename(rule, _IP_RULE_RENAMES)
        for rule in _dicts(rules.get("virtualNetworkRules")):
            _rename(rule, _VNET_RULE_RENAMES)
    _nest_each(props, "privateEndpointConnections", _SUB_RESOURCE)


def _nest_each(props: JsonDict, key: str, keep: frozenset[str]) -> list[JsonDict]:
    """Give each item of `props[key]` back its `properties` envelope; return the items."""
    items = _dicts(props.get(key))
    for item in items:
        if not isinstance(item.get("properties"), dict):
            inner = {k: item.pop(k) for k in list(item) if k not in keep}
            item["properties"] = inner
    return items


def _rename(obj: Any, renames: dict[str, str]) -> None:
    if not isinstance(obj, dict):
        return
    for old, new in renames.items():
        if old in obj and new not in obj:
            obj[new] = obj.pop(old)


def _dicts(value: Any) -> list[JsonDict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --- coverage -------------------------------------------------------------------------------


def _subscription_ids(resources: list[JsonDict]) -> list[str]:
    seen: dict[str, str] = {}
    for res in resources:
        sub = arm_id.parse(res["id"]).subscription
        if sub:
            seen.setdefault(sub.lower(), sub)
    return sorted(seen.values(), key=str.lower)


def _coverage(resources: list[JsonDict]) -> list[CoverageEntry]:
    """The kinds present are collected per subscription; everything else is not."""
    present: dict[str, set[str]] = {}
    for res in resources:
        scope = arm_id.subscription_scope(res["id"])
        if scope:
            present.setdefault(scope.lower(), set()).add(res["type"].lower())
    entries = []
    for sub in _subscription_ids(resources):
        scope = f"/subscriptions/{sub}"
        kinds = present.get(scope.lower(), set())
        for kind in AUDITED_KINDS:
            if kind.lower() in kinds:
                entries.append(
                    CoverageEntry(
                        scope,
                        kind,
                        CoverageStatus.COLLECTED,
                        api_version=EXPORT_API_VERSIONS.get(kind),
                        detail="az CLI export",
                    )
                )
                continue
            hint = _LIST_COMMAND.get(kind)
            detail = f"{NOT_IN_EXPORT}; add `{hint}` output" if hint else NOT_IN_EXPORT
            entries.append(CoverageEntry(scope, kind, CoverageStatus.NOT_COLLECTED, detail=detail))
    return entries
