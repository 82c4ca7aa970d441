"""ACI-006 skips a `none` marker under a plain name without parsing it: the markers on
either side of that shortcut must keep their verdicts."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures import container_group, run_one

from checks.model import Status

# 12 hex digits: a marker of a 20-character value no detector flagged.
NONE_LONG = "redacted:v1:none:20:0123456789ab"
NONE_SHORT = "redacted:v1:none:4:0123456789ab"


def _group(variables: list[dict[str, Any]]) -> dict[str, Any]:
    cg = container_group(name="app")
    cg["properties"]["containers"][0]["properties"]["environmentVariables"] = variables
    cg["properties"].pop("initContainers", None)
    return cg


@pytest.mark.parametrize(
    ("name", "value", "status"),
    [
        # A secret-looking name and a value longer than a flag: a plain-text secret.
        ("DB_PASSWORD", NONE_LONG, Status.FAIL),
        # Unnamed: '#0' does not look secret.
        (None, NONE_LONG, Status.PASS),
        ("LOG_LEVEL", NONE_LONG, Status.PASS),
        ("DB_PASSWORD", NONE_SHORT, Status.PASS),  # a switch or a length
        # Starts like a `none` marker but is not one (a 13th hex digit): not a marker.
        ("DB_PASSWORD", NONE_LONG + "c", Status.PASS),
        ("LOG_LEVEL", NONE_LONG + "c", Status.PASS),
        # A detector whose name starts with `none` is a flagged detector.
        ("LOG_LEVEL", "redacted:v1:none-x:20:0123456789ab", Status.FAIL),
    ],
)
def test_none_markers_judged_as_before(name: str | None, value: str, status: Status) -> None:
    var: dict[str, Any] = {"value": value}
    if name is not None:
        var["name"] = name
    res = run_one("ACI-006", _group([var]))
    assert res.status is status, res.message
    if status is Status.FAIL:
        [ev] = res.evidence
        assert ev.path == "properties.containers[0].properties.environmentVariables[0].value"
        assert ev.observed.startswith("<secret: ")
    else:
        assert "1 plain environment variable(s)" in res.message
