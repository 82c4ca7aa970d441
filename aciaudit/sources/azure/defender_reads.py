"""The phase that reads Defender for Cloud's findings on registry images: one Resource
Graph query per batch of subscriptions, else one ARM list per registry."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aciaudit.sources.azure.apis import DEFENDER_API
from aciaudit.sources.azure.arm import ArmFailure, Cancelled, triage
from aciaudit.sources.azure.graph import batches, graph_rows
from aciaudit.sources.azure.reads import Json, Reads
from checks import arm_id, kinds
from checks.snapshot import CoverageEntry, Subscription

# One sub-assessment row per (image, vulnerability). MDVM rows (assessment key
# c0b7cfc6-3172-465a-b378-53c7ff2cc0d5) and the legacy Qualys-era ones
# (dbd0cb49-b563-45e7-9724-889e799fa648) differ in assessedResourceType, so the filter
# is on that, never on the key alone.
DEFENDER_TYPES = ("AzureContainerRegistryVulnerability", "ContainerRegistryVulnerability")
# (column, path under `properties`): what aciaudit.vulns.defender reads, nothing more
# (a full row also carries CPE, exploitability and remediation text).
DEFENDER_FIELDS = (
    ("findingId", "id"),
    ("displayName", "displayName"),
    ("status", "status"),
    ("timeGenerated", "timeGenerated"),
    ("resourceDetails", "resourceDetails"),
    ("assessedResourceType", "additionalData.assessedResourceType"),
    ("artifactDetails", "additionalData.artifactDetails"),
    ("softwareDetails", "additionalData.softwareDetails"),
    ("cveId", "additionalData.vulnerabilityDetails.cveId"),
    ("severity", "additionalData.vulnerabilityDetails.severity"),
    ("references", "additionalData.vulnerabilityDetails.references"),
    ("repositoryName", "additionalData.repositoryName"),  # legacy rows
    ("imageDigest", "additionalData.imageDigest"),
    ("cve", "additionalData.cve"),
)
DEFENDER_QUERY = (
    "securityresources"
    " | where type =~ 'microsoft.security/assessments/subassessments'"
    " | where tostring(properties.additionalData.assessedResourceType) in~ ("
    + ", ".join(f"'{t}'" for t in DEFENDER_TYPES)
    + ") | project id, type, "
    + ", ".join(f"{column} = properties.{path}" for column, path in DEFENDER_FIELDS)
)
DEFENDER_TYPES_LOWER = frozenset(t.lower() for t in DEFENDER_TYPES)
DEFENDER_PHASE = "Defender vulnerability findings"
# Without Resource Graph: ARM's list of one registry's MDVM sub-assessments. (The
# Qualys-era assessment was retired in 2024; its rows are read through Resource Graph.)
MDVM_ASSESSMENT = "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5"


def defender_findings(reads: Reads) -> None:
    """Sub-assessments of registry images (Security Reader or Reader on the
    subscription): one Resource Graph query per 1,000 subscriptions, else one ARM list
    per registry. Healthy and NotApplicable rows are kept: the parser tells open
    findings from the rest."""
    reads.progress.phase(DEFENDER_PHASE, len(reads.subs))
    if not reads.graph_ok:
        registries: dict[str, list[str]] = defaultdict(list)
        for registry in reads.registries:
            registries[(arm_id.subscription_scope(registry["id"]) or "").lower()].append(
                registry["id"]
            )
        reads.pool.each(
            reads.subs,
            lambda sub: _per_registry(reads, sub, registries[sub.scope.lower()]),
            lambda: reads.progress.advance(DEFENDER_PHASE),
        )  # the phase is set above: the Resource Graph path below advances it per batch
        return
    for batch in batches(reads.subs):
        rows: list[Json] = []
        try:
            ids = [s.subscription_id for s in batch]
            graph_rows(reads.arm, DEFENDER_QUERY, ids, reads.cancel, rows)
        except Cancelled:
            raise
        except Exception as exc:
            # Denied here (no Security Reader) says nothing of the rest: go on. Rows read
            # before the failure are kept; the batch stays failed (they may be partial).
            _add_findings(reads, rows)
            failure = triage(exc)
            if rows:
                failure = ArmFailure(
                    failure.status,
                    f"{failure.detail} ({len(rows)} finding row(s) read before it are kept)",
                )
            for sub in batch:
                reads.problem(sub.scope, kinds.DEFENDER_FINDINGS, failure)
        else:
            _add_findings(reads, rows)
            for sub in batch:
                reads.covered(sub.scope, kinds.DEFENDER_FINDINGS, "resource-graph")
        reads.progress.advance(DEFENDER_PHASE, len(batch))


def _add_findings(reads: Reads, rows: list[Json]) -> None:
    for row in rows:
        finding = _finding(row)
        if finding is not None:
            reads.out.add(finding)


def _per_registry(reads: Reads, sub: Subscription, registry_ids: list[str]) -> None:
    """Without Resource Graph: the MDVM assessment's sub-assessments of each registry.
    The subscription's entry is collected when every registry was, else the first
    problem (what ACI-029 names for a group when no findings could be read)."""
    problem: CoverageEntry | None = None
    for rid in registry_ids:
        reads.check_cancel()
        path = f"{rid}/providers/Microsoft.Security/assessments/{MDVM_ASSESSMENT}/subAssessments"
        try:
            for item in reads.arm.list(path, DEFENDER_API, cancel=reads.cancel):
                props = item.get("properties")
                props = props if isinstance(props, dict) else {}
                row = {c: _at(props, p) for c, p in DEFENDER_FIELDS}
                kind = str(row.get("assessedResourceType") or "").lower()
                if kind in DEFENDER_TYPES_LOWER and (
                    finding := _finding({**row, "id": item.get("id")})
                ):
                    reads.out.add(finding)
        except Cancelled:
            raise
        except Exception as exc:
            entry = reads.problem(rid, kinds.DEFENDER_FINDINGS, exc)
            if entry is not None:  # a 404: never assessed, nothing to read
                problem = problem or entry
                continue
        reads.covered(rid, kinds.DEFENDER_FINDINGS, DEFENDER_API)
    if problem is None:
        reads.covered(sub.scope, kinds.DEFENDER_FINDINGS, DEFENDER_API)
    else:
        detail = f"{problem.detail} (registry {arm_id.parse(problem.scope).name})"
        reads.out.coverage.append(
            CoverageEntry(sub.scope, kinds.DEFENDER_FINDINGS, problem.status, detail=detail)
        )


def _at(obj: Json, path: str) -> Any:
    value: Any = obj
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _finding(row: Json) -> Json | None:
    """A projected sub-assessment row back in ARM's shape (`properties.additionalData`…),
    the shape aciaudit.vulns.defender reads from a snapshot."""
    rid = row.get("id")
    if not isinstance(rid, str) or not rid:
        return None
    props: Json = {}
    for column, path in DEFENDER_FIELDS:
        value = row.get(column)
        if value is None:
            continue
        *parents, leaf = path.split(".")
        node = props
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return {"id": rid, "type": kinds.DEFENDER_FINDINGS, "properties": props}
