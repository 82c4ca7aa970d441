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
    `CHUNK` lines or ~1 MB, whichever comes first (evidence lines can be long).

    Where the chunks fall never changes the text: blank lines at the end of a chunk wait
    for the next one, so `finish` can end the document with exactly one newline."""

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
            self._flush()

    def extend(self, lines: Iterable[str]) -> None:
        """Many lines at once: a list goes in whole (a large table's rows are built as
        one list, and adding them one call each was a tenth of the report's time)."""
        if not isinstance(lines, list):
            lines = list(lines)
        buffer = self._buffer
        for start in range(0, len(lines), self.CHUNK):
            part = lines[start : start + self.CHUNK] if len(lines) > self.CHUNK else lines
            buffer += part
            self._chars += sum(map(len, part))
            if self._chars >= self.CHUNK_CHARS or len(buffer) >= self.CHUNK:
                self._flush()

    def _flush(self) -> None:
        buffer = self._buffer
        end = len(buffer)
        while end and buffer[end - 1] == "":
            end -= 1
        if end:
            self._write("\n".join(buffer[:end]) + "\n")
            del buffer[:end]
        self._chars = 0

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
    lines: list[str] = []
    add = lines.append
    for row in rows:
        if len(row) != width:
            raise ValueError(f"table row has {len(row)} cells, header has {width}")
        add(f"| {' | '.join(row)} |")
    table_lines(out, header, lines)


def table_lines(out: Out, header: Sequence[str], lines: Iterable[str]) -> None:
    """Append a GFM table whose rows are already whole lines (`| a | b |`): for large
    tables whose callers build each line with exactly the header's cells, escaped."""
    out.extend(["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)])
    out.extend(lines)
    out.append("")


def as_dict(value: Any) -> dict[str, Any]:
    # ARM shapes from third-party snapshots can be anything; the report must not crash.
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)
