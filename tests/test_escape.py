"""Every sink's escaping holds against hostile text from the audited estate."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from aciaudit.escape import md_cell, md_fence, md_fenced, md_inline, md_url, terminal

HOSTILE = [
    "| x |",
    "[bold]x[/]",
    "a[/]b",
    "<script>alert(1)</script>",
    "x\ny",
    "\x1b[31mred",
    "\r",
    "``code`",
    "*_**",
    "\\|",
    "trailing\\",
    "&lt;b&gt;",
    "[link](https://evil.example)",
    "![img](x)",
    "~~gone~~",
    "\u202eevil\u202c",
    "nul\x00del\x7fc1\x9b",
    "tab\there",
]

MD = MarkdownIt("commonmark").enable("table")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def cell_html(text: str) -> str:
    html = MD.render(f"| h | z |\n|---|---|\n| {md_cell(text)} | end |\n")
    m = re.search(r"<tbody>\n<tr>\n<td>(.*)</td>\n<td>end</td>\n</tr>\n</tbody>", html, re.S)
    assert m, f"table broke for {text!r}: {html!r}"
    return m.group(1)


def expected_html(text: str) -> str:
    """What a reader should see: the text itself, one line, controls made visible."""
    shown = terminal(text).strip()
    return shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_cell_is_literal_and_keeps_the_row(text: str) -> None:
    assert cell_html(text) == expected_html(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_md_inline_is_one_literal_paragraph(text: str) -> None:
    escaped = md_inline(text)
    assert "\n" not in escaped and "\r" not in escaped
    html = MD.render(f"Name: {escaped} end")
    assert html == f"<p>Name: {expected_html(text)} end</p>\n"


@pytest.mark.parametrize(
    "text", ["# heading", "- item", "+ item", "12. item", "3) x", "===", "---"]
)
def test_md_inline_cannot_open_a_block_at_line_start(text: str) -> None:
    html = MD.render(f"para\n{md_inline(text)}")
    assert html == f"<p>para\n{text}</p>\n"


def test_heading_stays_one_line() -> None:
    title = md_inline("a\nb <i>c</i>")
    html = MD.render(f"### ACR-001 · {title}\n\nafter")
    assert html.startswith("<h3>ACR-001 · a b &lt;i&gt;c&lt;/i&gt;</h3>")


def test_no_raw_html_or_markup_survives() -> None:
    for text in HOSTILE:
        html = MD.render(md_inline(text)) + cell_html(text)
        assert "<script" not in html and "<a " not in html and "<img" not in html
        assert "<em>" not in html and "<strong>" not in html and "<code>" not in html


@pytest.mark.parametrize("text", HOSTILE)
def test_controls_are_visible_not_raw(text: str) -> None:
    for out in (md_cell(text), md_inline(text), terminal(text)):
        assert not CONTROL.search(out)
        assert "\n" not in out and "\r" not in out


def test_visible_forms_are_consistent() -> None:
    assert terminal("\x1b[31mred") == "␛[31mred"
    assert md_cell("\x1b[31mred") == "␛\\[31mred"
    assert terminal("\x00\x7f") == "␀␡"
    assert terminal("\x9b") == "\\u009b"
    assert terminal("\u202e") == "\\u202e"
    assert terminal("a\r\nb\rc\nd") == "a b c d"
    assert terminal("a\r\nb\x1b", multiline=True) == "a\nb␛"
    assert terminal("ünïcødé ✓ 中文") == "ünïcødé ✓ 中文"


def test_md_fence_is_longer_than_any_run() -> None:
    assert md_fence("no ticks") == "```"
    assert md_fence("a ````` b") == "``````"
    assert md_fence("~~~~", char="~") == "~~~~~"


@pytest.mark.parametrize(
    "text", ["```\nrm -rf /\n```", "x\n````\ny", "<script>alert(1)</script>", "a\x1bb"]
)
def test_md_fenced_cannot_be_closed_by_content(text: str) -> None:
    block = md_fenced(text, lang="bash")
    tokens = MD.parse(block + "\nafter\n")
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].info == "bash"
    assert fences[0].content == terminal(text, multiline=True) + "\n"
    assert tokens[-2].content == "after"


def test_md_fenced_info_string_is_sanitised() -> None:
    assert md_fenced("x", lang="bash`\n<b>").startswith("```bashb\n")


def test_md_url_only_allows_http() -> None:
    assert md_url("https://learn.microsoft.com/a b(c)") == "<https://learn.microsoft.com/a%20b(c)>"
    assert md_url("javascript:alert(1)") is None
    assert md_url("https://x/\n") == "<https://x/>"
    assert md_url("https://x/\x1b") is None
    html = MD.render(f"[Learn]({md_url('https://example.com/x>y<z')})")
    assert 'href="https://example.com/x%3Ey%3Cz"' in html
