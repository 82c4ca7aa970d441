"""The SARIF 2.1.0 report: failing results for code-scanning dashboards (GitHub, Azure DevOps).

One rule per check of the catalogue; one SARIF result per FAIL that no policy
suppression covers. Azure resources are not files, so a result points at its resource
through a logical location (kind `resource`, fully qualified name = ARM id) instead of
a physical one. `partialFingerprints` hash (check id, resource id) only, so a dashboard
matches the same finding across runs however its message wording changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from aciaudit.diff import Change
from aciaudit.run import Run
from checks import arm_id
from checks.kinds import kind_label
from checks.model import ESTATE_SCOPE, Result, Severity, Status
from checks.registry import Check
from checks.sections import SECTIONS

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "aciAuditFinding/v1"

# GitHub ranks alerts by this CVSS-like number: ≥9 critical, ≥7 high, ≥4 medium, >0 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


_BASELINE_STATE: dict[Change | None, str] = {
    Change.NEW: "new",
    Change.UNCHANGED: "unchanged",
}


def fingerprint(check_id: str, resource_id: str) -> str:
    """Stable over runs: ARM ids are case-insensitive, so the id is lower-cased."""
    key = f"{check_id}\x00{resource_id.strip().lower()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def write_sarif(run: Run, write: Callable[[str], object]) -> None:
    """Indented header, then one compact result per line (as the JSON report does)."""
    rules = [_rule(chk) for chk in run.catalogue]
    rule_index = {chk.id: i for i, chk in enumerate(run.catalogue)}
    subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
    sarif_run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": run.tool,
                "version": run.tool_version,
                "semanticVersion": run.tool_version,
                "rules": rules,
                "properties": {"catalogueVersion": run.catalogue_version},
            }
        },
        "invocations": [{"executionSuccessful": True, "endTimeUtc": run.generated_at}],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "collectedAt": run.snapshot.collected_at,
            "demo": run.snapshot.is_demo,
            "suppressedFailures": run.suppressed_count,
        },
        "results": [],
    }
    doc = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}
    head = json.dumps(doc, indent=2, ensure_ascii=False)
    # The empty results array closes the head: `"results": []` then `}` `]` `}`.
    marker = '"results": []'
    cut = head.rindex(marker)
    fails = [r for r in run.results if r.status is Status.FAIL and run.suppression(r) is None]
    if not fails:
        write(head + "\n")
        return
    write(head[:cut] + '"results": [\n')
    line = _Lines(run, rule_index, subs)
    last = len(fails) - 1
    chunk: list[str] = []
    for i, result in enumerate(fails):
        chunk.append("        " + line(result) + (",\n" if i < last else "\n"))
        if len(chunk) >= 4096:
            write("".join(chunk))
            chunk.clear()
    write("".join(chunk) + "      ]" + head[cut + len(marker) :] + "\n")


class _Lines:
    """One SARIF result as the standard encoder writes `_result(…)` (with its baseline
    state), assembled from strings: a check's part and a resource's part are encoded
    once, a result adds its message, fingerprint and command. Keys stay in `_result`'s
    order, separators are the encoder's `", "` and `": "`."""

    def __init__(self, run: Run, rule_index: dict[str, int], subs: dict[str, str]) -> None:
        self.run = run
        self.rule_index = rule_index
        self.subs = subs
        self.per_check: dict[str, tuple[str, str]] = {}
        self.per_resource: dict[str, tuple[str, str]] = {}

    def check_parts(self, chk: Check) -> tuple[str, str]:
        """(the line up to the message text, `"severity": …` of its properties)."""
        parts = self.per_check.get(chk.id)
        if parts is None:
            parts = self.per_check[chk.id] = (
                f'{{"ruleId": {_str(chk.id)}, "ruleIndex": {self.rule_index[chk.id]}, '
                f'"kind": "fail", "level": {_str(LEVEL[chk.severity])}, "message": {{"text": ',
                f'"properties": {{"severity": {_str(chk.severity.value)}',
            )
        return parts

    def resource_parts(self, rid: str) -> tuple[str, str]:
        """(its locations array, `, "resourceId": …[, "resourceKind": …]`)."""
        parts = self.per_resource.get(rid)
        if parts is None:
            location = _location(rid, self.subs)
            kind = kind_label(rid)
            locations = (
                f'[{{"logicalLocations": [{{"fullyQualifiedName": {_str(rid)}, '
                f'"name": {_str(location["name"])}, "kind": "resource"}}]}}]'
            )
            props = f', "resourceId": {_str(rid)}'
            if kind is not None:
                props += f', "resourceKind": {_str(kind)}'
            parts = self.per_resource[rid] = (locations, props)
        return parts

    def __call__(self, result: Result) -> str:
        cid, rid, _, message, _ = result
        chk = self.run.catalogue[cid]
        head, severity = self.check_parts(chk)
        locations, props = self.resource_parts(rid)
        command = chk.az_for(rid)
        text = (
            f'{head}{_str(f"{message} (resource: {rid})")}}}, "locations": {locations}, '
            f'"partialFingerprints": {{{_str(FINGERPRINT_KEY)}: {_str(fingerprint(cid, rid))}}}'
            f", {severity}{props}"
        )
        if command:
            text += f', "remediationCommand": {_str(command)}'
        text += "}"
        delta = self.run.delta
        if delta is not None:
            # Against a baseline (`scan --baseline`): SARIF's own new/unchanged marker.
            state = _BASELINE_STATE.get(delta.change_of(cid, rid))
            if state:
                text += f', "baselineState": {_str(state)}'
        return text + "}"


def _str(text: str) -> str:
    """A JSON string as `json.JSONEncoder(ensure_ascii=False)` writes it."""
    return encode_basestring(text)


def _rule(chk: Check) -> dict[str, Any]:
    sections = "; ".join(f"{s} {SECTIONS.get(s, '')}".strip() for s in chk.sections)
    help_text = (
        f"{chk.rationale}\n\nRemediation: {chk.remediation}\n\nChecklist sections: {sections}"
    )
    if chk.references:
        help_text += "\n\nReferences: " + "; ".join(chk.references)
    rule: dict[str, Any] = {
        "id": chk.id,
        "name": _pascal(chk.title),
        "shortDescription": {"text": chk.title},
        "fullDescription": {"text": chk.rationale},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[chk.severity]},
        "properties": {
            "tags": ["security", "azure", *chk.sections],
            "security-severity": SECURITY_SEVERITY[chk.severity],
            "severity": chk.severity.value,
            "manual": chk.is_manual,
        },
    }
    if chk.learn_url:
        rule["helpUri"] = chk.learn_url
    return rule


def _pascal(title: str) -> str:
    """`Admin user disabled` → `AdminUserDisabled`: SARIF's readable rule name."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or "Check"


def _location(rid: str, subs: dict[str, str]) -> dict[str, Any]:
    parsed = arm_id.parse(rid)
    sub = parsed.subscription or ""
    if rid.strip() == ESTATE_SCOPE:
        name = "(whole estate)"
    elif sub and rid.rstrip("/").lower() == f"/subscriptions/{sub}".lower():
        name = f"(subscription) {subs.get(sub.lower(), sub)}"
    else:
        name = parsed.name or rid
    if (kind := kind_label(rid)) is not None:
        name = f"({kind}) {name}"
    return {"fullyQualifiedName": rid, "name": name, "kind": "resource"}


def _result(result: Result, chk: Check, index: int, subs: dict[str, str]) -> dict[str, Any]:
    """One result as a plain dict: what `_Lines` writes, kept as its reference."""
    rid = result.resource_id
    out: dict[str, Any] = {
        "ruleId": chk.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVEL[chk.severity],
        "message": {"text": f"{result.message} (resource: {rid})"},
        "locations": [{"logicalLocations": [_location(rid, subs)]}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(chk.id, rid)},
        "properties": {"severity": chk.severity.value, "resourceId": rid},
    }
    if (kind := kind_label(rid)) is not None:
        out["properties"]["resourceKind"] = kind  # "profile": a container group profile
    command = chk.az_for(rid)
    if command:
        out["properties"]["remediationCommand"] = command
    return out
