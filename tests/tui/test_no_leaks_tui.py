"""Canary secrets planted in the estate never reach a screen of the app: overview,
findings, every finding's detail and raw JSON, resources, images, help."""

from __future__ import annotations

import html

from conftest import SIZE, source_of, wait_for, wait_loaded
from test_no_leaks import TAG, raw_snapshot

from tui.app import AuditApp
from tui.screens.detail import DetailScreen


def screen_text(app: AuditApp) -> str:
    return html.unescape(app.export_screenshot())


def assert_clean(app: AuditApp, where: str) -> None:
    assert TAG.lower() not in screen_text(app).lower(), f"canary leaked into {where}"


async def test_no_screen_shows_a_canary() -> None:
    raw = raw_snapshot()
    assert TAG in str(raw)  # the input really carries them
    app = AuditApp(source_of(raw))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert_clean(app, "overview")
        for key, name in (("f", "FindingsScreen"), ("r", "ResourcesScreen"), ("i", "ImagesScreen")):
            await pilot.press(key)
            await wait_for(pilot, lambda n=name: type(app.screen).__name__ == n)
            await pilot.pause(0.2)
            assert_clean(app, name)
            await pilot.press("question_mark")
            await pilot.pause()
            assert_clean(app, f"help over {name}")
            await pilot.press("escape", "escape")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "OverviewScreen")
        secret_rows = 0
        for i, row in enumerate(app.session.rows):
            app.push_screen(DetailScreen(app.session.rows, i))
            await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
            await pilot.pause()
            assert_clean(app, f"detail of {row.result.check_id}")
            secret_rows += row.result.check_id in ("ACI-006", "ACI-007", "ACI-008")
            if row.result.resource_id.startswith("/subscriptions/") and "/providers/" in (
                row.result.resource_id
            ):
                await pilot.press("y")
                await wait_for(pilot, lambda: type(app.screen).__name__ == "RawJsonScreen")
                await pilot.pause()
                assert_clean(app, f"raw JSON of {row.result.resource_id}")
                await pilot.press("escape")
                await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
            app.pop_screen()
            await pilot.pause()
        assert secret_rows  # the findings that see the secrets were shown too
