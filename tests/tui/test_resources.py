"""The resources tree: counts per node, `enter` opens that scope's findings, `esc` back;
hostile names render as literal text; the model stays quick on a large estate."""

from __future__ import annotations

import copy
import json

from conftest import SIZE, source_of, wait_for, wait_loaded
from textual.widgets import Tree

from aciaudit.run import audit
from aciaudit.snapshot_io import parse_snapshot
from aciaudit.sources.choice import demo_source
from checks.model import Status
from tui.app import AuditApp
from tui.findings_model import Row
from tui.resources_model import CONTAINER_GROUP, GROUP, SUBSCRIPTION, build_tree
from tui.session import RunViews
from tui.widgets.result_table import ResultTable


def tree_of(app: AuditApp) -> Tree:
    return app.screen.query_one("#resources-tree", Tree)


def screen_is(app: AuditApp, name: str) -> bool:
    return type(app.screen).__name__ == name


def _views(app: AuditApp) -> RunViews:
    views = app.session.views
    assert views is not None
    return views


async def open_resources(pilot, app: AuditApp) -> Tree:  # type: ignore[no-untyped-def]
    await wait_loaded(pilot)
    await pilot.press("r")
    await wait_for(pilot, lambda: screen_is(app, "ResourcesScreen"))
    await wait_for(pilot, lambda: _views(app).built_tree is not None)
    await pilot.pause()
    return tree_of(app)


def test_counts_add_up_from_containers_to_the_estate() -> None:
    from aciaudit.sources.demo import load_demo

    run = audit(load_demo())
    tree = build_tree(run)
    fails = sum(1 for r in run.results if r.status is Status.FAIL)
    not_assessed = sum(1 for r in run.results if r.status is Status.NOT_ASSESSED)
    assert tree.root.counts.fails == fails
    assert tree.root.counts.not_assessed == not_assessed
    for sub in tree.root.children:
        assert sub.kind == SUBSCRIPTION
        below = sum(c.counts.fails for c in sub.children) + sub.own.fails
        assert sub.counts.fails == below
    jumpbox = next(n for n in tree.by_scope.values() if n.name == "dev-jumpbox")
    assert jumpbox.kind == CONTAINER_GROUP
    assert [c.name for c in jumpbox.children] == ["sshd", "mysql"]
    assert all(c.counts.fails for c in jumpbox.children)
    assert "high" in jumpbox.counts.summary() and jumpbox.counts.summary().startswith("FAIL ")
    assert tree.totals[CONTAINER_GROUP] == 11
    assert sum(1 for n in tree.by_scope.values() if n.kind == GROUP) == tree.totals[GROUP]


async def test_tree_shows_counts_and_enter_opens_scoped_findings() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_resources(pilot, app)
        assert tree.root.is_expanded
        subs = tree.root.children
        assert len(subs) == 3
        labels = [str(n.label) for n in subs]
        assert any("Fabrikam Production" in label and "FAIL" in label for label in labels)
        title = str(app.screen.query_one("#resources-title").render())
        assert "11 container group(s)" in title

        # Down to the first subscription, expand it, then its first resource group.
        await pilot.press("down", "space")
        await pilot.pause()
        sub = tree.cursor_node
        assert sub is not None and sub.is_expanded and sub.children
        await pilot.press("down", "space", "down")
        await pilot.pause()
        node = tree.cursor_node
        assert node is not None and node.data is not None
        assert node.data.kind in ("registry", "container group")
        assert node.data.counts.summary() in str(node.label)

        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_is(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        shown = [i for i in table.items if isinstance(i, Row)]
        assert shown
        scope = node.data.scope.lower()
        assert all(r.result.resource_id.lower().startswith(scope) for r in shown)
        assert f"@{node.data.place()}" in app.screen.sub_title
        assert node.data.place().endswith("/" + node.data.name)

        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_is(app, "ResourcesScreen"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_is(app, "OverviewScreen"))


async def test_enter_on_the_estate_opens_every_finding() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_resources(pilot, app)
        assert tree.cursor_line == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_is(app, "FindingsScreen"))
        table = app.screen.query_one(ResultTable)
        assert len([i for i in table.items if isinstance(i, Row)]) == len(app.session.rows)


HOSTILE_NAMES = ("[bold]x[/]", "a[/]b", "\x1b[31mred", "tab\there\x07bell")


async def test_markup_and_control_characters_in_names_render_literally() -> None:
    from fixtures import container_group

    resources = []
    for i, name in enumerate(HOSTILE_NAMES):
        group = copy.deepcopy(container_group(name=f"g{i}"))
        rg_id = group["id"].rsplit("/providers/", 1)[0]
        # An id segment cannot hold "/": those names live in `name` only.
        segment = f"g{i}" if "/" in name else name
        group["id"] = f"{rg_id}/providers/Microsoft.ContainerInstance/containerGroups/{segment}"
        group["name"] = name
        group["properties"]["containers"][0]["name"] = name
        resources.append(group)
    raw = {"format": "aci-auditor.snapshot", "version": 1, "resources": resources}
    app = AuditApp(source_of(json.loads(json.dumps(raw))))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_resources(pilot, app)
        # One subscription: it opens by itself; open its resource group too.
        await pilot.press("down", "down", "space")
        await pilot.pause()
        rg = tree.cursor_node
        assert rg is not None and len(rg.children) == len(HOSTILE_NAMES)
        for child in rg.children:
            child.expand()
        await pilot.pause()
        text = app.export_screenshot().replace("&#160;", " ")
        assert "\x1b" not in text and "\x07" not in text
        for expected in ("[bold]x[/]", "a[/]b", "␛[31mred"):
            assert expected in text, expected
        labels = [c.label for c in rg.children]
        assert any(label.plain.startswith("[bold]x[/]  container group") for label in labels)
        assert any(label.plain.startswith("a[/]b  container group") for label in labels)
        # The containers carry the same names, below each group.
        contents = [str(leaf.label) for child in rg.children for leaf in child.children]
        assert any(line.startswith("tab\there␇bell") or "␇bell" in line for line in contents)
        # Styles come from us only: no span was parsed out of a name.
        assert all("[/]" not in str(span.style) for label in labels for span in label.spans)


def test_tree_of_ten_thousand_groups_is_quick() -> None:
    import time

    from fixtures import container_group

    base = container_group(name="g0")
    resources = []
    for i in range(10_000):
        group = copy.deepcopy(base)
        rg = f"/subscriptions/00000000-0000-0000-0000-00000000000{i % 2}/resourceGroups/rg{i % 40}"
        group["id"] = f"{rg}/providers/Microsoft.ContainerInstance/containerGroups/g{i}"
        group["name"] = f"g{i}"
        resources.append(group)
    raw = {"format": "aci-auditor.snapshot", "version": 1, "resources": resources}
    run = audit(parse_snapshot(raw, origin="big"))
    started = time.perf_counter()
    tree = build_tree(run)
    elapsed = time.perf_counter() - started
    assert tree.totals[CONTAINER_GROUP] == 10_000
    assert tree.root.counts.fails == sum(1 for r in run.results if r.status is Status.FAIL)
    assert elapsed < 5, elapsed  # ~0.9 s on a 2-core machine; built in a worker


async def test_a_large_group_is_listed_a_page_at_a_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fixtures import container_group

    import tui.screens.resources as screen_module

    monkeypatch.setattr(screen_module, "PAGE", 2)
    resources = [container_group(name=f"g{i}") for i in range(5)]
    raw = {"format": "aci-auditor.snapshot", "version": 1, "resources": resources}
    app = AuditApp(source_of(json.loads(json.dumps(raw))))
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_resources(pilot, app)
        await pilot.press("down", "down", "space")  # the only resource group
        await pilot.pause()
        rg = tree.cursor_node
        assert rg is not None
        assert [c.data.name if c.data else None for c in rg.children] == ["g0", "g1", None]
        assert "3 more" in str(rg.children[-1].label)
        await pilot.press("down", "down", "down", "enter")  # on the `… more` line
        await pilot.pause()
        assert [c.data.name if c.data else None for c in rg.children] == [
            "g0", "g1", "g2", "g3", None
        ]  # fmt: skip
        assert screen_is(app, "ResourcesScreen")  # enter paged, it opened nothing
        tree.move_cursor(rg.children[-1])
        await pilot.press("space")
        await pilot.pause()
        assert [c.data.name for c in rg.children if c.data] == ["g0", "g1", "g2", "g3", "g4"]
        assert len(rg.children) == 5


def test_r_and_y_are_in_the_key_registry_with_palette_names() -> None:
    from tui.keys import help_groups, palette_entries

    overview = {a.palette: a.keys for a in palette_entries("overview")}
    assert overview["resources: show tree"] == "r"
    detail = {a.palette: a.keys for a in palette_entries("detail")}
    assert detail["finding: show raw JSON"] == "y"
    assert any(a.action == "open" for a in help_groups("resources")["Navigation"])


async def test_the_palette_opens_the_resources_tree() -> None:
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["resources: show tree"].callback()
        await wait_for(pilot, lambda: screen_is(app, "ResourcesScreen"))


async def test_a_large_estate_builds_the_tree_in_a_worker(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tui.screens.resources as screen_module

    monkeypatch.setattr(screen_module, "INLINE", 0)
    app = AuditApp(demo_source())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_resources(pilot, app)
        assert len(tree.root.children) == 3
        assert "FAIL" in str(tree.root.label)
        # Built once per run: a second visit reuses it.
        built = _views(app).built_tree
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: screen_is(app, "ResourcesScreen"))
        assert _views(app).built_tree is built
