"""The Markdown report's opening sections: the scope of the audit, the summary (score,
counts, failing checks) and the coverage of the checklist, section by section."""

from __future__ import annotations

from typing import Any

from aciaudit.escape import md_cell, md_inline
from aciaudit.reports import policy_md
from aciaudit.reports.md_blocks import as_dict, as_text, table
from aciaudit.reports.md_context import Report
from checks.model import Severity, Status
from checks.sections import SECTIONS

SUMMARY_STATUSES = (
    Status.FAIL,
    Status.PASS,
    Status.NOT_ASSESSED,
    Status.NOT_APPLICABLE,
    Status.MANUAL,
)


def write_header(report: Report) -> None:
    run, snap, out = report.run, report.run.snapshot, report.out
    out.append("# Container security audit")
    out.append("")
    if snap.is_demo:
        out.append(
            "> **⚠ DEMO DATA — NOT A REAL AUDIT.** This report was generated from a "
            "fictional demo estate built into the tool. No Azure tenant was read; every "
            "name, finding and number in it is invented."
        )
        out.append("")
    source = as_dict(snap.source)
    kind = as_text(source.get("kind")) or snap.form
    cloud = as_text(source.get("cloud"))
    collector = " ".join(as_text(as_dict(snap.tool).get(k)) for k in ("name", "version")).strip()
    out.append("## Scope")
    out.append("")
    lines = [
        ("Tenant", as_text(source.get("tenant_id")) or "not recorded"),
        ("Subscriptions", str(len(run.index.subscriptions))),
        ("Collected at", snap.collected_at or "not recorded"),
        ("Report generated at", run.generated_at),
        ("Source", f"{kind} ({cloud})" if cloud else kind),
        ("Collected by", collector or "not recorded"),
        ("Report tool", f"{run.tool} {run.tool_version}"),
        ("Check catalogue", f"version {run.catalogue_version}"),
    ]
    out.extend(f"- **{label}:** {md_inline(value)}" for label, value in lines)
    out.append(policy_md.policy_line(run))
    subs = run.index.subscriptions
    if subs:
        rows = [
            [md_cell(s.display_name or "—"), md_cell(s.subscription_id), md_cell(s.state)]
            for s in subs
        ]
        table(out, ["Subscription", "Subscription id", "State"], rows)
    else:
        out.append("")


def write_summary(report: Report) -> None:
    run, out = report.run, report.out
    out.append("## Summary")
    out.append("")
    out.append(
        f"**Score: {run.score} / 100** — the share of assessed results (PASS or FAIL) "
        "that pass, with more severe checks weighing more; NOT_ASSESSED, "
        "NOT_APPLICABLE and MANUAL results count neither way."
    )
    counts = run.status_counts
    table(out, ["Status", "Results"], [[s.value, str(counts[s])] for s in SUMMARY_STATUSES])
    suppressed = policy_md.suppressed_summary(run)
    if suppressed:
        out.append(suppressed)
        out.append("")
    failing = report.failing_checks()
    fails = run.fail_counts_by_severity
    rows = []
    for sev in Severity:
        # A check whose every FAIL is suppressed is not failing here (its results
        # are not in `fails` either).
        n_checks = sum(
            1
            for c in failing
            if c.severity is sev and report.count(c.id, Status.FAIL) > run.suppressed_by_check[c.id]
        )
        rows.append([sev.value.upper(), str(n_checks), str(fails[sev])])
    out.append("Failures by severity:")
    table(out, ["Severity", "Failing checks", "Failing results"], rows)
    if failing:
        out.append("Failing checks, most severe first:")
        rows = [
            [
                f"**{c.severity.value.upper()}**",
                md_cell(c.id),
                md_cell(c.title),
                str(report.count(c.id, Status.FAIL)) + policy_md.suppressed_suffix(run, c.id),
            ]
            for c in failing
        ]
        table(out, ["Severity", "Check", "Title", "Failing resources"], rows)


def write_checklist_coverage(report: Report) -> None:
    out = report.out
    out.append("## Checklist coverage")
    out.append("")
    out.append(
        "Results per checklist section. A check that belongs to several sections counts in each."
    )
    keys = ("automated", Status.FAIL, Status.PASS, Status.NOT_ASSESSED, "manual")
    per: dict[str, dict[Any, int]] = {s: dict.fromkeys(keys, 0) for s in SECTIONS}
    disabled = report.run.policy.disabled
    for chk in report.run.catalogue:
        for sec in chk.sections:
            row = per.get(sec)
            if row is None:
                continue
            # A check the policy disabled did not run: not counted as automated.
            row["automated"] += 0 if chk.is_manual or chk.id in disabled else 1
            for status in (Status.FAIL, Status.PASS, Status.NOT_ASSESSED):
                row[status] += report.count(chk.id, status)
            row["manual"] += 1 if report.count(chk.id, Status.MANUAL) else 0
    rows = [
        [sec, md_cell(title), *(str(per[sec][k]) for k in keys)] for sec, title in SECTIONS.items()
    ]
    header = ["Section", "Title", "Automated checks", "FAIL", "PASS", "NOT_ASSESSED"]
    table(out, [*header, "Manual items"], rows)
