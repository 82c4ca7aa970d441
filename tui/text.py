"""The one way untrusted text reaches the screen.

Everything read from Azure (names, tags, images, error messages) goes through
`literal`: a Rich `Text` is never parsed as markup, and `aciaudit.escape.terminal`
turns control characters and ANSI escapes into visible, inert symbols first.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from aciaudit.escape import terminal


def safe(value: object, *, multiline: bool = False) -> str:
    """Plain text safe for a terminal cell (still NOT markup-safe: wrap in `literal`)."""
    return terminal("" if value is None else value, multiline=multiline)


def literal(
    value: object, style: str = "", *, multiline: bool = False, overflow: str | None = None
) -> Text:
    """Untrusted text as a renderable that can neither style nor move the cursor."""
    text = Text(safe(value, multiline=multiline), style=style, end="")
    if overflow == "ellipsis":
        text.overflow = "ellipsis"
        text.no_wrap = True
    return text


def keep_tail(value: str, width: int) -> str:
    """`value` cut at the front to fit `width` cells: for image references and ids, whose
    end (repository, tag, name) tells them apart and whose start (the host) does not."""
    if cell_len(value) <= width:
        return value
    out = value
    while out and cell_len(out) > width - 1:
        out = out[1:]
    return "…" + out


def short_reference(image: str, width: int) -> str:
    """An image reference for a narrow cell, most telling part kept: first a digest cut
    to 12 hex digits (the full one is shown elsewhere), then without the registry host
    and with 8 digits, then cut at the front."""
    base, at, digest = image.partition("@")
    hexes = digest.partition(":")[2] if at else ""
    candidate = f"{base}@{digest[: len(digest) - len(hexes)]}{hexes[:12]}…" if hexes else image
    if cell_len(candidate) <= width:
        return candidate
    first, slash, rest = base.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        base = rest
    candidate = f"{base}@{hexes[:8]}…" if hexes else base
    return keep_tail(candidate, width)


def join(*parts: Text | str, sep: str = "") -> Text:
    """Trusted strings (our own labels) and literal() parts in one line."""
    out = Text(end="")
    for i, part in enumerate(parts):
        if i and sep:
            out.append(sep)
        out.append(part if isinstance(part, Text) else Text(part))
    return out
