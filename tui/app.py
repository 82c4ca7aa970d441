"""The application: sources in, screens out. Navigation and failures live here."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from aciaudit.policy_file import PolicyError
from aciaudit.run import Run
from aciaudit.snapshot_io import SnapshotError
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.prompts import show_device_prompts
from tui.findings_model import Filter, Row
from tui.keys import KeyAction, bindings, palette_entries
from tui.overview_model import Overview
from tui.related_model import Related, build_related
from tui.resources_model import ResourceTree
from tui.screens.base import AuditScreen
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HelpScreen
from tui.sources import Source
from tui.text import safe

# Failures whose message is already one actionable line for a user.
_EXPECTED = (SnapshotError, OSError, ValueError, PolicyError)


class AuditApp(App[int]):
    # Absolute, so subclasses (tests, tools) defined elsewhere still find it.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "aci-audit"
    BINDINGS: ClassVar = bindings("global")
    ENABLE_COMMAND_PALETTE = True
    # Elapsed times on screen; screenshots pin it so pictures do not change per run.
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(
        self,
        source: Source | None = None,
        live_options: LiveOptions | None = None,
        policy_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        # The policy file runs read and `m` / `u` / `a` write; None: ./aci-audit.toml.
        self.policy_path = policy_path
        # What the command line said about Azure; the connect screen starts from it.
        self.live_options = live_options
        self.audit_run: Run | None = None
        self.rows: list[Row] = []
        self.overview: Overview | None = None
        # Built on first use and kept for the run: the resources tree, the relations.
        self.resource_tree: ResourceTree | None = None
        self._related: Related | None = None
        # --vulns: reports every opened source is joined with; what could not be used.
        self.vuln_paths: tuple[Path, ...] = ()
        self.vuln_notes: list[str] = []
        # --baseline: an earlier report or snapshot every opened source is compared with
        # (the run's `delta`: new / resolved / incomparable on the findings and overview).
        self.baseline_path: Path | None = None

    def on_mount(self) -> None:
        # Device-code sign-in prints its instructions; stderr is hidden behind the screen.
        show_device_prompts(self._device_prompt)
        if self.source is not None:
            self.open_source(self.source)
        else:
            from tui.screens.connect import ConnectScreen

            self.push_screen(ConnectScreen(self.live_options))

    def on_unmount(self) -> None:
        show_device_prompts(None)

    def _device_prompt(self, message: str) -> None:
        """Called from the sign-in thread; stays up until the code has expired."""
        self.call_from_thread(self.notify, message, title="Azure sign-in", timeout=900)

    # -- sources --------------------------------------------------------------------

    def open_source(self, source: Source) -> None:
        from tui.screens.collect import CollectScreen

        if self.vuln_paths and not source.vulns:
            source = replace(source, vulns=self.vuln_paths)
        self.source = source
        self.push_screen(CollectScreen(source))

    def loaded(self, source: Source, run: Run, rows: list[Row], overview: Overview) -> None:
        from tui.screens.overview import OverviewScreen

        self.source, self.audit_run, self.rows, self.overview = source, run, rows, overview
        self.forget_derived()
        self.sub_title = safe(source.label)
        self.switch_screen(OverviewScreen())

    def forget_derived(self) -> None:
        """The run's results changed (a new run, a policy edit): views built from them
        are built again when next shown."""
        self.resource_tree, self._related = None, None

    def back_to_connect(self, error: tuple[str, str] | None = None) -> None:
        """Back to the connect screen; `error` (title, message) is shown over it once
        it is mounted."""
        from tui.screens.connect import ConnectScreen

        for i, screen in enumerate(self.screen_stack):
            if isinstance(screen, ConnectScreen):
                while len(self.screen_stack) > i + 1:
                    self.pop_screen()
                if error is not None:
                    self.push_screen(ErrorDialog(*error))
                return
        self.switch_screen(ConnectScreen(self.live_options, error))

    def related(self) -> Related:
        """Same-resource findings and registry relations, computed once per run."""
        if self._related is None:
            assert self.audit_run is not None
            self._related = build_related(self.audit_run, self.rows)
        return self._related

    # -- navigation -----------------------------------------------------------------

    def show_findings(self, filter: Filter | None = None, scope: str = "") -> None:
        from tui.screens.findings import FindingsScreen

        self.push_screen(FindingsScreen(self.rows, filter or Filter(), scope))

    def show_images(self) -> None:
        from tui.screens.images import ImagesScreen

        self.push_screen(ImagesScreen())

    def vulns_loaded(self, notes: list[str]) -> None:
        """Report files that could not be used: kept for the images screen, and told."""
        self.vuln_notes = notes
        if notes:
            more = f" (+{len(notes) - 1} more: see the images screen, i)" if len(notes) > 1 else ""
            self.notify(
                safe(notes[0]) + more,
                title="Vulnerability reports skipped",
                severity="warning",
                markup=False,
                timeout=10,
            )

    def show_resources(self) -> None:
        from tui.screens.resources import ResourcesScreen

        self.push_screen(ResourcesScreen())

    async def action_back(self) -> None:
        screen = self.screen
        if isinstance(screen, ModalScreen):
            screen.dismiss(None)
        elif isinstance(screen, AuditScreen) and screen.BACK and len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.notify("Top level: q quits.", timeout=2)

    def action_quit_top(self) -> None:
        if len(self.screen_stack) <= 2 or not getattr(self.screen, "BACK", True):
            self.exit(0)
        else:
            self.pop_screen()

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        areas = screen.AREAS if isinstance(screen, AuditScreen) else ()

        def shown(key: KeyAction) -> bool:
            # The keys the footer would offer here: none that does nothing on this screen.
            action = key.action.removeprefix("app.")
            return screen.check_action(action, ()) is not False and (
                self.check_action(action, ()) is not False
            )

        name = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(areas, name, shown))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_export(self) -> None:
        from tui.screens.export_dialog import ExportDialog

        if self.audit_run is None:
            self.notify("Nothing to export yet: open a source first.", severity="warning")
            return
        view = getattr(self.screen, "view", None)
        if view is not None and view.filter != Filter():
            filtered = [item.result for item in view.items if isinstance(item, Row)]
            self.push_screen(ExportDialog(self.audit_run, filtered, view.title()))
        else:
            self.push_screen(ExportDialog(self.audit_run))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to export before a run is loaded: hidden from the footer.
        return not (action == "export" and self.audit_run is None)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        areas = screen.AREAS if isinstance(screen, AuditScreen) else ()
        for entry in palette_entries(*areas):
            action = entry.action
            target = screen if hasattr(screen, f"action_{action}") else self
            if target.check_action(action, ()) is False:
                continue  # hidden here (as from the footer): `N` without a baseline
            yield SystemCommand(
                entry.palette or entry.description,
                f"{entry.description} ({entry.key_label})",
                lambda action=action, screen=screen: self._palette_run(screen, action),
            )

    def _palette_run(self, screen: Screen, action: str) -> None:
        target = screen if hasattr(screen, f"action_{action}") else self
        self.call_later(target.run_action, action)

    # -- failures -------------------------------------------------------------------

    def worker_failed(self, worker: Worker) -> None:
        from tui.screens.collect import CollectScreen

        error = worker.error
        if isinstance(error, _EXPECTED) or type(error).__name__ in ("CollectionError", "AuthError"):
            message = str(error)
        else:
            message = f"{type(error).__name__}: {error}"
        title = "Could not read the source" if worker.group == "load" else "Something failed"
        if isinstance(self.screen, CollectScreen):
            # A failed collection leaves nothing to look at.
            self.back_to_connect((title, message))
        else:
            self.push_screen(ErrorDialog(title, message))
