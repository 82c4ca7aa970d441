"""Issue #13, exit codes: an internal error is one line naming the saved traceback and
exit 4 (never 1, which means findings); deep nesting and memory exhaustion are one line
and exit 2; Ctrl-C is 130; a closed stdout ends quietly; an unencodable character is
escaped; options out of range are usage errors."""

from __future__ import annotations

import importlib.abc
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import SNAPSHOT_EXAMPLE

from aciaudit import commands
from aciaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _fail_with(exc: BaseException):
    def run(args):
        raise exc

    return run


def test_an_internal_error_is_exit_4_with_the_traceback_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("aciaudit.cli.scan", _fail_with(ZeroDivisionError("boom")))
    assert main(["scan", "--demo"]) == 4
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    saved = list((tmp_path / "aci-audit").glob("crash-*.txt"))
    assert len(saved) == 1 and str(saved[0]) in err
    assert "ZeroDivisionError: boom" in saved[0].read_text()


@pytest.mark.parametrize(
    ("exc", "code", "said"),
    [
        (RecursionError(), 2, "nested too deeply"),
        (MemoryError(), 2, "out of memory"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
)
def test_deep_nesting_memory_and_ctrl_c(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    code: int,
    said: str,
) -> None:
    monkeypatch.setattr("aciaudit.cli.scan", _fail_with(exc))
    assert main(["scan", "--demo"]) == code
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1


def test_deeply_nested_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    assert main(["scan", "--snapshot", str(deep)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "option",
    [
        ["--timeout", "0"],
        ["--timeout", "-1"],
        ["--timeout", "nan"],
        ["--timeout", "inf"],
        ["--concurrency", "0"],
        ["--concurrency", "100000"],
        ["--concurrency", "x"],
        ["--max-input-size", "0"],
    ],
)
def test_options_out_of_range_are_usage_errors(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["scan", "--demo", *option])
    assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def _cli(*args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "aciaudit.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )


def test_a_closed_stdout_ends_quietly() -> None:
    proc = _cli("scan", "--demo", "--format", "json")
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(30) == 141
    assert "Traceback" not in err and "error" not in err


def test_an_ascii_terminal_gets_escapes_not_a_traceback() -> None:
    proc = _cli("scan", "--demo", PYTHONIOENCODING="ascii")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
    out.decode("ascii")  # every byte is ASCII: the rest is escaped


def test_fail_on_over_the_demo_is_3_for_its_unread_subscription(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The demo's Fabrikam Sandbox has its container groups denied: a gate cannot vouch for
    # it (issue #12, exit 3 outranks 1; exit 1 itself: tests/test_live_gate.py).
    assert main(["scan", "--demo", "--fail-on", "critical"]) == 3 != commands.EXIT_FINDINGS
    assert "Fabrikam Sandbox" in capsys.readouterr().err


def test_non_ascii_names_on_an_ascii_terminal_are_escaped(tmp_path: Path) -> None:
    estate = json.loads(SNAPSHOT_EXAMPLE.read_text("utf-8"))
    estate["subscriptions"][0]["displayName"] = "Contoso Café 東京"
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(estate, ensure_ascii=False), "utf-8")
    proc = _cli("scan", "--snapshot", str(path), PYTHONIOENCODING="ascii")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
    text = out.decode("ascii")  # every byte is ASCII…
    assert "Contoso Caf\\xe9 \\u6771\\u4eac" in text  # …the name escaped, not dropped


class _InterruptedImport(importlib.abc.MetaPathFinder):
    """Ctrl-C arriving while `name` is imported (the first half second of a run)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname == self.name:
            raise KeyboardInterrupt
        return None


def test_ctrl_c_while_the_tool_loads_is_130_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import aciaudit
    import tui.launch as launch

    monkeypatch.delitem(sys.modules, "aciaudit.cli")
    monkeypatch.delattr(aciaudit, "cli")
    monkeypatch.setattr(sys, "meta_path", [_InterruptedImport("aciaudit.cli"), *sys.meta_path])
    assert launch.main(["scan", "--demo"]) == 130
    err = capsys.readouterr().err
    assert err == "aci-audit: interrupted; nothing was written\n"


def test_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    from aciaudit import crash, gate

    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    listed = re.findall(r"^  (\d+)  ", capsys.readouterr().out, re.MULTILINE)
    codes = [
        commands.EXIT_OK,
        commands.EXIT_FINDINGS,
        commands.EXIT_USAGE,
        gate.EXIT_UNREAD,
        crash.EXIT_INTERNAL,
        crash.EXIT_INTERRUPTED,
    ]
    assert [int(c) for c in listed] == codes


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--snapshot", "DEEP"],
        ["scan", "--snapshot", "/dev/zero"],
        ["scan", "--demo", "--timeout", "nan"],
        ["scan", "--demo", "--concurrency", "0"],
        ["scan", "--demo", "-o", "TMP"],  # a directory where a file is wanted
    ],
    ids=["deep-nesting", "dev-zero", "timeout-nan", "concurrency-0", "directory"],
)
def test_the_real_process_ends_with_2(args: list[str], tmp_path: Path) -> None:
    """As a user runs it (the console entry, a fresh process): exit 2, no traceback;
    one line where the input is at fault (a usage error adds argparse's usage)."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    argv = [str(deep) if a == "DEEP" else str(tmp_path) if a == "TMP" else a for a in args]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.launch", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    text = err.decode()
    assert "Traceback" not in text and out == b""
    if "--timeout" not in args and "--concurrency" not in args:
        assert len(text.strip().splitlines()) == 1, text


_APP_CRASH = """
import asyncio
import sys
import tui.screens.overview as overview
from aciaudit.sources.choice import demo_source
from tui.guarded import GuardedApp, run_app

def boom(self):
    secret_looking_local = "CANARY-in-a-local"
    raise ZeroDivisionError("boom in the app")

overview.OverviewScreen.action_attest = boom

async def auto(pilot):
    app = pilot.app
    while app.session.run is None or type(app.screen).__name__ != "OverviewScreen":
        await asyncio.sleep(0.05)
    app.simulate_key("a")  # handled in the app's own loop, as a key from the terminal
    for _ in range(200):  # the crash closes the app
        if not app.is_running:
            break
        await asyncio.sleep(0.05)

sys.exit(run_app(GuardedApp(demo_source()), headless=True, auto_pilot=auto))
"""


def test_an_error_inside_the_app_is_exit_4_in_one_line(tmp_path: Path) -> None:
    """Textual's handler printed a traceback box with local variables and the process
    exited 0 (`run()` returned no result). As the command line: one line, exit 4."""
    proc = subprocess.run(
        [sys.executable, "-c", _APP_CRASH],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    assert proc.returncode == 4, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "internal error (ZeroDivisionError)" in line and "CANARY" not in proc.stderr
    [saved] = (tmp_path / "aci-audit").glob("crash-*.txt")
    assert str(saved) in line and "boom in the app" in saved.read_text()
    assert "CANARY" not in saved.read_text()  # no local variables in the saved traceback
