"""What the app remembers between runs: theme, the findings' sort and grouping, and the
column widths the user set. One small JSON file in the user's config folder
(platformdirs: ~/.config/aci-audit on Linux); `ACI_AUDIT_CONFIG_DIR` points it elsewhere
(the tests use a temp folder). A missing, unreadable, oversized or malformed file is the
defaults, never an error; so is any one value of the wrong type or out of range.

Column widths: every table sizes its columns from the terminal's width and the data shown
until the user sets one (`<` / `>` on a column, `=` back to automatic). Only what the user
set is kept, per table and column (`{"findings": {"resource": 40}}`); the table applies
it as far as the terminal allows and sizes the other columns as before."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from aciaudit.atomic import write_text_atomic

ENV = "ACI_AUDIT_CONFIG_DIR"
FILE = "app.json"
# A preferences file is a few hundred bytes; anything far larger is not ours.
MAX_BYTES = 64 * 1024
# A width the user can have set: wider than any terminal is a broken or hostile file.
MAX_WIDTH = 1000
_MAX_NAME = 40  # table and column names are short identifiers
_MAX_ENTRIES = 64

Widths = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Prefs:
    theme: str = "textual-dark"
    sort: str | None = None  # a findings column; None: FAIL first, most severe first
    reverse: bool = False
    grouping: str = "none"
    # Table → column → cells, only the columns the user sized. Never mutated: a change
    # is a new Prefs with a new dict (`with_`).
    widths: Widths = field(default_factory=dict)

    def with_(self, **changes: object) -> Prefs:
        return replace(self, **changes)  # type: ignore[arg-type]

    def table_widths(self, table: str) -> dict[str, int]:
        return dict(self.widths.get(table, {}))

    def with_table_widths(self, table: str, widths: dict[str, int]) -> Prefs:
        new = {k: dict(v) for k, v in self.widths.items() if k != table}
        if widths:
            new[table] = dict(widths)
        return self.with_(widths=new)


def folder() -> Path:
    given = os.environ.get(ENV)
    if given:
        return Path(given)
    from platformdirs import user_config_path

    return user_config_path("aci-audit", appauthor=False)


def _read(path: Path) -> str | None:
    """The file's text when it is a regular file of sane size: a FIFO or device put in
    its place must not hang or flood the app at launch."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _name(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _MAX_NAME


def _width(value: object) -> bool:
    # bool is an int, and NaN, Infinity and 40.0 are floats: none of them is a width.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_WIDTH


def _widths(raw: object) -> Widths:
    """The well-formed entries of a `widths` value; anything else is left out."""
    if not isinstance(raw, dict):
        return {}
    out: Widths = {}
    for table, columns in list(raw.items())[:_MAX_ENTRIES]:
        if not _name(table) or not isinstance(columns, dict):
            continue
        kept = {
            col: w for col, w in list(columns.items())[:_MAX_ENTRIES] if _name(col) and _width(w)
        }
        if kept:
            out[table] = kept
    return out


def load() -> Prefs:
    text = _read(folder() / FILE)
    if text is None:
        return Prefs()
    try:
        raw: Any = json.loads(text)
    except (ValueError, RecursionError):
        return Prefs()
    if not isinstance(raw, dict):
        return Prefs()
    theme, sort, reverse, grouping = (
        raw.get("theme"),
        raw.get("sort"),
        raw.get("reverse"),
        raw.get("grouping"),
    )
    # Only values of the expected type: a hand-edited file cannot break the app.
    return Prefs(
        theme=theme if isinstance(theme, str) else Prefs.theme,
        sort=sort if isinstance(sort, str) else None,
        reverse=reverse if isinstance(reverse, bool) else False,
        grouping=grouping if isinstance(grouping, str) else Prefs.grouping,
        widths=_widths(raw.get("widths")),
    )


def save(prefs: Prefs) -> None:
    """Best effort: a read-only home keeps the app working, unremembered."""
    data = asdict(prefs)
    if not prefs.widths:
        del data["widths"]  # nothing sized by hand: the file says nothing about widths
    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        write_text_atomic(where / FILE, json.dumps(data, indent=2) + "\n")
    except OSError:
        pass
