"""ACI-019 for containers that leave `runAsUser` unset: the image's configured user
decides, and only an image scan report says who that is (Trivy's
`Metadata.ImageConfig.config.User`; an image config without `User` runs as root)."""

from __future__ import annotations

from sys import intern  # evidence paths recur on every group: one string each

from checks.catalogue.aci_parts import Container, noun
from checks.catalogue.common import Resource, name
from checks.context import Context
from checks.images import parse_image
from checks.model import Evidence, Outcome, fail, passed
from checks.vulns import pulled_digests

_EXPECTED = "a non-root user"


def is_root(user: str) -> bool:
    """`USER` as Docker reads it: empty (none set), `root` or UID 0, with or without a
    group (`0:0`, `root:wheel`)."""
    who = user.strip().split(":", 1)[0].strip()
    return who in ("", "root", "0")


def judge_unset(group: Resource, ctx: Context, unset: list[Container]) -> Outcome | None:
    """FAIL when a report shows an unset container's image runs as root (a match by
    digest or by tag); PASS when reports matched by digest show every one runs as a
    non-root user; None (NOT_ASSESSED stays) otherwise."""
    if ctx.scans is None or not unset:
        return None
    root: list[str] = []
    evidence: list[Evidence] = []
    offending: list[Evidence] = []
    unknown = False
    for c in unset:
        image = c.props.get("image")
        if not isinstance(image, str) or not image:
            unknown = True
            continue
        ref = parse_image(image)
        match = ctx.scans.match(ref, pulled_digests(c.props, ref))
        told = [s for s in match.scans if s.image_user is not None] if match else []
        if match is None or not told:
            unknown = True
            continue
        scan = told[0]
        user = scan.image_user or ""
        ev = Evidence(
            intern(f"{c.path}.properties.image"),
            {
                "image": image,
                "report": f"{scan.tool}: {scan.source}",
                "matched": f"{match.how} {match.value}",
                "Metadata.ImageConfig.config.User": user or "<absent>",
            },
            _EXPECTED,
            "runAsUser unset: the image's configured user applies"
            + (" (an image without USER runs as root)" if not user.strip() else ""),
        )
        evidence.append(ev)
        if is_root(user):
            root.append(f"{c.label} ({image}: {user or 'no USER'})")
            offending.append(ev)
        elif match.by_tag:
            unknown = True  # a tag's report describes what the tag pointed at then
    n = name(group)
    if root:
        return fail(
            f"{noun(group)} '{n}' runs as root through its images' default user: {', '.join(root)}.",
            *offending,
        )
    if unknown:
        return None
    return passed(
        f"{noun(group)} '{n}': containers without runAsUser run as their images' non-root "
        "user, per the scan reports.",
        *evidence,
    )
