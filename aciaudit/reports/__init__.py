"""Report sinks over one `Run`: Markdown for people, JSON for machines."""

from __future__ import annotations

from collections.abc import Callable

from aciaudit.reports.json_report import dumps, render_json
from aciaudit.reports.markdown import render_markdown
from aciaudit.run import Run

RENDERERS: dict[str, Callable[[Run], str]] = {"markdown": render_markdown, "json": dumps}
FORMATS = tuple(RENDERERS)


def render(run: Run, fmt: str) -> str:
    """The report text in format `fmt` (one of FORMATS); the text ends with a newline."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}") from None
    text = renderer(run)
    return text if text.endswith("\n") else text + "\n"


__all__ = ["FORMATS", "dumps", "render", "render_json", "render_markdown"]
