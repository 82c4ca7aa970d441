"""The Markdown findings' rows as the report's caches build them: an observation is
cached with its value's type (`1`, `1.0` and `true` compare equal but read differently),
and where the line buffer cuts its chunks never changes the text."""

from __future__ import annotations

from dataclasses import replace

from test_report_json import REG, REG2, make_run

from aciaudit.reports.markdown import render_markdown
from aciaudit.reports.md_blocks import Lines
from checks.model import Evidence, Result, Status


def _evidence_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.split(" | ")[1:2] == ["sku.capacity"]]


def test_equal_observations_of_different_types_keep_their_own_json() -> None:
    results = [
        Result("ACR-001", REG, Status.FAIL, "one", (Evidence("sku.capacity", 1, "2"),)),
        Result("ACR-001", REG2, Status.FAIL, "true", (Evidence("sku.capacity", True, "2"),)),
        Result("ACR-001", REG2, Status.FAIL, "float", (Evidence("sku.capacity", 1.0, "2"),)),
    ]
    text = render_markdown(replace(make_run(), results=results))
    observed = [row.split(" | ")[2] for row in _evidence_rows(text)]
    assert observed == ["1", "true", "1.0"]


def test_the_same_observation_on_many_resources_reads_the_same_in_each_row() -> None:
    ev = Evidence("sku.capacity", {"n": "a|b"}, "<2>", "note_1")
    results = [
        Result("ACR-001", rid, Status.FAIL, f"r{i}", (ev, Evidence(ev.path, {"n": "a|b"}, "<2>")))
        for i, rid in enumerate((REG, REG2, REG))
    ]
    rows = _evidence_rows(render_markdown(replace(make_run(), results=results)))
    tails = [row.split(" | ", 1)[1] for row in rows]
    assert len(tails) == 6
    assert set(tails[0::2]) == {'sku.capacity | {"n": "a\\|b"} | &lt;2&gt; | note\\_1 |'}
    assert set(tails[1::2]) == {'sku.capacity | {"n": "a\\|b"} | &lt;2&gt; |  |'}


def _written(lines: list[str], chunk: int) -> tuple[str, int]:
    writes: list[str] = []
    out = Lines(writes.append)
    out.CHUNK = chunk  # type: ignore[misc]  # smaller chunks for the test, on one buffer
    for i, line in enumerate(lines):
        if i % 3:
            out.append(line)
        else:
            out.extend([line])
    out.finish()
    return "".join(writes), len(writes)


def test_chunk_boundaries_do_not_change_the_text() -> None:
    lines = ["# t", "", "a", "", "", "b", "", "| x |", "", ""]
    whole, _ = _written(lines, 10_000)
    assert whole == "# t\n\na\n\n\nb\n\n| x |\n"
    for chunk in range(1, len(lines) + 1):
        text, writes = _written(lines, chunk)
        assert text == whole, chunk
        if chunk == 1:
            assert writes > 3  # the buffer did flush along the way


def test_a_list_larger_than_a_chunk_is_written_in_chunks() -> None:
    writes: list[str] = []
    out = Lines(writes.append)
    out.extend([str(i) for i in range(Lines.CHUNK * 2 + 5)])
    assert len(writes) == 2
    out.finish()
    assert "".join(writes) == "".join(f"{i}\n" for i in range(Lines.CHUNK * 2 + 5))


def test_a_status_given_as_a_plain_string_is_grouped_as_its_member() -> None:
    from aciaudit.reports.md_context import Report

    members = [
        Result("ACR-001", REG, Status.FAIL, "f", (Evidence("sku.capacity", 1, "2"),)),
        Result("ACR-001", REG2, Status.NOT_ASSESSED, "denied"),
        Result("ACR-001", REG2, Status.FAIL, "g"),
        Result("ACR-005", REG, Status.PASS, "ok"),
    ]
    plain = [r._replace(status=str(r.status.value)) for r in members]
    assert all(type(r.status) is str for r in plain)
    for results in (members, plain):
        report = Report(replace(make_run(), results=results), lambda _: None)
        assert report.check_ids == ["ACR-001", "ACR-005"]
        assert [report.count("ACR-001", s) for s in Status] == [2, 0, 1, 0, 0]
        assert report.count("ACR-005", Status.PASS) == 1
        assert [r.message for r in report.listed("ACR-001", Status.FAIL)] == ["f", "g"]
        assert [r.message for r in report.listed("ACR-001", Status.NOT_ASSESSED)] == ["denied"]
        assert report.listed("ACR-005", Status.PASS) == []


def test_equal_dicts_lists_and_floats_of_different_types_keep_their_own_json() -> None:
    from aciaudit.escape import md_cell
    from aciaudit.reports.md_evidence import EvidenceTails

    shared = {"b": 1, "a": "x"}
    values = [
        {"a": 1},
        {"a": True},
        {"a": 1.0},
        [1, "x"],
        [True, "x"],
        0.0,
        -0.0,
        {"a": {"b": 1}},
        {"a": {"b": True}},
        shared,
        shared,
        {"a": "x", "b": 1},  # the same dict in another order: the same JSON
        (1,),
        (True,),
    ]
    tails = EvidenceTails(str)
    json_texts = [
        '{"a": 1}',
        '{"a": true}',
        '{"a": 1.0}',
        '[1, "x"]',
        '[true, "x"]',
        "0.0",
        "-0.0",
        '{"a": {"b": 1}}',
        '{"a": {"b": true}}',
        '{"a": "x", "b": 1}',
        '{"a": "x", "b": 1}',
        '{"a": "x", "b": 1}',
        "[1]",
        "[true]",
    ]
    expected = [md_cell(text) for text in json_texts]  # `[` is escaped
    assert tails.observed(values) == expected
    assert tails.observed(values[::-1]) == expected[::-1]  # from the cache, the same
    rows = tails.of([Evidence("p", v, "e") for v in values])
    assert [row.split(" | ")[1] for row in rows] == expected
