"""Suppress, lift and attest from the app: the policy file keeps the user's comments,
and counts, rows and exports change at once."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, wait_for, wait_loaded

from aciaudit.policy_file import load_policy
from aciaudit.reports import render
from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import SUPPRESSED_STATUS, Filter, Row
from tui.messages import ShowFindings
from tui.policy_text import policy_note
from tui.widgets.result_table import ResultTable

USER_TEXT = "# Owned by secops — keep this comment.\ndisabled = []  # nothing disabled\n"


def current(app: AuditApp) -> Row:
    item = app.screen.query_one(ResultTable).current
    assert isinstance(item, Row)
    return item


async def open_findings(pilot, app: AuditApp, filter: Filter) -> None:
    app.post_message(ShowFindings(filter))
    await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
    await pilot.pause()


async def test_suppress_and_lift_from_the_findings_table(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("USER", "tester")
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(USER_TEXT)
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        run = app.session.run
        assert run is not None and run.suppressed_count == 0
        fails_before = app.session.overview.by_status[Status.FAIL] if app.session.overview else 0
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        row = current(app)

        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SuppressDialog")
        assert app.screen.query_one("#author").value == "tester"  # type: ignore[attr-defined]
        await pilot.press("enter")  # no justification yet: refused
        await pilot.pause()
        assert type(app.screen).__name__ == "SuppressDialog"
        await pilot.press(*"accepted until the migration")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")

        text = policy.read_text()
        assert text.startswith(USER_TEXT)  # the user's comments, byte for byte
        (rule,) = load_policy(policy).policy.suppressions
        assert (rule.check, rule.resource) == (row.result.check_id, row.result.resource_id)
        assert rule.author == "tester" and rule.justification == "accepted until the migration"
        # At once: a new run, the rows, the table, the overview and an export; the run
        # loaded first is left as it was.
        assert run.suppressed_count == 0
        suppressed = app.session.run
        assert suppressed is not None and suppressed is not run
        assert suppressed.suppressed_count == 1
        now = current(app)
        assert now.result == row.result and now.suppressed
        assert now.cells[6] == SUPPRESSED_STATUS
        assert app.session.overview is not None and app.session.overview.suppressed == 1
        # Still a FAIL, counted apart: one rule for the overview, tree and table.
        assert app.session.overview.by_status[Status.FAIL] == fails_before - 1
        assert "**SUPPRESSED**" in render(suppressed, "markdown")
        assert suppressed.policy_file is not None and suppressed.policy_file.path == str(policy)

        await pilot.press("u")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog")
        await pilot.press("y")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        assert app.session.run is not None and app.session.run.suppressed_count == 0
        assert suppressed.suppressed_count == 1
        assert not current(app).suppressed
        assert policy.read_text() == USER_TEXT


async def test_not_assessed_cannot_be_suppressed(tmp_path: Path) -> None:
    policy = tmp_path / "aci-audit.toml"
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.NOT_ASSESSED})))
        assert current(app).result.status is Status.NOT_ASSESSED
        await pilot.press("m")
        await pilot.pause()
        assert type(app.screen).__name__ == "FindingsScreen"
        assert not policy.exists()


async def test_suppress_from_the_detail_screen(tmp_path: Path) -> None:
    policy = tmp_path / "aci-audit.toml"
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SuppressDialog")
        await pilot.press(*"risk accepted", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
        assert app.session.run is not None and app.session.run.suppressed_count >= 1
        assert app.screen.row.suppressed  # type: ignore[attr-defined]
        note = policy_note(app.session.run, app.screen.row.result)  # type: ignore[attr-defined]
        assert "SUPPRESSED" in note.plain and "risk accepted" in note.plain


async def test_attest_a_manual_item_from_the_overview(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("USER", "auditor")
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(USER_TEXT)
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AttestDialog")
        app.screen.query_one("#pass").value = True  # type: ignore[attr-defined]
        await pilot.press(*"pipeline gates on high CVEs", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        run = app.session.run
        assert run is not None
        (man1,) = [r for r in run.results if r.check_id == "MAN-001"]
        assert man1.status is Status.PASS
        assert "pipeline gates on high CVEs" in man1.message
        assert policy.read_text().startswith(USER_TEXT)
        attestation = load_policy(policy).policy.attestations["MAN-001"]
        assert (attestation.status, attestation.by) == (Status.PASS, "auditor")
        assert any(
            r.result.check_id == "MAN-001" and r.status is Status.PASS for r in app.session.rows
        )
        # The overview was rebuilt from the new counts.
        assert (
            app.session.overview is not None and app.session.overview.by_status[Status.MANUAL] == 5
        )


async def test_detail_offers_only_the_policy_keys_that_apply(tmp_path: Path) -> None:
    app = AuditApp(demo_source(), policy_path=tmp_path / "aci-audit.toml")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.PASS})))
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
        screen = app.screen
        assert not screen.check_action("suppress", ())
        assert not screen.check_action("attest", ())
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is screen  # no dialog for a PASS

        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.MANUAL})))
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AttestDialog")
        chosen = app.screen.query_one("#item").value  # type: ignore[attr-defined]
        assert chosen == app.screen_stack[-2].row.result.check_id  # type: ignore[attr-defined]


async def test_the_suppress_dialog_fits_with_its_buttons(tmp_path: Path) -> None:
    import html

    app = AuditApp(demo_source(), policy_path=tmp_path / "aci-audit.toml")
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SuppressDialog")
        await pilot.pause()
        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        # Every field and both buttons on screen at 120x36, none clipped away.
        for text in ("Justification", "Expires", "Author", "Cancel"):
            assert text in shown, text


async def test_ctrl_z_undoes_an_attestation_and_a_suppression(tmp_path: Path) -> None:
    # Undo is one step: the last policy change, whatever made it (a, m or u).
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(USER_TEXT)
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        manual_before = app.session.overview.by_status[Status.MANUAL]  # type: ignore[union-attr]
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "AttestDialog")
        app.screen.query_one("#pass").value = True  # type: ignore[attr-defined]
        await pilot.press(*"gated in CI", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        assert policy.read_text() != USER_TEXT
        assert app.session.overview.by_status[Status.MANUAL] == manual_before - 1  # type: ignore[union-attr]
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: policy.read_text() == USER_TEXT)
        await pilot.pause()
        assert app.session.overview.by_status[Status.MANUAL] == manual_before  # type: ignore[union-attr]

        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SuppressDialog")
        await pilot.press(*"accepted", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        assert app.session.run is not None and app.session.run.suppressed_count == 1
        assert current(app).suppressed
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: policy.read_text() == USER_TEXT)
        await pilot.pause()
        assert app.session.run is not None and app.session.run.suppressed_count == 0
        assert not current(app).suppressed


async def test_undoing_the_edit_that_created_a_linked_policy_removes_the_target(
    tmp_path: Path,
) -> None:
    # aci-audit.toml links to a policy file that does not exist yet: the edit creates the
    # link's target; undo removes that file and keeps the link (it removed the link).
    target = tmp_path / "team" / "policy.toml"
    target.parent.mkdir()
    link = tmp_path / "aci-audit.toml"
    link.symlink_to(target)
    app = AuditApp(demo_source(), policy_path=link)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_findings(pilot, app, Filter(statuses=frozenset({Status.FAIL})))
        await pilot.press("m")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SuppressDialog")
        await pilot.press(*"accepted", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        assert target.is_file() and link.is_symlink()
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: not target.exists())
        assert link.is_symlink()
        assert app.session.run is not None and app.session.run.suppressed_count == 0


async def test_a_top_check_line_opens_on_the_fails_it_counts(tmp_path: Path) -> None:
    # The overview counts no suppressed FAIL; its "top failing checks" line must open on
    # those same rows, not on the suppressed one too.
    from tui.overview_model import build_overview

    plain = build_overview(load_demo_run())
    line = next(line for line in plain.top_checks if int(line.cells[3]) >= 2)
    check_id = line.cells[0]
    fails = [
        r for r in load_demo_run().results if r.check_id == check_id and r.status is Status.FAIL
    ]
    policy = tmp_path / "aci-audit.toml"
    policy.write_text(
        f'[[suppressions]]\ncheck = "{check_id}"\nresource = "{fails[0].resource_id}"\n'
        'justification = "accepted"\nexpires = 2099-01-01\n'
    )
    app = AuditApp(demo_source(), policy_path=policy)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        overview = app.session.overview
        assert overview is not None and overview.suppressed == 1
        (now,) = [line for line in overview.top_checks if line.cells[0] == check_id]
        assert int(now.cells[3]) == len(fails) - 1
        await open_findings(pilot, app, now.filter)
        rows = [i for i in app.screen.query_one(ResultTable).items if isinstance(i, Row)]
        assert len(rows) == len(fails) - 1 and not any(r.suppressed for r in rows)


def load_demo_run():
    from aciaudit.run import audit
    from aciaudit.sources.demo import DEMO_POLICY, load_demo

    return audit(load_demo(), DEMO_POLICY)
