"""Issue #13, types: a field the checks read with the wrong JSON type is never PASS
(typed reading in checks.fields, caught once by the engine), and NaN/Infinity in an
input never reach a report (every JSON/SARIF output parses with a strict parser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fixtures import registry, run_one

from aciaudit.snapshot_io import load_snapshot
from checks.fields import BOOLEAN, FIELDS, WrongType, typed
from checks.model import Status


@pytest.mark.parametrize("value", ["true", "false", 1, 0, {}, [], "NaN", "Infinity"])
@pytest.mark.parametrize("check_id", ["ACR-001", "ACR-002"])
def test_a_wrong_type_for_a_boolean_is_never_pass(check_id: str, value: Any) -> None:
    path = {"ACR-001": "adminUserEnabled", "ACR-002": "anonymousPullEnabled"}[check_id]
    reg = registry()
    reg["properties"][path] = value
    res = run_one(check_id, reg)
    assert res.status is Status.NOT_ASSESSED
    assert f"unexpected type at properties.{path}" in res.message


def test_typed_accepts_the_right_type_and_unknown_paths() -> None:
    assert typed("properties.adminUserEnabled", True) is True
    assert typed("some.unlisted.path", "anything") == "anything"
    with pytest.raises(WrongType, match="expected boolean, got string"):
        typed("properties.adminUserEnabled", "true")
    assert FIELDS["privileged"] == BOOLEAN


def _strict(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"non-finite number {name}")

    return json.loads(text, parse_constant=refuse)


def test_nan_and_infinity_in_the_input_never_reach_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aciaudit.cli import main

    reg = registry()
    reg["properties"]["adminUserEnabled"] = float("nan")
    reg["properties"]["other"] = [float("inf"), float("-inf")]
    source = tmp_path / "nan.json"
    source.write_text(json.dumps([reg]))  # Python writes NaN, Infinity, -Infinity
    assert "NaN" in source.read_text()
    snap = load_snapshot(source)
    assert snap.resources[0]["properties"]["adminUserEnabled"] == "NaN"
    for fmt in ("json", "sarif"):
        assert main(["scan", "--snapshot", str(source), "--format", fmt]) == 0
        _strict(capsys.readouterr().out)
