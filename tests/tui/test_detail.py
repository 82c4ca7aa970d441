"""The finding detail's extras: `y` raw JSON with the evidence marked, the other
findings on the same resource, and the registry relation in both directions."""

from __future__ import annotations

import copy
import json

from conftest import SIZE, source_of, wait_for, wait_loaded
from textual.widgets import OptionList, Static

from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import Row
from tui.screens.raw_json import json_lines, marked_lines


def screen_is(app: AuditApp, name: str) -> bool:
    return type(app.screen).__name__ == name


async def open_detail(pilot, app: AuditApp, row: Row) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.detail import DetailScreen

    app.push_screen(DetailScreen(app.session.rows, app.session.rows.index(row)))
    await wait_for(pilot, lambda: screen_is(app, "DetailScreen"))
    await pilot.pause()


def first(app: AuditApp, check_id: str, status: Status = Status.FAIL) -> Row:
    return next(
        r for r in app.session.rows if r.result.check_id == check_id and r.result.status is status
    )


def test_json_lines_follow_json_dumps_and_mark_paths() -> None:
    value = {
        "properties": {
            "containers": [
                {"name": "a", "properties": {"environmentVariables": [{"value": "s"}]}},
                {"name": "b", "properties": {}},
            ],
            "empty": [],
        },
        "sku": {"name": "Basic"},
    }
    lines = json_lines(value)
    assert "\n".join(line for _, line in lines) == json.dumps(value, indent=2)
    paths = ["properties.containers[*].properties.environmentVariables[*].value", "sku"]
    marked, missing = marked_lines(lines, [*paths, "diagnosticSettings"])
    texts = [lines[i][1].strip() for i in sorted(marked)]
    assert texts == ['"value": "s"', '"sku": {', '"name": "Basic"', "}"]
    assert missing == ["diagnosticSettings"]


async def test_y_shows_the_raw_json_with_the_evidence_marked_and_esc_closes() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await open_detail(pilot, app, first(app, "ACR-001"))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen_is(app, "RawJsonScreen"))
        await pilot.pause()
        dialog = app.screen
        marked = dialog.marked  # type: ignore[attr-defined]
        assert marked
        body = dialog.query_one("#raw-json-body", Static)
        lines = str(body.render()).splitlines()
        assert all(lines[i].startswith("▶") for i in marked)
        assert any("adminUserEnabled" in lines[i] for i in marked)
        assert sum(line.startswith("▶") for line in lines) == len(marked)
        text = app.export_screenshot().replace("&#160;", " ")
        assert "redacted JSON" in text and "adminUserEnabled" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_is(app, "DetailScreen"))


async def test_y_marks_every_container_for_a_wildcard_path() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        row = next(
            r
            for r in app.session.rows
            if any(ev.path.startswith("properties.containers[*]") for ev in r.result.evidence)
        )
        await open_detail(pilot, app, row)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen_is(app, "RawJsonScreen"))
        assert app.screen.marked  # type: ignore[attr-defined]


async def test_y_on_a_subscription_finding_explains_instead_of_opening() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        row = next(r for r in app.session.rows if r.rtype in ("subscription", "estate"))
        await open_detail(pilot, app, row)
        await pilot.press("y")
        await pilot.pause()
        assert screen_is(app, "DetailScreen")


async def test_related_registries_and_same_resource_findings_on_the_demo() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        group = next(
            r
            for r in app.session.rows
            if r.rtype == "container group" and r.cells[3] == "storefront-web"
        )
        await open_detail(pilot, app, group)
        related = str(app.screen.query_one("#detail-related", Static).render())
        assert "Pulls from registries" in related and "FabrikamProd" in related
        assert "fabrikamprod.azurecr.io/storefront/web:2.14.1" in related
        others = [
            r
            for r in app.session.rows
            if r.result.resource_id == group.result.resource_id and r.result is not group.result
        ]
        same = app.screen.query_one("#detail-same", OptionList)
        assert same.option_count == len(others) > 0
        assert f"Other findings on this resource ({len(others)})" in related

        # enter on one of them opens that finding; esc comes back.
        same.focus()
        same.highlighted = 1
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: screen_is(app, "DetailScreen") and app.screen.row is others[1]
        )  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.row is group)  # type: ignore[attr-defined]

        registry = next(
            r for r in app.session.rows if r.rtype == "registry" and r.cells[3] == "FabrikamProd"
        )
        await open_detail(pilot, app, registry)
        related = str(app.screen.query_one("#detail-related", Static).render())
        assert "Container groups pulling from this registry" in related
        for name in ("storefront-web", "orders-api", "nightly-settlement"):
            assert name in related


async def test_raw_json_and_related_render_hostile_names_literally() -> None:
    from fixtures import container_group, registry

    reg = registry(name="fabrikamx")
    group = copy.deepcopy(container_group(name="cg1"))
    group["name"] = "a[/]b"
    container = group["properties"]["containers"][0]
    container["name"] = "[bold]x[/]"
    container["properties"]["image"] = "fabrikamx.azurecr.io/app:1"
    group["tags"] = {"owner": "\x1b[31mred [bold]x[/]\u0085"}
    reg["name"] = "[bold]reg[/]"
    raw = {"format": "aci-auditor.snapshot", "version": 1, "resources": [reg, group]}
    app = AuditApp(source_of(json.loads(json.dumps(raw))))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        row = next(
            r
            for r in app.session.rows
            if r.rtype == "container group"
            and any(ev.path.startswith("properties.containers") for ev in r.result.evidence)
        )
        await open_detail(pilot, app, row)
        related = str(app.screen.query_one("#detail-related", Static).render())
        assert "[bold]reg[/]" in related
        await pilot.press("y")
        await wait_for(pilot, lambda: screen_is(app, "RawJsonScreen"))
        await pilot.pause()
        body = str(app.screen.query_one("#raw-json-body", Static).render())
        assert '"name": "a[/]b"' in body
        assert '"name": "[bold]x[/]"' in body
        assert "\x1b" not in body and "\\u001b[31mred [bold]x[/]" in body
        assert "\x85" not in body
        text = app.export_screenshot()
        assert "\x1b" not in text


async def test_copy_key_is_offered_only_where_there_is_an_az_command() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        with_az = first(app, "ACI-016")
        without = first(app, "ACI-029")
        assert with_az.check.az is not None and without.check.az is None
        await open_detail(pilot, app, with_az)
        assert app.screen.check_action("copy_az", ()) is True
        app.pop_screen()
        await open_detail(pilot, app, without)
        assert app.screen.check_action("copy_az", ()) is False
