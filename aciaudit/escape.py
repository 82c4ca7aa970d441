"""One escaping helper per sink for untrusted text (anything read from Azure).

Names, tags, image references, environment variable names and error messages come
from whoever controls the audited estate. Each sink has its own rules, so each has its
own function; callers never hand-escape.

Invisible characters are made visible the same way in every sink, so a reader sees
that a name held something odd instead of having it silently vanish:

- C0 controls and DEL become Unicode control pictures (ESC → ``␛``, NUL → ``␀``,
  DEL → ``␡``). An ANSI sequence such as ``ESC[31m`` is therefore inert: it shows as
  the literal text ``␛[31m``.
- C1 controls, bidirectional overrides (Trojan Source), zero-width and other
  invisible characters (ZWSP, ZWJ, word joiner, BOM, soft hyphen) and the Unicode line
  and paragraph separators become the text ``\\uXXXX``.
- In one-line sinks CR, LF and CRLF become one space and a tab becomes a space.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_CONTROL_PICTURE_BASE = 0x2400


def _visible_table() -> dict[int, str]:
    table: dict[int, str] = {c: chr(_CONTROL_PICTURE_BASE + c) for c in range(0x20)}
    table[0x7F] = "\u2421"
    # C1, bidi embeddings/overrides/isolates, LRM/RLM/ALM, line/paragraph separators.
    hidden = [*range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F)]
    hidden += [*range(0x2066, 0x206A), 0x2028, 0x2029]
    # Zero-width and invisible characters: a name that reads `admin` may hold more.
    hidden += [0x00AD, 0x180E, *range(0x200B, 0x200E), *range(0x2060, 0x2065), 0xFEFF]
    for c in hidden:
        table[c] = f"\\u{c:04x}"
    return table


_VISIBLE = _visible_table()

# One-line sinks: line breaks and tabs read as spacing, not as a control character.
_ONE_LINE = {**_VISIBLE, 0x09: " ", 0x0A: " ", 0x0D: " "}

# Multi-line sinks (code blocks, multi-line terminal output) keep LF and tab only.
_MULTI_LINE = {**_VISIBLE, 0x0A: "\n", 0x09: "\t"}

# Markdown inline text. Backslash escapes where CommonMark defines them (any ASCII
# punctuation); entities for the HTML-significant characters, so no renderer can read
# `<script>` as a tag or `&lt;` as anything but the four characters the name held.
# In this order, no replacement makes text that a later one rewrites (`\\` and `&`
# go first), so applying them one after another equals translating each character.
_MD_PUNCTUATION = (
    ("\\", "\\\\"),
    ("&", "&amp;"),
    ("`", "\\`"),
    ("*", "\\*"),
    ("_", "\\_"),
    ("[", "\\["),
    ("]", "\\]"),
    ("~", "\\~"),
    ("|", "\\|"),
    ("<", "&lt;"),
    (">", "&gt;"),
)
_MD_INLINE = {**_ONE_LINE, **{ord(char): escaped for char, escaped in _MD_PUNCTUATION}}

# At the start of a line these open a block (heading, list, setext underline, …).
_BLOCK_START = re.compile(r"^(?:[#+=-]|\d+(?=[.)]))")

# Characters a shell-ish info string may hold; anything else is dropped.
_INFO_STRING = re.compile(r"[^A-Za-z0-9_+.-]")


def _any_of(table: dict[int, str]) -> re.Pattern[str]:
    """A pattern matching any character `table` rewrites: most text needs no rewrite."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")


_MD_NEEDS = _any_of(_MD_INLINE)
_ONE_LINE_NEEDS = _any_of(_ONE_LINE)


def _one_line(text: str) -> str:
    # CRLF first, so a Windows line break becomes one space, not two.
    return text.replace("\r\n", "\n").translate(_ONE_LINE)


def md_cell(text: object) -> str:
    """Text safe inside a GFM table cell: one line, no markup, `|` cannot split the row."""
    text = str(text)
    # The search is several times cheaper than translate, and big reports call this a lot.
    if _MD_NEEDS.search(text) is None:
        return text.strip()
    if _ONE_LINE_NEEDS.search(text) is not None:
        return text.replace("\r\n", "\n").translate(_MD_INLINE).strip()
    # Only punctuation to escape (an `_`, a backtick): a few `replace` calls cost a
    # quarter of a `translate`, which looks every character up in the table.
    for char, escaped in _MD_PUNCTUATION:
        if char in text:
            text = text.replace(char, escaped)
    return text.strip()


# Every character the one-line table rewrites is unprintable to Python (a test checks
# it), so a text that `str.isprintable` passes holds none of them: that test runs in C
# at a few nanoseconds a character, under half a regex search's cost on a long text.


_PRINTABLE_ASCII_AND_LF = bytes(range(0x20, 0x7F)) + b"\n"


def md_cells(texts: Iterable[object]) -> list[str]:
    """`md_cell` of each text, escaped in one go over their join: a large report's tens
    of thousands of messages cost a few passes in C instead of one call each."""
    parts = [str(text) for text in texts]
    if not parts:
        return []
    # A line break or another control in any text: each goes through md_cell alone
    # (a text's own LF would split it; a control needs the whole table). ASCII text is
    # tested as bytes: deleting every printable byte and LF leaves nothing.
    blob = "\n".join(parts)
    if blob.isascii():
        plain = blob.count("\n") == len(parts) - 1
        plain = plain and not blob.encode("ascii").translate(None, _PRINTABLE_ASCII_AND_LF)
    else:
        plain = all(map(str.isprintable, parts))
    if not plain:
        return [md_cell(text) for text in parts]
    # Only punctuation to escape: the same replacements as md_cell, once for all texts.
    for char, escaped in _MD_PUNCTUATION:
        if char in blob:
            blob = blob.replace(char, escaped)
    return [cell.strip() for cell in blob.split("\n")]


def md_inline(text: object) -> str:
    """Text safe in running Markdown text or a heading: one line, no markup.

    Also safe at the start of a line: a leading `#`, `-`, `+`, `=` or `1.` is escaped
    so it cannot open a heading, a list or a setext underline.
    """
    out = md_cell(text)
    match = _BLOCK_START.match(out)
    if match is None:
        return out
    end = match.end()
    # `-`/`#` etc. get a backslash; for `12.` the backslash goes before the `.`/`)`.
    if out[0].isdigit():
        return f"{out[:end]}\\{out[end:]}"
    return f"\\{out}"


def md_fence(text: str, char: str = "`", minimum: int = 3) -> str:
    """A run of `char` longer than any run of it inside `text` (at least `minimum`)."""
    if char not in text:
        return char * minimum
    longest = max((len(m) for m in re.findall(re.escape(char) + "+", text)), default=0)
    return char * max(minimum, longest + 1)


def md_fenced(text: object, lang: str = "") -> str:
    """A fenced code block the content cannot close, ending with a newline.

    Newlines are kept; other controls are made visible. The fence is longer than any
    backtick run in the content, so no content line can be read as the closing fence.
    """
    body = str(text).replace("\r\n", "\n").translate(_MULTI_LINE)
    fence = md_fence(body)
    info = _INFO_STRING.sub("", lang)
    if body and not body.endswith("\n"):
        body += "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def md_url(url: str) -> str | None:
    """A link destination for `[text](…)`, or None unless it is an http(s) URL.

    Wrapped in `<…>` so parentheses and spaces cannot end it early; the characters
    that could end the pointy form or start markup are percent-encoded.
    """
    url = url.strip()
    if not re.match(r"https?://", url, re.IGNORECASE):
        return None
    for ch, enc in ((" ", "%20"), ("<", "%3C"), (">", "%3E"), ("\\", "%5C")):
        url = url.replace(ch, enc)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None
    return f"<{url}>"


def terminal(text: object, *, multiline: bool = False) -> str:
    """Text safe to print on a terminal line: no escape sequences, no cursor tricks.

    With `multiline`, LF is kept (CR is still shown, since a bare CR rewrites the
    line the reader sees); otherwise the result is always one line.
    """
    raw = str(text)
    if _ONE_LINE_NEEDS.search(raw) is None:
        return raw
    raw = raw.replace("\r\n", "\n")
    if multiline:
        return raw.translate(_MULTI_LINE)
    return raw.translate(_ONE_LINE)


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# CR, may shift it into one): `=HYPERLINK(…)`, `+cmd|…`, `-2+3`, `@SUM(…)`.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: object) -> str:
    """Text safe in a CSV cell a spreadsheet will open: one line, never a formula.

    A cell that starts with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'`,
    which spreadsheets show as text (OWASP's advice for CSV injection). Quoting of
    commas and quotes is the csv module's job, not this function's.
    """
    raw = "" if text is None else str(text)
    prefix = "'" if raw.startswith(_FORMULA_START) else ""
    if _ONE_LINE_NEEDS.search(raw) is not None:
        raw = _one_line(raw)
    return prefix + raw


def html_text(text: object, *, multiline: bool = False) -> str:
    """Text safe as HTML element content or a quoted attribute value: `&`, `<`, `>`,
    `"` and `'` become entities (so `</script>` or `<img onerror=…>` stay text), and
    invisible characters are made visible; one line unless `multiline` (then LF stays)."""
    raw = "" if text is None else str(text)
    if _ONE_LINE_NEEDS.search(raw) is not None:
        raw = raw.replace("\r\n", "\n")
        raw = raw.translate(_MULTI_LINE if multiline else _ONE_LINE)
    return html.escape(raw, quote=True)
