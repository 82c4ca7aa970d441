"""Defender for Cloud container-registry vulnerability findings (sub-assessments).

Accepted as Azure Resource Graph rows (`securityresources`), as the body of an ARG
query (`data`), as the ARM REST list body (`value`), or as rows a snapshot holds. One
row is one vulnerability in one image; rows are grouped back into one `ImageScan` per
image. Only `Unhealthy` rows are open findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aciaudit.vulns.shapes import dict_, list_, short, str_, strs
from checks.images import ImageRef, parse_image
from checks.kinds import DEFENDER_FINDINGS
from checks.snapshot import CoverageStatus, Snapshot
from checks.vulns import ImageScan, Vulnerability, vuln_severity

# The ARM type of a finding row, lower-cased as Resource Graph writes it.
SUBASSESSMENT_TYPE = DEFENDER_FINDINGS.lower()
# MDVM (Azure, AWS, GCP registries) and the legacy Qualys-era Azure type.
CONTAINER_TYPES = frozenset(
    {
        "azurecontainerregistryvulnerability",
        "awscontainerregistryvulnerability",
        "gcpcontainerregistryvulnerability",
        "containerregistryvulnerability",
    }
)
_SECURITY_PROVIDER = "/providers/microsoft.security/"
_REGISTRY_SEGMENT = "/providers/microsoft.containerregistry/registries/"


def is_defender_row(row: Any) -> bool:
    if not isinstance(row, dict):
        return False
    if str_(row.get("type")).lower() == SUBASSESSMENT_TYPE:
        return True
    return "assessedResourceType" in dict_(dict_(row.get("properties")).get("additionalData"))


def defender_rows(doc: Any) -> list[Any] | None:
    """The rows of a Defender export, or None when `doc` is not one."""
    rows: Any = None
    if isinstance(doc, list):
        rows = doc
    elif isinstance(doc, dict):
        if is_defender_row(doc):
            rows = [doc]
        elif isinstance(doc.get("value"), list):
            rows = doc["value"]
        elif isinstance(doc.get("data"), list):  # an ARG query response body, `az graph query`
            rows = doc["data"]
    if rows is None:
        return None
    return rows if not rows or any(is_defender_row(r) for r in rows) else None


@dataclass
class _Image:
    refs: tuple[ImageRef, ...]
    registry_id: str
    label: str
    vulns: list[Vulnerability] = field(default_factory=list)
    not_open: int = 0
    scanned_at: str = ""


def scans_from_defender(rows: Iterable[Any], source: str) -> tuple[list[ImageScan], int]:
    """(one ImageScan per image, number of rows skipped as not container findings)."""
    images: dict[tuple[str, ...], _Image] = {}
    skipped = 0
    for raw in rows:
        row = dict_(raw)
        props = dict_(row.get("properties"))
        data = dict_(props.get("additionalData"))
        if str_(data.get("assessedResourceType")).lower() not in CONTAINER_TYPES:
            skipped += 1
            continue
        key, image = _image_of(row, props, data)
        known = images.setdefault(key, image)
        when = str_(props.get("timeGenerated"))
        known.scanned_at = max(known.scanned_at, when)
        status = dict_(props.get("status"))
        if str_(status.get("code")).lower() != "unhealthy":
            # NotApplicable (Exempt, disabled parent) and Healthy are not open findings.
            known.not_open += 1
            continue
        known.vulns.append(_vulnerability(props, data, status))
    scans = [
        ImageScan(
            source=source,
            tool="defender",
            refs=img.refs,
            vulnerabilities=tuple(img.vulns),
            scanned_at=img.scanned_at,
            not_open=img.not_open,
            registry_id=img.registry_id,
            label=img.label,
        )
        for img in images.values()
    ]
    return scans, skipped


def _registry_id(row_id: str) -> str:
    """`/subscriptions/…/registries/<name>` from the row id's prefix, when it is an ACR."""
    lowered = row_id.lower()
    cut = lowered.find(_SECURITY_PROVIDER)
    prefix = row_id[:cut] if cut > 0 else ""
    return prefix if _REGISTRY_SEGMENT in prefix.lower() else ""


def _image_of(
    row: dict[str, Any], props: dict[str, Any], data: dict[str, Any]
) -> tuple[tuple[str, ...], _Image]:
    registry_id = _registry_id(str_(row.get("id")))
    art = dict_(data.get("artifactDetails"))
    host = str_(art.get("registryHost"))
    repo = str_(art.get("repositoryName"))
    digest = str_(art.get("digest")).lower()
    if host and repo:
        base = f"{host}/{repo}"
        raws = ([f"{base}@{digest}"] if digest else []) + [
            f"{base}:{t}" for t in strs(art.get("tags"))
        ]
        refs = tuple(parse_image(r) for r in raws) or (parse_image(base),)
        return (host.lower(), repo, digest), _Image(refs, registry_id, raws[0] if raws else base)
    detail_id = str_(dict_(props.get("resourceDetails")).get("id"))
    if "@" in detail_id and not detail_id.startswith("/"):
        # AWS/GCP rows without artifactDetails: the resource id is a full reference.
        ref = parse_image(detail_id)
        return (ref.registry, ref.repository, ref.digest or ""), _Image((ref,), "", detail_id)
    # Legacy rows: a repository and a digest that is often not one (a GUID), no host.
    # They count for the registry (by its id) but cannot be matched to a running image.
    repo = str_(data.get("repositoryName"))
    legacy_digest = str_(data.get("imageDigest"))
    ref = ImageRef("", repo, None, None, repo)
    return ("", registry_id.lower(), repo, legacy_digest), _Image((ref,), registry_id, repo)


def _vulnerability(
    props: dict[str, Any], data: dict[str, Any], status: dict[str, Any]
) -> Vulnerability:
    details = dict_(data.get("vulnerabilityDetails"))
    software = dict_(data.get("softwareDetails"))
    if details or software:
        refs = [dict_(r) for r in list_(details.get("references"))]
        return Vulnerability(
            str_(details.get("cveId")) or str_(props.get("id")) or str_(props.get("displayName")),
            vuln_severity(details.get("severity") or status.get("severity")),
            str_(software.get("packageName")),
            str_(software.get("version")),
            str_(software.get("fixedVersion")),
            "",
            str_(refs[0].get("link")) if refs else "",
        )
    cves = [str_(dict_(c).get("title")) for c in list_(data.get("cve"))]
    cves = [c for c in cves if c]
    title = short(str_(props.get("displayName")))
    return Vulnerability(
        cves[0] if cves else str_(props.get("id")) or title,
        vuln_severity(status.get("severity")),
        title,
        "",
        "",
        title,
        "",
        tuple(cves[1:]),
    )


def scans_in_snapshot(snapshot: Snapshot) -> list[ImageScan] | None:
    """Defender rows a collector stored in the snapshot; None when it holds none and
    never read them ([] when it read them and Defender had none: images are unscanned,
    which is not the same as no vulnerability data at all)."""
    rows = [r for r in snapshot.resources if str_(r.get("type")).lower() == SUBASSESSMENT_TYPE]
    if not rows:
        read = any(
            c.kind.lower() == SUBASSESSMENT_TYPE and c.status is CoverageStatus.COLLECTED
            for c in snapshot.coverage
        )
        return [] if read else None
    return scans_from_defender(rows, "snapshot")[0]
