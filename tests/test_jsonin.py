"""A lone UTF-16 half in JSON read from outside (`"\\ud800"`) becomes U+FFFD where it is
read: before, a snapshot holding one made the JSON and Markdown reports fail with exit 4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import DATA
from hypothesis import given
from hypothesis import strategies as st

from aciaudit import jsonin
from aciaudit.cli import main

HOSTILE = DATA / "hostile" / "estate" / "estate.json"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"a\\ud800b"', "a\ufffdb"),
        ('"\\udc00"', "\ufffd"),
        ('"\\ud83d"', "\ufffd"),
        ('"\\ud800\\ud83d\\ude00"', "\ufffd\U0001f600"),
        ('"\\ud83d\\ude00"', "\U0001f600"),  # a pair is one character: kept
        ('"\\\\ud800"', "\\ud800"),  # an escaped backslash, then text
        ('"\\u00e9\\ud7ff"', "\u00e9\ud7ff"),
    ],
)
def test_lone_halves_become_the_replacement_character(text: str, value: str) -> None:
    assert jsonin.loads(text) == value
    assert jsonin.loads(text.encode()) == value


def test_keys_and_nested_values_are_cleaned() -> None:
    doc = jsonin.loads('{"\\udc00k": [{"b": ["\\udfff"]}], "ok": "\\ud83d\\ude00"}')
    assert doc == {"\ufffdk": [{"b": ["\ufffd"]}], "ok": "\U0001f600"}


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_what_comes_out_always_encodes_as_utf8(value: object) -> None:
    # Whatever text the reader is given, nothing read can fail a UTF-8 writer.
    json.dumps(jsonin.loads(json.dumps(value)), ensure_ascii=False).encode("utf-8")


def test_a_snapshot_with_lone_halves_reports_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = HOSTILE.read_text(encoding="utf-8")
    group = '"name": "hostile-app"'
    assert group in doc
    snapshot = tmp_path / "estate.json"
    snapshot.write_text(doc.replace(group, '"name": "hostile\\ud800-app"'), encoding="utf-8")
    out = tmp_path / "reports"
    formats = "markdown,json,sarif,csv,html"
    assert main(["scan", "--snapshot", str(snapshot), "--format", formats, "-o", str(out)]) == 0
    capsys.readouterr()
    for name in ("report.md", "report.html", "report.csv"):
        assert "hostile\ufffd-app" in (out / name).read_text(encoding="utf-8"), name
    json.loads((out / "report.json").read_text(encoding="utf-8"))  # strict UTF-8, valid
