"""Suppress, lift and attest from the app: ask, write the policy file (comments kept,
atomically), then apply it to the loaded run so counts and exports change at once.

The screens own the keys (`m`, `u`, `a`); this module owns what they do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from aciaudit.policy_file import (
    DEFAULT_NAME,
    PolicyError,
    add_suppression,
    policy_with_base,
    remove_suppression,
    set_attestation,
)
from aciaudit.run import PolicyFileInfo
from checks.model import Status
from checks.policy import Policy
from tui.findings_model import Row, build_rows
from tui.overview_model import build_overview
from tui.screens.attest_dialog import AttestDialog, AttestRequest
from tui.screens.error_dialog import ErrorDialog
from tui.screens.suppress_dialog import SuppressDialog, SuppressRequest
from tui.sources import Source
from tui.text import safe

if TYPE_CHECKING:
    from tui.app import AuditApp


def policy_path(app: AuditApp) -> Path:
    """Where edits go: the policy file given or found at start, else ./aci-audit.toml."""
    return app.policy_path if app.policy_path is not None else Path.cwd() / DEFAULT_NAME


def policy_for(app: AuditApp, source: Source) -> tuple[Policy, PolicyFileInfo | None]:
    """The policy a run of `source` uses: the file's, with the source's approved lists
    (the demo's) where the file sets none."""
    return policy_with_base(policy_path(app), source.policy)


def suppress(app: AuditApp, row: Row | None) -> None:
    if row is None:
        return
    run = app.audit_run
    if run is None:
        return
    if row.result.status is not Status.FAIL:
        app.notify(
            "Only a FAIL can be suppressed; NOT ASSESSED and the rest stay as they are.",
            severity="warning",
        )
        return
    if run.suppression(row.result) is not None:
        app.notify("Already suppressed: u lifts it.", severity="warning")
        return
    path = policy_path(app)

    def done(request: SuppressRequest | None) -> None:
        if request is None:
            return
        _write(
            app,
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
    app.push_screen(dialog, done)


def unsuppress(app: AuditApp, row: Row | None) -> None:
    run = app.audit_run
    if row is None or run is None:
        return
    rule = run.suppression(row.result)
    if rule is None:
        app.notify("This finding is not suppressed.", severity="warning")
        return
    covered = run.suppression_uses()[rule]
    path = policy_path(app)
    others = f" (it covered {covered} FAILs)" if covered > 1 else ""
    _write(
        app,
        lambda: remove_suppression(path, rule.check, rule.resource),
        f"Lifted the suppression of {rule.check} on {rule.resource}{others}.",
    )


def attest(app: AuditApp, check_id: str | None = None) -> None:
    run = app.audit_run
    if run is None:
        return
    items = [(c.id, c.title) for c in run.catalogue if c.is_manual]
    if check_id is not None and check_id not in dict(items):
        app.notify("Only manual items (MAN-…) are attested.", severity="warning")
        return
    if not items:
        return
    if check_id is None:
        # The first item nobody has attested yet, else the first.
        check_id = next(
            (cid for cid, _ in items if cid not in run.policy.attestations), items[0][0]
        )
    path = policy_path(app)

    def done(request: AttestRequest | None) -> None:
        if request is None:
            return
        _write(
            app,
            lambda: set_attestation(
                path, request.check_id, request.status, request.note, request.by, request.on
            ),
            f"Attested {request.check_id}: {request.status.value}.",
        )

    app.push_screen(AttestDialog(items, check_id, str(path)), done)


def _write(app: AuditApp, change: Callable[[], object], message: str) -> None:
    """Run the file edit, then re-apply the policy; a failure shows in a dialog."""
    try:
        change()
        reapply(app)
    except (PolicyError, OSError) as exc:
        app.push_screen(ErrorDialog("Could not update the policy file", str(exc)))
        return
    app.notify(safe(message), title="Policy saved", markup=False)


def reapply(app: AuditApp) -> None:
    """Load the policy file again and apply it to the run; rebuild rows and the
    overview; tell every open screen."""
    run, source = app.audit_run, app.source
    if run is None or source is None:
        return
    policy, info = policy_for(app, source)
    # The run was evaluated with its severity overrides and disabled checks; those
    # need a new scan and are kept from the run.
    policy = replace(run.policy, suppressions=policy.suppressions, attestations=policy.attestations)
    run.apply_policy(policy, info)
    app.rows = build_rows(run)
    app.overview = build_overview(run, app.rows)
    app.forget_derived()
    for screen in app.screen_stack:
        hook = getattr(screen, "policy_changed", None)
        if callable(hook):
            hook()


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
