"""Issue #13 acceptance, the app: no planted secret of the hostile estate reaches a
screen (overview, findings, resources, images, every finding's detail, raw JSON), and
bidi or zero-width characters show escaped, never raw."""

from __future__ import annotations

import html
import json

from conftest import SIZE, source_of, wait_for, wait_loaded
from fixtures import DATA

from tui.app import AuditApp
from tui.screens.detail import DetailScreen

HOSTILE = DATA / "hostile" / "estate" / "estate.json"
PLANTED: list[str] = json.loads((DATA / "hostile" / "estate" / "planted.json").read_text())
TAG = "Qzx7h"


def _shown(app: AuditApp) -> str:
    return html.unescape(app.export_screenshot())


def _clean(app: AuditApp, where: str) -> None:
    text = _shown(app)
    assert TAG.lower() not in text.lower(), f"a planted secret reached {where}"
    assert "\u202e" not in text and "\u200b" not in text, f"bidi/zero-width raw in {where}"


async def test_no_screen_shows_a_planted_secret() -> None:
    raw = json.loads(HOSTILE.read_text())
    app = AuditApp(source_of(raw, "hostile estate"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        _clean(app, "overview")
        for key, name in (("f", "FindingsScreen"), ("r", "ResourcesScreen"), ("i", "ImagesScreen")):
            await pilot.press(key)
            await wait_for(pilot, lambda n=name: type(app.screen).__name__ == n)
            await pilot.pause(0.2)
            _clean(app, name)
            await pilot.press("escape")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        raw_json_shown = 0
        for i, row in enumerate(app.session.rows):
            app.push_screen(DetailScreen(app.session.rows, i))
            await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
            await pilot.pause()
            _clean(app, f"detail of {row.result.check_id}")
            if row.result.check_id in ("ACI-006", "ACR-001", "ACR-011"):
                await pilot.press("y")
                await wait_for(pilot, lambda: type(app.screen).__name__ == "RawJsonScreen")
                await pilot.pause()
                _clean(app, f"raw JSON of {row.result.resource_id}")
                raw_json_shown += 1
                await pilot.press("escape")
                await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
            app.pop_screen()
            await pilot.pause()
        assert raw_json_shown >= 2
