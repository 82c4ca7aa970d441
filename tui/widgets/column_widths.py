"""The findings table's column widths: sized from the terminal and the data, with the
widths the user set (`<` / `>`) applied as far as the terminal allows.

Pure arithmetic, so the table (tui.widgets.result_table) only asks and paints. With no
width set by the user the result is exactly the automatic layout.
"""

from __future__ import annotations

from collections.abc import Mapping

# Width of each column; `title` takes what is left. (min, max) for the flexible ones.
FIXED = {"severity": 8, "check": 7, "status": 12}
FLEX = {"resource": (12, 24), "group": (10, 20), "subscription": (10, 16), "title": (24, 200)}
# The title's share before a wide terminal's room goes to cut names (most titles are
# under 55 characters; the longest, 111, still folds into the detail screen).
TITLE_ROOM = 80
# How far an automatic name column shrinks on a narrow terminal before giving up.
AUTO_FLOOR = 8
# The least a user's width can make a column: still readable ("MEDIUM", "ACR-001", a
# title's first words).
TITLE_MIN = 12
_MIN = {"check": 7, "title": TITLE_MIN}
DEFAULT_MIN = 6
# Cells per `<` / `>` press.
STEP = 2
_NAMES = ("resource", "group", "subscription")


def minimum(column: str) -> int:
    return _MIN.get(column, DEFAULT_MIN)


def layout(
    width: int,
    fixed: Mapping[str, int],
    longest: Mapping[str, int],
    user: Mapping[str, int],
) -> dict[str, int]:
    """Widths for a table `width` cells wide (one-cell gaps between columns).

    `fixed`: the fixed columns' widths; `longest`: each flexible column shown (columns a
    narrow terminal leaves out are absent) → its longest text; `user`: the widths the
    user set, for any column (those not shown are ignored).
    """
    widths = dict(fixed)
    for col, (low, high) in FLEX.items():
        if col in longest:
            widths[col] = max(low, min(high, longest[col]))
    chosen = {c: max(minimum(c), w) for c, w in user.items() if c in widths and c != "title"}
    widths.update(chosen)
    title_set = user.get("title") if "title" in widths else None
    if title_set is not None:
        title_set = max(TITLE_MIN, title_set)
    gaps = len(widths) - 1
    rest = width - gaps - sum(v for k, v in widths.items() if k != "title")
    # A wide terminal: past what the title needs (up to TITLE_ROOM: a few titles run
    # to 110 characters), the room goes to the columns cut at their cap, so at 200
    # columns "Fabrikam Production" is whole, not "Fabrikam Produc…".
    need = (
        title_set
        if title_set is not None
        else max(FLEX["title"][0], min(TITLE_ROOM, longest.get("title", 0)))
    )
    spare = rest - need
    for col in _NAMES:
        if spare <= 0:
            break
        if col in widths and col not in chosen and longest[col] > widths[col]:
            grow = min(spare, longest[col] - widths[col])
            widths[col] += grow
            spare -= grow
            rest -= grow
    # Narrow terminal: the automatic name columns shrink first, as they always have.
    floor = title_set if title_set is not None else FLEX["title"][0]
    while rest < floor:
        shrinkable = [
            c for c in ("subscription", "group", "resource") if widths.get(c, 0) > AUTO_FLOOR
        ]
        shrinkable = [c for c in shrinkable if c not in chosen]
        if not shrinkable:
            break
        widths[shrinkable[0]] -= 1
        rest += 1
    # Then the user's own widths give way, widest first, so the title keeps TITLE_MIN.
    while rest < TITLE_MIN:
        shrinkable = [c for c in chosen if widths[c] > minimum(c)]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda c: widths[c])
        widths[widest] -= 1
        rest += 1
    if title_set is not None:
        # A narrowed title leaves the room it gave up blank at the right.
        widths["title"] = max(TITLE_MIN, min(title_set, rest))
    else:
        widths["title"] = max(AUTO_FLOOR, rest)
    return widths
