"""Issue 6 in the app: `--vulns` reports load with the source, the running images screen
(`i`) lists every image with its groups, scan match and counts, `/CVE-…` finds the
exposed images, `enter` opens their groups' findings, and the ACI-029 detail lists the
CVEs in a table that `o` re-sorts. Bad report files are notes, hostile names literal."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from conftest import SIZE, wait_for, wait_loaded
from fixtures import SCAN_EXAMPLES as EXAMPLES
from fixtures import clone, container_group, make_snapshot, registry
from rich.text import Text
from textual.widgets import DataTable, Static

from aciaudit.cli import build_parser
from aciaudit.run import audit
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.choice import Source
from aciaudit.vulns import load_vulns
from checks.model import Status
from checks.snapshot import Snapshot
from tui.app import AuditApp
from tui.images_model import NO_SCAN, build_images, cves_for
from tui.text import short_reference
from tui.widgets.cve_table import CveTable, sort_rows

KEYCLOAK = (
    "docker.io/keycloak/keycloak@"
    "sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50"
)
# Grype's synthetic report: one critical CVE without a fix, one low with a fix.
SYNTHETIC = "user-input@sha256:ca738abb87a8d58f112d3400ebb079b61ceae7dc290beb34bda735be4b1941d5"
HOSTILE = "[bold]x[/]"


def _ctr(name: str, image: str) -> dict[str, Any]:
    c = clone(container_group()["properties"]["containers"][0])
    c["name"] = name
    c["properties"]["image"] = image
    c["properties"].pop("volumeMounts", None)
    return c


def _group(name: str, *images: str) -> dict[str, Any]:
    props = {"containers": [_ctr(f"c{i}", img) for i, img in enumerate(images)]}
    return container_group(name=name, properties=props)


def estate() -> Snapshot:
    return make_snapshot(
        [
            _group("web", "alpine:3.10"),
            _group("worker", "alpine:3.10"),
            _group("auth", KEYCLOAK),
            _group("legacy", SYNTHETIC),
            _group("odd", HOSTILE),
        ]
    )


def scanned_source(*vulns: Path) -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        return estate()

    return Source("scanned estate", load, vulns=vulns)


def screen_is(app: AuditApp, name: str) -> bool:
    return type(app.screen).__name__ == name


async def open_images(pilot, app: AuditApp) -> DataTable:  # type: ignore[no-untyped-def]
    await wait_loaded(pilot)
    await pilot.press("i")
    await wait_for(pilot, lambda: screen_is(app, "ImagesScreen"))
    await wait_for(pilot, lambda: getattr(app.screen, "model", None) is not None)
    await pilot.pause()
    return app.screen.query_one("#images-table", DataTable)


def table_rows(table: DataTable) -> list[list[str]]:
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


# -- the model ------------------------------------------------------------------------


def test_model_lists_each_image_with_groups_match_and_counts() -> None:
    run = audit(estate(), scans=load_vulns([EXAMPLES]).scans)
    model = build_images(run)
    by_image = {r.image: r for r in model.rows}
    alpine = by_image["alpine:3.10"]
    assert alpine.group_names == ("web", "worker")
    assert alpine.scan == "by tag"
    assert alpine.counts == (0, 0, 4, 0, 0)
    keycloak = by_image[KEYCLOAK]
    assert keycloak.scan == "by digest" and keycloak.counts[3] == 6
    assert keycloak.worst_text == "CVE-2020-12413 (low)"
    assert by_image[HOSTILE].scan == NO_SCAN
    # Most exposed first: the critical image, the unscanned one last.
    assert model.rows[0].image == SYNTHETIC and model.rows[-1].image == HOSTILE
    assert [r.image for r in model.filtered("cve-2020-12413")] == [KEYCLOAK]
    assert model.groups == 5 and model.has_scans


def test_model_without_scans_still_lists_images() -> None:
    model = build_images(audit(estate()))
    assert not model.has_scans
    assert {r.scan for r in model.rows} == {NO_SCAN}
    assert len(model.rows) == 4


def test_cve_rows_cover_every_finding_and_sort_two_ways() -> None:
    run = audit(estate(), scans=load_vulns([EXAMPLES]).scans)
    legacy = next(g["id"] for g in estate().resources if g["name"] == "legacy")
    rows = cves_for(run, "ACI-029", legacy)
    assert [r.vuln.id for r in sort_rows(rows, "severity")] == ["CVE-1999-0002", "CVE-1999-0001"]
    assert [r.vuln.id for r in sort_rows(rows, "fix")] == ["CVE-1999-0001", "CVE-1999-0002"]
    auth = next(g["id"] for g in estate().resources if g["name"] == "auth")
    assert len(cves_for(run, "ACI-029", auth)) == 6  # every package, not the top few
    assert cves_for(run, "ACI-001", auth) == []


def test_acr_016_rows_are_every_finding_of_the_registry_images() -> None:
    ghcr = registry(name="ghcr")
    ghcr["properties"]["loginServer"] = "ghcr.io"
    scans = load_vulns([EXAMPLES]).scans
    run = audit(make_snapshot([ghcr]), scans=scans)
    rows = cves_for(run, "ACR-016", ghcr["id"])
    images = {r.image for r in rows}
    assert images == {s.name for s in scans if any(ref.registry == "ghcr.io" for ref in s.refs)}
    assert len(images) == 3
    assert rows == sort_rows(rows, "severity") and rows[0].vuln.severity.value == "critical"


def test_top_level_vulns_option_is_repeatable_and_reaches_scan() -> None:
    parser = build_parser()
    assert parser.parse_args(["--vulns", "a", "--vulns", "b", "--demo"]).vulns == [
        Path("a"),
        Path("b"),
    ]
    assert parser.parse_args(["--vulns", "a", "scan"]).vulns == [Path("a")]
    assert parser.parse_args(["scan", "--vulns", "c"]).vulns == [Path("c")]
    assert parser.parse_args(["--demo"]).vulns is None


# -- the app --------------------------------------------------------------------------


async def test_images_screen_filter_by_cve_and_enter_opens_findings() -> None:
    app = AuditApp(scanned_source(EXAMPLES))
    async with app.run_test(size=SIZE) as pilot:
        table = await open_images(pilot, app)
        rows = table_rows(table)
        alpine = next(r for r in rows if r[0] == "alpine:3.10")
        assert alpine[1] == "2: web, worker"
        assert alpine[2] == "by tag"
        assert alpine[3:8] == ["0", "0", "4", "0", "0"]
        # A digest is cut to 12 hex digits in the table (the hint line has it whole).
        shown = short_reference(KEYCLOAK, table.ordered_columns[0].width)
        assert any(r[0] == shown and r[2] == "by digest" for r in rows)
        footer = app.screen.active_bindings["enter"].binding
        assert (footer.id, footer.description) == ("images.open", "Findings")
        title = str(app.screen.query_one("#images-title", Static).render())
        assert "4 running image(s) in 5 container group(s); 3 with scan data" in title

        await pilot.press("slash", *"CVE-2020-12413")
        await pilot.pause()
        rows = table_rows(table)
        width = table.ordered_columns[0].width
        assert [r[0] for r in rows] == [short_reference(KEYCLOAK, width)]
        hint = str(app.screen.query_one("#images-hint", Static).render())
        assert "1 image(s) in 1 container group(s) match CVE-2020-12413" in hint

        await pilot.press("enter")  # leaves the filter box
        await pilot.press("enter")  # opens the findings of the groups that run it
        await wait_for(pilot, lambda: screen_is(app, "FindingsScreen"))
        view = app.screen.view  # type: ignore[attr-defined]
        groups = {r.result.resource_id for r in view.items}
        assert len(groups) == 1 and groups.pop().endswith("/containerGroups/auth")
        assert any(r.result.check_id == "ACI-029" for r in view.items)

        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_is(app, "ImagesScreen"))


def test_keys_are_in_the_registry_with_palette_names() -> None:
    from tui.keys import help_groups, palette_entries

    names = {a.palette: a.key_label for a in palette_entries("overview")}
    assert names["images: running images"] == "i"
    detail = {a.id: a for a in palette_entries("detail")}
    assert detail["detail.cve_sort"].key_label == "o"
    images = [a.id for group in help_groups("images").values() for a in group]
    assert "images.filter" in images and "images.open" in images


async def test_enter_on_an_image_run_by_two_groups_opens_both() -> None:
    app = AuditApp(scanned_source(EXAMPLES))
    async with app.run_test(size=SIZE) as pilot:
        await open_images(pilot, app)
        await pilot.press("slash", *"alpine", "enter", "enter")
        await wait_for(pilot, lambda: screen_is(app, "FindingsScreen"))
        view = app.screen.view  # type: ignore[attr-defined]
        names = {r.result.resource_id.rsplit("/", 1)[-1] for r in view.items}
        assert names == {"web", "worker"}
        assert "2 resource(s)" in view.title("alpine:3.10")


async def test_aci_029_detail_lists_cves_and_o_resorts() -> None:
    from tui.screens.detail import DetailScreen

    app = AuditApp(scanned_source(EXAMPLES))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        row = next(
            r
            for r in app.session.rows
            if r.result.check_id == "ACI-029" and r.result.resource_id.endswith("/legacy")
        )
        assert row.result.status is Status.FAIL
        app.push_screen(DetailScreen(app.session.rows, app.session.rows.index(row)))
        await wait_for(pilot, lambda: screen_is(app, "DetailScreen"))
        await pilot.pause()
        cves = app.screen.query_one(CveTable)
        assert cves.display
        table = cves.query_one(DataTable)
        first = [r[0] for r in table_rows(table)]
        assert first == ["CVE-1999-0002", "CVE-1999-0001"]
        assert table_rows(table)[0][1] == "CRITICAL" and table_rows(table)[0][4] == "no fix"
        await pilot.press("o")
        await pilot.pause()
        assert [r[0] for r in table_rows(table)] == ["CVE-1999-0001", "CVE-1999-0002"]
        assert "fix available first" in str(cves.query_one("#cve-title", Static).render())

        # Another check: no CVE table, and `o` is not offered.
        other = next(r for r in app.session.rows if r.result.check_id != "ACI-029")
        app.push_screen(DetailScreen(app.session.rows, app.session.rows.index(other)))
        await wait_for(pilot, lambda: app.screen.query(CveTable) and True)
        await pilot.pause()
        assert not app.screen.query_one(CveTable).display


async def test_a_malformed_report_is_a_note_and_the_app_still_loads(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    app = AuditApp(scanned_source(bad, EXAMPLES))
    async with app.run_test(size=SIZE) as pilot:
        table = await open_images(pilot, app)
        assert len(app.session.vuln_notes) == 1 and "bad.json" in app.session.vuln_notes[0]
        title = str(app.screen.query_one("#images-title", Static).render())
        assert "bad.json" in title
        assert any(r[0] == "alpine:3.10" and r[2] == "by tag" for r in table_rows(table))


async def test_vulns_given_to_the_app_apply_to_the_source_opened() -> None:
    app = AuditApp(scanned_source(), vuln_paths=(EXAMPLES,))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.session.source is not None and app.session.source.vulns == (EXAMPLES,)
        assert app.session.run is not None and app.session.run.scans is not None


async def test_hostile_image_name_renders_literally() -> None:
    app = AuditApp(scanned_source(EXAMPLES))
    async with app.run_test(size=SIZE) as pilot:
        table = await open_images(pilot, app)
        await pilot.press("slash", *"[bold]", "enter")
        await pilot.pause()
        rows = table_rows(table)
        assert [r[0] for r in rows] == [HOSTILE]
        assert rows[0][2] == NO_SCAN
        title = str(app.screen.query_one("#images-title", Static).render())
        assert "</[bold]>" in title
        assert HOSTILE in app.screen.query_one("#images-table", DataTable).render_line(1).text


async def test_narrow_terminal_leaves_out_other_and_worst_cve() -> None:
    app = AuditApp(scanned_source(EXAMPLES))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_images(pilot, app)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["IMAGE", "GROUPS", "SCAN", "CRIT", "HIGH", "MED", "LOW"]
        assert table.virtual_size.width <= table.size.width
        hint = str(app.screen.query_one("#images-hint", Static).render())
        assert "worst: CVE-1999-0002 (critical)" in hint
