"""The JSON report matches its schema, and its summary matches its results."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from aciaudit.reports.json_report import dumps
from aciaudit.run import Run
from checks.index import Index
from checks.model import Evidence, Result, Severity, Status, Target, passed
from checks.registry import Catalogue, Check
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot, Subscription

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "schemas" / "report.schema.json").read_text("utf-8")
)
SUB = "00000000-1111-4222-8333-444444444444"
ACR = "Microsoft.ContainerRegistry/registries"
REG = f"/subscriptions/{SUB}/resourceGroups/rg/providers/{ACR}/reg|1 <x>"
REG2 = f"/subscriptions/{SUB}/resourceGroups/rg/providers/{ACR}/reg2"


def make_check(cid: str, sev: Severity, sections: tuple[str, ...], az: str | None = None) -> Check:
    return Check(
        id=cid,
        title=f"Title of {cid}",
        severity=sev,
        sections=sections,
        target=Target.REGISTRY if cid.startswith("ACR") else Target.SUBSCRIPTION,
        rationale="why",
        remediation="fix",
        learn_url="https://learn.microsoft.com/x",
        references=("MCSB IM-1",),
        az=az,
        evaluate=None if cid.startswith("MAN") else (lambda r, c: passed("ok")),
    )


def make_run(kind: str = "live") -> Run:
    cat = Catalogue(
        [
            make_check("ACR-001", Severity.HIGH, ("S3",), "az acr update --name {name}"),
            make_check("ACR-005", Severity.LOW, ("S13",)),
            make_check("SUB-001", Severity.HIGH, ("S2",)),
            make_check("MAN-001", Severity.INFO, ("S4", "S5")),
        ]
    )
    snap = Snapshot(
        resources=[{"id": REG, "type": ACR}, {"id": REG2, "type": ACR}],
        coverage=[
            CoverageEntry(f"/subscriptions/{SUB}", ACR, CoverageStatus.COLLECTED, "2025-04-01"),
            CoverageEntry(
                f"/subscriptions/{SUB}",
                "Microsoft.Security/pricings",
                CoverageStatus.DENIED,
                detail="AuthorizationFailed",
            ),
        ],
        subscriptions=[Subscription(SUB, "Prod", "Enabled", "tenant")],
        collected_at="2026-11-01T10:00:00Z",
        source={"kind": kind, "tenant_id": "tenant"},
    )
    ev = Evidence("properties.adminUserEnabled", True, "false", note="since 2024")
    results = [
        Result("ACR-001", REG, Status.FAIL, "admin on", (ev,)),
        Result("ACR-001", REG2, Status.PASS, "admin off", (Evidence("p", {"a": [1]}, "x"),)),
        Result("ACR-005", REG, Status.FAIL, "basic sku"),
        Result("ACR-005", REG2, Status.NOT_APPLICABLE, "n/a"),
        Result("SUB-001", f"/subscriptions/{SUB}", Status.NOT_ASSESSED, "pricings denied"),
        Result("MAN-001", "/", Status.MANUAL, "attest"),
    ]
    return Run(snap, Index(snap), results, cat, generated_at="2026-11-02T00:00:00Z")


def errors(doc: Any) -> list[str]:
    return [e.message for e in Draft202012Validator(SCHEMA).iter_errors(doc)]


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("kind", ["live", "demo"])
def test_report_validates(kind: str) -> None:
    doc = json.loads(dumps(make_run(kind)))
    assert errors(doc) == []
    assert doc["snapshot"]["demo"] is (kind == "demo")


def test_empty_run_validates() -> None:
    snap = Snapshot(resources=[], coverage=[])
    doc = json.loads(dumps(Run(snap, Index(snap), [], Catalogue())))
    assert errors(doc) == []
    assert doc["summary"]["score"] == 0


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        (("results", 0, "status"), "BROKEN"),
        (("results", 0, "severity"), "urgent"),
        (("results", 0, "check_id"), "XYZ-001"),
        (("checks", 0, "sections"), ["S18"]),
        (("snapshot", "coverage", 1, "status"), "forbidden"),
        (("summary", "status_counts", "FAIL"), -1),
        (("results", 0, "remediation_command"), 7),
    ],
)
def test_schema_rejects_bad_values(where: tuple[Any, ...], bad: Any) -> None:
    doc = json.loads(dumps(make_run()))
    doc = copy.deepcopy(doc)
    target = doc
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = bad
    assert errors(doc)


def test_schema_rejects_missing_and_unknown_keys() -> None:
    doc = json.loads(dumps(make_run()))
    del doc["summary"]["status_counts"]["MANUAL"]
    assert errors(doc)
    doc = json.loads(dumps(make_run()))
    doc["results"][0]["extra"] = 1
    assert errors(doc)


def test_counts_match_results() -> None:
    doc = json.loads(dumps(make_run()))
    results = doc["results"]
    statuses = Counter(r["status"] for r in results)
    assert doc["summary"]["status_counts"] == {s.value: statuses[s.value] for s in Status}
    fails = Counter(r["severity"] for r in results if r["status"] == "FAIL")
    assert doc["summary"]["fail_counts_by_severity"] == {s.value: fails[s.value] for s in Severity}
    assert doc["summary"]["fail_counts_by_severity"]["high"] == 1
    assert doc["snapshot"]["resource_counts"] == {ACR: 2}


def test_results_keep_run_order_and_carry_check_metadata() -> None:
    run = make_run()
    doc = json.loads(dumps(run))
    assert [(r["check_id"], r["resource_id"]) for r in doc["results"]] == [
        (r.check_id, r.resource_id) for r in run.results
    ]
    first = doc["results"][0]
    assert first["title"] == "Title of ACR-001" and first["severity"] == "high"
    assert first["section"] == "S3" and first["sections"] == ["S3"]
    assert first["evidence"] == [
        {"path": "properties.adminUserEnabled", "observed": True, "expected": "false",
         "note": "since 2024"}
    ]  # fmt: skip
    assert first["remediation_command"] == "az acr update --name 'reg|1 <x>'"
    # No fix is offered where nothing failed, nor where the check has no command.
    assert [r["remediation_command"] for r in doc["results"][1:]] == [None] * 5
    assert [c["id"] for c in doc["checks"]] == ["ACR-001", "ACR-005", "SUB-001", "MAN-001"]
    assert doc["checks"][3]["sections"] == ["S4", "S5"]


def test_dumps_is_stable_and_keeps_unicode() -> None:
    run = make_run()
    run.snapshot.subscriptions[0] = Subscription(SUB, "Prød ✓", "Enabled", "tenant")
    run = Run(run.snapshot, Index(run.snapshot), run.results, run.catalogue, run.generated_at)
    text = dumps(run)
    assert text == dumps(run)
    assert "Prød ✓" in text
    assert text.startswith('{\n  "catalogue_version"')


def test_keys_that_are_not_strings_read_the_same_on_either_encoder() -> None:
    # orjson writes True/None keys as true/null; a value it refuses (an integer beyond
    # 64 bits) sends the whole value through the standard encoder, which must agree.
    from aciaudit.reports.json_report import encode

    plain = {True: 1, None: 2, 3: "x", "k": [1.5]}
    big = {**plain, "big": 2**70}
    via_orjson = json.loads(encode(plain))
    via_standard = json.loads(encode(big))
    assert via_orjson == {"true": 1, "null": 2, "3": "x", "k": [1.5]}
    assert {k: v for k, v in via_standard.items() if k != "big"} == via_orjson
