"""`--format azure-policy`: the export validates, names the built-ins of every failing
check that has one, and the generated approved-registries rule denies an image from an
unapproved registry (its logic run by a small evaluator of the policy language subset it
uses)."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from fixtures import DATA
from jsonschema import Draft4Validator, Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from aciaudit.reports import render
from aciaudit.reports.azure_policy import (
    ALIAS_CONTAINERS,
    ALIAS_IMAGE,
    CUSTOM_NAME,
    approved_registries_rule,
)
from aciaudit.run import Run, audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.model import Status

POLICY_DIR = DATA / "azure-policy" / "schemas"
RULE_SCHEMA = json.loads((POLICY_DIR / "policyDefinition.2020-10-01.json").read_text("utf-8"))
ENVELOPE = json.loads((POLICY_DIR / "envelope.schema.json").read_text("utf-8"))
# The rule schema's two references outside itself: ARM's template-expression string
# (common/definitions.json: a string in [ ]) and a deployment body the export never writes.
EXTERNAL = {
    "https://schema.management.azure.com/schemas/common/definitions.json": {
        "definitions": {"expression": {"type": "string", "pattern": "^\\[([^\\[].*)?\\]$"}}
    },
    "https://schema.management.azure.com/schemas/2018-05-01/Microsoft.Resources.json": {
        "definitions": {"DeploymentProperties": {"type": "object"}}
    },
}
REGISTRY: Registry = Registry().with_resources(
    (uri, Resource.from_contents(doc, default_specification=DRAFT4))
    for uri, doc in EXTERNAL.items()
)


@pytest.fixture(scope="module")
def demo_run() -> Run:
    return audit(load_demo(), DEMO_POLICY)


@pytest.fixture(scope="module")
def export(demo_run: Run) -> dict[str, Any]:
    return json.loads(render(demo_run, "azure-policy"))


def rule_errors(rule: dict[str, Any]) -> list[str]:
    validator = Draft4Validator(RULE_SCHEMA, registry=REGISTRY)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(rule)]


def test_the_export_validates(export: dict[str, Any]) -> None:
    Draft4Validator.check_schema(RULE_SCHEMA)
    errors = [e.message for e in Draft7Validator(ENVELOPE).iter_errors(export)]
    assert errors == []
    assert [d["name"] for d in export["customDefinitions"]] == [CUSTOM_NAME]
    for definition in export["customDefinitions"]:
        assert rule_errors(definition["properties"]["policyRule"]) == []


def test_the_rule_schema_catches_a_broken_rule() -> None:
    assert rule_errors({"if": {"field": "type"}, "then": {"effect": "audit"}})
    assert rule_errors({"if": {"field": "type", "equals": "x"}, "then": {"effect": "explode"}})


def test_every_failing_check_with_a_built_in_is_named(
    demo_run: Run, export: dict[str, Any]
) -> None:
    referenced = {
        r["policyDefinitionId"] for r in export["initiative"]["properties"]["policyDefinitions"]
    }
    separate = {s["policyDefinitionId"] for s in export["assignSeparately"]}
    failing = {r.check_id for r in demo_run.results if r.status is Status.FAIL}
    named = 0
    for chk in demo_run.catalogue:
        audits = [p for p in chk.policies if p.role == "audit"]
        if chk.id in failing and audits:
            for p in audits:
                assert p.definition_id in referenced | separate, (chk.id, p.guid)
                assert p.definition_id.startswith(
                    "/providers/Microsoft.Authorization/policyDefinitions/"
                )
                named += 1
        if chk.id not in failing:
            assert chk.id not in export["failingChecks"]
    assert named >= 15
    # Each reference's effect is an initiative parameter allowing only that built-in's effects.
    params = export["initiative"]["properties"]["parameters"]
    for ref in export["initiative"]["properties"]["policyDefinitions"]:
        name = re.fullmatch(r"\[parameters\('([^']+)'\)\]", ref["parameters"]["effect"]["value"])
        assert name and name[1] in params
        assert params[name[1]]["defaultValue"] in params[name[1]]["allowedValues"]


def test_nothing_is_referenced_when_nothing_fails(demo_run: Run) -> None:
    run = demo_run.subset([r for r in demo_run.results if r.status is not Status.FAIL])
    doc = json.loads(render(run, "azure-policy"))
    assert doc["initiative"]["properties"]["policyDefinitions"] == []
    assert doc["customDefinitions"] == [] and doc["failingChecks"] == {}


# --- the approved-registries rule, evaluated ------------------------------------------


def expression(text: str, env: dict[str, Any]) -> Any:
    """The template functions the rule uses: parameters, current, split, first."""
    if not (text.startswith("[") and text.endswith("]")):
        return text
    return _call(text[1:-1].strip(), env)


def _call(src: str, env: dict[str, Any]) -> Any:
    src = src.strip()
    if src.startswith("'") and src.endswith("'"):
        return src[1:-1]
    m = re.fullmatch(r"(\w+)\((.*)\)", src, re.S)
    assert m, src
    name, args = m[1], _split_args(m[2])
    values = [_call(a, env) for a in args]
    if name == "parameters":
        return env["parameters"][values[0]]
    if name == "current":
        return env["current"][values[0]]
    if name == "split":
        return values[0].split(values[1])
    if name == "first":
        return values[0][0]
    raise AssertionError(f"unsupported function {name}")


def _split_args(text: str) -> list[str]:
    out, depth, quote, cur = [], 0, False, ""
    for ch in text:
        if ch == "'":
            quote = not quote
        if not quote and ch == "(":
            depth += 1
        if not quote and ch == ")":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [a for a in (*out, cur) if a.strip()]


def field(resource: dict[str, Any], alias: str, env: dict[str, Any]) -> Any:
    if alias == "type":
        return resource["type"]
    if alias in env["current"]:
        return env["current"][alias]
    raise AssertionError(f"unsupported field {alias}")


def holds(cond: dict[str, Any], resource: dict[str, Any], env: dict[str, Any]) -> bool:
    if "allOf" in cond:
        return all(holds(c, resource, env) for c in cond["allOf"])
    if "anyOf" in cond:
        return any(holds(c, resource, env) for c in cond["anyOf"])
    if "not" in cond:
        return not holds(cond["not"], resource, env)
    if "count" in cond:
        subject: Any = count(cond["count"], resource, env)
    elif "field" in cond:
        subject = field(resource, cond["field"], env)
    else:
        subject = expression(cond["value"], env)
    if "equals" in cond:
        want = (
            expression(cond["equals"], env) if isinstance(cond["equals"], str) else cond["equals"]
        )
        return subject.lower() == want.lower() if isinstance(subject, str) else subject == want
    if "greater" in cond:
        return subject > cond["greater"]
    if "like" in cond:
        pattern = expression(cond["like"], env)
        assert pattern.count("*") <= 1, "Azure's like allows one wildcard"
        return fnmatch.fnmatchcase(subject.lower(), pattern.lower().replace("?", "[?]"))
    if "notIn" in cond:
        return subject.lower() not in [v.lower() for v in expression(cond["notIn"], env)]
    raise AssertionError(f"unsupported condition {cond}")


def count(spec: dict[str, Any], resource: dict[str, Any], env: dict[str, Any]) -> int:
    if "field" in spec:
        assert spec["field"] == ALIAS_CONTAINERS
        members = resource["properties"]["containers"]
        n = 0
        for member in members:
            inner = {
                **env,
                "current": {**env["current"], ALIAS_IMAGE: member["properties"]["image"]},
            }
            n += holds(spec["where"], resource, inner) if "where" in spec else 1
        return n
    values = expression(spec["value"], env)
    n = 0
    for value in values:
        inner = {**env, "current": {**env["current"], spec["name"]: value}}
        n += holds(spec["where"], resource, inner) if "where" in spec else 1
    return n


def applies(images: list[str], approved: list[str]) -> bool:
    group = {
        "type": "Microsoft.ContainerInstance/containerGroups",
        "properties": {"containers": [{"properties": {"image": i}} for i in images]},
    }
    env = {"parameters": {"approvedRegistries": approved, "effect": "Deny"}, "current": {}}
    rule = approved_registries_rule()
    assert rule["then"]["effect"] == "[parameters('effect')]"
    return holds(rule["if"], group, env)


APPROVED = ["contoso.azurecr.io", "mcr.microsoft.com", "*.fabrikam.io"]


@pytest.mark.parametrize(
    ("images", "denied"),
    [
        (["contoso.azurecr.io/app:1"], False),
        (["CONTOSO.azurecr.io/app@sha256:" + "a" * 64], False),
        (["mcr.microsoft.com/dotnet/runtime:8.0", "contoso.azurecr.io/x:1"], False),
        (["reg.fabrikam.io/tools:2"], False),
        (["docker.io/library/nginx:latest"], True),
        (["nginx"], True),
        (["contoso.azurecr.io/app:1", "evil.example/miner:1"], True),
        (["contoso.azurecr.io.evil.example/app:1"], True),
        (["evil.example/contoso.azurecr.io/app:1"], True),
    ],
)
def test_the_rule_denies_images_from_unapproved_registries(images: list[str], denied: bool) -> None:
    assert applies(images, APPROVED) is denied


def test_with_no_approved_registry_every_image_is_denied() -> None:
    assert applies(["contoso.azurecr.io/app:1"], []) is True


def test_the_custom_definition_carries_the_policy_files_registries(demo_run: Run) -> None:
    policy = replace(demo_run.policy, approved_registries=("a.azurecr.io",))
    run = replace(demo_run, policy=policy)
    doc = json.loads(render(run, "azure-policy"))
    params = doc["customDefinitions"][0]["properties"]["parameters"]
    assert params["approvedRegistries"]["defaultValue"] == ["a.azurecr.io"]
    assert params["effect"]["allowedValues"] == ["Audit", "Deny", "Disabled"]
    assert "resourceTypes/aliases" in doc["customDefinitions"][0]["properties"]["description"]
