"""Where images come from, how they are pinned, what they carry: ACI-001 … ACI-005,
ACI-009, ACI-029."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from sys import intern  # evidence paths recur on every group: one string each

from checks.catalogue.aci_parts import (
    containers,
    noun,
    volumes,
)
from checks.catalogue.common import Resource, name
from checks.context import Context
from checks.images import parse_image, registry_kind
from checks.kinds import DEFENDER_FINDINGS
from checks.model import (
    Evidence,
    Outcome,
    Target,
    fail,
    not_applicable,
    not_assessed,
    passed,
)
from checks.registry import check
from checks.vulns import (
    Vulnerability,
    counts_text,
    defender_gap,
    no_vuln_data,
    pulled_digests,
)

GROUPS = Target.CONTAINER_GROUP
_FULL_COMMIT = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")


def _images(group: Resource) -> list[tuple[str, str, str]]:
    """(path, container label, raw image) for every container with an image."""
    out = []
    for c in containers(group):
        image = c.props.get("image")
        if isinstance(image, str) and image:
            out.append((intern(f"{c.path}.properties.image"), c.label, image))
    return out


def _no_images(group: Resource) -> Outcome:
    return not_assessed(f"{noun(group)} '{name(group)}' lists no container image.")


@check("ACI-001")
def aci_001(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    images = ctx.memo(_images, group)
    if not images:
        return _no_images(group)
    bad, unsure, evidence, offending = [], [], [], []
    for path, label, image in images:
        host = parse_image(image).registry
        kind = registry_kind(host, ctx.estate_hosts)
        trusted = ctx.is_trusted_host(host)
        if not trusted and kind == "foreign-acr" and ctx.registry_listing_gaps:
            # The registry may be the estate's own in a subscription we could not list.
            unsure.append(label)
            evidence.append(
                Evidence(path, image, "an estate registry", f"host {host}: unknown ACR")
            )
        elif not trusted:
            evidence.append(Evidence(path, image, "an estate registry", f"host {host}: {kind}"))
            bad.append(f"{label} ({kind}: {host})")
            offending.append(evidence[-1])
        else:
            approved = "" if host in ctx.trusted_hosts else ", approved in the policy"
            note = f"host {host}: {kind}{approved}"
            evidence.append(Evidence(path, image, "an estate registry", note))
    if bad:
        return fail(
            f"{noun(group)} '{n}' pulls from outside the estate: {'; '.join(bad)}.", *offending
        )
    if unsure:
        gaps = ", ".join(ctx.registry_listing_gaps)
        return not_assessed(
            f"{noun(group)} '{n}' pulls from an ACR not in the snapshot while registries of "
            f"{gaps} could not be listed.",
            *evidence,
        )
    return passed(f"{noun(group)} '{n}' pulls only from estate registries.", *evidence)


def _policy_match(
    group: Resource, ctx: Context, patterns: tuple[str, ...], subject: str, value_of: str
) -> Outcome:
    n = name(group)
    images = ctx.memo(_images, group)
    if not images:
        return _no_images(group)
    bad, evidence, offending = [], [], []
    for path, label, image in images:
        ref = parse_image(image)
        if value_of == "registry":
            # Only the host counts: `ghcr.io/x/fabrikam.azurecr.io` is not an ACR image.
            value = ref.registry
            ok = any(fnmatchcase(value, p.lower()) for p in patterns)
        else:
            value = ref.canonical
            ok = any(fnmatchcase(value, p.lower()) or fnmatchcase(image, p) for p in patterns)
        ev = Evidence(path, image, f"matches one of {list(patterns)}", value)
        evidence.append(ev)
        if not ok:
            bad.append(label)
            offending.append(ev)
    if bad:
        return fail(
            f"{noun(group)} '{n}' runs {subject} not approved: {', '.join(bad)}.", *offending
        )
    return passed(f"{noun(group)} '{n}' runs only approved {subject}.", *evidence)


@check("ACI-002")
def aci_002(group: Resource, ctx: Context) -> Outcome:
    patterns = ctx.policy.approved_registries
    if not patterns:
        return not_applicable("No approved_registries list is configured in the policy.")
    return _policy_match(group, ctx, patterns, "images from registries", "registry")


@check("ACI-003")
def aci_003(group: Resource, ctx: Context) -> Outcome:
    patterns = ctx.policy.approved_images
    if not patterns:
        return not_applicable("No approved_images list is configured in the policy.")
    return _policy_match(group, ctx, patterns, "images", "image")


@check("ACI-004")
def aci_004(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    images = ctx.memo(_images, group)
    if not images:
        return _no_images(group)
    evidence = [Evidence(p, image, "@sha256:<digest>") for p, _, image in images]
    unpinned = [
        (label, ev)
        for (_, label, image), ev in zip(images, evidence, strict=True)
        if not parse_image(image).digest
    ]
    if unpinned:
        return fail(
            f"{noun(group)} '{n}' has images without a digest: "
            f"{', '.join(label for label, _ in unpinned)}.",
            *(ev for _, ev in unpinned),
        )
    return passed(f"{noun(group)} '{n}' pins every image by digest.", *evidence)


@check("ACI-005")
def aci_005(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    images = ctx.memo(_images, group)
    if not images:
        return _no_images(group)
    floating, evidence, offending = [], [], []
    for path, label, image in images:
        ref = parse_image(image)
        evidence.append(
            Evidence(path, image, "a version tag or a digest", f"tag: {ref.tag or '<none>'}")
        )
        if not ref.digest and (ref.tag is None or ref.tag.lower() == "latest"):
            floating.append(label)
            offending.append(evidence[-1])
    if floating:
        return fail(
            f"{noun(group)} '{n}' runs floating `latest` images: {', '.join(floating)}.", *offending
        )
    return passed(f"{noun(group)} '{n}' uses versioned tags or digests.", *evidence)


@check("ACI-009")
def aci_009(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    repos = [(p, v["gitRepo"]) for p, v in volumes(group) if isinstance(v.get("gitRepo"), dict)]
    if not repos:
        return not_applicable(f"{noun(group)} '{n}' has no gitRepo volume.")
    unpinned, evidence, offending = [], [], []
    for path, repo in repos:
        rev = repo.get("revision")
        evidence.append(
            Evidence(f"{path}.gitRepo.revision", rev if rev else "<absent>", "a full commit hash")
        )
        if not (isinstance(rev, str) and _FULL_COMMIT.match(rev)):
            unpinned.append(path)
            offending.append(evidence[-1])
    if unpinned:
        return fail(
            f"{noun(group)} '{n}' clones {len(unpinned)} gitRepo volume(s) without a pinned commit.",
            *offending,
        )
    return passed(f"{noun(group)} '{n}' pins every gitRepo volume to a commit.", *evidence)


@check("ACI-029")
def aci_029(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    scans = ctx.scans
    if scans is None:
        defender = ctx.index.coverage(DEFENDER_FINDINGS, group["id"])
        return not_assessed(f"{noun(group)} '{n}': {no_vuln_data(defender)}.")
    running = [
        (c, image)
        for c in ctx.memo(containers, group)
        if isinstance(image := c.props.get("image"), str) and image
    ]
    if not running:
        return _no_images(group)
    vulnerable, unscanned, tag_only = [], [], []
    evidence: list[Evidence] = []
    offending: list[Evidence] = []
    missing: list[Evidence] = []
    for c, image in running:
        path = intern(f"{c.path}.properties.image")
        ref = parse_image(image)
        match = scans.match(ref, pulled_digests(c.props, ref))
        if match is None:
            note = f"no scan data for image {image}"
            if ref.digest and scans.tag_only_candidates(ref):
                # A report of the tag describes whatever the tag pointed at then.
                note += f"; reports exist for tag {ref.tag}, none for digest {ref.digest}"
            unscanned.append(image)
            missing.append(Evidence(path, image, _EXPECTED_CLEAN, note))
            evidence.append(missing[-1])
            continue
        summary = Evidence(
            path,
            {
                "image": image,
                "match": match.how,
                "matched": match.value,
                "reports": [f"{s.tool}: {s.source}" for s in match.scans],
                "open": {sev.value: k for sev, k in match.counts.items()},
            },
            _EXPECTED_CLEAN,
            f"{counts_text(match.counts)}; {match.describe()}",
        )
        evidence.append(summary)
        if match.by_tag:
            tag_only.append(image)
        if match.open:
            weaker = ", matched by tag only" if match.by_tag else ""
            vulnerable.append(f"{c.label} ({image}: {counts_text(match.counts)}{weaker})")
            offending.append(summary)
            offending.extend(_worst(path, match.findings))
    if vulnerable:
        extra = f" No scan data for: {', '.join(unscanned)}." if unscanned else ""
        return fail(
            f"{noun(group)} '{n}' runs images with open vulnerabilities: "
            f"{'; '.join(vulnerable)}.{extra}",
            *offending,
            *missing,
        )
    if unscanned:
        word = "image" if len(unscanned) == 1 else "images"
        gap = defender_gap(ctx.index.coverage(DEFENDER_FINDINGS, group["id"]))
        return not_assessed(
            f"{noun(group)} '{n}': no scan data for {word} {', '.join(unscanned)}"
            + (f"; {gap}." if gap else "."),
            *evidence,
        )
    weaker = f" (matched by tag only: {', '.join(tag_only)})" if tag_only else ""
    return passed(
        f"{noun(group)} '{n}': the scan reports of its images list no open vulnerabilities{weaker}.",
        *evidence,
    )


_EXPECTED_CLEAN = "a scan report with no open vulnerabilities"
# Evidence rows per image: the worst findings; the JSON report of a scanner holds the rest.
WORST_SHOWN = 5


def _worst(path: str, findings: tuple[Vulnerability, ...]) -> list[Evidence]:
    return [
        Evidence(
            f"{path} · {v.id}",
            {"package": v.package, "installed": v.installed, "fixed": v.fixed or "<no fix>"},
            "a fixed version installed",
            f"{v.severity.value}" + (f": {v.title}" if v.title else ""),
        )
        for v in findings[:WORST_SHOWN]
    ]
