"""Each result line of the JSON report is exactly the key-sorted compact encoding of the
result as the report states it, however the writer assembles it (from bytes per check,
one orjson call for the evidence, the standard encoder when orjson refuses)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from typing import Any

from test_report_json import REG, REG2, SUB, make_run

from aciaudit.reports.json_report import dumps, encode
from aciaudit.run import Run
from checks.model import Evidence, Result, Status
from checks.policy import Suppression

PROFILE = (
    f"/subscriptions/{SUB}/resourceGroups/rg/providers/"
    "Microsoft.ContainerInstance/containerGroupProfiles/prof"
)


def reference(run: Run, result: Result) -> dict[str, Any]:
    """What the report says of one result, built the plain way."""
    chk = run.catalogue[result.check_id]
    doc: dict[str, Any] = {
        "check_id": result.check_id,
        "resource_id": result.resource_id,
        "status": result.status.value,
        "message": result.message,
        "evidence": [ev.to_dict() for ev in result.evidence],
        "severity": chk.severity.value,
        "section": chk.section,
        "sections": list(chk.sections),
        "title": chk.title,
        "remediation_command": None,
    }
    if result.resource_id == PROFILE:
        doc["resource_kind"] = "profile"
    if result.status is Status.FAIL:
        doc["remediation_command"] = chk.az_for(result.resource_id)
        if (rule := run.suppressions.get((result.check_id, result.resource_id))) is not None:
            doc["suppressed"] = rule.to_dict()
        elif rule := run.expired_suppressions.get((result.check_id, result.resource_id)):
            doc["suppression_expired"] = rule.to_dict()
    return doc


def result_lines(text: str) -> list[str]:
    body = text[text.index('"results": [\n') + len('"results": [\n') :]
    return [line.strip().rstrip(",") for line in body.splitlines()[:-2]]


def varied_run() -> Run:
    base = make_run()
    unsorted = Evidence("p", {"z": 1, "a": {"y": [2, {"d": 1, "c": None}], "b": "é ✓"}}, "x")
    shared = Evidence("roleAssignments", {"role": "Reader", "identity": "i"}, "no Owner")
    results = [
        Result("ACR-001", REG, Status.FAIL, 'admin "on"\n', (unsorted, shared)),
        Result("ACR-001", REG2, Status.FAIL, "expired rule", (shared,)),
        Result("ACR-001", PROFILE, Status.FAIL, "a profile", (shared, unsorted)),
        Result("ACR-005", PROFILE, Status.PASS, "profile pass", (Evidence("q", 1.5, "y", "n"),)),
        Result("ACR-005", REG, Status.NOT_ASSESSED, "no evidence"),
        Result("SUB-001", f"/subscriptions/{SUB}", Status.PASS, "ok", (shared,)),
        Result("MAN-001", "/", Status.MANUAL, "attest"),
    ]
    keep = Suppression("ACR-001", REG, "accepted", date(2999, 1, 1), "me")
    gone = Suppression("ACR-001", REG2, "was accepted", date(2000, 1, 1))
    return replace(
        base,
        results=results,
        suppressions={("ACR-001", REG): keep},
        expired_suppressions={("ACR-001", REG2): gone},
    )


def test_every_line_is_the_sorted_compact_encoding_of_the_result() -> None:
    run = varied_run()
    lines = result_lines(dumps(run))
    assert len(lines) == len(run.results)
    for line, result in zip(lines, run.results, strict=True):
        assert line == encode(reference(run, result)).decode()
    # The cases the assembly distinguishes are all there.
    docs = [json.loads(line) for line in lines]
    assert [d.get("resource_kind") for d in docs].count("profile") == 2
    assert "suppressed" in docs[0] and "suppression_expired" in docs[1]
    assert docs[0]["remediation_command"] == "az acr update --name 'reg|1 <x>'"
    assert docs[3]["remediation_command"] is None


def test_a_result_orjson_refuses_takes_the_standard_encoder_whole() -> None:
    """A huge integer anywhere in a result: that whole line as `encode` writes it."""
    base = make_run()
    huge = Evidence("p", {"big": 2**70, "nan": math.nan, 3: "int key"}, "x")
    results = [
        Result("ACR-001", REG, Status.FAIL, "huge", (Evidence("q", 0.1, "y"), huge)),
        Result("ACR-001", REG2, Status.PASS, "fine", (Evidence("q", 0.1, "y"),)),
    ]
    run = replace(base, results=results)
    lines = result_lines(dumps(run))
    assert lines == [encode(reference(run, r)).decode() for r in results]
    assert json.loads(lines[0])["evidence"][1]["observed"] == {
        "big": 2**70,
        "nan": None,
        "3": "int key",
    }
