"""Loading snapshots: every accepted shape, and one-line errors for everything else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fixtures import SNAPSHOT_EXAMPLE as EXAMPLE

from aciaudit.snapshot_io import SnapshotError, load_snapshot, parse_snapshot, save_snapshot
from checks.snapshot import CoverageStatus

SUB = "/subscriptions/00000000-1111-4222-8333-444444444444"
REGISTRY = {
    "id": f"{SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r1",
    "type": "Microsoft.ContainerRegistry/registries",
    "name": "r1",
    "properties": {"adminUserEnabled": True},
}


def write(tmp_path: Path, content: str | bytes, name: str = "snap.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_example_snapshot_loads_with_its_coverage() -> None:
    snap = load_snapshot(EXAMPLE)
    assert snap.form == "snapshot"
    assert len(snap.resources) == 4
    assert snap.subscriptions[0].display_name == "Contoso Production"
    statuses = {c.status for c in snap.coverage}
    assert statuses == set(CoverageStatus)


@pytest.mark.parametrize(
    ("wrap", "form"),
    [
        (lambda items: items, "array"),
        (lambda items: {"value": items}, "arm-list"),
        (lambda items: {"data": items, "count": 1, "resultTruncated": "false"}, "resource-graph"),
    ],
)
def test_list_shapes_infer_coverage_only_for_present_kinds(wrap, form) -> None:
    snap = parse_snapshot(wrap([json.loads(json.dumps(REGISTRY))]))
    assert snap.form == form
    by_kind = {c.kind: c.status for c in snap.coverage}
    assert by_kind["Microsoft.ContainerRegistry/registries"] is CoverageStatus.COLLECTED
    assert by_kind["Microsoft.ContainerInstance/containerGroups"] is CoverageStatus.NOT_COLLECTED


def test_resource_graph_table_format_rows_become_objects() -> None:
    body = {
        "data": {
            "columns": [{"name": "id"}, {"name": "type"}, {"name": "properties"}],
            "rows": [[REGISTRY["id"], "microsoft.containerregistry/registries", {}]],
        }
    }
    snap = parse_snapshot(body)
    assert snap.resources[0]["type"] == "microsoft.containerregistry/registries"


def test_null_type_and_missing_leading_slash_are_normalised() -> None:
    # Subscription diagnostic settings come back like this from ARM.
    setting = {
        "id": "subscriptions/1234/providers/microsoft.insights/diagnosticSettings/ds4",
        "type": None,
        "name": "ds4",
        "properties": {},
    }
    snap = parse_snapshot([setting])
    assert snap.resources[0]["id"].startswith("/subscriptions/1234/")
    assert snap.resources[0]["type"] == "Microsoft.Insights/diagnosticSettings"


def test_unknown_types_are_kept() -> None:
    other = {
        "id": f"{SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app",
        "type": "Microsoft.Web/sites",
    }
    snap = parse_snapshot([REGISTRY | {}, other])
    assert [r["type"] for r in snap.resources] == [REGISTRY["type"], "Microsoft.Web/sites"]


def test_round_trip_is_stable_and_atomic(tmp_path: Path) -> None:
    snap = load_snapshot(EXAMPLE)
    out = tmp_path / "again.json"
    save_snapshot(snap, out)
    again = load_snapshot(out)
    assert again.to_dict() == snap.to_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["again.json"]  # no temp file left


@pytest.mark.parametrize(
    "value",
    [2**70, {"\u00e9t\u00e9": "caf\u00e9 \u2603"}, [1.5, -0.0, 1e300]],
    ids=["int-beyond-64-bits", "non-ascii", "floats"],
)
def test_a_saved_snapshot_reads_back_whatever_it_holds(tmp_path: Path, value: object) -> None:
    # orjson writes the snapshot; what it refuses (an integer beyond 64 bits) takes the
    # standard encoder, and neither loses or changes a value.
    snap = load_snapshot(EXAMPLE)
    snap.resources[0]["properties"]["extra"] = value
    out = tmp_path / "again.json"
    save_snapshot(snap, out)
    again = load_snapshot(out)
    assert again.resources[0]["properties"]["extra"] == value
    assert again.to_dict() == snap.to_dict()


BAD_DOCUMENTS = {
    "not json": ("{not json", "not JSON (line 1"),
    "wrong format": ('{"format": "other", "version": 1}', 'unknown "format"'),
    "wrong version": (
        '{"format": "aci-auditor.snapshot", "version": 2, "resources": []}',
        "unsupported snapshot",
    ),
    "resource not object": (
        '{"format": "aci-auditor.snapshot", "version": 1, "resources": ["x"]}',
        "resources[0] is not an object (got string)",
    ),
    "missing id": ('[{"type": "Microsoft.Web/sites"}]', '[0] has no "id"'),
    "missing type": ('[{"id": "/subscriptions/s/resourceGroups/rg"}]', 'has no "type"'),
    "bad coverage status": (
        '{"format": "aci-auditor.snapshot", "version": 1, "resources": [],'
        ' "coverage": [{"scope": "/subscriptions/s", "kind": "k", "status": "maybe"}]}',
        "coverage[0]",
    ),
    "scalar": ("42", "not a snapshot"),
    "object of nothing": ('{"hello": 1}', "not a snapshot"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_malformed_input_gives_one_line_error(tmp_path: Path, case: str) -> None:
    content, expected = BAD_DOCUMENTS[case]
    with pytest.raises(SnapshotError) as info:
        load_snapshot(write(tmp_path, content))
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert "snap.json" in message


def test_empty_file_directory_missing_and_random_bytes(tmp_path: Path) -> None:
    cases = {
        write(tmp_path, "", "empty.json"): "empty",
        write(tmp_path, "  \n", "blank.json"): "empty",
        tmp_path: "is a directory",
        tmp_path / "nope.json": "no such file",
        write(tmp_path, os.urandom(4096), "random.bin"): "not JSON",
    }
    for path, expected in cases.items():
        with pytest.raises(SnapshotError, match=expected):
            load_snapshot(path)


def test_loading_reports_reading_then_removing_secrets_per_resource(tmp_path: Path) -> None:
    from aciaudit import redact
    from aciaudit.snapshot_io import READING, REDACTING

    doc = json.loads(EXAMPLE.read_text())
    count = redact.PROGRESS_EVERY * 2 + 7
    doc["resources"] = [
        {"id": f"/subscriptions/s/resourceGroups/g/providers/X/y/r{i}", "type": "X/y"}
        for i in range(count)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    heard: list[tuple[str, str, int]] = []

    class Heard:
        def phase(self, name: str, total: int) -> None:
            heard.append(("phase", name, total))

        def advance(self, name: str, amount: int = 1) -> None:
            heard.append(("advance", name, amount))

        def problem(self, entry: object) -> None:
            raise AssertionError(entry)

        def note(self, text: str) -> None:
            pass

    load_snapshot(path, Heard())
    assert heard[:3] == [
        ("phase", READING, 1),
        ("advance", READING, 1),
        ("phase", REDACTING, count),
    ]
    steps = [amount for kind, name, amount in heard[3:] if kind == "advance" and name == REDACTING]
    assert steps == [redact.PROGRESS_EVERY, redact.PROGRESS_EVERY, 7]
