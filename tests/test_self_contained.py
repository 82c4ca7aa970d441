"""A clone alone runs every test: nothing reads a file outside the repository.

The test data used to sit in a reference folder beside the checkout, so a fresh clone
failed or quietly skipped hundreds of tests. It now lives in tests/data, reached through
tests/fixtures.py; this guard keeps it that way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fixtures import ARM_EXAMPLES, DATA, SCAN_EXAMPLES, SNAPSHOT_EXAMPLE

ROOT = Path(__file__).resolve().parents[1]
# Where code that runs at test, build or benchmark time lives. tests/data is left out: its
# READMEs name where the files were copied from, in prose.
SCANNED = ("tests", "scripts", "benchmarks", ".ci", "checks", "aciaudit", "tui")
SKIPPED_PARTS = {"__pycache__", "__snapshots__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}

# The reference folder by name, and a path joined onto it (`... / "shared" / ...`).
OUTSIDE = re.compile(
    r"\.\./shared"
    r"|['\"/]shared/(arm-examples|scan-examples|seed|CHECKLIST|snapshot-example)"
    r"|/\s*['\"]shared['\"]"
)
# `Path(__file__).resolve().parents[n]`: an index past the repository root leaves it.
PARENTS = re.compile(r"__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


def _files() -> list[Path]:
    found = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT)
            if not path.is_file() or SKIPPED_PARTS & set(rel.parts):
                continue
            if rel.parts[:2] == ("tests", "data") or path.suffix in (".pyc", ".svg"):
                continue
            found.append(path)
    return found


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def test_nothing_names_a_path_outside_the_repository() -> None:
    files = _files()
    assert ROOT / "tests" / "fixtures.py" in files and ROOT / ".ci" / "run" in files
    this = Path(__file__).resolve()
    offenders = []
    for path in files:
        text = _text(path)
        if text is None or path == this:
            continue
        rel = path.relative_to(ROOT)
        # tests/tui/x.py reaches the root at parents[2]; a larger index is outside.
        depth = len(rel.parts) - 1
        for number, line in enumerate(text.splitlines(), 1):
            beyond = any(int(m.group(1)) > depth for m in PARENTS.finditer(line))
            if beyond or OUTSIDE.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "read tests/data through tests/fixtures.py instead:\n" + "\n".join(
        offenders
    )


def test_the_guard_sees_each_way_of_leaving() -> None:
    folder = "shared"  # spelled apart, so this file does not trip the project's own hook
    for line in (
        f'Path(__file__).resolve().parents[2] / "{folder}" / "CHECKLIST.md"',
        f'ROOT.parent / "{folder}" / "CHECKLIST.md"',
        f"see ../{folder}/arm-examples",
        f'"{folder}/scan-examples"',
    ):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('resource_group="rg-shared"')
    assert not OUTSIDE.search('("shared", "key")')
    assert [m.group(1) for m in PARENTS.finditer("Path(__file__).resolve().parents[3]")] == ["3"]


def test_the_data_the_tests_read_is_in_the_repository() -> None:
    assert DATA == ROOT / "tests" / "data"
    assert (DATA / "README.md").is_file()
    assert SNAPSHOT_EXAMPLE.is_file()
    for folder in (ARM_EXAMPLES, SCAN_EXAMPLES):
        assert (folder / "README.md").is_file()


# Every folder of data files. Written out, not globbed: a listing of a missing or emptied
# folder would run zero cases and pass.
FIXTURE_FOLDERS = [
    "arm-examples/Microsoft.Authorization/2022-04-01",
    "arm-examples/Microsoft.ContainerInstance/2023-05-01",
    "arm-examples/Microsoft.ContainerInstance/2025-09-01",
    "arm-examples/Microsoft.ContainerInstance/2026-05-01",
    "arm-examples/Microsoft.ContainerRegistry/2025-04-01",
    "arm-examples/Microsoft.ContainerRegistry/2025-11-01",
    "arm-examples/Microsoft.Insights/2021-05-01-preview",
    "arm-examples/Microsoft.ResourceGraph/2021-03-01",
    "arm-examples/Microsoft.ResourceGraph/2024-04-01",
    "arm-examples/Microsoft.Resources/2022-12-01",
    "arm-examples/Microsoft.Security/2019-01-01-preview",
    "arm-examples/Microsoft.Security/2024-01-01",
    "arm-examples/az-cli",
    "az-cli-flags/2.91.0",
    "azure-policy/schemas",
    "cce-policies/rego",
    "hostile/estate",
    "scan-examples/defender",
    "scan-examples/grype",
    "scan-examples/trivy",
]


@pytest.mark.parametrize("folder", FIXTURE_FOLDERS)
def test_each_fixture_folder_holds_json_files(folder: str) -> None:
    files = [p for p in (DATA / folder).iterdir() if p.is_file() and "LICENSE" not in p.name]
    assert files, f"tests/data/{folder} has no data file"
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))


def test_the_folder_list_matches_the_disk() -> None:
    leaves = sorted(
        path.relative_to(DATA).as_posix()
        for path in DATA.rglob("*")
        if path.is_dir() and not any(child.is_dir() for child in path.iterdir())
    )
    assert leaves == FIXTURE_FOLDERS
