"""The Markdown report's sections on results: findings check by check, what could not
be assessed (and what does not apply), manual items, and the checks that passed."""

from __future__ import annotations

from aciaudit.escape import md_cell, md_fenced, md_inline, md_url
from aciaudit.reports import policy_md
from aciaudit.reports.md_blocks import table, table_lines
from aciaudit.reports.md_context import Report
from checks.model import Result, Status
from checks.registry import Check


def write_findings(report: Report) -> None:
    out = report.out
    out.append("## Findings")
    out.append("")
    failing = report.failing_checks()
    if not failing:
        out.append("No check failed.")
        out.append("")
    for chk in failing:
        _finding(report, chk, report.by_check[chk.id][Status.FAIL])


def _finding(report: Report, chk: Check, fails: list[Result]) -> None:
    out = report.out
    out.append(f"### {md_inline(chk.id)} · {md_inline(chk.title)}")
    out.append("")
    out.append(
        f"**Severity:** **{chk.severity.value.upper()}** · "
        f"**Section:** {md_inline(report.sections_text(chk))} · "
        f"**Failing resources:** {len(fails)}"
    )
    out.append("")
    out.append(f"**Why it matters:** {md_inline(chk.rationale)}")
    header = ["Resource", "Resource group", "Subscription", "Message"]
    table_lines(out, header, _fail_lines(report, fails))
    if any(r.evidence for r in fails):
        out.append("Evidence:")
        header = ["Resource", "Property path", "Observed", "Expected", "Note"]
        table_lines(out, header, _evidence_lines(report, fails))
    out.append(f"**Remediation:** {md_inline(chk.remediation)}")
    out.append("")
    if chk.az is not None:
        commands = dict.fromkeys(filter(None, map(chk.az_for, [r.resource_id for r in fails])))
        if commands:
            out.append(md_fenced("\n".join(commands), "bash"))
    url = md_url(chk.learn_url) if chk.learn_url else None
    if url:
        out.append(f"**Learn more:** [Microsoft Learn]({url})")
        out.append("")
    if chk.references:
        refs = "; ".join(md_inline(ref) for ref in chk.references)
        out.append(f"**References:** {refs}")
        out.append("")


# The two functions below build every row of the largest tables (a check can fail on
# tens of thousands of resources): one list comprehension or loop each, with the row
# starts and evidence cells looked up in the report's caches.


def _fail_lines(report: Report, fails: list[Result]) -> list[str]:
    """`| name | group | subscription | message |` per FAIL, with its suppression note."""
    leads, lead = report.leads, report.lead
    if report.suppressing:
        run, note = report.run, policy_md.suppression_note
        return [
            f"{leads.get(r.resource_id) or lead(r.resource_id)}{md_cell(r.message)}{note(run, r)} |"
            for r in fails
        ]
    return [
        f"{leads.get(r.resource_id) or lead(r.resource_id)}{md_cell(r.message)} |" for r in fails
    ]


def _evidence_lines(report: Report, fails: list[Result]) -> list[str]:
    leads, lead, tail = report.name_leads, report.name_lead, report.evidence_tail
    lines: list[str] = []
    add = lines.append
    for r in fails:
        if r.evidence:
            start = leads.get(r.resource_id) or lead(r.resource_id)
            for ev in r.evidence:
                add(start + tail(ev))
    return lines


def write_not_assessed(report: Report) -> None:
    out, catalogue, by_check = report.out, report.run.catalogue, report.by_check
    out.append("## Not assessed")
    out.append("")
    out.append(
        "These results could not be decided from the data collected: the data was "
        "denied, not collected, or the API version read does not carry it."
    )
    if report.run.status_counts[Status.NOT_ASSESSED]:
        reasons = (
            (md_cell(check_id), *report.where(r.resource_id)[:2], md_cell(r.message))
            for check_id in sorted(by_check)
            for r in by_check[check_id].get(Status.NOT_ASSESSED, ())
        )
        table(out, ["Check", "Resource", "Resource group", "Reason"], reasons)
    else:
        out.append("")
        out.append("Every result was assessed.")
        out.append("")
    na = [(cid, report.count(cid, Status.NOT_APPLICABLE)) for cid in sorted(by_check)]
    na = [(cid, n) for cid, n in na if n]
    if na:
        out.append("Not applicable (the check cannot apply to these resources):")
        rows = [
            [md_cell(cid), md_cell(chk.title if (chk := catalogue.get(cid)) else ""), str(n)]
            for cid, n in na
        ]
        table(out, ["Check", "Title", "Not applicable"], rows)


def write_manual(report: Report) -> None:
    out = report.out
    out.append("## Manual items")
    out.append("")
    out.append("A person must attest these; the tool cannot see them in Azure.")
    rows = []
    for chk in report.run.catalogue:
        if report.count(chk.id, Status.MANUAL):
            rows.append([md_cell(chk.id), md_cell(chk.title), md_cell(" ".join(chk.sections))])
    if rows:
        table(out, ["Check", "Question", "Sections"], rows)
    else:
        out.append("")
        out.append("No manual items are open.")
        out.append("")
    policy_md.write_attestations(report.run, out)


def write_passed(report: Report) -> None:
    out = report.out
    out.append("## Passed checks")
    rows = [
        [md_cell(c.id), md_cell(c.title), c.severity.value, str(report.count(c.id, Status.PASS))]
        for c in report.run.catalogue
        if report.count(c.id, Status.PASS)
    ]
    if rows:
        table(out, ["Check", "Title", "Severity", "Passing resources"], rows)
    else:
        out.append("")
        out.append("No check passed.")
        out.append("")
