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
