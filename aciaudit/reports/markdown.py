"""The Markdown report: what a consultant hands to a client.

Valid GitHub-flavoured Markdown whatever the estate holds: every string that came from
Azure goes through `aciaudit.escape`, and every table row is built with exactly its
header's column count. Large estates render in about a second: lines go through a
buffer that hands full chunks to the sink (a file, stdout), so a 70 MB report never sits
in memory whole, and per-resource cells are escaped once.
"""

from __future__ import annotations

import json
import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aciaudit.escape import md_cell, md_fenced, md_inline, md_url
from aciaudit.reports import policy_md
from aciaudit.reports.delta import delta_markdown
from aciaudit.reports.vulns_md import write_section
from aciaudit.run import Run
from checks import arm_id
from checks.model import ESTATE_SCOPE, Evidence, Result, Severity, Status
from checks.registry import Check
from checks.sections import SECTIONS
from checks.snapshot import CoverageStatus

REGISTRY = "microsoft.containerregistry/registries"
CONTAINER_GROUP = "microsoft.containerinstance/containergroups"
# Evidence beyond this many characters is cut in the report; the JSON report keeps it all.
OBSERVED_LIMIT = 400
SUMMARY_STATUSES = (
    Status.FAIL,
    Status.PASS,
    Status.NOT_ASSESSED,
    Status.NOT_APPLICABLE,
    Status.MANUAL,
)
# Problems first, so a reader of a long coverage table sees them without scrolling.
_COVERAGE_ORDER = {
    CoverageStatus.DENIED: 0,
    CoverageStatus.FAILED: 1,
    CoverageStatus.NOT_COLLECTED: 2,
    CoverageStatus.COLLECTED: 3,
}


def render_markdown(run: Run) -> str:
    chunks: list[str] = []
    write_markdown(run, chunks.append)
    return "".join(chunks)


def write_markdown(run: Run, write: Callable[[str], object]) -> None:
    """Stream the report to `write` in chunks of a few thousand lines."""
    _Report(run, write).render()


class Lines:
    """An append-only list of lines that flushes full chunks to a writer."""

    CHUNK = 4096

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._buffer: list[str] = []

    def append(self, line: str) -> None:
        self._buffer.append(line)
        if len(self._buffer) >= self.CHUNK:
            self._write("\n".join(self._buffer) + "\n")
            self._buffer.clear()

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.append(line)

    def finish(self) -> None:
        """Write what is left, ending the document with exactly one newline."""
        while self._buffer and self._buffer[-1] == "":
            self._buffer.pop()
        self._write("\n".join(self._buffer) + "\n" if self._buffer else "")
        self._buffer.clear()


def table(out: Lines | list[str], header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Append a GFM table; cells must already be escaped. Blank lines around it."""
    width = len(header)
    out.append("")
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * width)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"table row has {len(row)} cells, header has {width}")
        out.append("| " + " | ".join(row) + " |")
    out.append("")


def _dict(value: Any) -> dict[str, Any]:
    # ARM shapes from third-party snapshots can be anything; the report must not crash.
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _coverage_status(status: str) -> str:
    # Bold, not colour: the reader of a printed report must still spot the gaps.
    cell = md_cell(status)
    return cell if status == CoverageStatus.COLLECTED else f"**{cell}**"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, default=str)


class _Report:
    def __init__(self, run: Run, write: Callable[[str], object]) -> None:
        self.run = run
        self.out = Lines(write)
        self._subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
        self._where: dict[str, tuple[str, str, str]] = {}
        self._json_cache: dict[tuple[type, Any], str] = {}
        self._cells: dict[str, str] = {}
        self._evidence: dict[Evidence, tuple[str, ...]] = {}
        self._az_slots: dict[str, dict[str, str]] = {}
        # One pass over the results: per check, per status, in run order.
        self.by_check: dict[str, dict[Status, list[Result]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for result in run.results:
            self.by_check[result.check_id][result.status].append(result)

    def render(self) -> None:
        self._header()
        self._summary()
        self._delta()
        self._policy()
        self._coverage_by_section()
        self._findings()
        self._vulnerable_images()
        self._not_assessed()
        self._manual()
        self._passed()
        self._appendix()
        self.out.finish()

    # -- helpers -------------------------------------------------------------------

    def where(self, resource_id: str) -> tuple[str, str, str]:
        """Escaped (name, resource group, subscription) cells, computed once per id."""
        cached = self._where.get(resource_id)
        if cached is not None:
            return cached
        parsed = arm_id.parse(resource_id)
        sub = self._subs.get((parsed.subscription or "").lower(), parsed.subscription or "")
        if resource_id.strip() == ESTATE_SCOPE:
            name = "(whole estate)"
        elif resource_id.rstrip("/").lower() == f"/subscriptions/{parsed.subscription}".lower():
            name = f"(subscription) {sub}"
        else:
            name = parsed.name or resource_id
        cells = (md_cell(name), md_cell(parsed.resource_group or "—"), md_cell(sub or "—"))
        self._where[resource_id] = cells
        return cells

    def cell(self, text: str) -> str:
        """md_cell for text that repeats across rows (property paths, expectations)."""
        if not isinstance(text, str):
            return md_cell(_text(text))
        cell = self._cells.get(text)
        if cell is None:
            cell = self._cells[text] = md_cell(text)
        return cell

    def command(self, chk: Check, resource_id: str) -> str | None:
        """`chk.az_for(resource_id)`, with the quoted slots computed once per resource.

        Thousands of resources fail several checks each; quoting every slot again for
        each check was a third of the render time.
        """
        if chk.az is None:
            return None
        slots = self._az_slots.get(resource_id)
        if slots is None:
            parsed = arm_id.parse(resource_id)
            slots = self._az_slots[resource_id] = {
                "name": shlex.quote(parsed.name),
                "resource_group": shlex.quote(parsed.resource_group or "<resource-group>"),
                "subscription": shlex.quote(parsed.subscription or "<subscription>"),
                "id": shlex.quote(resource_id),
            }
        try:
            return chk.az.format(**slots)
        except (KeyError, IndexError, ValueError):
            # A template with slots this copy does not know: let the check say.
            return chk.az_for(resource_id)

    def observed(self, value: Any) -> str:
        """Evidence as JSON text, escaped; scalars repeat a lot, so they are cached."""
        key = (type(value), value) if isinstance(value, str | int | float | bool | None) else None
        if key is not None and key in self._json_cache:
            return self._json_cache[key]
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        if len(text) > OBSERVED_LIMIT:
            text = text[:OBSERVED_LIMIT] + " … (cut; full value in the JSON report)"
        cell = md_cell(text)
        if key is not None:
            self._json_cache[key] = cell
        return cell

    def count(self, check_id: str, status: Status) -> int:
        statuses = self.by_check.get(check_id)
        return len(statuses[status]) if statuses and status in statuses else 0

    def sections_text(self, chk: Check) -> str:
        return "; ".join(f"{s} — {SECTIONS.get(s, 'unknown section')}" for s in chk.sections)

    # -- sections ------------------------------------------------------------------

    def _header(self) -> None:
        run, snap, out = self.run, self.run.snapshot, self.out
        out.append("# Container security audit")
        out.append("")
        if snap.is_demo:
            out.append(
                "> **⚠ DEMO DATA — NOT A REAL AUDIT.** This report was generated from a "
                "fictional demo estate built into the tool. No Azure tenant was read; every "
                "name, finding and number in it is invented."
            )
            out.append("")
        source = _dict(snap.source)
        kind = _text(source.get("kind")) or snap.form
        cloud = _text(source.get("cloud"))
        collector = " ".join(_text(_dict(snap.tool).get(k)) for k in ("name", "version")).strip()
        out.append("## Scope")
        out.append("")
        lines = [
            ("Tenant", _text(source.get("tenant_id")) or "not recorded"),
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

    def _summary(self) -> None:
        run, out = self.run, self.out
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
        failing = self.failing_checks()
        fails = run.fail_counts_by_severity
        rows = []
        for sev in Severity:
            n_checks = sum(1 for c in failing if c.severity is sev)
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
                    str(self.count(c.id, Status.FAIL)) + policy_md.suppressed_suffix(run, c.id),
                ]
                for c in failing
            ]
            table(out, ["Severity", "Check", "Title", "Failing resources"], rows)

    def _policy(self) -> None:
        policy_md.write_policy_section(self.run, self.out, table)

    def _delta(self) -> None:
        """Changes since the baseline, when the scan was given one (`--baseline`)."""
        if self.run.delta is not None:
            self.out.extend(delta_markdown(self.run.delta))

    def _coverage_by_section(self) -> None:
        out = self.out
        out.append("## Checklist coverage")
        out.append("")
        out.append(
            "Results per checklist section. A check that belongs to several sections "
            "counts in each."
        )
        keys = ("automated", Status.FAIL, Status.PASS, Status.NOT_ASSESSED, "manual")
        per: dict[str, dict[Any, int]] = {s: dict.fromkeys(keys, 0) for s in SECTIONS}
        disabled = self.run.policy.disabled
        for chk in self.run.catalogue:
            for sec in chk.sections:
                row = per.get(sec)
                if row is None:
                    continue
                # A check the policy disabled did not run: not counted as automated.
                row["automated"] += 0 if chk.is_manual or chk.id in disabled else 1
                for status in (Status.FAIL, Status.PASS, Status.NOT_ASSESSED):
                    row[status] += self.count(chk.id, status)
                row["manual"] += 1 if self.count(chk.id, Status.MANUAL) else 0
        rows = [
            [sec, md_cell(title), *(str(per[sec][k]) for k in keys)]
            for sec, title in SECTIONS.items()
        ]
        header = ["Section", "Title", "Automated checks", "FAIL", "PASS", "NOT_ASSESSED"]
        table(out, [*header, "Manual items"], rows)

    def failing_checks(self) -> list[Check]:
        checks = [c for c in self.run.catalogue if self.count(c.id, Status.FAIL)]
        return sorted(checks, key=lambda c: (c.severity.rank, c.id))

    def _findings(self) -> None:
        out = self.out
        out.append("## Findings")
        out.append("")
        failing = self.failing_checks()
        if not failing:
            out.append("No check failed.")
            out.append("")
        for chk in failing:
            self._finding(chk, self.by_check[chk.id][Status.FAIL])

    def _finding(self, chk: Check, fails: list[Result]) -> None:
        out = self.out
        out.append(f"### {md_inline(chk.id)} · {md_inline(chk.title)}")
        out.append("")
        out.append(
            f"**Severity:** **{chk.severity.value.upper()}** · "
            f"**Section:** {md_inline(self.sections_text(chk))} · "
            f"**Failing resources:** {len(fails)}"
        )
        out.append("")
        out.append(f"**Why it matters:** {md_inline(chk.rationale)}")
        # Generators, not lists of rows: rows die young, so the GC has little to scan.
        run = self.run
        rows = (
            (*self.where(r.resource_id), md_cell(r.message) + policy_md.suppression_note(run, r))
            for r in fails
        )
        table(out, ["Resource", "Resource group", "Subscription", "Message"], rows)
        if any(r.evidence for r in fails):
            out.append("Evidence:")
            evidence = (
                self._evidence_row(self.where(r.resource_id)[0], ev)
                for r in fails
                for ev in r.evidence
            )
            table(out, ["Resource", "Property path", "Observed", "Expected", "Note"], evidence)
        out.append(f"**Remediation:** {md_inline(chk.remediation)}")
        out.append("")
        commands = [cmd for r in fails if (cmd := self.command(chk, r.resource_id))]
        if commands:
            out.append(md_fenced("\n".join(dict.fromkeys(commands)), "bash"))
        url = md_url(chk.learn_url) if chk.learn_url else None
        if url:
            out.append(f"**Learn more:** [Microsoft Learn]({url})")
            out.append("")
        if chk.references:
            refs = "; ".join(md_inline(ref) for ref in chk.references)
            out.append(f"**References:** {refs}")
            out.append("")

    def _evidence_row(self, name: str, ev: Evidence) -> tuple[str, ...]:
        # The same observation (path, value, expectation) recurs on thousands of resources.
        try:
            cells, hashable = self._evidence.get(ev), True
        except TypeError:  # an unhashable observed value (a dict, a list)
            cells, hashable = None, False
        if cells is None:
            cells = (
                self.cell(ev.path),
                self.observed(ev.observed),
                self.cell(ev.expected),
                self.cell(ev.note),
            )
            if hashable:
                self._evidence[ev] = cells
        return (name, *cells)

    def _vulnerable_images(self) -> None:
        write_section(self.run, self.out, self.where, table)

    def _not_assessed(self) -> None:
        out, catalogue = self.out, self.run.catalogue
        out.append("## Not assessed")
        out.append("")
        out.append(
            "These results could not be decided from the data collected: the data was "
            "denied, not collected, or the API version read does not carry it."
        )
        if self.run.status_counts[Status.NOT_ASSESSED]:
            reasons = (
                (md_cell(check_id), *self.where(r.resource_id)[:2], md_cell(r.message))
                for check_id in sorted(self.by_check)
                for r in self.by_check[check_id].get(Status.NOT_ASSESSED, ())
            )
            table(out, ["Check", "Resource", "Resource group", "Reason"], reasons)
        else:
            out.append("")
            out.append("Every result was assessed.")
            out.append("")
        na = [(cid, self.count(cid, Status.NOT_APPLICABLE)) for cid in sorted(self.by_check)]
        na = [(cid, n) for cid, n in na if n]
        if na:
            out.append("Not applicable (the check cannot apply to these resources):")
            rows = [
                [md_cell(cid), md_cell(chk.title if (chk := catalogue.get(cid)) else ""), str(n)]
                for cid, n in na
            ]
            table(out, ["Check", "Title", "Not applicable"], rows)

    def _manual(self) -> None:
        out = self.out
        out.append("## Manual items")
        out.append("")
        out.append("A person must attest these; the tool cannot see them in Azure.")
        rows = []
        for chk in self.run.catalogue:
            if self.count(chk.id, Status.MANUAL):
                rows.append([md_cell(chk.id), md_cell(chk.title), md_cell(" ".join(chk.sections))])
        if rows:
            table(out, ["Check", "Question", "Sections"], rows)
        else:
            out.append("")
            out.append("No manual items are open.")
            out.append("")
        policy_md.write_attestations(self.run, out, table)

    def _passed(self) -> None:
        out = self.out
        out.append("## Passed checks")
        rows = [
            [md_cell(c.id), md_cell(c.title), c.severity.value, str(self.count(c.id, Status.PASS))]
            for c in self.run.catalogue
            if self.count(c.id, Status.PASS)
        ]
        if rows:
            table(out, ["Check", "Title", "Severity", "Passing resources"], rows)
        else:
            out.append("")
            out.append("No check passed.")
            out.append("")

    def _registry_row(self, res: dict[str, Any]) -> tuple[str, ...]:
        props = _dict(res.get("properties"))
        return (
            *self.where(_text(res.get("id"))),
            md_cell(_text(_dict(res.get("sku")).get("name"))),
            md_cell(_text(props.get("loginServer"))),
        )

    def _group_row(self, res: dict[str, Any]) -> tuple[str, ...]:
        props = _dict(res.get("properties"))
        containers = _list(props.get("containers")) + _list(props.get("initContainers"))
        images = dict.fromkeys(
            _text(_dict(_dict(c).get("properties")).get("image")) for c in containers
        )
        return (
            *self.where(_text(res.get("id"))),
            md_cell(_text(props.get("osType"))),
            str(len(containers)),
            md_cell(", ".join(i for i in images if i)),
        )

    def _appendix(self) -> None:
        out, index = self.out, self.run.index
        out.append("## Appendix — inventory")
        out.append("")
        out.append("### Resources by type")
        counts = sorted(index.type_counts().items(), key=lambda kv: kv[0].lower())
        table(out, ["Type", "Count"], [[md_cell(t), str(n)] for t, n in counts])
        out.append("### Container registries")
        header = ["Name", "Resource group", "Subscription", "SKU", "Login server"]
        table(out, header, map(self._registry_row, index.of_type(REGISTRY)))
        out.append("### Container groups")
        header = ["Name", "Resource group", "Subscription", "OS", "Containers", "Images"]
        table(out, header, map(self._group_row, index.of_type(CONTAINER_GROUP)))
        out.append("### Data coverage")
        out.append("")
        out.append(
            "What was read, per scope and kind of data. Anything not `collected` leaves "
            "the checks that need it NOT_ASSESSED."
        )
        entries = sorted(
            self.run.snapshot.coverage,
            key=lambda e: (_COVERAGE_ORDER.get(e.status, 9), e.scope.lower(), e.kind.lower()),
        )
        rows = [
            [
                md_cell(e.scope),
                md_cell(e.kind),
                _coverage_status(e.status),
                md_cell(e.api_version or ""),
                md_cell(e.detail or ""),
            ]
            for e in entries
        ]
        table(out, ["Scope", "Kind", "Status", "API version", "Detail"], rows)
