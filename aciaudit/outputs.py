"""Writing what the tool produces: one format to stdout or a file, several into a folder,
each file atomically. `scan`, `diff`, `collect` and the app's export all write through
here, and `check_output_path` is the one judge of whether a path can take an output.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TextIO

from aciaudit.atomic import batch, refusal
from aciaudit.reports import FILE_NAMES, FORMATS, write_report
from aciaudit.run import Run

DEFAULT_FORMAT = "markdown"

Write = Callable[[str], object]
# Writes one document in the named format through `write`.
FormatWriter = Callable[[str, Write], None]


class PathProblem(Enum):
    IS_FOLDER = "is a directory; give a file name"  # a file was wanted
    IS_FILE = "is a file"  # a folder was wanted
    NO_FOLDER = "no such folder"  # the folder it would go in is missing
    NOT_A_FILE = "cannot take a file"  # a socket, a block device (see aciaudit.atomic)


class OutputError(ValueError):
    """Output that cannot be written as asked; one line, said before any work."""


class OutputPathError(OutputError):
    """A path that cannot take the output. `problem` lets a caller word it its own way
    (the app's dialog does)."""

    def __init__(self, path: Path, problem: PathProblem, hint: str = "") -> None:
        self.path, self.problem = path, problem
        where = path.parent if problem is PathProblem.NO_FOLDER else path
        what = problem.value
        if problem is PathProblem.NOT_A_FILE:
            what = f"is {refusal(path) or 'not a regular file'}; give a file name"
        super().__init__(f"{where}: {what}{hint}")


def check_output_path(path: Path, *, folder: bool = False, hint: str = "") -> None:
    """Can `path` take an output: a file (its folder must exist), or with `folder` a
    folder (made when missing, so its parent must exist). `hint` follows the message
    when the path is the wrong kind (it says why this kind is wanted)."""
    if folder:
        if path.exists() and not path.is_dir():
            raise OutputPathError(path, PathProblem.IS_FILE, hint)
        if not path.exists() and not path.parent.is_dir():
            raise OutputPathError(path, PathProblem.NO_FOLDER)
        return
    if path.is_dir():
        raise OutputPathError(path, PathProblem.IS_FOLDER, hint)
    if refusal(path) is not None:
        raise OutputPathError(path, PathProblem.NOT_A_FILE)
    if path.exists():  # a file, FIFO or device (a symlink's target included)
        return
    # New, or a dangling symlink: the file is created where the link points.
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    if not real.parent.is_dir():
        raise OutputPathError(path, PathProblem.NO_FOLDER)


def is_stdout(path: Path | None) -> bool:
    """`-o -`: the output goes to stdout."""
    return path is not None and str(path) == "-"


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
    # None: stdout. A file for one format; a folder (made if missing) for several,
    # each format in its usual file (report.md, report.json…).
    target: Path | None
    folder: bool = False

    def check(self, hint: str = "") -> None:
        """The target can take this plan (see `check_output_path`)."""
        if self.target is not None:
            check_output_path(self.target, folder=self.folder, hint=hint)


def plan_outputs(values: Iterable[Iterable[str]] | None, output: Path | None) -> OutputPlan:
    """`scan --format … -o …`, checked before the work, not after it. `-o -` is stdout."""
    formats = formats_of(values)
    if is_stdout(output):
        if len(formats) > 1:
            raise OutputError("-o - (stdout) takes one format; several need -o FOLDER")
        output = None
    if len(formats) == 1:
        plan = OutputPlan(formats, output)
        plan.check(" (a folder takes several formats, e.g. --format markdown,json,sarif,csv)")
        return plan
    names = ", ".join(FILE_NAMES[f] for f in formats)
    if output is None:
        raise OutputError(
            f"several formats ({', '.join(formats)}) need -o FOLDER to write {names} into"
        )
    plan = OutputPlan(formats, output, folder=True)
    plan.check(f"; with several formats -o names a folder (it receives {names})")
    return plan


def write_outputs(
    plan: OutputPlan, write_format: FormatWriter, stdout: TextIO | None = None
) -> list[Path]:
    """Write every format of the plan through `aciaudit.atomic`'s rule: all files staged
    first and renamed together (an error or an interruption replaces none). Returns the
    files written ([] for stdout)."""
    if plan.target is None:
        if stdout is None:
            raise ValueError("no file to write to and no stdout")
        (fmt,) = plan.formats
        write_format(fmt, stdout.write)
        stdout.flush()
        return []
    if not plan.folder:
        (fmt,) = plan.formats
        paths = [(fmt, plan.target)]
    else:
        plan.target.mkdir(mode=0o700, exist_ok=True)  # new: as private as its files
        paths = [(fmt, plan.target / FILE_NAMES[fmt]) for fmt in plan.formats]
    with batch() as staged:
        for fmt, path in paths:
            write_format(fmt, staged.open(path).write)
    return [path for _, path in paths]


def write_reports(run: Run, plan: OutputPlan, stdout: TextIO | None = None) -> list[Path]:
    """The run's reports (or, for a subset, `run.subset(results)`'s) as planned."""

    def write_format(fmt: str, write: Write) -> None:
        write_report(run, fmt, write)

    return write_outputs(plan, write_format, stdout)
