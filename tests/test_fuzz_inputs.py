"""Issue #13 item 6: hypothesis fuzzes the snapshot loader, the az-export reader, the
vulnerability-report readers, the engine and every writer with ARM-ish documents
(missing `id`, numbers where names are, nested nulls, NaN, arrays where objects are,
deep nesting). Each input gives a result or a one-line error (exit 2); never a
traceback, never exit 4, never a non-finite number in JSON or SARIF."""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aciaudit.cli import main
from aciaudit.reports import FORMATS, write_report
from aciaudit.run import audit
from aciaudit.snapshot_io import SnapshotError, parse_snapshot
from aciaudit.sources.az_export import load_az_export
from aciaudit.vulns.loader import parse_report
from aciaudit.vulns.shapes import ReportError

SUB = "/subscriptions/13131313-1313-4313-8313-131313131313"
IDS = [
    f"{SUB}/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g",
    f"{SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r",
    f"{SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r/tokens/t",
    "not an id",
    "",
]
KEYS = [
    "id",
    "type",
    "name",
    "properties",
    "containers",
    "initContainers",
    "environmentVariables",
    "value",
    "secureValue",
    "command",
    "image",
    "adminUserEnabled",
    "securityContext",
    "privileged",
    "ipAddress",
    "ports",
    "volumes",
    "gitRepo",
    "repository",
    "tags",
    "format",
    "version",
    "resources",
    "coverage",
    "data",
    "Results",
    "matches",
    "Vulnerabilities",
    "ArtifactName",
    "x",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(IDS),
    st.sampled_from(
        [
            "Microsoft.ContainerInstance/containerGroups",
            "Microsoft.ContainerRegistry/registries",
            "aci-auditor.snapshot",
            "true",
            "NaN",
            "--password",
            "user:pw@reg.io/x",
        ]
    ),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=8),
    ),
    max_leaves=60,
)
resources = st.fixed_dictionaries(
    {
        "id": st.sampled_from(IDS[:3]),
        "type": st.sampled_from(
            [
                IDS[0].split("/providers/")[1].rsplit("/", 1)[0],
                "Microsoft.ContainerRegistry/registries",
                None,
            ]
        ),
    },
    optional={"properties": documents, "name": scalars, "tags": documents, "identity": documents},
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _strict(text: str) -> None:
    def refuse(name: str) -> Any:
        raise AssertionError(f"non-finite {name} in a report")

    json.loads(text, parse_constant=refuse)


def _audit_and_write(doc: Any) -> None:
    try:
        snapshot = parse_snapshot(doc, origin="fuzz")
    except SnapshotError as exc:
        assert "\n" not in str(exc)
        return
    run = audit(snapshot)
    for fmt in FORMATS:
        out = io.StringIO()
        write_report(run, fmt, out.write)
        if fmt in ("json", "sarif"):
            _strict(out.getvalue())


@FUZZ
@given(documents)
def test_any_document_loads_or_is_one_line(doc: Any) -> None:
    _audit_and_write(doc)


@FUZZ
@given(st.lists(resources, max_size=4))
def test_arm_shaped_resources_go_through_engine_and_writers(items: list[dict]) -> None:
    _audit_and_write(items)


@FUZZ
@given(documents)
def test_vulnerability_readers(doc: Any) -> None:
    with contextlib.suppress(ReportError):
        parse_report(doc, "fuzz.json")


@settings(max_examples=60, deadline=None)
@given(documents)
def test_az_export_reader(doc: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "az.json"
        path.write_text(json.dumps(doc))
        try:
            load_az_export([path])
        except SnapshotError as exc:
            assert "\n" not in str(exc)


@settings(max_examples=25, deadline=None)
@given(st.one_of(documents, st.lists(resources, max_size=3)))
def test_the_command_line_never_crashes(doc: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(json.dumps(doc))
        out = Path(folder) / "out"
        for args in (
            ["scan", "--snapshot", str(path), "--format", "json,sarif", "-o", str(out)],
            ["scan", "--az-export", str(path), "-o", str(Path(folder) / "r.md")],
        ):
            assert main(args) in (0, 2)
        for name in ("report.json", "report.sarif"):
            if (out / name).exists():
                _strict((out / name).read_text())


def test_deep_nesting_is_one_line() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = {"properties": deep}
    _audit_and_write(
        [{"id": IDS[0], "type": "Microsoft.ContainerInstance/containerGroups", "properties": deep}]
    )
    assert not math.isnan(0.0)
