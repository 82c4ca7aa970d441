"""The first screen: open the demo estate, a snapshot file, or sign in to Azure and pick
subscriptions. Nothing here reads an estate; every way in ends in an
`OpenSource` message to the app."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Header, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from aciaudit.errors import UserError
from aciaudit.sources.azure.auth import Identity
from aciaudit.sources.azure.clouds import CLOUDS
from aciaudit.sources.azure.collector import discover
from aciaudit.sources.azure.options import AUTH_MODES, LiveOptions
from aciaudit.sources.choice import demo_source, live_source, snapshot_source
from checks.snapshot import Subscription
from tui.keys import bindings
from tui.messages import OpenSource
from tui.screens.base import AuditScreen
from tui.screens.error_dialog import ErrorDialog
from tui.text import join, literal
from tui.widgets.footer import AppFooter

# Select values that are not a cloud name or an --auth mode.
CUSTOM_CLOUD = "custom"
DEFAULT_AUTH = "default"

# Short: a Select shows its value on one line.
_AUTH_LABELS = {
    DEFAULT_AUTH: "Default chain",
    "cli": "Azure CLI",
    "device-code": "Device code",
    "env": "Environment variables",
    "managed-identity": "Managed identity",
}


def snapshot_problem(value: str) -> str | None:
    """Why this path cannot be opened as a snapshot, in one line; None when it can."""
    if not value.strip():
        return "enter the path of a snapshot file (JSON written by aci-audit)"
    path = Path(value.strip()).expanduser()
    try:
        if not path.exists():
            return f"{path} does not exist"
        if path.is_dir():
            return f"{path} is a folder, not a file"
        if not path.is_file():
            return f"{path} is not a regular file"
    except OSError as exc:  # a name too long, a loop of links…
        return f"{path}: {exc.strerror or exc}"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read (permission denied)"
    return None


def subscription_prompt(sub: Subscription) -> Text:
    """One line per subscription: name, id and state, every part literal."""
    state = sub.state or "state unknown"
    enabled = sub.state.lower() == "enabled"
    return join(
        literal(sub.display_name or "(no name)", style="bold"),
        literal(sub.subscription_id, style="dim"),
        literal(
            state if enabled else f"{state} — not preselected", style="" if enabled else "italic"
        ),
        sep="  ",
    )


def identity_line(identity: Identity, options: LiveOptions) -> Text:
    line = join("Signed in as ", literal(identity.account, style="bold"))
    line.append("  tenant ")
    line.append(literal(identity.tenant_id or "unknown"))
    if options.management_group:
        line.append("  below management group ")
        line.append(literal(options.management_group))
    return line


W = TypeVar("W", bound=Widget)


def hidden(widget: W) -> W:
    """A widget that takes no room until there is something to show in it."""
    widget.display = False
    return widget


@dataclass(frozen=True)
class SignedIn:
    """A finished sign-in: the options it used, who it is, and what it sees."""

    options: LiveOptions
    identity: Identity
    subscriptions: list[Subscription]


class ConnectScreen(AuditScreen):
    CSS_PATH = Path(__file__).with_name("connect.tcss")
    AREAS: ClassVar[tuple[str, ...]] = ("connect",)
    BACK: ClassVar[bool] = False
    BINDINGS = bindings("connect")
    AUTO_FOCUS = "#demo"
    SUB_TITLE = "connect"
    # Below 100 columns every box and field stacks in one scrolling column.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self, options: LiveOptions | None = None, error: tuple[str, str] | None = None
    ) -> None:
        super().__init__()
        # The failure that brought the user back here (title, message): shown over this
        # screen once it has mounted. Pushed before, the dialog hid a screen still
        # mounting, and an exit at that moment raised NoMatches from its Header.
        self._error = error
        # What the command line said (custom cloud endpoints, CA bundle, timeouts…).
        self.options = options or LiveOptions()
        self.signed_in: SignedIn | None = None

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="connect"):
            yield Static(
                "Open a source to audit. aci-audit only reads: it never changes Azure.",
                id="connect-intro",
            )
            with Horizontal(id="connect-top"):
                with Vertical(id="box-demo", classes="connect-box"):
                    yield Static("Demo estate", classes="box-title")
                    with Horizontal(classes="row"):
                        yield Static(
                            "FICTIONAL DATA — a made-up estate (Fabrikam Logistics) built "
                            "into the app, not a real Azure tenant.",
                            classes="box-text",
                        )
                        yield Button("Demo (d)", id="demo", variant="warning")
                with Vertical(id="box-snapshot", classes="connect-box"):
                    yield Static("Snapshot file", classes="box-title")
                    with Horizontal(classes="row"):
                        yield Input(placeholder="path to a snapshot .json", id="snapshot-path")
                        yield Button("Open", id="snapshot-open", variant="primary")
                    yield hidden(Static("", id="snapshot-error", classes="inline-error"))
            with Vertical(id="box-azure", classes="connect-box"):
                yield Static("Azure — sign in, then choose subscriptions", classes="box-title")
                with Horizontal(id="azure-fields"):
                    with Vertical(classes="field"):
                        yield Label("Cloud")
                        yield Select(
                            self._cloud_choices(),
                            value=self._initial_cloud(),
                            allow_blank=False,
                            id="cloud",
                        )
                    with Vertical(classes="field"):
                        yield Label("Tenant (optional)")
                        yield Input(
                            self.options.tenant or "",
                            placeholder="tenant id or domain",
                            id="tenant",
                        )
                    with Vertical(classes="field", id="auth-field"):
                        yield Label("Sign in with")
                        yield Select(
                            [(_AUTH_LABELS.get(m, m), m) for m in (DEFAULT_AUTH, *AUTH_MODES)],
                            value=self._initial_auth(),
                            allow_blank=False,
                            id="auth",
                        )
                    with Vertical(classes="field", id="sign-in-field"):
                        yield Label(" ")
                        yield Button("Sign in (s)", id="sign-in", variant="primary")
                yield hidden(Static("", id="azure-status"))
                yield hidden(Static("", id="identity"))
                yield hidden(SelectionList[str](id="subscriptions"))
                with hidden(Horizontal(classes="row", id="collect-row")):
                    yield Button(
                        "Collect (c)", id="collect-button", variant="success", disabled=True
                    )
                    yield Static("", id="selection-count")
        yield AppFooter()

    def _cloud_choices(self) -> list[tuple[Text | str, str]]:
        choices: list[tuple[Text | str, str]] = [(name, name) for name in CLOUDS]
        if self.options.arm_endpoint or self.options.authority_host:
            where = self.options.arm_endpoint or self.options.authority_host
            choices.append((join("Custom: ", literal(where)), CUSTOM_CLOUD))
        return choices

    def _initial_cloud(self) -> str:
        if self.options.arm_endpoint or self.options.authority_host:
            return CUSTOM_CLOUD
        return self.options.cloud if self.options.cloud in CLOUDS else "AzureCloud"

    def _initial_auth(self) -> str:
        return self.options.auth if self.options.auth in AUTH_MODES else DEFAULT_AUTH

    def on_mount(self) -> None:
        if self._error is not None:
            title, message = self._error
            self._error = None
            self.call_after_refresh(self.app.push_screen, ErrorDialog(title, message))

    # -- the three ways in ------------------------------------------------------------

    def action_demo(self) -> None:
        self.post_message(OpenSource(demo_source()))

    def action_snapshot(self) -> None:
        self.query_one("#snapshot-path", Input).focus()

    def _open_snapshot(self) -> None:
        box = self.query_one("#snapshot-path", Input)
        problem = snapshot_problem(box.value)
        error = self.query_one("#snapshot-error", Static)
        box.set_class(problem is not None, "-invalid")
        error.update(literal(problem or ""))
        error.display = problem is not None
        if problem is not None:
            return
        path = Path(box.value.strip()).expanduser()
        self.post_message(OpenSource(snapshot_source(path, interactive=True)))

    def form_options(self) -> LiveOptions:
        """The live options the Azure fields describe, on top of the command line's."""
        cloud = self.query_one("#cloud", Select).value
        auth = self.query_one("#auth", Select).value
        tenant = self.query_one("#tenant", Input).value.strip() or None
        options = replace(
            self.options,
            tenant=tenant,
            auth=None if auth == DEFAULT_AUTH else str(auth),
            subscriptions=(),
        )
        if cloud != CUSTOM_CLOUD:
            options = replace(
                options, cloud=str(cloud), arm_endpoint=None, authority_host=None, audience=None
            )
        return options

    def action_sign_in(self) -> None:
        options = self.form_options()
        self._forget_listing()
        self._status(Text("Signing in…"))
        self._sign_in(options)

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin", name="sign-in")
    def _sign_in(self, options: LiveOptions) -> SignedIn:
        identity, subscriptions = discover(options)
        subscriptions.sort(key=lambda s: (s.display_name.lower(), s.subscription_id))
        return SignedIn(options, identity, subscriptions)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Sign-in results and failures belong on this screen, inline; anything else
        # goes on to AuditScreen's error dialog.
        if event.worker.group != "signin":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, SignedIn):
            self._show_listing(event.worker.result)
        elif event.state is WorkerState.ERROR:
            event.prevent_default()
            error = event.worker.error
            if isinstance(error, UserError):
                message = str(error)  # one line that says what to do
            else:
                first = str(error).strip().splitlines()
                message = f"{type(error).__name__}: {first[0] if first else ''}"
            self._status(join("Sign-in failed: ", literal(message)), error=True)

    def _show_listing(self, signed_in: SignedIn) -> None:
        if signed_in.options != self.form_options():  # the fields changed meanwhile
            self._status(Text("Settings changed: sign in again."))
            return
        self.signed_in = signed_in
        subs = signed_in.subscriptions
        enabled = sum(1 for s in subs if s.state.lower() == "enabled")
        self._status(Text(f"{len(subs)} subscription(s) visible, {enabled} Enabled"))
        identity = self.query_one("#identity", Static)
        identity.update(identity_line(signed_in.identity, signed_in.options))
        identity.display = True
        listing = self.query_one("#subscriptions", SelectionList)
        listing.clear_options()
        listing.add_options(
            [
                Selection(
                    subscription_prompt(s),
                    s.subscription_id,
                    initial_state=s.state.lower() == "enabled",
                )
                for s in subs
            ]
        )
        listing.display = bool(subs)
        self.query_one("#collect-row").display = True
        self._selection_changed()
        if subs:
            listing.focus()
        else:
            self._status(
                join(
                    "No subscription visible to ",
                    literal(signed_in.identity.account),
                    ": check the tenant or the identity's role assignments",
                ),
                error=True,
            )

    def _forget_listing(self) -> None:
        self.signed_in = None
        self.query_one("#identity", Static).display = False
        listing = self.query_one("#subscriptions", SelectionList)
        listing.clear_options()
        listing.display = False
        self.query_one("#collect-row").display = False
        self._selection_changed()

    def chosen(self) -> tuple[str, ...]:
        """Selected subscription ids, in the order they are listed."""
        if self.signed_in is None:
            return ()
        picked = set(self.query_one("#subscriptions", SelectionList).selected)
        return tuple(
            s.subscription_id for s in self.signed_in.subscriptions if s.subscription_id in picked
        )

    def action_collect(self) -> None:
        if self.signed_in is None:
            self._status(Text("Sign in first, then choose subscriptions."), error=True)
            return
        chosen = self.chosen()
        if not chosen:
            self._status(Text("Select at least one subscription (space toggles)."), error=True)
            return
        options = replace(self.signed_in.options, subscriptions=chosen)
        self.post_message(OpenSource(live_source(options)))

    # -- events -----------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "demo": self.action_demo,
            "snapshot-open": self._open_snapshot,
            "sign-in": self.action_sign_in,
            "collect-button": self.action_collect,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "snapshot-path":
            self._open_snapshot()
        elif event.input.id == "tenant":
            self.action_sign_in()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "snapshot-path":
            event.input.set_class(False, "-invalid")
            self.query_one("#snapshot-error", Static).display = False
        elif event.input.id == "tenant":
            self._form_changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._form_changed()

    def _form_changed(self) -> None:
        # A listing belongs to the sign-in that made it: new fields, new sign-in.
        if self.signed_in is not None and self.form_options() != self.signed_in.options:
            self._forget_listing()
            self._status(Text("Settings changed: sign in again."))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._selection_changed()

    def _selection_changed(self) -> None:
        total = len(self.signed_in.subscriptions) if self.signed_in else 0
        count = len(self.chosen())
        self.query_one("#collect-button", Button).disabled = count == 0
        self.query_one("#selection-count", Static).update(
            f"{count} of {total} selected — space toggles" if total else ""
        )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "collect":
            # Hidden before a sign-in, dimmed while nothing is selected.
            if self.signed_in is None:
                return False
            return True if self.chosen() else None
        return True

    def _status(self, text: Text, error: bool = False) -> None:
        status = self.query_one("#azure-status", Static)
        status.set_class(error, "inline-error")
        status.update(text)
        status.display = bool(text.plain)
