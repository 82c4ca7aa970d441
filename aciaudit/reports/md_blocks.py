"""The Markdown report's building blocks: the line buffer, GFM tables, and reading ARM
values of any shape without crashing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol


class Out(Protocol):
    """Where a section appends its lines: a `Lines` buffer, or a list in tests."""

    def append(self, line: str) -> None: ...

    def extend(self, lines: Iterable[str]) -> None: ...


class Lines:
    """An append-only list of lines that flushes full chunks to a writer: every
    `CHUNK` lines or ~1 MB, whichever comes first (evidence lines can be long)."""

    CHUNK = 4096
    CHUNK_CHARS = 1 << 20

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._buffer: list[str] = []
        self._chars = 0

    def append(self, line: str) -> None:
        buffer = self._buffer
        buffer.append(line)
        self._chars += len(line)
        if self._chars >= self.CHUNK_CHARS or len(buffer) >= self.CHUNK:
            self._write("\n".join(buffer) + "\n")
            buffer.clear()
            self._chars = 0

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.append(line)

    def finish(self) -> None:
        """Write what is left, ending the document with exactly one newline."""
        while self._buffer and self._buffer[-1] == "":
            self._buffer.pop()
        self._write("\n".join(self._buffer) + "\n" if self._buffer else "")
        self._buffer.clear()
        self._chars = 0


def table(out: Out, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Append a GFM table; cells must already be escaped. Blank lines around it."""
    width = len(header)
    append = out.append
    append("")
    append("| " + " | ".join(header) + " |")
    append("|" + "---|" * width)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"table row has {len(row)} cells, header has {width}")
        append(f"| {' | '.join(row)} |")
    append("")


def as_dict(value: Any) -> dict[str, Any]:
    # ARM shapes from third-party snapshots can be anything; the report must not crash.
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)
