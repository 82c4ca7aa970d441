"""Report sinks over one `Run`: Markdown for people, JSON for machines.

Writers stream to any `write(str)` callable (a file, stdout), so a report of a huge
estate never has to sit in memory whole; `render` collects the text for callers that
want a string.
"""

from __future__ import annotations

from collections.abc import Callable

from aciaudit.reports.json_report import dumps, render_json, write_json
from aciaudit.reports.markdown import render_markdown, write_markdown
from aciaudit.run import Run

Writer = Callable[[Run, Callable[[str], object]], None]
WRITERS: dict[str, Writer] = {"markdown": write_markdown, "json": write_json}
FORMATS = tuple(WRITERS)


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


__all__ = ["FORMATS", "dumps", "render", "render_json", "render_markdown", "write_report"]
