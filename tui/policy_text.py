"""How a finding's policy state reads on screen: suppressed (by whom, until when, why),
a suppression that expired, or a manual item waiting for an attestation."""

from __future__ import annotations

from rich.text import Text

from aciaudit.run import Run
from checks.model import Result, Status
from tui.text import literal


def policy_note(run: Run | None, result: Result) -> Text:
    out = Text()
    if run is None:
        return out
    rule = run.suppression(result)
    if rule is not None:
        out.append("  SUPPRESSED", style="bold reverse")
        by = f" by {rule.author}" if rule.author else ""
        out.append(literal(f" until {rule.expires.isoformat()}{by}: {rule.justification}"))
        out.append("   (u lifts)", style="dim")
        return out
    expired = run.expired_suppression(result)
    if expired is not None:
        out.append(f"  suppression expired on {expired.expires.isoformat()}", style="bold")
        return out
    if result.status is Status.FAIL:
        out.append("   (m suppresses)", style="dim")
    elif result.status is Status.MANUAL:
        out.append("   (a attests)", style="dim")
    return out
