"""The reports' "Vulnerable running images" (issue 6): a Markdown section, a JSON list.

Apart from markdown.py so that file stays readable; it writes through the same
`Lines` buffer and `table` helper (md_blocks), and escapes every scanner or Azure string
with `aciaudit.escape` like the rest of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aciaudit.escape import md_cell
from aciaudit.reports.md_blocks import Out, table
from aciaudit.run import Run
from checks.vulns import RunningImage, Vulnerability, VulnSeverity

# Per image, in the table: a reader wants the few to fix first; evidence holds more.
WORST_IN_TABLE = 3
GROUPS_IN_CELL = 8
_COLUMNS = (VulnSeverity.CRITICAL, VulnSeverity.HIGH, VulnSeverity.MEDIUM, VulnSeverity.LOW)

Where = Callable[[str], tuple[str, str, str]]


def write_section(run: Run, out: Out, where: Where) -> None:
    """Nothing when no vulnerability data was given: the section would only say so."""
    if run.scans is None:
        return
    append = out.append
    images = run.running_images
    vulnerable = [i for i in images if i.match is not None and i.match.open]
    clean = [i for i in images if i.match is not None and not i.match.open]
    unscanned = [i for i in images if i.match is None]
    append("## Vulnerable running images")
    append("")
    append(
        f"{len(run.scans)} image report(s) (Trivy, Grype, Defender for Cloud) joined with "
        f"the {len(images)} distinct image(s) the container groups run. A digest match is "
        "exact; a tag match is weaker: the tag may have moved after the scan, so the "
        "running container may hold a different digest."
    )
    append("")
    append(
        f"- **With open vulnerabilities:** {len(vulnerable)}\n"
        f"- **Scanned, no open vulnerabilities:** {len(clean)}\n"
        f"- **No scan data (ACI-029 NOT_ASSESSED):** {len(unscanned)}"
    )
    if vulnerable:
        vulnerable.sort(key=_worst_first)
        header = ["Image", "Container groups", "Match", "Critical", "High", "Medium", "Low"]
        table(
            out,
            [*header, "Other", "Worst findings"],
            (_row(i, where) for i in vulnerable),
        )
    else:
        append("")
        append("No running image has open vulnerabilities in the reports given.")
        append("")
    if unscanned:
        append("Running images without scan data:")
        table(
            out,
            ["Image", "Container groups"],
            ([md_cell(i.image), _groups(i, where)] for i in unscanned),
        )


def _worst_first(image: RunningImage) -> tuple[int, ...]:
    assert image.match is not None
    counts = image.match.counts
    return (*(-counts.get(s, 0) for s in VulnSeverity), len(image.groups) * -1)


def _groups(image: RunningImage, where: Where) -> str:
    names = [where(gid)[0] for gid in image.groups[:GROUPS_IN_CELL]]
    more = len(image.groups) - GROUPS_IN_CELL
    return ", ".join(names) + (f" … and {more} more" if more > 0 else "")


def _finding(v: Vulnerability) -> str:
    fix = f"fixed in {v.fixed}" if v.fixed else "no fix"
    return f"{v.id} ({v.severity.value}) {v.package} {v.installed}, {fix}"


def _row(image: RunningImage, where: Where) -> list[str]:
    match = image.match
    assert match is not None
    how = (
        f"digest {match.value}"
        if match.how == "digest"
        else f"tag {match.value} only, scanned {match.scanned_at or 'at an unknown time'} "
        "(the tag may have moved since)"
    )
    counts = match.counts
    other = counts.get(VulnSeverity.NEGLIGIBLE, 0) + counts.get(VulnSeverity.UNKNOWN, 0)
    worst = "; ".join(_finding(v) for v in match.findings[:WORST_IN_TABLE])
    return [
        md_cell(image.image),
        _groups(image, where),
        md_cell(how),
        *(str(counts.get(s, 0)) for s in _COLUMNS),
        str(other),
        md_cell(worst),
    ]


WORST_IN_JSON = 5


def vulnerable_images_json(run: Run) -> list[dict[str, Any]]:
    """Every distinct running image, worst first; match is None when no report names it."""
    images = sorted(
        run.running_images,
        key=lambda i: (i.match is None, _worst_first(i) if i.match else (), i.image),
    )
    out = []
    for image in images:
        match = image.match
        out.append(
            {
                "image": image.image,
                "groups": list(image.groups),
                "match": None
                if match is None
                else {
                    "how": match.how,
                    "value": match.value,
                    "reports": [f"{s.tool}: {s.source}" for s in match.scans],
                },
                "open": {s.value: n for s, n in match.counts.items()} if match else {},
                "worst": [v.to_dict() for v in match.findings[:WORST_IN_JSON]] if match else [],
            }
        )
    return out
