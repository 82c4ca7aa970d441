"""Grype `grype -o json` reports of container images."""

from __future__ import annotations

import re
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

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def is_grype(doc: Any) -> bool:
    return isinstance(doc, dict) and "matches" in doc and isinstance(doc.get("source"), dict)


def parse_grype(doc: dict[str, Any], source: str) -> list[ImageScan]:
    src = dict_(doc.get("source"))
    kind = src.get("type")
    if kind != "image":
        raise ReportError(f"a Grype report of a {kind or 'source without a type'}, not of an image")
    target = dict_(src.get("target"))
    user_input = str_(target.get("userInput"))
    raws = strs(target.get("repoDigests")) + strs(target.get("tags"))
    if user_input and not looks_like_path(user_input):
        raws.append(user_input)
    # The platform manifest's digest; repoDigests may name the multi-arch index instead.
    manifest = str_(target.get("manifestDigest")).lower()
    vulns: list[Vulnerability] = []
    for item in list_(doc.get("matches")):
        match = dict_(item)
        vuln = dict_(match.get("vulnerability"))
        vid = str_(vuln.get("id"))
        if not vid:
            continue
        artifact = dict_(match.get("artifact"))
        related = tuple(
            rid
            for r in list_(match.get("relatedVulnerabilities"))
            if (rid := str_(dict_(r).get("id"))) and rid != vid
        )
        vulns.append(
            Vulnerability(
                vid,
                vuln_severity(vuln.get("severity")),
                str_(artifact.get("name")),
                str_(artifact.get("version")),
                ", ".join(strs(dict_(vuln.get("fix")).get("versions"))),
                short(str_(vuln.get("description"))),
                str_(vuln.get("dataSource")),
                related,
            )
        )
    return [
        ImageScan(
            source=source,
            tool="grype",
            refs=refs_of(raws),
            vulnerabilities=tuple(vulns),
            extra_digests=(manifest,) if _DIGEST.match(manifest) else (),
            scanned_at=str_(dict_(doc.get("descriptor")).get("timestamp")),
            label=user_input,
        )
    ]
