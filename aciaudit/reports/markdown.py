"""The Markdown report: what a consultant hands to a client.

Valid GitHub-flavoured Markdown whatever the estate holds: every string that came from
Azure goes through `aciaudit.escape`, and every table row is built with exactly its
header's column count. Large estates render in about a second: lines go through a
buffer that hands full chunks to the sink (a file, stdout), so a 70 MB report never sits
in memory whole, and per-resource cells are escaped once.

The sections are written by md_summary, md_findings, md_appendix, policy_md and
vulns_md, in the order below; md_context holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable

from aciaudit.reports import policy_md
from aciaudit.reports.compliance_md import write_compliance
from aciaudit.reports.delta import delta_markdown
from aciaudit.reports.md_appendix import write_appendix
from aciaudit.reports.md_context import Report
from aciaudit.reports.md_findings import (
    write_findings,
    write_manual,
    write_not_assessed,
    write_passed,
)
from aciaudit.reports.md_summary import write_checklist_coverage, write_header, write_summary
from aciaudit.reports.vulns_md import write_section
from aciaudit.run import Run


def render_markdown(run: Run) -> str:
    chunks: list[str] = []
    write_markdown(run, chunks.append)
    return "".join(chunks)


def write_markdown(run: Run, write: Callable[[str], object]) -> None:
    """Stream the report to `write` in chunks of a few thousand lines."""
    report = Report(run, write)
    write_header(report)
    write_summary(report)
    # Changes since the baseline, when the scan was given one (`--baseline`).
    if run.delta is not None:
        report.out.extend(delta_markdown(run.delta))
    policy_md.write_policy_section(run, report.out)
    write_checklist_coverage(report)
    write_compliance(run, report.out)
    write_findings(report)
    write_section(run, report.out, report.where)
    write_not_assessed(report)
    write_manual(report)
    write_passed(report)
    write_appendix(report)
    report.out.finish()
