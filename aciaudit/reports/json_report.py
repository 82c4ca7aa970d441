"""The JSON report: every result with its check's metadata, for pipelines and other tools.

Its shape is a contract, described by `schemas/report.schema.json`. Evidence values are
already redacted by the sources; nothing here adds data the snapshot did not hold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from itertools import islice
from operator import is_
from typing import Any

import orjson

from aciaudit.reports.compliance import rollup_json
from aciaudit.reports.delta import delta_json
from aciaudit.reports.ngroups_json import ngroups_json
from aciaudit.reports.vulns_md import vulnerable_images_json
from aciaudit.run import Run
from checks.kinds import kind_label
from checks.model import Evidence, Result, Severity, Status
from checks.registry import Check

STATUSES = (Status.FAIL, Status.PASS, Status.NOT_ASSESSED, Status.NOT_APPLICABLE, Status.MANUAL)


def render_json(run: Run) -> dict[str, Any]:
    """The report without its results, which `write_json` streams after this head."""
    snap = run.snapshot
    status_counts = run.status_counts
    fail_counts = run.fail_counts_by_severity
    return {
        "tool": {"name": run.tool, "version": run.tool_version},
        "catalogue_version": run.catalogue_version,
        "generated_at": run.generated_at,
        "snapshot": {
            "collected_at": snap.collected_at,
            "source": dict(snap.source),
            # The index's list: it adds subscriptions that only ids or coverage mention.
            "subscriptions": [s.to_dict() for s in run.index.subscriptions],
            "coverage": [entry.to_dict() for entry in snap.coverage],
            "resource_counts": run.index.type_counts(),
            "demo": snap.is_demo,
            # Inventory only (identity, profiles used); only when there are some.
            **({"ngroups": ngroups} if (ngroups := ngroups_json(run)) else {}),
        },
        "summary": {
            "score": run.score,
            "status_counts": {s.value: status_counts[s] for s in STATUSES},
            "fail_counts_by_severity": {s.value: fail_counts[s] for s in Severity},
            # FAILs a policy suppression covers: in status_counts, not in the line above.
            "suppressed": run.suppressed_count,
        },
        "policy": _policy(run),
        # Changes since the baseline, only when the scan was given one (`--baseline`).
        **({"delta": delta_json(run.delta)} if run.delta is not None else {}),
        # Per running image, only when vulnerability data was given (`scan --vulns`).
        **({"vulnerable_images": vulnerable_images_json(run)} if run.scans is not None else {}),
        # Per framework, per control: its checks and the roll-up of their results.
        "compliance": rollup_json(run),
        "checks": [_check(chk) for chk in run.catalogue],
    }


def dumps(run: Run) -> str:
    chunks: list[str] = []
    write_json(run, chunks.append)
    return "".join(chunks)


# Keys sorted (evidence holds ARM objects whose key order depends on the source); a
# key that is not a string is written as one; NaN and infinities become null (orjson's
# rule), so the report is strict JSON whatever reached it.
OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
CHUNK = 1 << 20  # bytes handed to `write` at a time
# Evidence tuples this long are looked up by identity before they are encoded.
SHARED_MIN = 8


def encode(value: Any, options: int = OPTIONS) -> bytes:
    """`value` as strict, key-sorted JSON (compact unless `options` indent)."""
    try:
        return orjson.dumps(value, default=str, option=options)
    except (orjson.JSONEncodeError, TypeError):
        # What orjson refuses (an integer beyond 64 bits, a dict key of two types):
        # the standard encoder, with non-finite floats nulled first.
        indent = 2 if options & orjson.OPT_INDENT_2 else None
        return json.dumps(
            _finite(value),
            indent=indent,
            separators=(",", ": ") if indent else (",", ":"),
            ensure_ascii=False,
            sort_keys=True,
            default=str,
            allow_nan=False,
        ).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        # Keys as orjson's OPT_NON_STR_KEYS writes them (true, null), not str()'s.
        return {_key(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _key(key: Any) -> str:
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    return str(key)


def write_json(run: Run, write: Callable[[str], object]) -> None:
    """Indented header, then one compact result per line, written in ~1 MB pieces.

    Each line is assembled from bytes by `_Lines`: a check's own fields are encoded once
    per check, the rest of a result in one orjson call.
    """
    head = encode(render_json(run), OPTIONS | orjson.OPT_INDENT_2).decode()
    if not run.results:
        write(head[:-2] + ',\n  "results": []\n}\n')
        return
    write(head[:-2] + ',\n  "results": [\n')
    buffer = bytearray()
    line = _Lines(run)
    # Every line ends ",\n" but the last, which is finished below.
    for result in islice(run.results, len(run.results) - 1):
        buffer += line(result)
        if len(buffer) >= CHUNK:
            write(buffer.decode())
            buffer.clear()
    buffer += line(run.results[-1])[:-2]
    buffer += b"\n  ]\n}\n"
    write(buffer.decode())


class _Lines:
    """One result as one line of the report: four spaces, the very bytes `encode` gives
    for `doc(result)`, then ",\n"; assembled faster.

    The keys of a result sort as: check_id, evidence, message, remediation_command,
    resource_id, resource_kind, section, sections, severity, status, suppressed or
    suppression_expired, title. What one check's results share (its id, section,
    severity, title) is encoded once per check; each result needs one orjson call for
    its evidence, message, command and id, in that order already (keys sorted: ARM
    objects arrive in any order; each Evidence becomes a dict in orjson's `default`
    hook, no Python loop; a long evidence tuple is a Fragment of bytes encoded once, see
    `long_evidence`). Whatever orjson refuses takes `encode`'s fallback for the whole
    result, exactly as before.
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.per_check: dict[str, tuple[bytes, bytes, bytes]] = {}
        self.status = {s: b',"status":' + encode(s.value) for s in Status}
        # The same resource recurs in every check that judges it: its kind is read once.
        self.kinds: dict[str, str | None] = {}
        self.suppressing = bool(run.suppressions or run.expired_suppressions)
        # id of a long evidence tuple → (the tuple, its bytes); ids seen once.
        self.encoded: dict[int, tuple[tuple[Evidence, ...], bytes]] = {}
        self.seen: set[int] = set()
        # The same cached tuples by the id of their first and of their last item.
        self.by_first: dict[int, tuple[tuple[Evidence, ...], bytes]] = {}
        self.by_last: dict[int, tuple[tuple[Evidence, ...], bytes]] = {}

    def fixed(self, cid: str) -> tuple[bytes, bytes, bytes]:
        """(`    {"check_id":…,`, `,"section":…,"severity":…`, `,"title":…},\n`)."""
        fixed = self.per_check.get(cid)
        if fixed is None:
            fields = _check_fields(self.run.catalogue[cid])
            middle = encode({k: fields[k] for k in ("section", "sections", "severity")})
            fixed = self.per_check[cid] = (
                b'    {"check_id":' + encode(cid) + b",",
                b"," + middle[1:-1],
                b',"title":' + encode(fields["title"]) + b"},\n",
            )
        return fixed

    def doc(self, result: Result) -> dict[str, Any]:
        """The result as the report states it (what `__call__` encodes)."""
        cid = result.check_id
        doc = {
            **_check_fields(self.run.catalogue[cid]),
            "check_id": cid,
            "resource_id": result.resource_id,
            "status": result.status.value,
            "message": result.message,
            "evidence": [ev.to_dict() for ev in result.evidence],
            **self.variable(result),
        }
        return doc

    def variable(self, result: Result) -> dict[str, Any]:
        """What only FAILs and profiles add."""
        out: dict[str, Any] = {}
        rid = result.resource_id
        if (kind := kind_label(rid)) is not None:
            out["resource_kind"] = kind  # "profile": a container group profile
        if result.status is Status.FAIL:
            # A command only where there is something to fix: on a PASS it would mislead.
            out["remediation_command"] = self.run.catalogue[result.check_id].az_for(rid)
            out.update(self.suppression(result))
        return out

    def suppression(self, result: Result) -> dict[str, Any]:
        """Only on FAILs, and only when set: one line per result stays short."""
        run = self.run
        if (rule := run.suppression(result)) is not None:
            return {"suppressed": rule.to_dict()}
        if (rule := run.expired_suppression(result)) is not None:
            return {"suppression_expired": rule.to_dict()}
        return {}

    def long_evidence(self, evidence: tuple[Evidence, ...]) -> bytes:
        """A long evidence tuple, encoded once per tuple object: checks hand the same
        tuple to every resource it holds for (ACI-025: the grants of a set of
        identities, 200 entries on thousands of groups). Cached from its second
        sighting, so a tuple that is not shared costs one set entry, not a copy of its
        bytes; the cache holds the tuple, so its id cannot pass to another object."""
        key = id(evidence)
        hit = self.encoded.get(key)
        if hit is not None and hit[0] is evidence:
            return hit[1]
        encoded = self.spliced(evidence)
        if encoded is None:
            encoded = orjson.dumps(evidence, default=_evidence_dict, option=OPTIONS)
        if key in self.seen:
            self.encoded[key] = self.by_first[id(evidence[0])] = self.by_last[id(evidence[-1])] = (
                evidence,
                encoded,
            )
        else:
            self.seen.add(key)
        return encoded

    def spliced(self, evidence: tuple[Evidence, ...]) -> bytes | None:
        """`evidence` that starts or ends with the very items of a shared tuple (a
        group with its own identity beside a shared one): the shared bytes and the
        rest's. A JSON array is its items joined by commas, so the bytes are the same
        as one call's. None when no shared tuple fits."""
        seg = self.by_first.get(id(evidence[0]))
        if seg is not None and len(seg[0]) < len(evidence) and all(map(is_, seg[0], evidence)):
            rest = orjson.dumps(evidence[len(seg[0]) :], default=_evidence_dict, option=OPTIONS)
            return seg[1][:-1] + b"," + rest[1:]
        seg = self.by_last.get(id(evidence[-1]))
        n = len(seg[0]) if seg is not None else 0
        if seg is not None and n < len(evidence) and all(map(is_, seg[0], evidence[-n:])):
            rest = orjson.dumps(evidence[:-n], default=_evidence_dict, option=OPTIONS)
            return rest[:-1] + b"," + seg[1][1:]
        return None

    def __call__(self, result: Result) -> bytes:
        cid, rid, status, message, evidence = result
        fixed = self.per_check.get(cid) or self.fixed(cid)
        try:
            kind = self.kinds[rid]
        except KeyError:
            kind = self.kinds[rid] = kind_label(rid)
        after = b""
        try:
            shown: Any = evidence
            if len(evidence) >= SHARED_MIN:
                shown = orjson.Fragment(self.long_evidence(evidence))
            if status is not Status.FAIL:
                body = {"evidence": shown, "message": message, "remediation_command": None,
                        "resource_id": rid}  # fmt: skip
            else:
                body = {"evidence": shown, "message": message,
                        "remediation_command": self.run.catalogue[cid].az_for(rid),
                        "resource_id": rid}  # fmt: skip
                if self.suppressing and (extra := self.suppression(result)):
                    after = b"," + orjson.dumps(extra, default=str, option=OPTIONS)[1:-1]
            if kind is not None:
                body["resource_kind"] = kind  # "profile": a container group profile
            # The keys are in sorted order already; sorting keeps the evidence's sorted.
            text = orjson.dumps(body, default=_evidence_dict, option=OPTIONS)
        except (orjson.JSONEncodeError, TypeError):
            return b"    " + encode(self.doc(result)) + b",\n"
        return b"".join((fixed[0], text[1:-1], fixed[1], self.status[status], after, fixed[2]))


def _evidence_dict(value: Any) -> Any:
    """orjson's hook for what it cannot encode itself: an Evidence as its dict (the
    evidence tuple of a result is encoded in one call), anything else as its text."""
    if type(value) is Evidence:
        path, observed, expected, note = value
        if note:
            return {"path": path, "observed": observed, "expected": expected, "note": note}
        return {"path": path, "observed": observed, "expected": expected}
    return str(value)


def _check_fields(chk: Check) -> dict[str, Any]:
    """What every result of `chk` repeats (its command, None, is set on FAILs)."""
    return {
        "severity": chk.severity.value,
        "section": chk.section,
        "sections": list(chk.sections),
        "title": chk.title,
        "remediation_command": None,
    }


def _check(chk: Check) -> dict[str, Any]:
    return {
        "id": chk.id,
        "title": chk.title,
        "severity": chk.severity.value,
        "sections": list(chk.sections),
        "rationale": chk.rationale,
        "remediation": chk.remediation,
        "learn_url": chk.learn_url,
        "references": list(chk.references),
        "frameworks": {
            m.framework: {"controls": list(m.controls), "source": m.source} for m in chk.frameworks
        },
    }


def _policy(run: Run) -> dict[str, Any]:
    """What the policy decided, and which file it came from (path and sha256)."""
    info = run.policy_file
    uses = run.suppression_uses()
    today = run.policy_today
    policy = run.policy
    return {
        "file": {"path": info.path, "sha256": info.sha256} if info else None,
        "approved_registries": list(policy.approved_registries),
        "approved_images": list(policy.approved_images),
        "severity_overrides": [
            {"id": c.id, "from": before.value, "to": c.severity.value}
            for c, before in run.severity_overrides()
        ],
        "disabled": [{"id": c.id, "title": c.title} for c in run.disabled_checks],
        "suppressions": [
            {**rule.to_dict(), "expired": rule.expired(today), "suppressed_results": uses[rule]}
            for rule in policy.suppressions
        ],
        "attestations": [a.to_dict() for a in run.attestations],
        "warnings": run.policy_warnings,
    }
