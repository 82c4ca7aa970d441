"""Reading one side of a diff from a file: a JSON report, or a snapshot to audit first."""

from __future__ import annotations

from pathlib import Path

from aciaudit.diff import AuditSide, ReportFormatError, is_report, side_from_report, side_from_run
from aciaudit.run import audit
from aciaudit.snapshot_io import SnapshotError, parse_snapshot, read_json_file
from aciaudit.sources.demo import DEMO_POLICY
from checks.policy import Policy


def load_side(path: Path, label: str, policy: Policy | None = None) -> AuditSide:
    """A JSON report as written, or a snapshot (any accepted shape) audited now.

    A snapshot is audited with `policy` (the demo estate with its own approved lists,
    as `scan --demo` does). Errors are one-line SnapshotErrors naming the file.
    """
    data = read_json_file(
        path, "a report or snapshot file", "expected a JSON report or a snapshot"
    )[0]
    if is_report(data):
        try:
            return side_from_report(data, label=f"{label} ({path.name})")
        except ReportFormatError as exc:
            raise SnapshotError(f"{path}: {exc}") from None
    snapshot = parse_snapshot(data, origin=str(path))
    run = audit(snapshot, DEMO_POLICY if snapshot.is_demo and policy is None else policy)
    return side_from_run(run, label=f"{label} ({path.name})")
