"""`aci-audit` with no command opens the app on the right source; commands still work."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import tui.launch as launch
from aciaudit.sources.demo import DEMO_POLICY
from tui.app import AuditApp


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[AuditApp]:
    """Pretend to be on a terminal and record the app instead of running it."""
    apps: list[AuditApp] = []

    def run(self: AuditApp, *args: Any, **kwargs: Any) -> int:
        apps.append(self)
        return 0

    monkeypatch.setattr(AuditApp, "run", run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    return apps


def test_demo_opens_the_app_on_the_demo_estate(opened: list[AuditApp]) -> None:
    assert launch.main(["--demo"]) == 0
    [app] = opened
    assert (
        app.session.source is not None
        and app.session.source.label == "demo estate (fictional data)"
    )
    assert app.session.source.policy is DEMO_POLICY  # the demo's approved lists come with it


def test_snapshot_opens_the_app_on_that_file(opened: list[AuditApp], tmp_path: Path) -> None:
    assert launch.main(["--snapshot", str(tmp_path / "estate.json")]) == 0
    [app] = opened
    assert app.session.source is not None and app.session.source.label == str(
        tmp_path / "estate.json"
    )
    assert app.session.source.policy is None


def test_subscription_goes_straight_to_collection(opened: list[AuditApp]) -> None:
    assert launch.main(["--subscription", "Contoso Production", "--tenant", "t1"]) == 0
    [app] = opened
    assert (
        app.session.source is not None
        and app.session.source.label == "Azure (AzureCloud, 1 subscription(s))"
    )
    assert app.live_options is not None and app.live_options.tenant == "t1"


def test_other_live_options_prefill_the_connect_screen(opened: list[AuditApp]) -> None:
    assert launch.main(["--cloud", "AzureUSGovernment"]) == 0
    [app] = opened
    assert app.session.source is None
    assert app.live_options is not None and app.live_options.cloud == "AzureUSGovernment"


def test_no_option_opens_the_connect_screen(opened: list[AuditApp]) -> None:
    assert launch.main([]) == 0
    [app] = opened
    assert app.session.source is None and app.live_options is None


def test_without_a_terminal_it_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert launch.main(["--demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs a terminal" in err and "aci-audit scan" in err


def test_commands_still_run_from_the_same_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert launch.main(["checks"]) == 0
    assert "ACR-001" in capsys.readouterr().out
