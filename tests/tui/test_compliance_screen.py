"""The compliance view: `c` on the overview opens it, `n` steps through frameworks and
`enter` opens the findings of the control's checks."""

from __future__ import annotations

from conftest import SIZE, wait_for, wait_loaded
from textual.widgets import DataTable

from aciaudit.sources.choice import demo_source
from tui.app import AuditApp
from tui.findings_model import Row
from tui.screens.compliance import ComplianceScreen


async def test_compliance_view_opens_and_leads_to_findings() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplianceScreen))
        screen = app.screen
        assert isinstance(screen, ComplianceScreen)
        assert screen.framework is not None and screen.framework.key == "mcsb-v2"
        table = screen.query_one("#compliance-table", DataTable)
        assert table.row_count == len(screen.framework.controls) > 5
        await pilot.press("n")
        assert screen.framework.key == "mcsb-v1"
        first = screen.framework.controls[0]
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FindingsScreen")
        items = app.screen.view.items  # type: ignore[attr-defined]
        rows = [r for r in items if isinstance(r, Row)]
        assert rows and {r.check.id for r in rows} <= set(first.checks)
        assert app.screen.scope == f"mcsb-v1 {first.control}"  # type: ignore[attr-defined]


async def test_compliance_opens_with_one_build_keeps_its_cursor_through_a_resize(
    monkeypatch,
) -> None:
    from tui.widgets.footer import AppFooter

    builds: list[int] = []
    show = ComplianceScreen._show

    def counted(self: ComplianceScreen, *args: object, **kwargs: object) -> None:
        builds.append(1)
        show(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ComplianceScreen, "_show", counted)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplianceScreen))
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, ComplianceScreen) and screen.framework is not None
        # Opened: one build (the first resize, at the same width, used to rebuild it).
        assert len(builds) == 1
        # The app's own footer (compact at 80 columns), not Textual's.
        assert type(screen.query_one("Footer")) is AppFooter
        await pilot.press("down", "down", "down")
        table = screen.query_one("#compliance-table", DataTable)
        assert table.cursor_row == 3
        control = screen.framework.controls[3].control
        for size in ((80, 24), SIZE):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            # The cursor stays on its control (a resize sent it back to the top).
            assert table.cursor_row == 3, size
            hint = str(screen.query_one("#compliance-hint").render())
            assert hint.startswith(f"{control}:"), size
        # Back at 120 columns the footer is full size again.
        assert screen.query_one(AppFooter).compact is False
