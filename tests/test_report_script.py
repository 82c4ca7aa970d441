"""`--format script`: bash -n clean, a dry run runs no `az`, APPLY=1 runs exactly the
listed commands (a fake `az` first on PATH records them), every flag exists in az 2.91,
placeholders never run, and hostile names stay text."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fixtures import DATA, container_group, make_snapshot, registry

from aciaudit.reports import render
from aciaudit.run import Run, audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo

AZ = json.loads((DATA / "az-cli-flags" / "2.91.0" / "commands.json").read_text("utf-8"))
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="no bash on PATH")

FAKE_AZ = """#!/usr/bin/env bash
# Records each call: its arguments separated by US, the call ended by RS.
for a in "$@"; do printf '%s\\037' "$a" >> "$AZ_LOG"; done
printf '\\036' >> "$AZ_LOG"
"""
HOSTILE = [
    "x$(touch PWNED)",
    "y`touch PWNED2`",
    "z;touch PWNED3",
    "w'\"touch PWNED4",
    # A template with two commands is split before it is filled, never inside a name.
    "a && touch PWNED6 #",
]
# A line break cannot end a comment or split a command: such commands are left by hand.
NEWLINE = "n\ntouch PWNED5"


@pytest.fixture(scope="module")
def demo_plan() -> str:
    return render(audit(load_demo(), DEMO_POLICY), "script")


@pytest.fixture(scope="module")
def hostile_plan() -> str:
    resources: list[dict[str, Any]] = []
    for i, name in enumerate([*HOSTILE, NEWLINE]):
        resources.append(registry(name=name, resource_group=f"rg-{name}", adminUserEnabled=True))
        resources.append(container_group(name=name, resource_group=f"rg{i}"))
    return render(audit(make_snapshot(resources)), "script")


def run_lines(plan: str) -> list[list[str]]:
    """The argv of each `run …` line, as bash will pass it."""
    return [shlex.split(line)[1:] for line in plan.splitlines() if line.startswith("run ")]


def execute(plan: str, tmp: Path, apply: bool) -> tuple[subprocess.CompletedProcess[str], list]:
    bindir = tmp / "bin"
    bindir.mkdir(exist_ok=True)
    fake = bindir / "az"
    fake.write_text(FAKE_AZ)
    fake.chmod(0o755)
    script = tmp / "plan.sh"
    script.write_text(plan)
    log = tmp / "az.log"
    log.write_text("")
    env = {
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "AZ_LOG": str(log),
        "HOME": str(tmp),
    }
    if apply:
        env["APPLY"] = "1"
    proc = subprocess.run(
        [str(BASH), str(script)], cwd=tmp, env=env, capture_output=True, text=True, check=False
    )
    calls = [c.split("\x1f")[:-1] for c in log.read_text().split("\x1e") if c]
    return proc, calls


def test_the_plan_is_valid_bash(demo_plan: str, hostile_plan: str, tmp_path: Path) -> None:
    for i, plan in enumerate((demo_plan, hostile_plan)):
        path = tmp_path / f"p{i}.sh"
        path.write_text(plan)
        assert subprocess.run([str(BASH), "-n", str(path)], check=False).returncode == 0
        assert "set -euo pipefail" in plan


def test_a_dry_run_runs_no_az(demo_plan: str, tmp_path: Path) -> None:
    proc, calls = execute(demo_plan, tmp_path, apply=False)
    assert proc.returncode == 0, proc.stderr
    assert calls == []
    printed = [line for line in proc.stdout.splitlines() if line.startswith("+ az ")]
    assert len(printed) == len(run_lines(demo_plan)) > 10


def test_apply_runs_exactly_the_listed_commands(demo_plan: str, tmp_path: Path) -> None:
    proc, calls = execute(demo_plan, tmp_path, apply=True)
    assert proc.returncode == 0, proc.stderr
    assert calls == [argv[1:] for argv in run_lines(demo_plan)]


def test_hostile_names_stay_text(hostile_plan: str, tmp_path: Path) -> None:
    proc, calls = execute(hostile_plan, tmp_path, apply=True)
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("PWNED*"))
    names = {arg for call in calls for arg in call}
    for name in HOSTILE:
        assert name in names, name  # passed to az as one literal argument
    assert NEWLINE not in names
    assert "\ntouch PWNED5" not in hostile_plan


def test_every_command_uses_only_flags_az_2_91_has(demo_plan: str) -> None:
    assert AZ["azure-cli"] == "2.91.0"
    commands = run_lines(demo_plan)
    commented = [
        shlex.split(line[4:].replace("<", "_").replace(">", "_"))
        for line in demo_plan.splitlines()
        if line.startswith("#   az ")
    ]
    assert commands and commented
    for argv in commands + commented:
        assert argv[0] == "az"
        words = [w for w in argv[1:]]
        i = next((n for n, w in enumerate(words) if w.startswith("-")), len(words))
        sub = " ".join(words[:i])
        assert sub in AZ["commands"], sub
        flags = [w for w in words[i:] if w.startswith("-") and not w.startswith("---")]
        unknown = [f for f in flags if f not in AZ["commands"][sub]]
        assert unknown == [], (sub, unknown)


def test_placeholders_are_never_run(demo_plan: str) -> None:
    for line in demo_plan.splitlines():
        if line.startswith("run "):
            assert "<" not in line and ">" not in line.replace("'avg CpuUsage > 800'", "")
    assert "#   az container create --resource-group" in demo_plan  # --image <image>: by hand


def test_nothing_to_fix_makes_a_plan_that_does_nothing(tmp_path: Path) -> None:
    run: Run = audit(make_snapshot([registry(name="fine", adminUserEnabled=False)]))
    plan = render(run.subset([]), "script")
    proc, calls = execute(plan, tmp_path, apply=True)
    assert proc.returncode == 0 and calls == []
