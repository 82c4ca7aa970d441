"""The demo estate (`aci-audit scan --demo`) shows every check at work.

With the demo policy, every automated check has at least one FAIL and one PASS, and
NOT_ASSESSED appears for each of its reasons. The JSON holds no secret value: only
redaction markers. And it is exactly what `scripts/build_demo_estate.py` generates.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fixtures import CATALOGUE_CONTRACT

from aciaudit.secrets import find_secrets
from aciaudit.sources.demo import DEMO_NOTICE, DEMO_POLICY, load_demo
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.model import Result, Status
from checks.secret_markers import MARKER_RE, parse_marker

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "scripts" / "build_demo_estate.py"
# Checks the demo cannot decide: it ships no vulnerability reports (scan --vulns).
RESERVED = {"ACR-016", "ACI-029"}
GROUPS = "microsoft.containerinstance/containergroups"


@cache
def results() -> tuple[Result, ...]:
    return tuple(evaluate(Index(load_demo()), DEMO_POLICY))


def statuses() -> dict[str, set[Status]]:
    out: dict[str, set[Status]] = defaultdict(set)
    for r in results():
        out[r.check_id].add(r.status)
    return out


def raw_demo() -> dict[str, Any]:
    text = resources.files("aciaudit.data").joinpath("demo_estate.json").read_text("utf-8")
    return json.loads(text)


def automated_ids() -> list[str]:
    return [c.id for c in load_catalogue() if not c.is_manual and c.id not in RESERVED]


def test_demo_is_a_real_multi_subscription_estate() -> None:
    snap = load_demo()
    index = Index(snap)
    assert snap.is_demo
    assert "Fabrikam" in DEMO_NOTICE
    assert len(index.subscriptions) >= 2
    assert len(index.of_type("Microsoft.ContainerRegistry/registries")) >= 3
    assert len(index.of_type(GROUPS)) >= 10


@pytest.mark.parametrize("check_id", automated_ids())
def test_every_automated_check_both_fails_and_passes(check_id: str) -> None:
    seen = statuses()[check_id]
    assert {Status.FAIL, Status.PASS} <= seen, f"{check_id} only gives {sorted(seen)}"


def test_reserved_checks_are_not_assessed_and_manual_items_manual() -> None:
    seen = statuses()
    for check_id in RESERVED:
        assert seen[check_id] == {Status.NOT_ASSESSED}
    manual = [c.id for c in load_catalogue() if c.is_manual]
    contracted = json.loads(CATALOGUE_CONTRACT.read_text())["checks"]
    assert manual == [cid for cid, c in contracted.items() if c["manual"]]
    for check_id in manual:
        assert seen[check_id] == {Status.MANUAL}


def test_the_demo_has_results_for_every_contracted_check_id() -> None:
    contracted = json.loads(CATALOGUE_CONTRACT.read_text())["checks"]
    assert set(contracted) == {r.check_id for r in results()}


@pytest.mark.parametrize(
    ("reason", "pattern"),
    [
        ("a denied listing", r" denied \(AuthorizationFailed: "),
        ("a failed listing", r" failed \(InternalServerError after 4 attempts\)"),
        ("a kind not collected", r" not collected"),
        ("a property absent at an older api-version", r" is absent \(.*api-version"),
    ],
)
def test_not_assessed_shows_every_reason(reason: str, pattern: str) -> None:
    messages = [r.message for r in results() if r.status is Status.NOT_ASSESSED]
    assert any(re.search(pattern, m) for m in messages), f"no NOT_ASSESSED for {reason}"


def test_policy_checks_need_the_demo_policy() -> None:
    without = evaluate(Index(load_demo()), None, [load_catalogue()["ACI-002"]])
    assert {r.status for r in without} <= {Status.NOT_APPLICABLE, Status.NOT_ASSESSED}


def test_secret_traps_are_caught_where_they_hide() -> None:
    by_key = {(r.check_id, r.resource_id.rsplit("/", 1)[-1]): r for r in results()}
    # Only the second container of the group holds a secret.
    second = by_key[("ACI-006", "customer-notifications")]
    assert second.status is Status.FAIL
    assert [e.path for e in second.evidence] == [
        "properties.containers[1].properties.environmentVariables[1].value"
    ]
    # Only the init container is privileged.
    init = by_key[("ACI-016", "nightly-settlement")]
    assert init.status is Status.FAIL
    assert "init container 'db-migrate'" in init.message
    # The mixed-case loginServer still makes lower-case image hosts the estate's own.
    assert by_key[("ACI-001", "storefront-web")].status is Status.PASS


# -- no secret value in the file ---------------------------------------------------------


def strings(node: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def group_bodies() -> Iterator[dict[str, Any]]:
    for res in raw_demo()["resources"]:
        if str(res.get("type")).lower() == GROUPS:
            yield res["properties"]


def test_every_environment_value_is_a_marker() -> None:
    values = [
        var["value"]
        for props in group_bodies()
        for key in ("containers", "initContainers")
        for c in props[key]
        for var in c["properties"].get("environmentVariables", [])
        if "value" in var
    ]
    assert values and all(parse_marker(v) is not None for v in values)


def test_no_string_holds_a_secret_outside_markers() -> None:
    found = []
    for path, text in strings(raw_demo()):
        # A CCE policy is base64 of a public Rego document, high-entropy by nature.
        if path.endswith(".confidentialComputeProperties.ccePolicy"):
            continue
        found += [f"{path}: {span.detector}" for span in find_secrets(text)]
    assert found == []


def test_markers_are_well_formed_and_the_traps_are_markers() -> None:
    text = json.dumps(raw_demo())
    detectors = {m.group(1) for m in MARKER_RE.finditer(text)}
    assert {"none", "keyword-name", "github-token", "cli-flag", "url-userinfo"} <= detectors
    assert "--password=redacted:v1:cli-flag:" in text
    assert re.search(r"https://redacted:v1:url-userinfo:\d+:[0-9a-f]{12}@github\.com/", text)


def test_loading_redacts_nothing_more() -> None:
    # The file is already what a collector writes: redaction on load is a no-op.
    raw = raw_demo()["resources"]
    loaded = load_demo().resources
    for before, after in zip(raw, loaded, strict=True):
        assert before["properties"] == after["properties"], after["id"]


# -- the file is generated ----------------------------------------------------------------


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_demo_estate", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_file_is_what_the_script_builds() -> None:
    text = resources.files("aciaudit.data").joinpath("demo_estate.json").read_text("utf-8")
    assert text == build_script().render(), "run: python scripts/build_demo_estate.py"
