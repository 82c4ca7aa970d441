"""`--baseline` in the app: rows marked new / unchanged / incomparable, `N` shows only
the new FAILs, the overview says what changed, and a gap is never shown as resolved."""

from __future__ import annotations

import copy
import io
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, wait_for, wait_loaded
from textual.pilot import Pilot
from textual.widgets import Static

import tui.launch as launch
from aciaudit.diff import Change
from aciaudit.reports import render
from aciaudit.run import audit
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.choice import Source, demo_source
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.model import Status
from checks.snapshot import CoverageStatus, Snapshot
from tui.app import AuditApp
from tui.findings_model import Row
from tui.screens.findings import FindingsScreen
from tui.widgets.result_table import ResultTable

PROD = "11111111-1111-4111-8111-111111111111"
DEV = "22222222-2222-4222-8222-222222222222"
GROUPS = "Microsoft.ContainerInstance/containerGroups"


def _named(snapshot: Snapshot, name: str) -> dict[str, Any]:
    return next(r for r in snapshot.resources if r.get("name") == name)


def _without_groups_of(snapshot: Snapshot, subscription: str) -> Snapshot:
    """The estate as a run denied the listing of one subscription's container groups."""
    snap = copy.deepcopy(snapshot)
    scope = f"/subscriptions/{subscription}"
    snap.resources = [
        r
        for r in snap.resources
        if not (r["type"] == GROUPS and r["id"].lower().startswith(scope + "/"))
    ]
    snap.coverage = [
        replace(c, status=CoverageStatus.DENIED, detail="AuthorizationFailed")
        if c.scope == scope and c.kind == GROUPS
        else c
        for c in snap.coverage
    ]
    assert any(c.status is CoverageStatus.DENIED and c.scope == scope for c in snap.coverage)
    return snap


def _report(snapshot: Snapshot, path: Path) -> Path:
    """The baseline as a user keeps it: a JSON report of an earlier scan."""
    path.write_text(render(audit(snapshot, DEMO_POLICY), "json"), encoding="utf-8")
    return path


def _fails(rows: list[Row]) -> set[tuple[str, str]]:
    return {(r.result.check_id, r.result.resource_id) for r in rows if r.status is Status.FAIL}


def _shown(app: AuditApp) -> list[Row]:
    return [i for i in app.screen.query_one(ResultTable).items if isinstance(i, Row)]


def _summary(app: AuditApp) -> str:
    return str(app.screen.query_one("#summary", Static).render())


async def _findings(pilot: Pilot) -> FindingsScreen:
    await pilot.press("f")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FindingsScreen))
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FindingsScreen)
    return screen


def _app(baseline: Path | None, source: Source | None = None) -> AuditApp:
    return AuditApp(source or demo_source(), baseline_path=baseline)


async def test_new_since_baseline_shows_exactly_the_new_fails(tmp_path: Path) -> None:
    # A month ago storefront-web did not exist and FabrikamProd still had its admin user.
    old = load_demo()
    old.resources = [r for r in old.resources if r.get("name") != "storefront-web"]
    _named(old, "FabrikamProd")["properties"]["adminUserEnabled"] = True
    old_run = audit(old, DEMO_POLICY)
    baseline = _report(old, tmp_path / "last-month.json")

    app = _app(baseline)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and run.delta is not None
        # Expected, from the two audits themselves: FAIL now, and the baseline assessed
        # that (check, resource) without failing it (absent: its data was collected).
        before = {(r.check_id, r.resource_id): r.status for r in old_run.results}
        expected = {
            k
            for k in _fails(app.session.rows)
            if before.get(k) not in (Status.FAIL, Status.NOT_ASSESSED)
        }
        storefront = {k for k in _fails(app.session.rows) if k[1].endswith("/storefront-web")}
        assert storefront and storefront <= expected

        summary = _summary(app)
        counts = run.delta.counts()
        assert counts[Change.NEW] == len(expected)
        assert counts[Change.RESOLVED] >= 1  # FabrikamProd's admin user
        assert (
            f"since baseline: {len(expected)} new, {counts[Change.RESOLVED]} resolved, "
            f"{counts[Change.INCOMPARABLE]} incomparable"
        ) in summary
        assert "last-month.json" in summary

        screen = await _findings(pilot)
        table = screen.query_one(ResultTable)
        assert table.show_change
        assert "BASELINE" in app.export_screenshot()
        total = len(_shown(app))

        await pilot.press("N")
        await pilot.pause()
        shown = _shown(app)
        assert {(r.result.check_id, r.result.resource_id) for r in shown} == expected
        assert all(r.change is Change.NEW and r.status is Status.FAIL for r in shown)
        assert screen.sub_title == f"findings(new)[{len(expected)}]"
        assert "new" in app.export_screenshot()

        await pilot.press("t")  # FAIL only as well: the title says both
        await pilot.pause()
        assert screen.sub_title == f"findings(FAIL, new)[{len(expected)}]"

        # Resolved is said of the row that passes now, never of a FAIL.
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert len(_shown(app)) == total
        by_change: dict[Change | None, set[Status]] = {}
        for row in _shown(app):
            by_change.setdefault(row.change, set()).add(row.status)
        assert by_change[Change.RESOLVED] <= {Status.PASS, Status.NOT_APPLICABLE}
        assert by_change[Change.UNCHANGED] == {Status.FAIL}
        admin = next(
            r
            for r in _shown(app)
            if r.change is Change.RESOLVED and r.result.resource_id.endswith("/FabrikamProd")
        )
        assert admin.status is not Status.FAIL

        # N again: everything once more.
        await pilot.press("N", "N")
        await pilot.pause()
        assert len(_shown(app)) == total


async def test_a_subscription_denied_in_the_baseline_is_incomparable_not_new(
    tmp_path: Path,
) -> None:
    baseline = _report(_without_groups_of(load_demo(), DEV), tmp_path / "denied.json")
    app = _app(baseline)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and run.delta is not None
        dev_groups = {
            k for k in _fails(app.session.rows) if k[1].lower().startswith(f"/subscriptions/{DEV}/")
        } & {k for k in _fails(app.session.rows) if "/containergroups/" in k[1].lower()}
        assert dev_groups
        counts = run.delta.counts()
        assert counts[Change.NEW] == 0
        assert counts[Change.INCOMPARABLE] >= len(dev_groups)
        assert "0 new" in _summary(app)

        await _findings(pilot)
        marked = {
            (r.result.check_id, r.result.resource_id): r.change
            for r in app.session.rows
            if (r.result.check_id, r.result.resource_id) in dev_groups
        }
        assert set(marked.values()) == {Change.INCOMPARABLE}
        await pilot.press("N")
        await pilot.pause()
        assert _shown(app) == []


async def test_a_subscription_denied_in_this_run_is_incomparable_not_resolved(
    tmp_path: Path,
) -> None:
    demo = load_demo()
    old_run = audit(demo, DEMO_POLICY)
    baseline = _report(demo, tmp_path / "full.json")
    gone = {
        (r.check_id, r.resource_id)
        for r in old_run.results
        if r.status is Status.FAIL
        and r.resource_id.lower().startswith(f"/subscriptions/{DEV}/")
        and "/containergroups/" in r.resource_id.lower()
    }
    assert gone

    denied = _without_groups_of(demo, DEV)

    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        return denied

    app = _app(baseline, Source("denied estate", load, DEMO_POLICY))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and run.delta is not None
        for check_id, resource_id in gone:
            assert run.delta.change_of(check_id, resource_id) is Change.INCOMPARABLE
        counts = run.delta.counts()
        assert counts[Change.RESOLVED] == 0 and counts[Change.NEW] == 0
        assert counts[Change.INCOMPARABLE] >= len(gone)
        assert "0 new, 0 resolved" in _summary(app)
        # The rows this run has there (not assessed) never say resolved either.
        assert not any(r.change is Change.RESOLVED for r in app.session.rows)


async def test_without_a_baseline_nothing_changes() -> None:
    app = _app(None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.run is not None and app.session.run.delta is None
        assert "since baseline" not in _summary(app)
        screen = await _findings(pilot)
        assert not screen.query_one(ResultTable).show_change
        assert "BASELINE" not in app.export_screenshot()
        assert screen.check_action("toggle_new", ()) is False
        titles = {c.title for c in app.get_system_commands(screen)}
        assert "findings: filter text" in titles
        assert "findings: new since baseline" not in titles
        before = screen.sub_title
        await pilot.press("N")
        await pilot.pause()
        assert screen.sub_title == before
        assert all(r.change is None for r in app.session.rows)


def _help_text(app: AuditApp) -> str:
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    for static in app.screen.query(Static):
        console.print(static.content)
    return console.export_text()


async def test_help_lists_the_baseline_key_only_with_a_baseline(tmp_path: Path) -> None:
    for baseline, listed in ((None, False), (_report(load_demo(), tmp_path / "b.json"), True)):
        app = _app(baseline)
        async with app.run_test(size=SIZE) as pilot:
            await wait_loaded(pilot)
            await _findings(pilot)
            await pilot.press("question_mark")
            await wait_for(pilot, lambda a=app: type(a.screen).__name__ == "HelpScreen")
            await pilot.pause()
            text = _help_text(app)
            assert "Filter" in text  # the help is there
            assert ("New" in text) is listed, text


async def test_with_a_baseline_the_palette_offers_it(tmp_path: Path) -> None:
    app = _app(_report(load_demo(), tmp_path / "same.json"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        # The same estate: nothing new, nothing resolved, every FAIL unchanged.
        assert "since baseline: 0 new, 0 resolved" in _summary(app)
        screen = await _findings(pilot)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        commands["findings: new since baseline"].callback()
        await wait_for(pilot, lambda: screen.sub_title == "findings(new)[0]")


async def test_an_unreadable_baseline_is_a_warning_not_a_failed_load(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    app = _app(bad)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.run is not None and app.session.run.delta is None
        await wait_for(pilot, lambda: any("broken.json" in n.message for n in app._notifications))
        assert "since baseline" not in _summary(app)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[AuditApp]:
    apps: list[AuditApp] = []

    def run(self: AuditApp, *args: Any, **kwargs: Any) -> int:
        apps.append(self)
        return 0

    monkeypatch.setattr(AuditApp, "run", run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    return apps


def test_baseline_is_an_app_option(opened: list[AuditApp], tmp_path: Path) -> None:
    old = _report(load_demo(), tmp_path / "old.json")
    assert launch.main(["--demo", "--baseline", str(old)]) == 0
    [app] = opened
    assert app.session.baseline_path == old


def test_a_missing_baseline_stops_before_the_app_opens(
    opened: list[AuditApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert launch.main(["--demo", "--baseline", str(tmp_path / "nope.json")]) == 2
    assert not opened
    assert "nope.json: no such file" in err.getvalue()
