"""Reading one side of a diff from a file: a JSON report, or a snapshot to audit first."""

from __future__ import annotations

import json
from pathlib import Path

from aciaudit.diff import AuditSide, ReportFormatError, is_report, side_from_report, side_from_run
from aciaudit.gcpause import paused_gc
from aciaudit.run import audit
from aciaudit.snapshot_io import SnapshotError, parse_snapshot
from aciaudit.sources.demo import DEMO_POLICY
from checks.policy import Policy


def load_side(path: Path, label: str, policy: Policy | None = None) -> AuditSide:
    """A JSON report as written, or a snapshot (any accepted shape) audited now.

    A snapshot is audited with `policy` (the demo estate with its own approved lists,
    as `scan --demo` does). Errors are one-line SnapshotErrors naming the file.
    """
    try:
        if path.is_dir():
            raise SnapshotError(f"{path}: is a directory, not a report or snapshot file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such file") from None
    except PermissionError:
        raise SnapshotError(f"{path}: permission denied") from None
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        with paused_gc():
            data = json.loads(raw)
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: not JSON (the file is not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise SnapshotError(f"{path}: not JSON this tool can read (nested too deeply)") from None
    if is_report(data):
        try:
            return side_from_report(data, label=f"{label} ({path.name})")
        except ReportFormatError as exc:
            raise SnapshotError(f"{path}: {exc}") from None
    utf8 = json.detect_encoding(raw) in ("utf-8", "utf-8-sig")
    snapshot = parse_snapshot(data, origin=str(path), source_text=raw if utf8 else None)
    run = audit(snapshot, DEMO_POLICY if snapshot.is_demo and policy is None else policy)
    return side_from_run(run, label=f"{label} ({path.name})")
