"""Writing reports from the app: one format to a file, or several into a folder; of
the whole run or of the findings on screen. Every file is written atomically."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from aciaudit.atomic import atomic_text
from aciaudit.diff import key
from aciaudit.reports import FILE_NAMES, FORMATS, write_report
from aciaudit.run import Run
from checks.model import Result

# The dialog's labels and the suffix each format's file takes.
LABELS = {"markdown": "Markdown", "json": "JSON", "sarif": "SARIF", "csv": "CSV"}
EXTENSIONS = {fmt: Path(FILE_NAMES[fmt]).suffix for fmt in FORMATS}
DEFAULT_STEM = "aci-audit-report"
DEFAULT_FOLDER = "aci-audit-reports"


class ExportPathError(ValueError):
    """A path that cannot take the export; one line for the dialog."""


def default_path(fmt: str | None, folder: Path) -> Path:
    """`aci-audit-report.<ext>` for one format; a folder name for several (None)."""
    return folder / (DEFAULT_FOLDER if fmt is None else DEFAULT_STEM + EXTENSIONS[fmt])


def _subset(run: Run, results: list[Result] | None) -> Run:
    # The run's snapshot, coverage and catalogue stay whole, so what was not assessed
    # is still said of a filtered report; the baseline section keeps only the changes
    # of the results in view.
    if results is None:
        return run
    delta = run.delta
    if delta is not None:
        shown = {key(r.check_id, r.resource_id) for r in results}
        entries = [e for e in delta.entries if key(e.check_id, e.resource_id) in shown]
        delta = replace(delta, entries=entries)
    return replace(run, results=results, delta=delta)


def check_file(path: Path) -> None:
    if path.is_dir():
        raise ExportPathError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ExportPathError(f"folder {path.parent} does not exist")


def check_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise ExportPathError(f"{path} is a file; several formats go into a folder")
    if not path.exists() and not path.parent.is_dir():
        raise ExportPathError(f"folder {path.parent} does not exist")


def export(run: Run, fmt: str, path: Path, results: list[Result] | None = None) -> int:
    """Write one report atomically; returns how many results it holds.

    `results` narrows the report to the current filter.
    """
    check_file(path)
    subset = _subset(run, results)
    with atomic_text(path) as handle:
        write_report(subset, fmt, handle.write)
    return len(subset.results)


def export_folder(
    run: Run, formats: list[str], folder: Path, results: list[Result] | None = None
) -> list[Path]:
    """Write each format into `folder` (made if missing, its parent must exist) under
    its usual name (report.md, report.sarif…), each file atomically."""
    if not formats:
        raise ExportPathError("choose at least one format")
    check_folder(folder)
    subset = _subset(run, results)
    folder.mkdir(exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / FILE_NAMES[fmt]
        with atomic_text(path) as handle:
            write_report(subset, fmt, handle.write)
        written.append(path)
    return written
