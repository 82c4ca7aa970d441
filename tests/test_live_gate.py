"""Exit 3: a CI gate (`scan --fail-on`, `--fail-on-new`) cannot vouch for a subscription
whose container-group or registry inventory could not be read (denied, failed, or a
malformed Resource Graph answer whose per-subscription listing failed too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakearm import FakeAzure
from test_live_collect import SUB1, SUB2, estate, live_args

from aciaudit.cli import main
from aciaudit.gate import EXIT_UNREAD, unread_inventory
from aciaudit.snapshot_io import load_snapshot

SUB2_GROUPS = rf"/subscriptions/{SUB2}/providers/Microsoft\.ContainerInstance/containerGroups$"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeAzure() as server:
        estate(server)
        server.sign_in_env(monkeypatch)
        yield server


def test_a_denied_listing_makes_the_gate_exit_3_naming_the_subscription(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail(SUB2_GROUPS, 403)
    out = tmp_path / "r.json"
    code = main(
        ["scan", *live_args(fake), "--no-resource-graph", "--fail-on", "critical",
         "--format", "json", "-o", str(out)]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_UNREAD == 3
    assert "Contoso Development" in err and SUB2 in err
    assert "container groups denied: AuthorizationFailed" in err
    assert "Contoso Production" not in err.split("inventory not read", 1)[1]
    assert out.is_file()  # the report is still written: the gate only refuses to vouch


def test_without_a_gate_the_scan_exits_as_before(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail(SUB2_GROUPS, 403)
    code = main(["scan", *live_args(fake), "--no-resource-graph", "-o", str(tmp_path / "r.md")])
    assert code == 0
    assert "inventory not read" not in capsys.readouterr().err


def test_malformed_graph_then_failed_listing_exits_3(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.graph_fault = "truncated"
    fake.fail(SUB2_GROUPS, 500)
    code = main(["scan", *live_args(fake), "--fail-on", "low", "-o", str(tmp_path / "r.md")])
    err = capsys.readouterr().err
    assert code == 3
    assert "malformed Resource Graph answer" not in err.split("inventory not read", 1)[1]
    assert "container groups failed: InternalServerError" in err


def test_a_saved_snapshot_with_an_unread_inventory_also_exits_3(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail(rf"/subscriptions/{SUB1}/providers/Microsoft\.ContainerRegistry/registries$", 403)
    snap = tmp_path / "estate.json"
    assert main(["collect", *live_args(fake), "--no-resource-graph", "-o", str(snap)]) == 0
    lines = unread_inventory(load_snapshot(snap))
    assert len(lines) == 1 and lines[0].startswith(
        f"Contoso Production ({SUB1}): registries denied"
    )
    capsys.readouterr()
    baseline = tmp_path / "base.json"
    assert main(["scan", "--snapshot", str(snap), "--format", "json", "-o", str(baseline)]) == 0
    code = main(
        ["scan", "--snapshot", str(snap), "--baseline", str(baseline), "--fail-on-new", "low",
         "-o", str(tmp_path / "r.md")]
    )  # fmt: skip
    assert code == 3
    assert "Contoso Production" in capsys.readouterr().err


def test_a_complete_inventory_keeps_the_gate_as_it_was(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", *live_args(fake), "--fail-on", "low", "-o", str(tmp_path / "r.md")])
    assert code == 1  # the estate has FAILs: exit 1, as before
    assert "inventory not read" not in capsys.readouterr().err


def test_a_denied_profile_listing_also_makes_the_gate_exit_3(
    fake: FakeAzure, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Profiles carry containers, environment variables and registry credentials as groups
    # do: a gate cannot vouch for a subscription whose profiles it could not list.
    fake.fail(
        rf"/subscriptions/{SUB2}/providers/Microsoft\.ContainerInstance/containerGroupProfiles$",
        403,
    )
    code = main(
        ["scan", *live_args(fake), "--no-resource-graph", "--fail-on", "critical",
         "-o", str(tmp_path / "r.md")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_UNREAD
    assert "container group profiles denied: AuthorizationFailed" in err and SUB2 in err
