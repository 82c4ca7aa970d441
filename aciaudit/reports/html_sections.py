"""The HTML report's body after the summary: findings by check and by resource,
suppressions and attestations, changes since the baseline, compliance, coverage and
limitations, and the appendix of checks. Every Azure string goes through `html_text`."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from aciaudit.escape import html_text as h
from aciaudit.reports.compliance import rollup
from aciaudit.reports.html_doc import Doc
from checks.model import Evidence, Result, Status
from checks.registry import FRAMEWORKS, Check
from checks.snapshot import CoverageStatus

# Evidence beyond this many characters is cut; the JSON report keeps it all.
OBSERVED_LIMIT = 400


def write_sections(doc: Doc) -> None:
    doc.add(
        '<input id="filter" type="search" hidden placeholder="Filter the findings tables '
        '(resource, group, subscription, text)" aria-label="Filter findings">\n'
    )
    _findings_by_check(doc)
    _findings_by_resource(doc)
    _suppressions(doc)
    if doc.run.delta is not None:
        _changes(doc)
    _compliance(doc)
    _coverage(doc)
    _appendix(doc)


def _observed(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if len(text) > OBSERVED_LIMIT:
        text = text[:OBSERVED_LIMIT] + " … (cut; full value in the JSON report)"
    return h(text)


def _evidence(evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return '<span class="muted">—</span>'
    items = []
    for ev in evidence:
        note = f" <span class='muted'>{h(ev.note)}</span>" if ev.note else ""
        items.append(
            f"<li><code>{h(ev.path)}</code> = <code>{_observed(ev.observed)}</code>; "
            f"expected {h(ev.expected)}{note}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def _controls(chk: Check) -> str:
    parts = [f"{h(m.framework)} {h(', '.join(m.controls))}" for m in chk.frameworks if m.controls]
    return "; ".join(parts) or "—"


def _findings_by_check(doc: Doc) -> None:
    run = doc.run
    doc.add('<section id="findings">\n<h2>Findings by check</h2>\n')
    failing = doc.failing_checks()
    if not failing:
        doc.add("<p>No check failed.</p>\n</section>\n")
        return
    for chk in failing:
        results = doc.by_check[chk.id][Status.FAIL]
        doc.add(
            f'<div class="check" id="chk-{chk.id}">\n<h3><span class="sev '
            f'sev-{chk.severity.value}">{chk.severity.value}</span> {chk.id} — '
            f"{h(chk.title)} ({len(results)})</h3>\n"
            f"<p>{h(chk.rationale)}</p>\n<p><strong>Fix:</strong> {h(chk.remediation)} "
            f"(Microsoft Learn: <code>{h(chk.learn_url)}</code>)</p>\n"
            f"<p><strong>Controls:</strong> {_controls(chk)}</p>\n"
        )
        audits = [p for p in chk.policies if p.role == "audit"]
        if audits:
            names = "; ".join(f"{h(p.name)} (<code>{p.guid}</code>)" for p in audits)
            doc.add(f"<p><strong>Azure Policy to prevent it:</strong> {names}</p>\n")
        doc.add(
            '<table class="filterable findings"><thead><tr><th>Resource (group, '
            "subscription)</th><th>Finding and evidence</th><th>Command</th></tr></thead>"
            "<tbody>\n"
        )
        for result in results:
            name, group, sub = doc.where(result.resource_id)
            suppression = run.suppression(result)
            note = ""
            if suppression is not None:
                note = (
                    f'<p class="suppressed">Suppressed until {suppression.expires}: '
                    f"{h(suppression.justification)}</p>"
                )
            command = chk.az_for(result.resource_id)
            cmd = f"<pre><code>{h(command, multiline=True)}</code></pre>" if command else "—"
            doc.add(
                f'<tr><td><strong>{name}</strong><br><span class="muted">{group}<br>{sub}'
                f"</span></td><td>{h(result.message)}"
                f"{note}{_evidence(result.evidence)}</td><td>{cmd}</td></tr>\n"
            )
        doc.add("</tbody></table>\n</div>\n")
    doc.add("</section>\n")


def _findings_by_resource(doc: Doc) -> None:
    per: dict[str, list[Result]] = defaultdict(list)
    for result in doc.run.results:
        if result.status is Status.FAIL:
            per[result.resource_id].append(result)
    doc.add('<section id="resources">\n<h2>Findings by resource</h2>\n')
    if not per:
        doc.add("<p>No resource has a FAIL.</p>\n</section>\n")
        return
    doc.add(
        '<table class="filterable"><thead><tr><th>Resource</th><th>Resource group</th>'
        "<th>Subscription</th><th>Failing checks</th></tr></thead><tbody>\n"
    )

    def worst(rid: str) -> tuple[int, int]:
        return (min(doc.run.severity(r).rank for r in per[rid]), -len(per[rid]))

    for rid in sorted(per, key=lambda r: (*worst(r), r)):
        name, group, sub = doc.where(rid)
        checks = sorted(per[rid], key=lambda r: (doc.run.severity(r).rank, r.check_id))
        links = ", ".join(
            f'<a href="#chk-{r.check_id}">{h(r.check_id)}</a> '
            f'<span class="sev sev-{doc.run.severity(r).value}">'
            f"{doc.run.severity(r).value}</span>"
            for r in checks
        )
        doc.add(f"<tr><td>{name}</td><td>{group}</td><td>{sub}</td><td>{links}</td></tr>\n")
    doc.add("</tbody></table>\n</section>\n")


def _suppressions(doc: Doc) -> None:
    run = doc.run
    doc.add('<section id="suppressions">\n<h2>Suppressions and attestations</h2>\n')
    uses = run.suppression_uses()
    sups = list(run.policy.suppressions)
    if sups:
        doc.add(
            "<table><thead><tr><th>Check</th><th>Resource pattern</th><th>Justification</th>"
            "<th>Expires</th><th>Author</th><th>FAILs covered</th></tr></thead><tbody>\n"
        )
        for s in sups:
            doc.add(
                f"<tr><td>{h(s.check)}</td><td><code>{h(s.resource)}</code></td>"
                f"<td>{h(s.justification)}</td><td>{s.expires}</td><td>{h(s.author)}</td>"
                f"<td>{uses.get(s, 0)}</td></tr>\n"
            )
        doc.add("</tbody></table>\n")
    else:
        doc.add("<p>The policy suppresses no finding.</p>\n")
    items = run.attestations
    if items:
        doc.add(
            "<h3>Attestations of the manual items</h3>\n<table><thead><tr><th>Item</th>"
            "<th>Answer</th><th>Note</th><th>By</th><th>On</th></tr></thead><tbody>\n"
        )
        for a in items:
            doc.add(
                f"<tr><td>{h(a.check_id)}</td><td><span class='st st-{a.status.value}'>"
                f"{a.status.value}</span></td><td>{h(a.note)}</td><td>{h(a.by)}</td>"
                f"<td>{a.on}</td></tr>\n"
            )
        doc.add("</tbody></table>\n")
    else:
        doc.add("<p>No manual item is attested in the policy.</p>\n")
    doc.add("</section>\n")


def _changes(doc: Doc) -> None:
    delta = doc.run.delta
    assert delta is not None
    counts = delta.counts()
    doc.add('<section id="changes">\n<h2>Changes since the baseline</h2>\n')
    doc.add(f"<p>{h(delta.summary())}</p>\n")
    doc.add("<table><thead><tr>")
    doc.add(*(f"<th>{h(c.value)}</th>" for c in counts))
    doc.add("</tr></thead><tbody><tr>")
    doc.add(*(f"<td>{n}</td>" for n in counts.values()))
    doc.add("</tr></tbody></table>\n")
    shown = [e for e in delta.entries if e.change.value != "unchanged"]
    if shown:
        doc.add(
            '<table class="filterable"><thead><tr><th>Change</th><th>Check</th>'
            "<th>Resource</th><th>Severity</th><th>Message or reason</th></tr></thead><tbody>\n"
        )
        for e in shown:
            name, _, _ = doc.where(e.resource_id)
            doc.add(
                f"<tr><td>{h(e.change.value)}</td><td>{h(e.check_id)}</td><td>{name}</td>"
                f"<td>{e.severity.value}</td><td>{h(e.reason or e.message)}</td></tr>\n"
            )
        doc.add("</tbody></table>\n")
    doc.add("</section>\n")


def _compliance(doc: Doc) -> None:
    doc.add(
        '<section id="compliance">\n<h2>Compliance</h2>\n<p>Per control: the checks mapped '
        "to it and their results. A control is PASS only when every result passed; one FAIL "
        "makes it FAIL, one NOT_ASSESSED (and no FAIL) NOT_ASSESSED; NO_DATA means its "
        "checks had nothing to judge. The source of each mapping is in the appendix.</p>\n"
    )
    for fw in rollup(doc.run):
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(fw.verdicts().items()))
        doc.add(f"<h3>{h(fw.title)} <code>{h(fw.key)}</code></h3>\n<p>{verdicts}</p>\n")
        doc.add(
            "<table><thead><tr><th>Control</th><th>Verdict</th><th>Checks</th><th>FAIL</th>"
            "<th>PASS</th><th>NOT_ASSESSED</th><th>MANUAL</th><th>Coverage</th></tr></thead>"
            "<tbody>\n"
        )
        for c in fw.controls:
            cov = "—" if c.coverage is None else f"{c.coverage:.0%}"
            links = ", ".join(f'<a href="#app-{i}">{h(i)}</a>' for i in c.checks)
            cells = "".join(f"<td>{n}</td>" for _, n in c.counts)
            doc.add(
                f"<tr><td>{h(c.control)}</td><td><span class='st st-{c.verdict}'>{c.verdict}"
                f"</span></td><td>{links}</td>{cells}<td>{cov}</td></tr>\n"
            )
        doc.add("</tbody></table>\n")
    doc.add("</section>\n")


def _coverage(doc: Doc) -> None:
    snap = doc.run.snapshot
    doc.add('<section id="coverage">\n<h2>Coverage and limitations</h2>\n')
    gaps = [e for e in snap.coverage if e.status is not CoverageStatus.COLLECTED]
    collected = len(snap.coverage) - len(gaps)
    doc.add(
        f"<p>{collected} reads succeeded. What could not be read makes the checks that need "
        "it NOT_ASSESSED (never PASS); each gap is listed here.</p>\n"
    )
    if gaps:
        doc.add(
            "<table><thead><tr><th>Scope</th><th>Data</th><th>Status</th><th>Detail</th>"
            "</tr></thead><tbody>\n"
        )
        for e in gaps:
            doc.add(
                f"<tr><td>{h(e.scope)}</td><td>{h(e.kind)}</td><td>{h(e.status.value)}</td>"
                f"<td>{h(e.detail or '')}</td></tr>\n"
            )
        doc.add("</tbody></table>\n")
    disabled = doc.run.disabled_checks
    if disabled:
        doc.add("<p>Checks disabled by the policy (not run): ")
        doc.add(", ".join(f"{c.id} ({h(c.title)})" for c in disabled), "</p>\n")
    doc.add(
        "<p>Limitations: the audit reads configuration through Azure Resource Manager, "
        "read-only, at one moment; it does not inspect image contents except through the "
        "vulnerability reports given to it, nor runtime behaviour. Manual items need a "
        "person's attestation.</p>\n</section>\n"
    )


def _appendix(doc: Doc) -> None:
    doc.add(
        '<section id="appendix">\n<h2>Appendix: the checks</h2>\n<table><thead><tr>'
        "<th>Check</th><th>Severity</th><th>Sections</th><th>Title</th><th>Controls "
        "(source)</th></tr></thead><tbody>\n"
    )
    for chk in doc.run.catalogue:
        mapped = "<br>".join(
            f"{h(FRAMEWORKS.get(m.framework, m.framework))}: {h(', '.join(m.controls))} "
            f"<span class='muted'>({h(m.source)})</span>"
            for m in chk.frameworks
        )
        doc.add(
            f'<tr id="app-{chk.id}"><td>{chk.id}</td><td><span class="sev '
            f'sev-{chk.severity.value}">{chk.severity.value}</span></td>'
            f"<td>{', '.join(chk.sections)}</td><td>{h(chk.title)}</td>"
            f"<td>{mapped or '—'}</td></tr>\n"
        )
    doc.add("</tbody></table>\n</section>\n")
