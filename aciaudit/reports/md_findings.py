"""The Markdown report's sections on results: findings check by check, what could not
be assessed (and what does not apply), manual items, and the checks that passed."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain, repeat
from operator import add, itemgetter

from aciaudit.escape import md_cell, md_cells, md_fenced, md_inline, md_url
from aciaudit.reports import policy_md
from aciaudit.reports.md_blocks import table, table_lines
from aciaudit.reports.md_commands import commands as az_commands
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
        _finding(report, chk, report.listed(chk.id, Status.FAIL))


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
    commands = az_commands(chk, [r.resource_id for r in fails], report.az_slots)
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


# The functions below build every row of the largest tables (a check can fail on tens
# of thousands of resources) with C-level maps over the check's results, looking the
# row starts and evidence cells up in the report's caches.
_RESOURCE_ID = itemgetter(1)
_MESSAGE = itemgetter(3)
_EVIDENCE = itemgetter(4)


def _starts(cache: dict[str, str], make: Callable[[str], str], ids: list[str]) -> list[str]:
    """Each resource's row start from `cache`, made by `make` where missing."""
    starts = list(map(cache.get, ids))
    if None in starts:
        starts = [start or make(rid) for start, rid in zip(starts, ids, strict=True)]
    return starts  # type: ignore[return-value]  # every None was made


def _fail_lines(report: Report, fails: list[Result]) -> list[str]:
    """`| name | group | subscription | message |` per FAIL, with its suppression note."""
    starts = _starts(report.leads, report.lead, list(map(_RESOURCE_ID, fails)))
    messages = md_cells(list(map(_MESSAGE, fails)))
    if report.suppressing:
        run, note = report.run, policy_md.suppression_note
        messages = [m + note(run, r) for m, r in zip(messages, fails, strict=True)]
    return list(map(add, map(add, starts, messages), repeat(" |")))


def _evidence_lines(report: Report, fails: list[Result]) -> list[str]:
    """`| name | path | observed | expected | note |` per evidence entry of each FAIL."""
    with_evidence = [r for r in fails if r.evidence]
    names = _starts(report.name_leads, report.name_lead, list(map(_RESOURCE_ID, with_evidence)))
    entries = list(map(_EVIDENCE, with_evidence))
    starts = chain.from_iterable(map(repeat, names, map(len, entries)))
    return list(map(add, starts, report.tails_of(list(chain.from_iterable(entries)))))


def write_not_assessed(report: Report) -> None:
    out, catalogue = report.out, report.run.catalogue
    out.append("## Not assessed")
    out.append("")
    out.append(
        "These results could not be decided from the data collected: the data was "
        "denied, not collected, or the API version read does not carry it."
    )
    if report.run.status_counts[Status.NOT_ASSESSED]:
        lines: list[str] = []
        for check_id in report.check_ids:
            results = report.listed(check_id, Status.NOT_ASSESSED)
            if results:
                start = f"| {md_cell(check_id)} | "
                reasons = md_cells([r.message for r in results])
                lines += [
                    f"{start}{' | '.join(report.where(r.resource_id)[:2])} | {reason} |"
                    for r, reason in zip(results, reasons, strict=True)
                ]
        table_lines(out, ["Check", "Resource", "Resource group", "Reason"], lines)
    else:
        out.append("")
        out.append("Every result was assessed.")
        out.append("")
    na = [(cid, report.count(cid, Status.NOT_APPLICABLE)) for cid in report.check_ids]
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
