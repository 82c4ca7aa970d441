"""Where a scan's reports go: one format to stdout or a file, several into a folder."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from aciaudit.atomic import atomic_text
from aciaudit.reports import FILE_NAMES, FORMATS, write_report
from aciaudit.run import Run

DEFAULT_FORMAT = "markdown"


class OutputPathError(ValueError):
    """An -o that cannot take the chosen formats; one line, said before any work."""


def parse_formats(text: str) -> list[str]:
    """argparse type for --format: `markdown`, `json,sarif`, `csv, sarif`…"""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or repr(text)}; choose from {', '.join(FORMATS)}"
        )
    return names


def formats_of(values: Iterable[Iterable[str]] | None) -> tuple[str, ...]:
    """Every --format given (repeated, comma-separated), in order, once each."""
    seen: dict[str, None] = {}
    for group in values or ():
        for name in group:
            seen.setdefault(name, None)
    return tuple(seen) or (DEFAULT_FORMAT,)


@dataclass(frozen=True)
class OutputPlan:
    formats: tuple[str, ...]
    # None: stdout. A file for one format; a folder (made if missing) for several.
    target: Path | None
    folder: bool = False


def plan_outputs(values: Iterable[Iterable[str]] | None, output: Path | None) -> OutputPlan:
    """Check -o against the formats before the work, not after it."""
    formats = formats_of(values)
    if len(formats) == 1:
        if output is not None:
            if output.is_dir():
                raise OutputPathError(
                    f"{output}: is a directory; give a file name (a folder takes several "
                    "formats, e.g. --format markdown,json,sarif,csv)"
                )
            if not output.parent.exists():
                raise OutputPathError(f"{output.parent}: no such folder")
        return OutputPlan(formats, output)
    names = ", ".join(FILE_NAMES[f] for f in formats)
    if output is None:
        raise OutputPathError(
            f"several formats ({', '.join(formats)}) need -o FOLDER to write {names} into"
        )
    if output.exists() and not output.is_dir():
        raise OutputPathError(
            f"{output}: is a file; with several formats -o names a folder (it receives {names})"
        )
    if not output.exists() and not output.parent.exists():
        raise OutputPathError(f"{output.parent}: no such folder")
    return OutputPlan(formats, output, folder=True)


def write_outputs(run: Run, plan: OutputPlan, stdout: TextIO) -> list[Path]:
    """Write every report of the plan; each file atomically. Returns the files written."""
    if plan.target is None:
        (fmt,) = plan.formats
        write_report(run, fmt, stdout.write)
        stdout.flush()
        return []
    if not plan.folder:
        with atomic_text(plan.target) as handle:
            write_report(run, plan.formats[0], handle.write)
        return [plan.target]
    plan.target.mkdir(exist_ok=True)
    written = []
    for fmt in plan.formats:
        path = plan.target / FILE_NAMES[fmt]
        with atomic_text(path) as handle:
            write_report(run, fmt, handle.write)
        written.append(path)
    return written
