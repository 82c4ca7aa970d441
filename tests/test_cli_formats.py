"""Several report formats at once: -o names a folder, each file written atomically."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from aciaudit.cli import main


@pytest.mark.parametrize(
    "formats",
    [
        ["--format", "markdown,json,sarif,csv"],
        ["--format", "markdown,json", "--format", "sarif,csv"],
    ],
)
def test_several_formats_into_a_folder(tmp_path: Path, formats: list[str], capsys) -> None:
    folder = tmp_path / "out"  # made if missing
    assert main(["scan", "--demo", *formats, "-o", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "report.csv",
        "report.json",
        "report.md",
        "report.sarif",
    ]
    assert (folder / "report.md").read_text("utf-8").startswith("# ")
    report = json.loads((folder / "report.json").read_text("utf-8"))
    sarif = json.loads((folder / "report.sarif").read_text("utf-8"))
    rows = list(csv.DictReader(io.StringIO((folder / "report.csv").read_text("utf-8"), newline="")))
    assert len(rows) == len(report["results"])
    fails = [r for r in report["results"] if r["status"] == "FAIL"]
    assert len(sarif["runs"][0]["results"]) == len(fails)
    err = capsys.readouterr().err
    for name in ("report.md", "report.json", "report.sarif", "report.csv"):
        assert f"wrote {folder / name}" in err


def test_one_format_keeps_stdout_and_file(tmp_path: Path, capsys) -> None:
    assert main(["scan", "--demo", "--format", "sarif"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "2.1.0"
    target = tmp_path / "r.csv"
    assert main(["scan", "--demo", "--format", "csv", "-o", str(target)]) == 0
    assert target.read_text("utf-8").startswith("check_id,severity,")
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]
    # The same format twice is one format.
    assert main(["scan", "--demo", "--format", "json,json"]) == 0


def test_several_formats_need_a_folder(tmp_path: Path, capsys) -> None:
    assert main(["scan", "--demo", "--format", "json,sarif"]) == 2
    err = capsys.readouterr().err
    assert "need -o FOLDER" in err and err.count("\n") == 1
    a_file = tmp_path / "report.md"
    a_file.write_text("old", encoding="utf-8")
    assert main(["scan", "--demo", "--format", "json,sarif", "-o", str(a_file)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert a_file.read_text("utf-8") == "old"
    assert main(["scan", "--demo", "--format", "json,csv", "-o", str(tmp_path / "x" / "y")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_unknown_format_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["scan", "--demo", "--format", "markdown,pdf"])
    assert info.value.code == 2
    assert "unknown format pdf" in capsys.readouterr().err
