"""The JSON report as streamed: strict JSON whatever the evidence holds (NaN, huge
integers, non-string keys), written in ~1 MB pieces, shared evidence encoded once."""

from __future__ import annotations

import json
import math
from typing import Any

from test_report_json import REG, REG2, make_run

from aciaudit.reports import json_report
from aciaudit.reports.json_report import dumps, encode, write_json
from aciaudit.run import Run
from checks.model import Evidence, Result, Status


def run_with(*results: Result) -> Run:
    base = make_run()
    return Run(base.snapshot, base.index, list(results), base.catalogue, generated_at="x")


def strict_load(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_floats_become_null_and_huge_ints_survive() -> None:
    observed = {"nan": math.nan, "inf": -math.inf, 1: "int key", "big": 2**70}
    ev = Evidence("p", observed, "x")
    doc = strict_load(dumps(run_with(Result("ACR-001", REG, Status.PASS, "ok", (ev,)))))
    [got] = doc["results"][0]["evidence"]
    assert got["observed"] == {"nan": None, "inf": None, "1": "int key", "big": 2**70}


def test_encode_is_sorted_and_compact() -> None:
    assert encode({"b": 1, "a": [1.5, None]}) == b'{"a":[1.5,null],"b":1}'


def test_shared_evidence_is_written_in_full_for_every_result() -> None:
    shared = Evidence("roleAssignments", {"identity": "i", "role": "Reader", "scope": "/s"}, "x")
    doc = json.loads(
        dumps(
            run_with(
                Result("ACR-001", REG, Status.PASS, "ok", (shared,)),
                Result("ACR-001", REG2, Status.PASS, "ok", (shared, Evidence("q", 1, "y"))),
            )
        )
    )
    first, second = (r["evidence"] for r in doc["results"])
    assert first == [shared.to_dict()]
    assert second == [shared.to_dict(), {"path": "q", "observed": 1, "expected": "y"}]


def test_written_in_pieces_of_about_a_megabyte(monkeypatch: Any) -> None:
    monkeypatch.setattr(json_report, "CHUNK", 4096)
    ev = Evidence("p", "v" * 500, "x")
    results = [Result("ACR-001", REG, Status.PASS, f"ok {i}", (ev,)) for i in range(200)]
    pieces: list[str] = []
    write_json(run_with(*results), pieces.append)
    body = pieces[1:]  # after the head
    assert len(body) > 10
    assert all(len(p.encode()) < 4096 + 2000 for p in body)
    doc = strict_load("".join(pieces))
    assert [r["message"] for r in doc["results"]] == [f"ok {i}" for i in range(200)]
