"""The delta section (scan --baseline) and the standalone diff report (aci-audit diff).

Markdown escapes every Azure-sourced string through `aciaudit.escape`; JSON carries
the entries as data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from aciaudit import TOOL_NAME, __version__
from aciaudit.diff import CHANGE_ORDER, Change, Diff, DiffEntry
from aciaudit.escape import md_cell, md_inline
from checks import arm_id
from checks.model import ESTATE_SCOPE

_HEADINGS = {
    Change.NEW: "New failures",
    Change.RESOLVED: "Resolved",
    Change.INCOMPARABLE: "Incomparable (not resolved: the runs cannot be compared here)",
    Change.UNCHANGED: "Unchanged failures",
}
_EMPTY = {
    Change.NEW: "No new failure.",
    Change.RESOLVED: "Nothing was resolved.",
    Change.INCOMPARABLE: "Every failure could be compared.",
    Change.UNCHANGED: "No failure carried over.",
}


def _status(value: Any) -> str:
    return value.value if value is not None else "absent"


def _resource(entry: DiffEntry) -> str:
    rid = entry.resource_id
    parsed = arm_id.parse(rid)
    if rid.strip() == ESTATE_SCOPE:
        return "(whole estate)"
    if (
        parsed.subscription
        and rid.rstrip("/").lower() == f"/subscriptions/{parsed.subscription}".lower()
    ):
        return md_cell(f"(subscription) {parsed.subscription}")
    name = parsed.name or rid
    rg = f" ({parsed.resource_group})" if parsed.resource_group else ""
    return md_cell(f"{name}{rg}")


def delta_markdown(diff: Diff, level: int = 2, unchanged_rows: bool = False) -> list[str]:
    """Lines of the delta section, headed at `level` (## in a scan report)."""
    h = "#" * level
    counts = diff.counts()
    out = [
        f"{h} Changes since baseline",
        "",
        f"Baseline: {md_inline(diff.old_label)}"
        + (f", generated {md_inline(diff.old_generated_at)}" if diff.old_generated_at else "")
        + f" · compared with: {md_inline(diff.new_label)}"
        + (f", generated {md_inline(diff.new_generated_at)}" if diff.new_generated_at else ""),
        "",
        "Results are matched by check id and resource id. A failure whose resource or "
        "data was not assessed, or whose subscription was not read, on either side is "
        "*incomparable*: it is never counted as resolved.",
        "",
        "| Change | Failures |",
        "|---|---|",
        *(f"| {c.value} | {counts[c]} |" for c in CHANGE_ORDER),
        "",
    ]
    for change in CHANGE_ORDER:
        entries = diff.of(change)
        out.append(f"{h}# {_HEADINGS[change]} ({len(entries)})")
        out.append("")
        if not entries:
            out.append(_EMPTY[change])
            out.append("")
            continue
        if change is Change.UNCHANGED and not unchanged_rows:
            out.append(f"{len(entries)} failures are in both runs; the findings list them in full.")
            out.append("")
            continue
        out.extend(_table(change, entries))
    return out


def _table(change: Change, entries: Iterable[DiffEntry]) -> list[str]:
    if change is Change.INCOMPARABLE:
        header = ["Severity", "Check", "Resource", "Baseline", "Now", "Reason"]
        rows = (
            [
                e.severity.value.upper(),
                md_cell(e.check_id),
                _resource(e),
                _status(e.old_status),
                _status(e.new_status),
                md_cell(e.reason),
            ]
            for e in entries
        )
    else:
        header = ["Severity", "Check", "Title", "Resource", "Baseline", "Now", "Message"]
        rows = (
            [
                e.severity.value.upper() + (" (suppressed)" if e.suppressed else ""),
                md_cell(e.check_id),
                md_cell(e.title),
                _resource(e),
                _status(e.old_status),
                _status(e.new_status),
                md_cell(e.message),
            ]
            for e in entries
        )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    return lines


def delta_json(diff: Diff) -> dict[str, Any]:
    counts = diff.counts()
    return {
        "baseline": {"label": diff.old_label, "generated_at": diff.old_generated_at},
        "compared": {"label": diff.new_label, "generated_at": diff.new_generated_at},
        "counts": {c.value: counts[c] for c in CHANGE_ORDER},
        **{c.value: [_entry(e) for e in diff.of(c)] for c in CHANGE_ORDER},
    }


def _entry(e: DiffEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "check_id": e.check_id,
        "resource_id": e.resource_id,
        "severity": e.severity.value,
        "title": e.title,
        "old_status": e.old_status.value if e.old_status else None,
        "new_status": e.new_status.value if e.new_status else None,
        "message": e.message,
        "suppressed": e.suppressed,
    }
    if e.reason:
        out["reason"] = e.reason
    return out


def write_diff_markdown(diff: Diff, write: Callable[[str], object]) -> None:
    """The standalone report of `aci-audit diff`."""
    lines = ["# Container security audit — diff", ""]
    lines += delta_markdown(diff, level=2, unchanged_rows=True)
    while lines and lines[-1] == "":
        lines.pop()
    write("\n".join(lines) + "\n")


def write_diff_json(diff: Diff, write: Callable[[str], object]) -> None:
    doc = {"tool": {"name": TOOL_NAME, "version": __version__}, "delta": delta_json(diff)}
    write(json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


DIFF_WRITERS: dict[str, Callable[[Diff, Callable[[str], object]], None]] = {
    "markdown": write_diff_markdown,
    "json": write_diff_json,
}
