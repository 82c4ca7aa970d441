"""Report sinks over one `Run`: Markdown for people, JSON, SARIF and CSV for machines.

Writers stream to any `write(str)` callable (a file, stdout), so a report of a huge
estate never has to sit in memory whole; `render` collects the text for callers that
want a string.
"""

from __future__ import annotations

from collections.abc import Callable

from aciaudit.reports.csv_report import write_csv
from aciaudit.reports.json_report import dumps, render_json, write_json
from aciaudit.reports.markdown import render_markdown, write_markdown
from aciaudit.reports.sarif import write_sarif
from aciaudit.run import Run

Writer = Callable[[Run, Callable[[str], object]], None]
WRITERS: dict[str, Writer] = {
    "markdown": write_markdown,
    "json": write_json,
    "sarif": write_sarif,
    "csv": write_csv,
}
FORMATS = tuple(WRITERS)
# The file each format is written to when several go into one folder (`-o FOLDER`).
FILE_NAMES: dict[str, str] = {
    "markdown": "report.md",
    "json": "report.json",
    "sarif": "report.sarif",
    "csv": "report.csv",
}


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
    "dumps",
    "render",
    "render_json",
    "render_markdown",
    "write_report",
]
