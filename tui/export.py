"""Writing a report from the app: the whole run or the findings on screen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from aciaudit.atomic import atomic_text
from aciaudit.reports import write_report
from aciaudit.run import Run
from checks.model import Result

EXTENSIONS = {"markdown": ".md", "json": ".json"}


def export(run: Run, fmt: str, path: Path, results: list[Result] | None = None) -> int:
    """Write the report atomically; returns how many results it holds.

    `results` narrows the report to the current filter; the run's snapshot, coverage
    and catalogue stay whole, so what was not assessed is still said.
    """
    subset = run if results is None else replace(run, results=results)
    if path.is_dir():
        raise OSError(f"{path} is a folder; give a file name")
    if not path.parent.exists():
        raise OSError(f"folder {path.parent} does not exist")
    with atomic_text(path) as handle:
        write_report(subset, fmt, handle.write)
    return len(subset.results)
