"""`m` on a FAIL: accept the risk. Asks the justification and expiry (author prefilled
from $USER); the answer goes to the policy file as a suppression."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from tui.screens.form_dialog import FormDialog
from tui.text import literal

# A suppression is a decision to revisit: the default expiry is a quarter away.
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class SuppressRequest:
    check: str
    resource: str
    justification: str
    expires: date
    author: str


def today() -> date:
    return datetime.now(UTC).date()


def default_author() -> str:
    """$USER, else the account name the system knows, else nothing (the user types it)."""
    name = os.environ.get("USER") or os.environ.get("USERNAME")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (some containers)
        return ""


class SuppressDialog(FormDialog[SuppressRequest]):
    FIRST_INPUT = "justification"
    ERROR_LINE = "suppress-error"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="suppress.cancel")]

    def __init__(self, check_id: str, resource_id: str, title: str, policy_path: str) -> None:
        super().__init__()
        self.check_id = check_id
        self.resource_id = resource_id
        self.check_title = title
        self.policy_path = policy_path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog suppress"):
            yield Static("Suppress this finding (accept the risk)", classes="dialog-title")
            yield Static(literal(f"{self.check_id}  {self.check_title}"))
            # One row per field, its label to the left: whole at 80x24 with a long error.
            for label, value, key, hint in (
                ("Check", self.check_id, "check", "id or glob"),
                ("Resource", self.resource_id, "resource", "resource id or glob"),
                ("Justification", "", "justification", "required: why this risk is accepted"),
                ("Expires", (today() + timedelta(days=DEFAULT_DAYS)).isoformat(), "expires", ""),
                ("Author", default_author(), "author", "who accepts it"),
            ):
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value, placeholder=hint, id=key)
            yield Static("", id="suppress-error", classes="dialog-error")
            yield Static(
                literal(
                    f"Saved to {self.policy_path}. The FAIL stays a FAIL, marked suppressed, "
                    "and no longer counts for --fail-on."
                ),
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Suppress", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _save(self) -> None:
        check, resource = self._value("check"), self._value("resource")
        justification = self._value("justification")
        if not check or not resource:
            self._error("Give the check and the resource pattern.")
            return
        if not justification:
            self._error("A justification is required: say why this risk is accepted.")
            self.query_one("#justification", Input).focus()
            return
        try:
            expires = date.fromisoformat(self._value("expires"))
        except ValueError:
            self._error("Expires must be a date like 2026-12-31.")
            self.query_one("#expires", Input).focus()
            return
        if expires < today():
            self._error("That date is past: the suppression would never apply.")
            return
        self.dismiss(
            SuppressRequest(check, resource, justification, expires, self._value("author"))
        )
