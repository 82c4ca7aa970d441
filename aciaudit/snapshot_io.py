"""Reading and writing snapshots: every accepted shape, one-line errors, atomic writes.

Everything read here is redacted before it is returned: no later code can leak a
secret that a third-party snapshot carried in clear.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from aciaudit import jsonin
from aciaudit.atomic import write_text_atomic
from aciaudit.gcpause import paused_gc
from aciaudit.reading import InputError, is_stdin, read_input
from aciaudit.redact import redact_resources
from aciaudit.sources.azure.progress import CollectProgress
from checks import arm_id
from checks.kinds import AUDITED_KINDS
from checks.snapshot import (
    SNAPSHOT_FORMAT,
    SNAPSHOT_VERSION,
    CoverageEntry,
    CoverageStatus,
    Snapshot,
    Subscription,
)

_SHAPES_HINT = (
    f'expected a snapshot object ("format": "{SNAPSHOT_FORMAT}"), a JSON array of ARM '
    'objects, an ARM list body {"value": [...]} or a Resource Graph body {"data": [...]}'
)


class SnapshotError(Exception):
    """A snapshot that cannot be read; the message is one line, fit for the user."""


def read_json_file(
    path: Path,
    what: str,
    expected: str,
    object_hook: Callable[[dict[str, Any]], Any] | None = None,
) -> tuple[Any, bytes]:
    """The parsed JSON of a file and its bytes; a one-line SnapshotError otherwise.

    `what` names the file kind for a folder given by mistake ("a snapshot file");
    `expected` says what an empty file should have held. `object_hook`: the reader's,
    called with each object read (the app's, to let its screen run meanwhile).
    """
    try:
        raw = read_input(path, what)
    except InputError as exc:
        raise SnapshotError(str(exc)) from None
    if is_stdin(path):
        path = Path("stdin")
    if not raw.strip():
        raise SnapshotError(f"{path}: the file is empty; {expected}")
    try:
        with paused_gc():
            return jsonin.loads(raw, parse_constant=_no_constant, object_hook=object_hook), raw
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: not JSON (the file is not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise SnapshotError(f"{path}: not JSON this tool can read (nested too deeply)") from None
    except MemoryError:
        raise SnapshotError(f"{path}: too large to read in the memory available") from None


def _no_constant(name: str) -> Any:
    """NaN, Infinity and -Infinity are not JSON, though Python's reader takes them as
    floats: read as the strings they spell, so a check sees an unexpected type and no
    report ever holds a non-finite number."""
    return name


READING = "Reading the snapshot"
REDACTING = "Removing secrets"


def load_snapshot(
    path: Path,
    progress: CollectProgress | None = None,
    object_hook: Callable[[dict[str, Any]], Any] | None = None,
) -> Snapshot:
    """Read a snapshot file in any accepted shape and redact it; `progress` hears of
    both steps (the second, per resource, is the longer on a large estate).
    `object_hook`: as `read_json_file`'s."""
    if progress is not None:
        progress.phase(READING, 1)
    # Only the decoded JSON is kept: the raw bytes are not held through the redaction walk.
    data = read_json_file(path, "a snapshot file", _SHAPES_HINT, object_hook)[0]
    if progress is not None:
        progress.advance(READING)
    return parse_snapshot(data, origin=str(path), progress=progress)


def parse_snapshot(
    data: Any, origin: str = "snapshot", progress: CollectProgress | None = None
) -> Snapshot:
    """Build a Snapshot from decoded JSON in any accepted shape (redacted)."""
    with paused_gc():
        return _parse(data, origin, progress)


def _parse(data: Any, origin: str, progress: CollectProgress | None = None) -> Snapshot:
    if isinstance(data, list):
        snap = _from_list(data, origin, "array")
    elif isinstance(data, dict) and "format" in data:
        snap = _from_document(data, origin)
    elif isinstance(data, dict) and isinstance(data.get("value"), list):
        snap = _from_list(data["value"], origin, "arm-list", "value")
    elif isinstance(data, dict) and "data" in data:
        snap = _from_list(_graph_rows(data["data"], origin), origin, "resource-graph", "data")
    else:
        raise SnapshotError(f"{origin}: not a snapshot; {_SHAPES_HINT}")
    if progress is None:
        redact_resources(snap.resources)
    else:
        progress.phase(REDACTING, len(snap.resources))
        redact_resources(snap.resources, lambda n: progress.advance(REDACTING, n))
    return snap


def _from_document(data: dict[str, Any], origin: str) -> Snapshot:
    if data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(
            f'{origin}: unknown "format" {data.get("format")!r} (expected "{SNAPSHOT_FORMAT}")'
        )
    version = data.get("version")
    if version != SNAPSHOT_VERSION or isinstance(version, bool):
        raise SnapshotError(
            f'{origin}: unsupported snapshot "version" {version!r}; this tool reads version '
            f"{SNAPSHOT_VERSION} (upgrade aci-auditor for newer snapshots)"
        )
    resources = data.get("resources", [])
    if not isinstance(resources, list):
        raise SnapshotError(f'{origin}: "resources" must be an array')
    coverage = data.get("coverage", [])
    if not isinstance(coverage, list):
        raise SnapshotError(f'{origin}: "coverage" must be an array')
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    return Snapshot(
        resources=_resources(resources, origin, "resources"),
        coverage=[_coverage(entry, i, origin) for i, entry in enumerate(coverage)],
        subscriptions=_subscriptions(data.get("subscriptions", []), origin),
        collected_at=str(data.get("collected_at") or ""),
        tool=dict(tool or {}),
        source=dict(source or {}),
        form="snapshot",
    )


def _from_list(items: list[Any], origin: str, form: str, where: str = "") -> Snapshot:
    resources = _resources(items, origin, where)
    return Snapshot(
        resources=resources,
        coverage=_inferred_coverage(resources),
        source={"kind": form, "origin": Path(origin).name},
        form=form,
    )


def _graph_rows(data: Any, origin: str) -> list[Any]:
    """Resource Graph answers objects, or a table (`columns` + `rows`) if asked to."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("columns"), list):
        names = [c.get("name") if isinstance(c, dict) else None for c in data["columns"]]
        rows = data["rows"] if isinstance(data.get("rows"), list) else []
        return [dict(zip(names, row, strict=False)) for row in rows if isinstance(row, list)]
    raise SnapshotError(f'{origin}: "data" must be an array of rows')


def _resources(items: list[Any], origin: str, where: str) -> list[dict[str, Any]]:
    out = []
    prefix = f"{where}[" if where else "["
    for i, res in enumerate(items):
        at = f"{origin}: {prefix}{i}]"
        if not isinstance(res, dict):
            raise SnapshotError(f"{at} is not an object (got {_json_type(res)})")
        rid = res.get("id")
        if not isinstance(rid, str) or not rid.strip():
            raise SnapshotError(f'{at} has no "id"; every ARM object needs its resource id')
        res["id"] = arm_id.normalise_id(rid)
        rtype = res.get("type")
        if not isinstance(rtype, str) or not rtype:
            # ARM leaves `type` null on subscription diagnostic settings: the id spells it.
            inferred = arm_id.infer_type(res["id"])
            if inferred is None:
                raise SnapshotError(f'{at} has no "type" and its id does not name one')
            res["type"] = inferred
        out.append(res)
    return out


def _coverage(entry: Any, i: int, origin: str) -> CoverageEntry:
    at = f"{origin}: coverage[{i}]"
    if not isinstance(entry, dict):
        raise SnapshotError(f"{at} is not an object (got {_json_type(entry)})")
    for key in ("scope", "kind", "status"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise SnapshotError(f'{at} has no "{key}"')
    try:
        status = CoverageStatus(entry["status"])
    except ValueError:
        allowed = ", ".join(s.value for s in CoverageStatus)
        raise SnapshotError(f'{at}: "status" {entry["status"]!r} is not one of {allowed}') from None
    api = entry.get("api_version")
    detail = entry.get("detail")
    return CoverageEntry(
        scope=arm_id.normalise_id(entry["scope"]),
        kind=entry["kind"],
        status=status,
        api_version=api if isinstance(api, str) else None,
        detail=str(detail) if detail is not None else None,
    )


def _subscriptions(items: Any, origin: str) -> list[Subscription]:
    if not isinstance(items, list):
        raise SnapshotError(f'{origin}: "subscriptions" must be an array')
    out = []
    for i, sub in enumerate(items):
        if not isinstance(sub, dict) or not isinstance(sub.get("subscriptionId"), str):
            raise SnapshotError(f'{origin}: subscriptions[{i}] has no "subscriptionId"')
        out.append(
            Subscription(
                subscription_id=sub["subscriptionId"],
                display_name=str(sub.get("displayName") or ""),
                state=str(sub.get("state") or ""),
                tenant_id=str(sub.get("tenantId") or ""),
            )
        )
    return out


def _inferred_coverage(resources: list[dict[str, Any]]) -> list[CoverageEntry]:
    """A bare list says what it holds, not what it lacks: only present kinds count."""
    present: dict[str, set[str]] = defaultdict(set)
    for res in resources:
        sub = arm_id.subscription_scope(res["id"])
        if sub:
            present[sub].add(res["type"].lower())
    entries = []
    for scope in sorted(present):
        for kind in AUDITED_KINDS:
            if kind.lower() in present[scope]:
                entries.append(CoverageEntry(scope, kind, CoverageStatus.COLLECTED))
            else:
                entries.append(
                    CoverageEntry(
                        scope,
                        kind,
                        CoverageStatus.NOT_COLLECTED,
                        detail="absent from the input list, which cannot say whether none exist",
                    )
                )
    return entries


def _json_type(value: Any) -> str:
    names = {str: "string", int: "number", float: "number", bool: "boolean", list: "array"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def snapshot_text(snapshot: Snapshot) -> str:
    """The snapshot as JSON any strict parser reads (no NaN or Infinity: orjson writes
    null). orjson indents 25 times faster than the standard encoder, whose indented
    output is pure Python (a 10,000-group collect spent seconds here); what orjson
    refuses (an integer beyond 64 bits, a key that is not a string) takes that one."""
    data = snapshot.to_dict()
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def save_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write through aciaudit.atomic's rule: a reader never sees half a snapshot."""
    write_text_atomic(path, snapshot_text(snapshot))
