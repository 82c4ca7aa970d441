"""`a` on a manual item (MAN-…): record a person's answer — pass, fail or not
applicable — with a note, who and when; it goes to the policy file as an attestation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from checks.model import Status
from checks.policy import ATTESTABLE
from tui.screens.form_dialog import FormDialog
from tui.screens.suppress_dialog import default_author, today
from tui.text import literal


@dataclass(frozen=True)
class AttestRequest:
    check_id: str
    status: Status
    note: str
    by: str
    on: date


class AttestDialog(FormDialog[AttestRequest]):
    FIRST_INPUT = "note"
    ERROR_LINE = "attest-error"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="attest.cancel")]

    def __init__(self, items: list[tuple[str, str]], chosen: str, policy_path: str) -> None:
        """`items`: (check id, question) of every manual item; `chosen` preselected."""
        super().__init__()
        self.items = items
        self.chosen = chosen
        self.policy_path = policy_path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog attest"):
            yield Static("Attest a manual item", classes="dialog-title")
            yield Select(
                [(f"{cid}  {question}", cid) for cid, question in self.items],
                value=self.chosen,
                allow_blank=False,
                id="item",
                compact=True,
            )
            # No answer chosen for the person: an attestation is a deliberate one.
            yield Label("Answer (choose one)")
            with RadioSet(id="status", classes="across"):
                for status in ATTESTABLE:
                    label = status.value.replace("_", " ").lower()
                    yield RadioButton(label, id=status.value.lower())
            # One row per field, its label to the left: whole at 80x24 with a long error.
            for label, value, key, hint in (
                ("Note", "", "note", "required: the evidence, e.g. see CI run 4812"),
                ("By", default_author(), "by", "who attests it"),
                ("Date", today().isoformat(), "date", "YYYY-MM-DD"),
            ):
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value, placeholder=hint, id=key)
            yield Static("", id="attest-error", classes="dialog-error")
            yield Static(literal(f"Saved to {self.policy_path}."), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Attest", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _save(self) -> None:
        pressed = self.query_one("#status", RadioSet).pressed_button
        status = next(
            (s for s in ATTESTABLE if pressed is not None and pressed.id == s.value.lower()),
            None,
        )
        note, by = self._value("note"), self._value("by")
        if status is None:
            self._error("Choose pass, fail or not applicable.")
            return
        if not note:
            self._error("A note is required: what shows the answer is true?")
            self.query_one("#note", Input).focus()
            return
        if not by:
            self._error("Say who attests it.")
            return
        try:
            on = date.fromisoformat(self._value("date"))
        except ValueError:
            self._error("Date must be like 2026-11-29.")
            return
        check_id = str(self.query_one("#item", Select).value)
        self.dismiss(AttestRequest(check_id, status, note, by, on))
