"""The HTML report: the consultant's deliverable, one self-contained file.

Cover, executive summary, charts (inline SVG), findings by check and by resource with
evidence and the filled `az` command, suppressions and attestations, changes since the
baseline, compliance, coverage and limitations, and an appendix of the checks
(html_sections writes those after the summary). Styles are inline, the one small script
(a filter box) is optional and allowed by hash in the page's Content-Security-Policy, so
the file makes no request: it works offline and prints cleanly ("Print to PDF").
Every string that came from Azure goes through `aciaudit.escape.html_text`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from aciaudit.escape import html_text as h
from aciaudit.reports import html_sections
from aciaudit.reports.html_charts import stacked_bars
from aciaudit.reports.html_doc import Doc
from aciaudit.reports.html_style import CSS, SCRIPT, content_security_policy
from aciaudit.run import Run
from checks import arm_id
from checks.model import Severity, Status
from checks.sections import SECTIONS

TOP_RISKS = 5


def render_html(run: Run) -> str:
    chunks: list[str] = []
    write_html(run, chunks.append)
    return "".join(chunks)


def write_html(run: Run, write: Callable[[str], object]) -> None:
    doc = Doc(run, write)
    doc.add(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        "<title>Container security audit</title>\n",
        f"<style>{CSS}</style>\n</head>\n<body>\n",
    )
    _cover(doc)
    _nav(doc)
    _summary(doc)
    _charts(doc)
    html_sections.write_sections(doc)
    doc.add(f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
    doc.flush()


def _cover(doc: Doc) -> None:
    run, snap = doc.run, doc.run.snapshot
    source = snap.source if isinstance(snap.source, dict) else {}
    tool = snap.tool if isinstance(snap.tool, dict) else {}
    kind = str(source.get("kind") or snap.form)
    cloud = source.get("cloud")
    collector = " ".join(str(tool.get(k) or "") for k in ("name", "version")).strip()
    subs = run.index.subscriptions
    sub_text = ", ".join(s.label for s in subs) if subs else "none"
    info = run.policy_file
    classification = run.policy.classification
    doc.add('<header class="cover">\n')
    if classification:
        doc.add(f'<p class="classification">{h(classification)}</p>\n')
    if snap.is_demo:
        doc.add(
            '<p class="demo">⚠ DEMO DATA — NOT A REAL AUDIT. This report was generated '
            "from a fictional demo estate built into the tool. No Azure tenant was read; "
            "every name, finding and number in it is invented.</p>\n"
        )
    doc.add("<h1>Container security audit</h1>\n")
    doc.add('<p class="muted">Azure Container Registry and Container Instances</p>\n<dl>\n')
    rows = [
        ("Tenant", str(source.get("tenant_id") or "not recorded")),
        (f"Subscriptions ({len(subs)})", sub_text),
        ("Source", f"{kind} ({cloud})" if cloud else kind),
        ("Collected at", snap.collected_at or "not recorded"),
        ("Report generated at", run.generated_at),
        ("Collected by", collector or "not recorded"),
        ("Report tool", f"{run.tool} {run.tool_version}"),
        ("Check catalogue", f"version {run.catalogue_version}"),
        ("Policy file", f"{info.path} (sha256 {info.sha256})" if info else "none"),
    ]
    doc.add(*(f"<dt>{h(k)}</dt><dd>{h(v)}</dd>\n" for k, v in rows))
    doc.add("</dl>\n</header>\n")


NAV = (
    ("summary", "Executive summary"),
    ("charts", "Charts"),
    ("findings", "Findings by check"),
    ("resources", "Findings by resource"),
    ("suppressions", "Suppressions and attestations"),
    ("changes", "Changes since the baseline"),
    ("compliance", "Compliance"),
    ("coverage", "Coverage and limitations"),
    ("appendix", "Appendix: the checks"),
)


def _nav(doc: Doc) -> None:
    doc.add("<nav><h2>Contents</h2><ol>")
    for anchor, title in NAV:
        if anchor == "changes" and doc.run.delta is None:
            continue
        doc.add(f'<li><a href="#{anchor}">{title}</a></li>')
    doc.add("</ol></nav>\n")


def _summary(doc: Doc) -> None:
    run = doc.run
    counts = run.status_counts
    fails = run.fail_counts_by_severity
    doc.add('<section id="summary">\n<h2>Executive summary</h2>\n')
    doc.add(
        f'<p><span class="score">{run.score} / 100</span><br><span class="muted">The share '
        "of assessed results (PASS or FAIL) that pass, more severe checks weighing more; "
        "NOT_ASSESSED, NOT_APPLICABLE and MANUAL results count neither way.</span></p>\n"
    )
    doc.add("<table><thead><tr>")
    doc.add(*(f"<th>{s.value}</th>" for s in Status))
    doc.add("</tr></thead><tbody><tr>")
    doc.add(*(f"<td>{counts[s]}</td>" for s in Status))
    doc.add("</tr></tbody></table>\n")
    if run.suppressed_count:
        doc.add(
            f"<p>{run.suppressed_count} FAILs are suppressed by the policy (accepted risks, "
            "listed below): they stay FAILs in these counts but not in the failures by "
            "severity.</p>\n"
        )
    doc.add("<h3>Failures by severity</h3>\n<table><thead><tr>")
    doc.add(*(f'<th><span class="sev sev-{s.value}">{s.value}</span></th>' for s in Severity))
    doc.add("</tr></thead><tbody><tr>")
    doc.add(*(f"<td>{fails[s]}</td>" for s in Severity))
    doc.add("</tr></tbody></table>\n")
    failing = doc.failing_checks()
    doc.add("<h3>Top risks</h3>\n")
    if failing:
        doc.add("<ol>")
        for chk in failing[:TOP_RISKS]:
            n = doc.count(chk.id, Status.FAIL)
            doc.add(
                f'<li><span class="sev sev-{chk.severity.value}">{chk.severity.value}</span> '
                f'<a href="#chk-{chk.id}">{chk.id}</a> {h(chk.title)} — {n} resource'
                f"{'s' if n != 1 else ''}. {h(chk.remediation)}</li>"
            )
        doc.add("</ol>\n")
    else:
        doc.add("<p>No check failed.</p>\n")
    clean = [
        c
        for c in run.catalogue
        if doc.count(c.id, Status.PASS) and not doc.count(c.id, Status.FAIL)
    ]
    doc.add(
        f"<h3>What passed</h3>\n<p>{len(clean)} checks found no FAIL on any resource they "
        "judged (a check marked * could not judge every resource; see below): "
    )
    doc.add(
        ", ".join(
            f"{c.id}{'*' if doc.count(c.id, Status.NOT_ASSESSED) else ''} ({h(c.title)})"
            for c in clean
        )
        or "none"
    )
    doc.add(".</p>\n")
    _not_assessed(doc)
    doc.add("</section>\n")


def _not_assessed(doc: Doc) -> None:
    """NOT_ASSESSED results grouped by their reason, with the checks that gave it."""
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for check_id, statuses in doc.by_check.items():
        for result in statuses.get(Status.NOT_ASSESSED, ()):
            reasons[result.message][check_id] += 1
    doc.add("<h3>What could not be assessed, and why</h3>\n")
    if not reasons:
        doc.add("<p>Every automated check could judge every resource it targets.</p>\n")
        return
    doc.add("<table><thead><tr><th>Reason</th><th>Checks</th><th>Results</th></tr></thead><tbody>")
    ordered = sorted(reasons.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for message, checks in ordered:
        ids = ", ".join(sorted(checks))
        doc.add(f"<tr><td>{h(message)}</td><td>{h(ids)}</td><td>{sum(checks.values())}</td></tr>")
    doc.add("</tbody></table>\n")


def _charts(doc: Doc) -> None:
    run = doc.run
    fails = run.fail_counts_by_severity
    doc.add('<section id="charts">\n<h2>Charts</h2>\n<div class="charts">\n')
    sev_rows = [(s.value, [fails[s]]) for s in Severity]
    doc.add("<figure><figcaption>Open FAILs by severity</figcaption>")
    doc.add(stacked_bars("Open FAILs by severity", sev_rows, ["FAIL"]), "</figure>\n")
    series = [Status.FAIL, Status.PASS, Status.NOT_ASSESSED]
    sec_rows = []
    for sec, title in SECTIONS.items():
        values = [0, 0, 0]
        for chk in run.catalogue:
            if sec in chk.sections:
                for i, status in enumerate(series):
                    values[i] += doc.count(chk.id, status)
        sec_rows.append((f"{sec} {title}", values))
    names = [s.value for s in series]
    doc.add("<figure><figcaption>Results by checklist section (S1–S17)</figcaption>")
    doc.add(stacked_bars("Results by checklist section", sec_rows, names), "</figure>\n")
    per_sub: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for result in run.results:
        if result.status in series:
            parsed = arm_id.parse(result.resource_id)
            sub = (parsed.subscription or "").lower()
            label = doc.subs.get(sub, parsed.subscription or "(whole estate)")
            per_sub[label][series.index(result.status)] += 1
    sub_rows = sorted(per_sub.items(), key=lambda kv: (-kv[1][0], kv[0]))
    doc.add("<figure><figcaption>Results by subscription</figcaption>")
    doc.add(stacked_bars("Results by subscription", sub_rows, names), "</figure>\n")
    doc.add("</div>\n</section>\n")
