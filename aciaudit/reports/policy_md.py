"""The Markdown report's policy parts: which policy file produced the report (sha256),
severity overrides, disabled checks, suppressions (active, expired, matching nothing),
attestations, and the note on a suppressed FAIL."""

from __future__ import annotations

from collections.abc import Sequence

from aciaudit.escape import md_cell, md_inline
from aciaudit.reports.md_blocks import Out, table
from aciaudit.run import Run
from checks.model import Result


def policy_line(run: Run) -> str:
    """The Scope section's line naming the policy file and its sha256."""
    info = run.policy_file
    if info is None:
        return "- **Policy file:** none"
    return f"- **Policy file:** {md_inline(info.path)} (sha256 `{info.sha256}`)"


def suppressed_summary(run: Run) -> str | None:
    n = run.suppressed_count
    if not n:
        return None
    return (
        f"**Suppressed FAILs: {n}** — accepted by the policy (see Policy below). They stay "
        "FAILs in the counts above but are left out of the failures by severity and of "
        "`--fail-on`."
    )


def suppression_note(run: Run, result: Result) -> str:
    """Escaped text to add to a FAIL's message cell: suppressed, or its suppression expired."""
    rule = run.suppression(result)
    if rule is not None:
        by = f" by {md_cell(rule.author)}" if rule.author else ""
        return (
            f" — **SUPPRESSED** until {rule.expires.isoformat()}{by}: {md_cell(rule.justification)}"
        )
    rule = run.expired_suppression(result)
    if rule is not None:
        return f" — suppression expired on {rule.expires.isoformat()}"
    return ""


def write_policy_section(run: Run, out: Out) -> None:
    policy = run.policy
    out.append("## Policy")
    out.append("")
    if run.policy_file is None:
        out.append("No policy file was read; every check ran at its catalogue severity.")
        out.append("")
    for label, patterns in (
        ("Approved registries", policy.approved_registries),
        ("Approved images", policy.approved_images),
    ):
        text = ", ".join(patterns) if patterns else "none configured"
        out.append(f"- **{label}:** {md_inline(text)}")
    warnings = run.policy_warnings
    if warnings:
        out.append("")
        out.append("**Warnings:**")
        out.append("")
        out.extend(f"- {md_inline(w)}" for w in warnings)
    out.append("")
    overrides = run.severity_overrides()
    if overrides:
        out.append("### Severity overrides")
        rows: list[Sequence[str]] = [
            [md_cell(c.id), md_cell(c.title), before.value, c.severity.value]
            for c, before in overrides
        ]
        table(out, ["Check", "Title", "Catalogue severity", "Policy severity"], rows)
    disabled = run.disabled_checks
    out.append("### Disabled checks")
    if disabled:
        out.append("")
        out.append("Not evaluated in this run, by the policy's decision:")
        rows = [[md_cell(c.id), md_cell(c.title), c.severity.value] for c in disabled]
        table(out, ["Check", "Title", "Severity"], rows)
    else:
        out.append("")
        out.append("None: every check was evaluated.")
        out.append("")
    out.append("### Suppressions")
    if policy.suppressions:
        uses = run.suppression_uses()
        today = run.policy_today
        rows = []
        for rule in policy.suppressions:
            if rule.expired(today):
                state = "**expired** (its FAILs count again)"
            elif uses[rule]:
                state = f"active: {uses[rule]} FAIL(s)"
            else:
                state = "**matches no FAIL**"
            rows.append(
                [
                    md_cell(rule.check),
                    md_cell(rule.resource),
                    md_cell(rule.justification),
                    md_cell(rule.author or "—"),
                    rule.expires.isoformat(),
                    state,
                ]
            )
        header = ["Check", "Resource", "Justification", "Author", "Expires", "State"]
        table(out, header, rows)
    else:
        out.append("")
        out.append("None.")
        out.append("")


def suppressed_suffix(run: Run, check_id: str) -> str:
    """` (2 suppressed)` after a check's count of failing resources, or nothing."""
    n = run.suppressed_by_check.get(check_id, 0)
    return f" ({n} suppressed)" if n else ""


def write_attestations(run: Run, out: Out) -> None:
    """Manual items a person attested, with who, when and the note."""
    attestations = run.attestations
    if not attestations:
        return
    out.append("Attested:")
    rows = [
        [
            md_cell(a.check_id),
            a.status.value,
            md_cell(a.note),
            md_cell(a.by),
            a.on.isoformat(),
        ]
        for a in attestations
    ]
    table(out, ["Check", "Attested status", "Note", "Attested by", "Date"], rows)
