"""md_cell's fast paths (no escape needed; punctuation only, by `replace`) give exactly
what translating every character through the Markdown table gives (the definition), and
md_cells (many texts escaped over their join) gives md_cell of each."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aciaudit.escape import _MD_INLINE, _ONE_LINE, md_cell, md_cells

# Every character the table rewrites, a few it leaves alone, and CRLF (one space).
_REWRITTEN = "".join(chr(c) for c in sorted(_MD_INLINE))
_ALPHABET = _REWRITTEN + "abc XYZ 019 .-'\"/é\u2603"


def reference(text: str) -> str:
    return text.replace("\r\n", "\n").translate(_MD_INLINE).strip()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(list(_ALPHABET) + ["\r\n"] + list("\\&`*_[]~|<>") * 4), max_size=40
    ).map("".join)
)
def test_md_cell_equals_translating_each_character(text: str) -> None:
    assert md_cell(text) == reference(text)


_TEXT = st.lists(
    st.sampled_from(list(_ALPHABET) + ["\r\n"] + list("\\&`*_[]~|<> xyz") * 6), max_size=12
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, max_size=8), st.booleans())
def test_md_cells_equals_md_cell_of_each(texts: list[str], plain: bool) -> None:
    if plain:  # most batches hold no control character: the joined path
        texts = [t.translate({c: "x" for c in range(0x20)}) for t in texts]
    assert md_cells(texts) == [reference(t) for t in texts]


def test_each_punctuation_escape_and_mixes_of_them() -> None:
    # Orders where one replacement could feed another: `\` before `*`, `&` before `<`.
    cases = ["\\*", "&<", "<&>", "a_b`c", "\\\\|", "&amp;", "[x](y)", " _ ", "~\\~", "|&|"]
    for text in cases:
        assert md_cell(text) == reference(text), text
    assert md_cell("&lt;") == "&amp;lt;"
    assert md_cell("a\\*b") == "a\\\\\\*b"
    # A control character beside punctuation takes the full table.
    assert md_cell("a_\x1b[1m") == "a\\_\u241b\\[1m"
    assert md_cell(" x\r\ny_ ") == "x y\\_"


def test_md_cells_of_edge_batches() -> None:
    assert md_cells([]) == []
    assert md_cells([""]) == [""]
    assert md_cells(["", " a_ ", ""]) == ["", "a\\_", ""]
    assert md_cells(["a\r", "b"]) == ["a", "b"]  # a CR before the joining LF
    assert md_cells(["x\ny", "|"]) == ["x y", "\\|"]
    assert md_cells([1, None]) == ["1", "None"]
    # Each ASCII control (and DEL) in an otherwise plain ASCII batch, and beside é.
    for c in [*range(0x20), 0x7F]:
        for batch in (["a_b", f"x{chr(c)}y", "z"], ["é", f"{chr(c)}"]):
            assert md_cells(batch) == [reference(t) for t in batch], hex(c)


def test_every_character_the_table_rewrites_is_unprintable() -> None:
    # md_cells takes `str.isprintable` as "nothing but punctuation to escape".
    assert [hex(c) for c in _ONE_LINE if chr(c).isprintable()] == []
