"""Image vulnerability reports and their join with running images. Pure: no I/O.

Importers (`aciaudit.vulns`) turn Trivy, Grype and Defender for Cloud output into
`ImageScan`s; `ScanIndex` answers "which reports describe this running image?",
digest first, tag second (weaker: a tag can move after the scan).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from checks.catalogue.aci_parts import containers
from checks.images import ImageRef, parse_image
from checks.snapshot import CoverageEntry, CoverageStatus

# Why ACR-016 / ACI-029 cannot judge when no report was given at all.
NO_VULN_DATA = "no vulnerability data was provided (--vulns)"


def no_vuln_data(defender: CoverageEntry | None) -> str:
    """NO_VULN_DATA, and why the collector holds no Defender findings when it tried to
    read them (`defender`: the Defender findings coverage over the resource)."""
    gap = defender_gap(defender)
    if not gap:
        return NO_VULN_DATA
    return f"no vulnerability data: none was provided (--vulns) and {gap}"


def defender_gap(defender: CoverageEntry | None) -> str:
    """Why Defender findings over a resource are missing; "" when they were read (or
    never tried: a snapshot from files)."""
    if defender is None or defender.status is CoverageStatus.COLLECTED:
        return ""
    return f"Defender for Cloud findings ({defender.kind}) were not read: {defender.describe()}"


class VulnSeverity(StrEnum):
    """One scale for every tool. Negligible sits below low; unknown is not low."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NEGLIGIBLE = "negligible"
    UNKNOWN = "unknown"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {s: i for i, s in enumerate(VulnSeverity)}
_SEVERITY_WORDS = {
    "critical": VulnSeverity.CRITICAL,
    "high": VulnSeverity.HIGH,
    "important": VulnSeverity.HIGH,
    "medium": VulnSeverity.MEDIUM,
    "moderate": VulnSeverity.MEDIUM,
    "low": VulnSeverity.LOW,
    "negligible": VulnSeverity.NEGLIGIBLE,
    "none": VulnSeverity.NEGLIGIBLE,
    "informational": VulnSeverity.NEGLIGIBLE,
}


def vuln_severity(text: object) -> VulnSeverity:
    if isinstance(text, str):
        return _SEVERITY_WORDS.get(text.strip().lower(), VulnSeverity.UNKNOWN)
    return VulnSeverity.UNKNOWN


class Vulnerability(NamedTuple):
    """One open finding. A NamedTuple: a large import holds hundreds of thousands."""

    id: str
    severity: VulnSeverity
    package: str
    installed: str
    fixed: str = ""  # "" when the report names no fixed version
    title: str = ""
    url: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def canonical_id(self) -> str:
        """The CVE when the tool's id is an alias of one (GHSA ↔ CVE), else the id."""
        if self.id.upper().startswith("CVE-"):
            return self.id.upper()
        for alias in self.aliases:
            if alias.upper().startswith("CVE-"):
                return alias.upper()
        return self.id

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "severity": self.severity.value,
            "package": self.package,
            "installed": self.installed,
            "fixed": self.fixed,
        }
        if self.title:
            out["title"] = self.title
        if self.url:
            out["url"] = self.url  # the advisory the scanner links to
        return out


@dataclass(frozen=True, slots=True, eq=False)
class ImageScan:
    """What one report says about one image."""

    source: str  # the file it came from, or "snapshot"
    tool: str  # trivy | grype | defender
    # Every reference the report names: tags (`repo:tag`) and digests (`repo@sha256:…`).
    refs: tuple[ImageRef, ...]
    vulnerabilities: tuple[Vulnerability, ...]  # open findings only
    # Digests the report gives without a repository (Grype's manifestDigest): they pair
    # with every repository in `refs`.
    extra_digests: tuple[str, ...] = ()
    scanned_at: str = ""
    # Findings present but not open (Defender NotApplicable, Exempt, Healthy).
    not_open: int = 0
    # Defender: the ARM id of the scanned registry (the row id's prefix).
    registry_id: str = ""
    label: str = ""
    # The image's configured user (Trivy: Metadata.ImageConfig.config.User): "" when the
    # config sets none (the image runs as root); None when the report does not say.
    image_user: str | None = None

    @property
    def name(self) -> str:
        return self.label or (self.refs[0].canonical if self.refs else "(no image reference)")

    def digest_keys(self) -> set[tuple[str, str, str]]:
        keys = {(r.registry, r.repository, r.digest) for r in self.refs if r.digest and r.registry}
        repos = {(r.registry, r.repository) for r in self.refs if r.registry}
        for digest in self.extra_digests:
            keys.update((reg, repo, digest) for reg, repo in repos)
        return keys

    def tag_keys(self) -> set[tuple[str, str, str]]:
        # `name:tag@digest` keeps its tag as a key too: a tag match is reported as weaker.
        return {
            (r.registry, r.repository, tag)
            for r in self.refs
            if r.registry and (tag := r.effective_tag)
        }


def counts_text(counts: Counter[VulnSeverity] | dict[VulnSeverity, int]) -> str:
    parts = [f"{counts[s]} {s.value}" for s in VulnSeverity if counts.get(s)]
    return ", ".join(parts) or "no open findings"


def merge_findings(scans: Iterable[ImageScan]) -> tuple[Vulnerability, ...]:
    """Open findings of several reports, one per (vulnerability, package, installed
    version), worst first. Tools disagree on severity: the worst known one is kept."""
    best: dict[tuple[str, str, str], Vulnerability] = {}
    for scan in scans:
        for v in scan.vulnerabilities:
            key = (v.canonical_id, v.package, v.installed)
            old = best.get(key)
            if old is None:
                best[key] = v
            elif old != v:
                # The same finding twice (two tools, or GHSA and CVE): one row under the
                # CVE id, the other ids kept as aliases.
                severity = v.severity if v.severity.rank < old.severity.rank else old.severity
                ids = dict.fromkeys((old.id, v.id, *old.aliases, *v.aliases))
                ids.pop(key[0], None)
                best[key] = old._replace(
                    id=key[0],
                    severity=severity,
                    fixed=old.fixed or v.fixed,
                    title=old.title or v.title,
                    url=old.url or v.url,
                    aliases=tuple(ids),
                )
    # Actionable first within a severity: a finding with a fix is the one to act on.
    return tuple(sorted(best.values(), key=lambda v: (v.severity.rank, not v.fixed, v.id)))


@dataclass(frozen=True, slots=True)
class ImageMatch:
    """The reports that describe one running image, and how they were found."""

    scans: tuple[ImageScan, ...]
    how: str  # "digest" or "tag"
    value: str  # the digest or the tag that matched
    findings: tuple[Vulnerability, ...]
    counts: dict[VulnSeverity, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return len(self.findings)

    @property
    def by_tag(self) -> bool:
        return self.how == "tag"

    @property
    def scanned_at(self) -> str:
        """When the matched reports were made, as they say (several: comma-separated)."""
        return ", ".join(sorted({s.scanned_at for s in self.scans if s.scanned_at}))

    def sources(self) -> str:
        return "; ".join(dict.fromkeys(f"{s.tool}: {s.source}" for s in self.scans))

    def describe(self) -> str:
        """How the match was made, in words a reader can weigh."""
        if self.how == "digest":
            return f"matched by digest {self.value} ({self.sources()})"
        when = self.scanned_at or "an unknown time"
        return (
            f"matched by tag only: tag `{self.value}` was scanned at {when} ({self.sources()}); "
            "the running container may have pulled a different digest"
        )


_PULLED = re.compile(r'image "([^"]+@[^"]+)"')


def pulled_digests(container_props: dict[str, Any], image: ImageRef) -> tuple[str, ...]:
    """Digests the instance view's Pulling/Pulled events show for this image's repository:
    ACI resolves a tag at pull time and sometimes says to what."""
    view = container_props.get("instanceView")
    events = view.get("events") if isinstance(view, dict) else None
    if not isinstance(events, list):
        return ()
    found: dict[str, None] = {}
    for event in events:
        message = event.get("message") if isinstance(event, dict) else None
        if not isinstance(message, str):
            continue
        for raw in _PULLED.findall(message):
            ref = parse_image(raw)
            if ref.digest and (ref.registry, ref.repository) == (image.registry, image.repository):
                found[ref.digest] = None
    return tuple(found)


class ScanIndex:
    """Reports keyed by (registry, repository, digest) and (registry, repository, tag)."""

    def __init__(self, scans: Iterable[ImageScan]) -> None:
        self.scans: list[ImageScan] = list(scans)
        self._by_digest: dict[tuple[str, str, str], list[ImageScan]] = {}
        self._by_tag: dict[tuple[str, str, str], list[ImageScan]] = {}
        self._by_host: dict[str, list[ImageScan]] = {}
        self._by_registry_id: dict[str, list[ImageScan]] = {}
        self._memo: dict[tuple[ImageRef, tuple[str, ...]], ImageMatch | None] = {}
        for scan in self.scans:
            for key in scan.digest_keys():
                self._by_digest.setdefault(key, []).append(scan)
            for key in scan.tag_keys():
                self._by_tag.setdefault(key, []).append(scan)
            for host in {r.registry for r in scan.refs if r.registry}:
                self._by_host.setdefault(host, []).append(scan)
            if scan.registry_id:
                self._by_registry_id.setdefault(scan.registry_id.lower(), []).append(scan)

    def __len__(self) -> int:
        return len(self.scans)

    def for_registry(self, login_server: str, registry_id: str) -> list[ImageScan]:
        """Reports about images in one registry: by host, or by the Defender row's id
        (legacy rows name no host)."""
        found = dict.fromkeys(self._by_host.get(login_server.lower(), []))
        found.update(dict.fromkeys(self._by_registry_id.get(registry_id.lower(), [])))
        return list(found)

    def match(self, image: ImageRef, pulled: Sequence[str] = ()) -> ImageMatch | None:
        """Digest first (the image's own, then digests seen in pull events); a tag only
        when the image is not pinned: a pinned digest no report holds is unscanned."""
        key = (image, tuple(pulled))
        if key in self._memo:
            return self._memo[key]
        found: ImageMatch | None = None
        repo = (image.registry, image.repository)
        for digest in dict.fromkeys([d for d in (image.digest, *pulled) if d]):
            scans = self._by_digest.get((*repo, digest))
            if scans:
                found = _match(scans, "digest", digest)
                break
        tag = image.effective_tag
        if found is None and image.digest is None and tag:
            scans = self._by_tag.get((*repo, tag), [])
            if pulled:
                # The pull event names the digest that runs: a report of the same tag
                # that names another digest describes an older (or newer) image.
                scans = [s for s in scans if not any(k[:2] == repo for k in s.digest_keys())]
            if scans:
                found = _match(scans, "tag", tag)
        self._memo[key] = found
        return found

    def tag_only_candidates(self, image: ImageRef) -> list[ImageScan]:
        """Reports for the image's tag, when a pinned digest matched none: worth naming."""
        if not image.tag:
            return []
        return self._by_tag.get((image.registry, image.repository, image.tag), [])


def _match(scans: list[ImageScan], how: str, value: str) -> ImageMatch:
    findings = merge_findings(scans)
    counts = Counter(v.severity for v in findings)
    return ImageMatch(tuple(scans), how, value, findings, dict(counts))


@dataclass(slots=True)
class RunningImage:
    """One image as deployed (same reference, same pulled digest) and where it runs."""

    image: str
    groups: list[str]  # container group ids, in index order
    match: ImageMatch | None


def running_images(groups: Iterable[dict[str, Any]], scans: ScanIndex) -> list[RunningImage]:
    """Every distinct running image with its match; the report's view of ACI-029."""
    out: dict[tuple[str, tuple[str, ...]], RunningImage] = {}
    for group in groups:
        for c in containers(group):
            raw = c.props.get("image")
            if not isinstance(raw, str) or not raw:
                continue
            ref = parse_image(raw)
            pulled = pulled_digests(c.props, ref)
            item = out.get((raw, pulled))
            if item is None:
                item = out[(raw, pulled)] = RunningImage(raw, [], scans.match(ref, pulled))
            if not item.groups or item.groups[-1] != group["id"]:
                item.groups.append(group["id"])
    return list(out.values())


def as_index(scans: ScanIndex | Iterable[ImageScan] | None) -> ScanIndex | None:
    if scans is None or isinstance(scans, ScanIndex):
        return scans
    return ScanIndex(scans)
