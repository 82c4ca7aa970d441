"""Every screen of the app on the demo estate, driven headless.

    python scripts/screens_tour.py            # writes screenshots/*.svg
    python scripts/screens_tour.py --png      # also PNGs, when cairosvg is installed

The same scenarios feed the SVG snapshot tests (tests/tui/test_snapshots.py), so the
README's pictures and the tested screens are one and the same.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from aciaudit.sources.azure.progress import CollectProgress  # noqa: E402
from aciaudit.sources.choice import Source, demo_source  # noqa: E402
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot  # noqa: E402
from tui.app import AuditApp  # noqa: E402

WIDE = (120, 36)
SMALL = (80, 24)


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise TimeoutError("the app never reached the screen to capture")
        await pilot.pause(0.05)
        waited += 0.05


def on(pilot: Pilot, name: str) -> Callable[[], bool]:
    return lambda: type(pilot.app.screen).__name__ == name


async def loaded(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, AuditApp)
    await until(pilot, lambda: app.session.run is not None and on(pilot, "OverviewScreen")())
    await pilot.pause()


async def findings(pilot: Pilot, *keys: str) -> None:
    await loaded(pilot)
    await pilot.press("f")
    await until(pilot, on(pilot, "FindingsScreen"))
    if keys:
        await pilot.press(*keys)
    await pilot.pause()


async def detail(pilot: Pilot) -> None:
    # The privileged init container: a finding with evidence, az command and JSON.
    await findings(pilot, "slash", *"ACI-016", "enter")
    await pilot.press("enter")
    await until(pilot, on(pilot, "DetailScreen"))
    await pilot.pause(0.2)


async def raw_json(pilot: Pilot) -> None:
    await detail(pilot)
    await pilot.press("y")
    await until(pilot, on(pilot, "RawJsonScreen"))


async def resources(pilot: Pilot) -> None:
    await loaded(pilot)
    await pilot.press("r")
    await until(pilot, on(pilot, "ResourcesScreen"))
    await pilot.pause(0.2)
    # Open Fabrikam Production and its first resource group: registries, groups, containers.
    await pilot.press("down", "down", "space")
    await pilot.pause(0.2)
    await pilot.press("down", "space")
    await pilot.pause(0.2)
    await pilot.press("down", "space")
    await pilot.pause(0.2)


async def images(pilot: Pilot) -> None:
    await loaded(pilot)
    await pilot.press("i")
    await until(pilot, on(pilot, "ImagesScreen"))
    await pilot.pause(0.3)


async def compliance(pilot: Pilot) -> None:
    await loaded(pilot)
    await pilot.press("c")
    await until(pilot, on(pilot, "ComplianceScreen"))
    await pilot.pause(0.3)


async def help_screen(pilot: Pilot) -> None:
    await findings(pilot)
    await pilot.press("question_mark")
    await until(pilot, on(pilot, "HelpScreen"))


async def export_dialog(pilot: Pilot) -> None:
    await findings(pilot, "t", "s", "s")
    await pilot.press("e")
    await until(pilot, on(pilot, "ExportDialog"))
    box = pilot.app.screen.query_one("#path")
    box.value = "/home/consultant/fabrikam/report.md"  # type: ignore[attr-defined]
    box.cursor_blink = False  # type: ignore[attr-defined]
    pilot.app.set_focus(None)


async def lift_confirm(pilot: Pilot) -> None:
    # `u` on a FAIL a glob suppression covers: asked first (ctrl+z undoes).
    await findings(pilot, "slash", *"ACI-006", "enter")
    await pilot.press("u")
    await until(pilot, on(pilot, "ConfirmDialog"))
    pilot.app.set_focus(None)


async def cell_popout(pilot: Pilot) -> None:
    # `v` at 80 columns: the first row's title is cut and its group and subscription left
    # out; the pop-out shows them whole.
    await findings(pilot)
    await pilot.press("v")
    await until(pilot, on(pilot, "CellDialog"))
    await pilot.pause(0.2)


async def connect(pilot: Pilot) -> None:
    await until(pilot, on(pilot, "ConnectScreen"))
    await pilot.pause(0.2)
    pilot.app.set_focus(None)  # no blinking cursor in the picture


# A collection frozen half-way, with a denial in the problems list.
_halfway = threading.Event()


def _stuck_collection(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
    progress.note("signed in as auditor@fabrikam.example (tenant 72f988bf-…)")
    progress.phase("Subscriptions", 3)
    progress.advance("Subscriptions", 3)
    progress.phase("Container groups", 40)
    progress.advance("Container groups", 26)
    progress.phase("Registries", 6)
    progress.advance("Registries", 4)
    progress.phase("Side data (diagnostics, pricings, roles)", 60)
    progress.advance("Side data (diagnostics, pricings, roles)", 12)
    progress.problem(
        CoverageEntry(
            "/subscriptions/33333333-3333-4333-8333-333333333333",
            "Microsoft.ContainerInstance/containerGroups",
            CoverageStatus.DENIED,
            detail="AuthorizationFailed: no Microsoft.ContainerInstance/containerGroups/read",
        )
    )
    _halfway.set()
    cancel.wait(30)
    from aciaudit.sources.azure.arm import Cancelled

    raise Cancelled()


async def collecting(pilot: Pilot) -> None:
    await until(pilot, _halfway.is_set)
    await pilot.pause(0.4)  # two polls of the progress state


async def error_dialog(pilot: Pilot) -> None:
    await until(pilot, on(pilot, "ErrorDialog"))


def _broken(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
    from aciaudit.snapshot_io import SnapshotError

    raise SnapshotError("estate.json: line 1: not JSON (Expecting value: line 1 column 1)")


@dataclass(frozen=True)
class Scenario:
    name: str
    size: tuple[int, int]
    app: Callable[[], AuditApp]
    run_before: Callable[[Pilot], Awaitable[None]]
    theme: str | None = None


def _demo() -> AuditApp:
    return AuditApp(demo_source())


def _collecting() -> AuditApp:
    app = AuditApp(Source("Azure (AzureCloud, 3 subscription(s))", _stuck_collection))
    app.clock = lambda: 1000.0  # type: ignore[method-assign]
    return app


def _suppressed() -> AuditApp:
    """The demo under a policy with one glob suppression (ACI-006 everywhere)."""
    # A fixed place: the dialog names the file, and the picture must not change.
    folder = Path(tempfile.gettempdir()) / "aci-audit-tour"
    folder.mkdir(exist_ok=True)
    policy = folder / "aci-audit.toml"
    policy.write_text(
        '[[suppressions]]\ncheck = "ACI-006"\nresource = "*"\n'
        'justification = "secrets move to Key Vault in Q1"\nexpires = 2099-01-01\n',
        encoding="utf-8",
    )
    return AuditApp(demo_source(), policy_path=policy)


def _light() -> AuditApp:
    app = AuditApp(demo_source())
    app.theme = "textual-light"
    return app


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("connect", WIDE, lambda: AuditApp(), connect),
    Scenario("collecting", WIDE, _collecting, collecting),
    Scenario("overview", WIDE, _demo, loaded),
    Scenario("findings", WIDE, _demo, lambda p: findings(p)),
    Scenario(
        "findings-filtered",
        WIDE,
        _demo,
        lambda p: findings(p, "slash", *"payments", "enter", "t", "b"),
    ),
    Scenario("detail", WIDE, _demo, detail),
    Scenario("raw-json", WIDE, _demo, raw_json),
    Scenario("resources", WIDE, _demo, resources),
    Scenario("images", WIDE, _demo, images),
    Scenario("compliance", WIDE, _demo, compliance),
    Scenario("help", WIDE, _demo, help_screen),
    Scenario("export", WIDE, _demo, export_dialog),
    Scenario("error", WIDE, lambda: AuditApp(Source("estate.json", _broken)), error_dialog),
    Scenario("overview-80x24", SMALL, _demo, loaded),
    Scenario("findings-80x24", SMALL, _demo, lambda p: findings(p)),
    Scenario("findings-light", WIDE, _light, lambda p: findings(p, "t")),
    Scenario("findings-sorted", WIDE, _demo, lambda p: findings(p, "o", "o")),
    Scenario("lift-confirm", WIDE, _suppressed, lift_confirm),
    Scenario("export-80x24", SMALL, _demo, export_dialog),
    Scenario("detail-light", WIDE, _light, detail),
    Scenario("cell-popout", SMALL, _demo, cell_popout),
)


def svg(scenario: Scenario) -> str:
    from textual._doc import take_svg_screenshot

    _halfway.clear()
    # Pictures never depend on what the app remembers (theme, sort, grouping): a fresh
    # config folder per scenario, so one scenario's `b` does not group the next. It is
    # removed afterwards and the variable put back (mkdtemp alone left one folder per
    # scenario in /tmp on every run).
    before = os.environ.get("ACI_AUDIT_CONFIG_DIR")
    with tempfile.TemporaryDirectory(prefix="aci-audit-config-") as config:
        os.environ["ACI_AUDIT_CONFIG_DIR"] = config
        try:
            return take_svg_screenshot(
                app=scenario.app(), terminal_size=scenario.size, run_before=scenario.run_before
            )
        finally:
            if before is None:
                os.environ.pop("ACI_AUDIT_CONFIG_DIR", None)
            else:
                os.environ["ACI_AUDIT_CONFIG_DIR"] = before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--png", action="store_true", help="also write PNGs (needs cairosvg)")
    parser.add_argument("names", nargs="*", help="only these scenarios")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        if args.names and scenario.name not in args.names:
            continue
        path = args.out / f"{scenario.name}.svg"
        path.write_text(svg(scenario), encoding="utf-8")
        print(f"wrote {path}")
        if args.png:
            import cairosvg  # type: ignore[import-not-found]

            # The SVG asks for Fira Code, rarely installed; a proportional fallback would
            # misalign every column, so the PNG names a monospace font most systems have.
            text = path.read_text(encoding="utf-8").replace("Fira Code", "DejaVu Sans Mono")
            cairosvg.svg2png(
                bytestring=text.encode(), write_to=str(path.with_suffix(".png")), output_width=1400
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
