"""Report sinks over one `Run`: Markdown for people, JSON, SARIF and CSV for machines.

Writers stream to any `write(str)` callable (a file, stdout), so a report of a huge
estate never has to sit in memory whole; `render` collects the text for callers that
want a string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from aciaudit.reports.azure_policy import write_azure_policy
from aciaudit.reports.csv_report import write_csv
from aciaudit.reports.html_report import write_html
from aciaudit.reports.json_report import dumps, render_json, write_json
from aciaudit.reports.markdown import render_markdown, write_markdown
from aciaudit.reports.sarif import write_sarif
from aciaudit.reports.script import write_script
from aciaudit.run import Run

Writer = Callable[[Run, Callable[[str], object]], None]


class ReportFormat(NamedTuple):
    writer: Writer
    # The file it is written to when several formats go into one folder (`-o FOLDER`).
    file_name: str
    # How the app's export dialog names it.
    label: str


# Every format, in the order `--format` lists and the export dialog offers them: the
# one place a new format is registered.
REPORT_FORMATS: dict[str, ReportFormat] = {
    "markdown": ReportFormat(write_markdown, "report.md", "Markdown"),
    "json": ReportFormat(write_json, "report.json", "JSON"),
    "sarif": ReportFormat(write_sarif, "report.sarif", "SARIF"),
    "csv": ReportFormat(write_csv, "report.csv", "CSV"),
    "html": ReportFormat(write_html, "report.html", "HTML"),
    "azure-policy": ReportFormat(write_azure_policy, "azure-policy.json", "Azure Policy"),
    "script": ReportFormat(write_script, "remediation.sh", "Remediation script (bash)"),
}
WRITERS: dict[str, Writer] = {name: f.writer for name, f in REPORT_FORMATS.items()}
FORMATS = tuple(REPORT_FORMATS)
FILE_NAMES: dict[str, str] = {name: f.file_name for name, f in REPORT_FORMATS.items()}
LABELS: dict[str, str] = {name: f.label for name, f in REPORT_FORMATS.items()}


def write_report(run: Run, fmt: str, write: Callable[[str], object]) -> None:
    """Stream the report in format `fmt` (one of FORMATS); it ends with a newline."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}") from None
    writer(run, write)


def render(run: Run, fmt: str) -> str:
    chunks: list[str] = []
    write_report(run, fmt, chunks.append)
    return "".join(chunks)


__all__ = [
    "FILE_NAMES",
    "FORMATS",
    "LABELS",
    "REPORT_FORMATS",
    "dumps",
    "render",
    "render_json",
    "render_markdown",
    "write_report",
]
