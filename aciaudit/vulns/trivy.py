"""Trivy `trivy image -f json` reports (SchemaVersion 2)."""

from __future__ import annotations

from typing import Any

from aciaudit.vulns.shapes import (
    ReportError,
    dict_,
    list_,
    looks_like_path,
    refs_of,
    short,
    str_,
    strs,
)
from checks.vulns import ImageScan, Vulnerability, vuln_severity

# Trivy lists these but they are not exposures of the image.
_NOT_OPEN = frozenset({"not_affected"})


def is_trivy(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and "SchemaVersion" in doc
        and ("Results" in doc or "ArtifactName" in doc)
    )


def parse_trivy(doc: dict[str, Any], source: str) -> list[ImageScan]:
    version = doc.get("SchemaVersion")
    if version != 2:
        raise ReportError(f"Trivy SchemaVersion {version!r} is not supported (only 2)")
    kind = doc.get("ArtifactType")
    if kind is not None and kind != "container_image":
        raise ReportError(f"a Trivy report of a {kind}, not of a container image")
    meta = dict_(doc.get("Metadata"))
    name = str_(doc.get("ArtifactName"))
    # RepoDigests: what the tag resolved to in the registry (not ImageID, the config digest).
    raws = strs(meta.get("RepoDigests")) + strs(meta.get("RepoTags"))
    reference = str_(meta.get("Reference"))
    if reference and not looks_like_path(reference):
        raws.append(reference)
    if not raws and name and not looks_like_path(name):
        raws.append(name)
    vulns: list[Vulnerability] = []
    not_open = 0
    for result in list_(doc.get("Results")):
        for item in list_(dict_(result).get("Vulnerabilities")):
            v = dict_(item)
            vid = str_(v.get("VulnerabilityID"))
            if not vid:
                continue
            if v.get("Status") in _NOT_OPEN:
                not_open += 1
                continue
            package = str_(v.get("PkgName"))
            pkg_path = str_(v.get("PkgPath"))
            vulns.append(
                Vulnerability(
                    vid,
                    vuln_severity(v.get("Severity")),
                    f"{package} ({pkg_path})" if pkg_path else package,
                    str_(v.get("InstalledVersion")),
                    str_(v.get("FixedVersion")),
                    short(str_(v.get("Title"))),
                    str_(v.get("PrimaryURL")),
                )
            )
    return [
        ImageScan(
            source=source,
            tool="trivy",
            refs=refs_of(raws),
            vulnerabilities=tuple(vulns),
            scanned_at=str_(doc.get("CreatedAt")),
            not_open=not_open,
            label=name,
            image_user=_image_user(meta),
        )
    ]


def _image_user(meta: dict[str, Any]) -> str | None:
    """`Metadata.ImageConfig.config.User`: "" when the config has none; None without one."""
    image_config = meta.get("ImageConfig")
    config = image_config.get("config") if isinstance(image_config, dict) else None
    if not isinstance(config, dict):
        return None
    user = config.get("User")
    return user if isinstance(user, str) else ""
