"""The application: sources in, screens out. Navigation and failures live here; the
audit itself lives in the session (tui.session), and screens ask for navigation with
messages (tui.messages)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from aciaudit.atomic import write_text_atomic
from aciaudit.errors import UserError
from aciaudit.gcpause import freeze_long_lived, paused_gc
from aciaudit.policy_file import PolicyError
from aciaudit.snapshot_io import SnapshotError
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.prompts import show_device_prompts
from aciaudit.sources.choice import Source
from tui import policy_actions, prefs
from tui.findings_model import Filter, Row, jump_target
from tui.keys import KeyAction, bindings, palette_entries
from tui.messages import (
    BackToConnect,
    Loaded,
    OpenSource,
    PolicyChanged,
    ShowCompliance,
    ShowFindings,
    ShowImages,
    ShowResources,
    WorkerFailed,
)
from tui.screens.base import AuditScreen
from tui.screens.collect import CollectScreen
from tui.screens.error_dialog import ErrorDialog
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.images import ImagesScreen
from tui.screens.jump_dialog import JumpDialog
from tui.screens.overview import OverviewScreen
from tui.screens.resources import ResourcesScreen
from tui.session import RunViews, Session
from tui.text import safe

THEMES = ("textual-dark", "textual-light")

# Up to this many results, the findings rows (built behind the overview) are built on
# the spot when a screen needs them before that worker has: tens of milliseconds.
INLINE_ROWS = 10_000

# Failures whose message is already one actionable line for a user.
_EXPECTED = (UserError, SnapshotError, OSError, ValueError, PolicyError)


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
        *,
        vuln_paths: tuple[Path, ...] = (),
        baseline_path: Path | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        """`source`: opened at once; None: the connect screen asks. `notes`: what the
        command line has to say on opening (a --policy file still to be created)."""
        super().__init__()
        self._notes = notes
        # Our two themes, each checked for contrast: the palette offers no others.
        for name in list(self.available_themes):
            if name not in THEMES:
                self.unregister_theme(name)
        # Theme, sort and grouping as the user left them (tui.prefs).
        self.prefs = prefs.load()
        if self.prefs.theme in THEMES:
            self.theme = self.prefs.theme
        self.session = Session(source, policy_path, vuln_paths, baseline_path)
        # What the command line said about Azure; the connect screen starts from it.
        self.live_options = live_options

    def on_mount(self) -> None:
        # Device-code sign-in prints its instructions; stderr is hidden behind the screen.
        show_device_prompts(self._device_prompt)
        for note in self._notes:
            self.notify(safe(note), title="Policy file", markup=False, timeout=10)
        if self.session.source is not None:
            self._open(self.session.source)
        else:
            # Imported here: the connect screen brings the Azure SDK, which the demo,
            # a snapshot or an export never need.
            from tui.screens.connect import ConnectScreen

            self.push_screen(ConnectScreen(self.live_options))

    def on_unmount(self) -> None:
        show_device_prompts(None)

    def _device_prompt(self, message: str) -> None:
        """Called from the sign-in thread; stays up until the code has expired."""
        self.call_from_thread(self.notify, message, title="Azure sign-in", timeout=900)

    # -- sources --------------------------------------------------------------------

    @on(OpenSource)
    def _open_source(self, message: OpenSource) -> None:
        self._open(message.source)

    def _open(self, source: Source) -> None:
        self.push_screen(CollectScreen(self.session.to_open(source), self.clock))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self._vulns_skipped(message.vuln_notes)
        if message.baseline_error is not None:
            self.notify(
                safe(message.baseline_error),
                title="Baseline not used",
                severity="warning",
                markup=False,
                timeout=10,
            )
        self.session.start(message.source, message.views, message.vuln_notes)
        self.sub_title = safe(message.source.label)
        # The overview takes the collect screen's place, also when a key opened a
        # screen over it meanwhile (the help): that one is closed first.
        while len(self.screen_stack) > 2 and not isinstance(self.screen, CollectScreen):
            self.pop_screen()
        self.switch_screen(OverviewScreen())
        # The overview first: the findings rows, their sorts and search parts are
        # built behind it, once it has been painted.
        self.call_after_refresh(self._prepare, message.views)

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare", name="prepare")
    def _prepare(self, views: RunViews) -> None:
        worker = get_current_worker()
        # As the load worker: the collector off while building, then what was built frozen.
        with paused_gc():
            views.prepare(stop=lambda: worker.is_cancelled or self.session.views is not views)
            freeze_long_lived()

    def _vulns_skipped(self, notes: list[str]) -> None:
        """Report files that could not be used: the images screen lists them; told."""
        if notes:
            more = f" (+{len(notes) - 1} more: see the images screen, i)" if len(notes) > 1 else ""
            self.notify(
                safe(notes[0]) + more,
                title="Vulnerability reports skipped",
                severity="warning",
                markup=False,
                timeout=10,
            )

    @on(BackToConnect)
    def _back_to_connect(self, message: BackToConnect) -> None:
        self._to_connect(message.error)

    def _to_connect(self, error: tuple[str, str] | None = None) -> None:
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

    @on(PolicyChanged)
    def _policy_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, AuditScreen):
                screen.policy_changed()
        # The new run's sorts and search parts, behind the screens shown again.
        if self.session.views is not None:
            self._prepare(self.session.views)

    # -- navigation -----------------------------------------------------------------

    @on(ShowFindings)
    def _show_findings(self, message: ShowFindings) -> None:
        views = self.session.views
        if views is None:
            return
        if not self._rows_at_hand(views):
            # Still being built behind the overview: said, and opened once they are.
            self.notify("Preparing the findings list…", timeout=2)
            self._when_rows_built(views, lambda: self._show_findings(message))
            return
        self.push_screen(FindingsScreen(views.rows, message.filter, message.scope, views.findings))

    @staticmethod
    def _rows_at_hand(views: RunViews) -> bool:
        """The findings rows are built, or so few that building them here is instant
        (the demo: a screen opens on the key, as it always did)."""
        return views.built_rows is not None or len(views.run.results) <= INLINE_ROWS

    @work(thread=True, exclusive=True, exit_on_error=False, group="rows", name="rows")
    def _when_rows_built(self, views: RunViews, then: Callable[[], None]) -> None:
        """`then` on the event loop once `views` has its rows, unless the run shown
        changed or a newer request replaced this one (`f` pressed twice: one screen)."""
        worker = get_current_worker()
        views.rows  # noqa: B018 - builds them, or waits for the worker building them
        if self.session.views is views and not worker.is_cancelled:
            self.call_from_thread(then)

    @on(ShowImages)
    def _show_images(self) -> None:
        self.push_screen(ImagesScreen())

    @on(ShowCompliance)
    def _show_compliance(self) -> None:
        # Imported on first use: it brings the compliance roll-up, not needed to start.
        from tui.screens.compliance import ComplianceScreen

        self.push_screen(ComplianceScreen())

    @on(ShowResources)
    def _show_resources(self) -> None:
        self.push_screen(ResourcesScreen())

    def _at_top(self) -> bool:
        """Nothing to step back to: `q` quits here."""
        return len(self.screen_stack) <= 2 or not getattr(self.screen, "BACK", True)

    async def action_back(self) -> None:
        screen = self.screen
        if isinstance(screen, AuditScreen) and screen.before_back():
            return  # the screen undid something of its own first (a filter)
        if isinstance(screen, ModalScreen):
            screen.dismiss(None)
        elif isinstance(screen, AuditScreen) and screen.BACK and len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.notify("Top level: q quits.", timeout=2)

    def action_quit_top(self) -> None:
        if self._at_top():
            self.exit(0)
        else:
            self.pop_screen()

    async def action_back_q(self) -> None:
        """`q` below the top level: back, as esc (a filter is cleared first)."""
        await self.action_back()

    def action_undo(self) -> None:
        screen = self.screen
        if isinstance(screen, AuditScreen):
            policy_actions.undo(screen)

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

    def action_jump(self) -> None:
        """`:` a check id or a resource name: its findings."""
        if self.session.run is None:
            return

        def done(name: str | None) -> None:
            if not name:
                return
            views = self.session.views
            if views is None:
                return
            if not self._rows_at_hand(views):
                self.notify("Preparing the findings list…", timeout=2)
                self._when_rows_built(views, lambda: done(name))
                return
            found = jump_target(views.rows, name)
            if found is None:
                self.notify(
                    safe(f"No check id or resource named {name}."), severity="warning", markup=False
                )
                return
            self.post_message(ShowFindings(*found))

        self.push_screen(JumpDialog(), done)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def watch_theme(self, theme: str) -> None:
        if theme in THEMES:
            self.remember(theme=theme)

    def remember(self, **changes: object) -> None:
        """Keep a preference for the next run (best effort, never an error)."""
        new = self.prefs.with_(**changes)
        if new != self.prefs:
            self.prefs = new
            prefs.save(new)

    def action_export(self) -> None:
        # Imported on first use: the dialog brings every report writer, not needed to start.
        from tui.screens.export_dialog import ExportDialog

        run = self.session.run
        if run is None:
            self.notify("Nothing to export yet: open a source first.", severity="warning")
            return
        view = getattr(self.screen, "view", None)
        if view is not None and not getattr(view, "complete", True):
            # Only the first matches are shown yet: the export would hold only those.
            self.notify("Still filtering: export once the count is shown.", timeout=3)
            return
        if view is not None and view.filter != Filter():
            filtered = [item.result for item in view.items if isinstance(item, Row)]
            self.push_screen(ExportDialog(run, filtered, view.title()))
        else:
            self.push_screen(ExportDialog(run))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to export before a run is loaded: hidden from the footer.
        if action in ("export", "undo", "jump"):
            return self.session.run is not None
        # One `q` in the footer: Quit at the top level, Back below it.
        if action == "quit_top":
            return self._at_top()
        if action == "back_q":
            return not self._at_top()
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                # Textual's delivers through a staged temporary file and names that.
                yield SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of this screen in the current folder",
                    lambda: self.set_timer(0.1, self._save_screenshot_svg),
                )
            else:
                yield command
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

    def _save_screenshot_svg(self) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = Path.cwd() / f"aci-audit-{stamp}.svg"
        try:
            write_text_atomic(path, self.export_screenshot())
        except OSError as exc:
            self.push_screen(ErrorDialog("Could not save the screenshot", str(exc)))
            return
        self.notify(safe(f"Saved {path}"), title="Screenshot", markup=False, timeout=6)

    # -- failures -------------------------------------------------------------------

    @on(WorkerFailed)
    def _worker_failed(self, message: WorkerFailed) -> None:
        worker = message.worker
        error = worker.error
        # A user's failure is one line that says what to do; anything else is a bug
        # worth its type name.
        text = str(error) if isinstance(error, _EXPECTED) else f"{type(error).__name__}: {error}"
        title = "Could not read the source" if worker.group == "load" else "Something failed"
        if isinstance(self.screen, CollectScreen):
            # A failed collection leaves nothing to look at.
            self._to_connect((title, text))
        else:
            self.push_screen(ErrorDialog(title, text))
