"""The SARIF report validates against the official 2.1.0 schema and carries only open FAILs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from aciaudit.reports import render
from aciaudit.reports.sarif import SECURITY_SEVERITY, fingerprint
from aciaudit.run import Run, audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.model import Severity, Status

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def demo_run() -> Run:
    return audit(load_demo(), DEMO_POLICY)


def validate(doc: dict) -> None:
    Draft4Validator.check_schema(SCHEMA)
    errors = sorted(
        Draft4Validator(SCHEMA, format_checker=FormatChecker()).iter_errors(doc), key=str
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_demo_sarif_is_valid_against_the_official_schema(demo_run: Run) -> None:
    text = render(demo_run, "sarif")
    assert text.endswith("}\n")
    doc = json.loads(text)
    validate(doc)
    assert doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    fails = [r for r in demo_run.results if r.status is Status.FAIL]
    assert len(sarif_run["results"]) == len(fails) > 0


def test_one_rule_per_check_with_help_and_security_severity(demo_run: Run) -> None:
    driver = json.loads(render(demo_run, "sarif"))["runs"][0]["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules) == [c.id for c in demo_run.catalogue]
    for chk in demo_run.catalogue:
        rule = rules[chk.id]
        assert rule["shortDescription"]["text"] == chk.title
        assert chk.rationale in rule["help"]["text"]
        assert chk.remediation in rule["help"]["text"]
        assert rule["properties"]["security-severity"] == SECURITY_SEVERITY[chk.severity]
        float(rule["properties"]["security-severity"])
        assert set(chk.sections) <= set(rule["properties"]["tags"])
        if chk.learn_url:
            assert rule["helpUri"] == chk.learn_url


def test_results_point_at_resources_with_stable_fingerprints(demo_run: Run) -> None:
    doc = json.loads(render(demo_run, "sarif"))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for item in doc["runs"][0]["results"]:
        (loc,) = item["locations"][0]["logicalLocations"]
        assert loc["kind"] == "resource"
        rid = loc["fullyQualifiedName"]
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["partialFingerprints"]["aciAuditFinding/v1"] == fingerprint(item["ruleId"], rid)
        sev = Severity(item["properties"]["severity"])
        assert item["level"] == {"critical": "error", "high": "error", "medium": "warning"}.get(
            sev.value, "note"
        )
    # Same check and resource → same fingerprint, whatever the case of the id.
    assert fingerprint("ACR-001", "/subscriptions/A/x") == fingerprint(
        "ACR-001", "/SUBSCRIPTIONS/a/X"
    )
    assert fingerprint("ACR-001", "/x") != fingerprint("ACR-002", "/x")


def test_suppressed_fail_is_left_out(demo_run: Run) -> None:
    fail = next(r for r in demo_run.results if r.status is Status.FAIL)
    run = Run(demo_run.snapshot, demo_run.index, demo_run.results, demo_run.catalogue)
    run.suppressions[(fail.check_id, fail.resource_id)] = {"reason": "accepted risk"}
    assert run.suppression(fail) is not None
    doc = json.loads(render(run, "sarif"))
    validate(doc)
    keys = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
        for r in doc["runs"][0]["results"]
    }
    assert (fail.check_id, fail.resource_id) not in keys
    assert len(keys) == demo_run.status_counts[Status.FAIL] - 1
    assert doc["runs"][0]["properties"]["suppressedFailures"] == 1


def test_no_failures_still_valid(demo_run: Run) -> None:
    run = Run(
        demo_run.snapshot,
        demo_run.index,
        [r for r in demo_run.results if r.status is not Status.FAIL],
        demo_run.catalogue,
    )
    doc = json.loads(render(run, "sarif"))
    validate(doc)
    assert doc["runs"][0]["results"] == []
