"""`y` on a finding: the resource's JSON as stored in the snapshot (already redacted),
pretty-printed and scrollable, with the lines of the evidence's property paths marked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.text import join, literal


def _dumps(value: Any) -> str:
    # Non-ASCII names stay readable; control characters are made visible by `literal`.
    return json.dumps(value, ensure_ascii=False, default=str)


# Gutter marks: a marked line is told by its mark as well as its colour.
_MARK, _PLAIN = "▶ ", "  "


def json_lines(value: Any) -> list[tuple[str, str]]:
    """`json.dumps(value, indent=2)` line by line, each line with the property path
    it belongs to (`properties.containers[0].name`); closing brackets carry their
    opener's path, so a path's lines are one contiguous run."""
    out: list[tuple[str, str]] = []

    def emit(item: Any, path: str, head: str, depth: int, comma: str) -> None:
        pad = "  " * depth
        if isinstance(item, dict) and item:
            out.append((path, f"{pad}{head}{{"))
            last = len(item) - 1
            for i, (key, child) in enumerate(item.items()):
                sub = f"{path}.{key}" if path else str(key)
                emit(child, sub, f"{_dumps(str(key))}: ", depth + 1, "," if i < last else "")
            out.append((path, f"{pad}}}{comma}"))
        elif isinstance(item, list) and item:
            out.append((path, f"{pad}{head}["))
            last = len(item) - 1
            for i, child in enumerate(item):
                emit(child, f"{path}[{i}]", "", depth + 1, "," if i < last else "")
            out.append((path, f"{pad}]{comma}"))
        else:
            out.append((path, f"{pad}{head}{_dumps(item)}{comma}"))

    emit(value, "", "", 0, "")
    return out


def path_pattern(path: str) -> re.Pattern[str]:
    """An evidence path as a pattern over line paths: `[*]` stands for any index, and
    a path also covers everything below it."""
    body = re.escape(path.strip()).replace(r"\[\*\]", r"\[\d+\]")
    return re.compile(rf"^{body}(?:$|[.\[])")


def marked_lines(lines: list[tuple[str, str]], paths: list[str]) -> tuple[set[int], list[str]]:
    """Line numbers that belong to any of `paths`, and the paths found nowhere."""
    marked: set[int] = set()
    missing: list[str] = []
    for path in dict.fromkeys(p for p in paths if p.strip()):
        pattern = path_pattern(path)
        hits = {i for i, (where, _) in enumerate(lines) if pattern.match(where)}
        if not hits:
            missing.append(path)
        marked |= hits
    return marked, missing


class RawJsonScreen(ModalScreen[None]):
    CSS_PATH = Path(__file__).with_name("raw_json.tcss")
    BINDINGS = [Binding("escape,y,q", "dismiss", "Close", id="raw.close")]

    def __init__(self, name: str, resource: Any, paths: list[str]) -> None:
        super().__init__()
        self._name = name
        self._lines = json_lines(resource)
        self.marked, self.missing = marked_lines(self._lines, paths)

    def compose(self) -> ComposeResult:
        body = Text(end="")
        for i, (_, line) in enumerate(self._lines):
            if i:
                body.append("\n")
            if i in self.marked:
                body.append(_MARK, style="bold")
                body.append(literal(line, style="reverse"))
            else:
                body.append(_PLAIN)
                body.append(literal(line))
        with Vertical(id="dialog", classes="dialog raw-json"):
            yield Static(
                join(literal(self._name), "  —  redacted JSON as stored in the snapshot"),
                classes="dialog-title",
            )
            yield Static(self._legend(), id="raw-json-legend")
            with ScrollableContainer(id="raw-json-scroll"):
                yield Static(body, id="raw-json-body")
            yield Static("esc closes · ↑ ↓ ← → pgup pgdn scroll", classes="dialog-hint")

    def _legend(self) -> Text:
        out = Text(end="")
        if self.marked:
            count = len(self.marked)
            out.append(f"{_MARK.strip()} marks the evidence ({count} line{'s' * (count != 1)})")
        else:
            out.append("no evidence path is in this resource's JSON")
        if self.missing:
            out.append("   not in this JSON: ", style="dim")
            out.append(literal(", ".join(self.missing), style="dim"))
        return out

    def on_mount(self) -> None:
        scroll = self.query_one("#raw-json-scroll", ScrollableContainer)
        scroll.focus()
        if self.marked:
            first = min(self.marked)
            self.call_after_refresh(scroll.scroll_to, y=max(0, first - 2), animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
