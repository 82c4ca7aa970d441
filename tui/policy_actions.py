"""Suppress, lift and attest from the app: ask, write the policy file (comments kept,
atomically), then put the run under it in the session so counts and exports change at
once, and tell the open screens (`PolicyChanged`).

The screens own the keys (`m`, `u`, `a`); this module owns what they do. `screen` is the
screen the key was pressed on: dialogs open over it, and it posts the message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aciaudit.atomic import refusal, stream_kind, write_text_atomic
from aciaudit.policy_file import (
    PolicyError,
    add_suppression,
    remove_suppression,
    set_attestation,
)
from checks.model import Status
from tui.findings_model import Row
from tui.messages import PolicyChanged
from tui.screens.attest_dialog import AttestDialog, AttestRequest
from tui.screens.base import AuditScreen
from tui.screens.confirm_dialog import ConfirmDialog
from tui.screens.error_dialog import ErrorDialog
from tui.screens.suppress_dialog import SuppressDialog, SuppressRequest
from tui.session import PolicyEdit
from tui.text import safe


def suppress(screen: AuditScreen, row: Row | None) -> None:
    if row is None:
        return
    session = screen.session
    run = session.run
    if run is None:
        return
    if row.result.status is not Status.FAIL:
        screen.notify(
            "Only a FAIL can be suppressed; NOT ASSESSED and the rest stay as they are.",
            severity="warning",
        )
        return
    if run.suppression(row.result) is not None:
        screen.notify("Already suppressed: u lifts it.", severity="warning")
        return
    path = session.policy_file()
    if _refused(screen, path):
        return

    def done(request: SuppressRequest | None) -> None:
        if request is None:
            return
        _write(
            screen,
            lambda: add_suppression(
                path,
                request.check,
                request.resource,
                request.justification,
                request.expires,
                request.author,
            ),
            f"Suppressed {request.check} until {request.expires.isoformat()}.",
        )

    dialog = SuppressDialog(row.result.check_id, row.result.resource_id, row.check.title, str(path))
    screen.app.push_screen(dialog, done)


def unsuppress(screen: AuditScreen, row: Row | None) -> None:
    """Asks first: a rule may be a glob that covers many findings (ctrl+z undoes)."""
    session = screen.session
    run = session.run
    if row is None or run is None:
        return
    rule = run.suppression(row.result)
    if rule is None:
        screen.notify("This finding is not suppressed.", severity="warning")
        return
    covered = run.suppression_uses()[rule]
    path = session.policy_file()
    if _refused(screen, path):
        return
    others = f" (it covered {covered} FAILs)" if covered > 1 else ""
    question = (
        f"Remove the suppression of {rule.check} on {rule.resource} from {path}?\n"
        f"It covers {covered} FAIL{'s' if covered != 1 else ''}; "
        f"{'they count' if covered != 1 else 'it counts'} again once it is removed. "
        "ctrl+z undoes."
    )

    def done(yes: bool | None) -> None:
        if yes:
            _write(
                screen,
                lambda: remove_suppression(path, rule.check, rule.resource),
                f"Lifted the suppression of {rule.check} on {rule.resource}{others}.",
            )

    screen.app.push_screen(ConfirmDialog("Lift this suppression?", question, "Lift"), done)


def attest(screen: AuditScreen, check_id: str | None = None) -> None:
    session = screen.session
    run = session.run
    if run is None:
        return
    items = [(c.id, c.title) for c in run.catalogue if c.is_manual]
    if check_id is not None and check_id not in dict(items):
        screen.notify("Only manual items (MAN-…) are attested.", severity="warning")
        return
    if not items:
        return
    if check_id is None:
        # The first item nobody has attested yet, else the first.
        check_id = next(
            (cid for cid, _ in items if cid not in run.policy.attestations), items[0][0]
        )
    path = session.policy_file()
    if _refused(screen, path):
        return

    def done(request: AttestRequest | None) -> None:
        if request is None:
            return
        _write(
            screen,
            lambda: set_attestation(
                path, request.check_id, request.status, request.note, request.by, request.on
            ),
            f"Attested {request.check_id}: {request.status.value}.",
        )

    screen.app.push_screen(AttestDialog(items, check_id, str(path)), done)


def cannot_edit(path: Path) -> str | None:
    """Why the app cannot edit the policy at `path`, or None. An edit reads the file and
    replaces it: a folder is refused as everywhere (aciaudit.atomic), and a FIFO or a
    device, which a report would be streamed into, cannot be read back and edited (a
    FIFO would freeze the app waiting for a writer; /dev/null would swallow the edit
    and the app would say "saved")."""
    what = refusal(path) or stream_kind(path)
    if what is None:
        return None
    return (
        f"{path} is {what}; the app edits a policy in place, so it must be a regular "
        "file (or a name not yet taken). Nothing was written."
    )


def _refused(screen: AuditScreen, path: Path) -> bool:
    """Said before a dialog is filled in for nothing (and again at the write, in case
    the path changed meanwhile)."""
    problem = cannot_edit(path)
    if problem is not None:
        screen.app.push_screen(ErrorDialog("Cannot edit the policy file", problem))
    return problem is not None


def _failure(exc: Exception, path: Path, changed: bool) -> str:
    """One line: what failed and whether the file changed (an OSError's own text is
    "[Errno 28] …: 'path'")."""
    if isinstance(exc, OSError):
        text = f"{exc.filename or path}: {exc.strerror or exc}"
    else:
        text = str(exc)
    return text if changed else f"{text}\nThe policy file was not changed."


def _write(screen: AuditScreen, change: Callable[[], object], message: str) -> None:
    """Run the file edit, then read the policy again; a failure shows in a dialog. The
    file as it was is kept for one ctrl+z."""
    session = screen.session
    path = session.policy_file()
    if _refused(screen, path):
        return
    changed = False
    try:
        # Bytes, so line endings and a BOM come back exactly on undo.
        before = path.read_bytes().decode("utf-8") if path.exists() else None
        change()  # staged and renamed: a failure here leaves the file as it was
        changed = True
        session.reapply_policy()
    except (PolicyError, OSError, UnicodeDecodeError) as exc:
        detail = _failure(exc, path, changed)
        screen.app.push_screen(ErrorDialog("Could not update the policy file", detail))
        return
    session.last_edit = PolicyEdit(path, before, message)
    screen.post_message(PolicyChanged())
    screen.notify(safe(message + "  ctrl+z undoes."), title="Policy saved", markup=False)


def undo(screen: AuditScreen) -> None:
    """ctrl+z: the policy file as it was before the last change made here, and the run
    under it. One step: a second ctrl+z says there is nothing more."""
    session = screen.session
    edit = session.last_edit
    if edit is None:
        screen.notify("Nothing to undo: no policy change in this session.", timeout=3)
        return
    try:
        if edit.before is None:
            # The change created the file: undoing it removes what this app created,
            # which is the link's target when the path is a link that pointed nowhere.
            edit.path.resolve().unlink(missing_ok=True)
        else:
            write_text_atomic(edit.path, edit.before)
        session.reapply_policy()
    except (PolicyError, OSError) as exc:
        screen.app.push_screen(ErrorDialog("Could not undo the policy change", str(exc)))
        return
    session.last_edit = None
    screen.post_message(PolicyChanged())
    screen.notify(safe(f"Undone: {edit.message}"), title="Policy restored", markup=False)


def same_rows(rows: list[Row], old: list[Row]) -> list[Row]:
    """Each of `old` as it is in a rebuilt list (the same check and resource); kept as
    it was when the rebuilt list lacks it. One pass over each list."""
    by_key: dict[tuple[str, str], Row] = {}
    for row in rows:
        by_key.setdefault((row.result.check_id, row.result.resource_id), row)
    return [by_key.get((r.result.check_id, r.result.resource_id), r) for r in old]


def same_row(rows: list[Row], old: Row | None) -> Row | None:
    """The row about the same (check, resource) in a rebuilt list."""
    if old is None:
        return None
    key = (old.result.check_id, old.result.resource_id)
    return next((r for r in rows if (r.result.check_id, r.result.resource_id) == key), None)
