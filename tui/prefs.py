"""What the app remembers between runs: theme, the findings' sort and grouping. One
small JSON file in the user's config folder (platformdirs: ~/.config/aci-audit on
Linux); `ACI_AUDIT_CONFIG_DIR` points it elsewhere (the tests use a temp folder).
A missing, unreadable or malformed file is the defaults, never an error.

Column widths are not kept: no key changes them. Every table sizes its columns from the
terminal's width and the data shown (a remembered width would be stale at the next
size or estate); `v` shows any cell cut short in full."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from aciaudit.atomic import write_text_atomic

ENV = "ACI_AUDIT_CONFIG_DIR"
FILE = "app.json"


@dataclass(frozen=True)
class Prefs:
    theme: str = "textual-dark"
    sort: str | None = None  # a findings column; None: FAIL first, most severe first
    reverse: bool = False
    grouping: str = "none"

    def with_(self, **changes: object) -> Prefs:
        return replace(self, **changes)  # type: ignore[arg-type]


def folder() -> Path:
    given = os.environ.get(ENV)
    if given:
        return Path(given)
    from platformdirs import user_config_path

    return user_config_path("aci-audit", appauthor=False)


def load() -> Prefs:
    try:
        raw = json.loads((folder() / FILE).read_text("utf-8"))
    except (OSError, ValueError):
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
    )


def save(prefs: Prefs) -> None:
    """Best effort: a read-only home keeps the app working, unremembered."""
    try:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        write_text_atomic(where / FILE, json.dumps(asdict(prefs), indent=2) + "\n")
    except OSError:
        pass
