"""The one way untrusted text reaches the screen.

Everything read from Azure (names, tags, images, error messages) goes through
`literal`: a Rich `Text` is never parsed as markup, and `aciaudit.escape.terminal`
turns control characters and ANSI escapes into visible, inert symbols first.
"""

from __future__ import annotations

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


def join(*parts: Text | str, sep: str = "") -> Text:
    """Trusted strings (our own labels) and literal() parts in one line."""
    out = Text(end="")
    for i, part in enumerate(parts):
        if i and sep:
            out.append(sep)
        out.append(part if isinstance(part, Text) else Text(part))
    return out
