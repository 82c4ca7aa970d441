"""Running images as data: one row per distinct image with the container groups that run
it, how a scan report was matched, counts by severity and the worst CVE. No Textual.

Built once per run (lazily, off the event loop: tui.session) from `Run.running_images`; `/` then
filters precomputed lower-case haystacks, which include every CVE id (and alias) of the
image, so typing a CVE id answers "which running containers are exposed to it?".
Also the CVE rows of one finding (ACI-029 on a group, ACR-016 on a registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from aciaudit.run import Run
from checks import arm_id
from checks.catalogue.aci_parts import containers
from checks.images import parse_image
from checks.model import Target
from checks.vulns import (
    ImageMatch,
    ImageScan,
    RunningImage,
    ScanIndex,
    Vulnerability,
    VulnSeverity,
    merge_findings,
    pulled_digests,
    running_images,
)
from tui.text import safe

# Count columns: the four a user acts on, the rest (negligible, unknown) as "other".
COUNTED: tuple[VulnSeverity, ...] = (
    VulnSeverity.CRITICAL,
    VulnSeverity.HIGH,
    VulnSeverity.MEDIUM,
    VulnSeverity.LOW,
)
NO_SCAN = "no scan data"
SCAN_STATUS = {"digest": "by digest", "tag": "by tag"}
# Checks whose detail screen lists the CVEs behind the finding.
CVE_CHECKS = frozenset({"ACI-029", "ACR-016"})


@dataclass(frozen=True, slots=True)
class ImageRow:
    image: str  # terminal-safe, as deployed
    group_ids: tuple[str, ...]
    group_names: tuple[str, ...]  # terminal-safe
    scan: str  # "by digest" | "by tag" | "no scan data"
    counts: tuple[int, ...]  # per COUNTED, then "other"
    open: int
    worst: Vulnerability | None
    haystack: str  # image, group names and ids, CVE ids and aliases; lower-case
    rank: tuple[int, ...]  # sort key: most exposed first

    @property
    def worst_text(self) -> str:
        v = self.worst
        return f"{v.canonical_id} ({v.severity.value})" if v is not None else ""

    def groups_text(self, limit: int = 3) -> str:
        shown = ", ".join(self.group_names[:limit])
        more = len(self.group_names) - limit
        return f"{shown}, +{more} more" if more > 0 else shown


@dataclass(frozen=True)
class ImagesModel:
    rows: list[ImageRow]
    has_scans: bool  # False: no --vulns and no Defender findings in the snapshot
    groups: int  # container groups running at least one image

    def filtered(self, text: str) -> list[ImageRow]:
        needle = text.strip().lower()
        if not needle:
            return self.rows
        return [r for r in self.rows if needle in r.haystack]


def _row(item: RunningImage) -> ImageRow:
    match: ImageMatch | None = item.match
    findings = match.findings if match is not None else ()
    counts = [0] * (len(COUNTED) + 1)
    for v in findings:
        counts[COUNTED.index(v.severity) if v.severity in COUNTED else -1] += 1
    names = tuple(safe(arm_id.parse(g).name or g) for g in item.groups)
    ids = {v.id.lower() for v in findings}
    for v in findings:
        ids.update(a.lower() for a in v.aliases)
        ids.add(v.canonical_id.lower())
    image = safe(item.image)
    haystack = "\t".join((image.lower(), *(n.lower() for n in names), *sorted(ids)))
    haystack += "\t" + "\t".join(g.lower() for g in item.groups)
    scan = SCAN_STATUS.get(match.how, match.how) if match is not None else NO_SCAN
    rank = (0 if match is not None else 1, *(-c for c in counts), -len(item.groups))
    return ImageRow(
        image,
        tuple(item.groups),
        names,
        scan,
        tuple(counts),
        len(findings),
        findings[0] if findings else None,
        haystack,
        rank,
    )


def build_images(run: Run) -> ImagesModel:
    items = run.running_images if run.scans is not None else _unscanned(run)
    rows = sorted((_row(i) for i in items), key=lambda r: (r.rank, r.image.lower()))
    groups = len({g for r in rows for g in r.group_ids})
    return ImagesModel(rows, run.scans is not None, groups)


def _unscanned(run: Run) -> list[RunningImage]:
    """Without scan data the images are still worth listing (with "no scan data")."""
    return running_images(run.index.of_type(Target.CONTAINER_GROUP), ScanIndex(()))


# -- the CVEs behind one finding -------------------------------------------------------


class CveRow(NamedTuple):
    image: str  # terminal-safe
    vuln: Vulnerability


def cves_for(run: Run, check_id: str, resource_id: str) -> list[CveRow]:
    """Every open finding of the matched reports behind an ACI-029 (the group's
    containers) or ACR-016 (the registry's images) result, worst first."""
    if run.scans is None or check_id not in CVE_CHECKS:
        return []
    resource = run.index.get(resource_id)
    if resource is None:
        return []
    if check_id == "ACI-029":
        per_image = _group_findings(run, resource)
    else:
        per_image = _registry_findings(run, resource)
    out = [CveRow(safe(image), v) for image, findings in per_image.items() for v in findings]
    out.sort(key=lambda r: (r.vuln.severity.rank, not r.vuln.fixed, r.vuln.id, r.image))
    return out


def _group_findings(run: Run, group: dict[str, Any]) -> dict[str, tuple[Vulnerability, ...]]:
    assert run.scans is not None
    out: dict[str, tuple[Vulnerability, ...]] = {}
    for c in containers(group):
        raw = c.props.get("image")
        if not isinstance(raw, str) or not raw or raw in out:
            continue
        ref = parse_image(raw)
        match = run.scans.match(ref, pulled_digests(c.props, ref))
        if match is not None:
            out[raw] = match.findings
    return out


def _registry_findings(run: Run, registry: dict[str, Any]) -> dict[str, tuple[Vulnerability, ...]]:
    assert run.scans is not None
    props = registry.get("properties")
    server = props.get("loginServer") if isinstance(props, dict) else None
    host = server.lower() if isinstance(server, str) else ""
    by_image: dict[str, list[ImageScan]] = {}
    for scan in run.scans.for_registry(host, registry["id"]):
        by_image.setdefault(scan.name, []).append(scan)
    return {image: merge_findings(scans) for image, scans in by_image.items()}
