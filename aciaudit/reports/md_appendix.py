"""The Markdown report's appendix: the inventory (resources by type, registries,
container groups) and what data was read, per scope and kind."""

from __future__ import annotations

from typing import Any

from aciaudit.escape import md_cell
from aciaudit.reports.md_blocks import as_dict, as_list, as_text, table
from aciaudit.reports.md_context import Report
from checks.snapshot import CoverageStatus

REGISTRY = "microsoft.containerregistry/registries"
CONTAINER_GROUP = "microsoft.containerinstance/containergroups"
PROFILE = "microsoft.containerinstance/containergroupprofiles"
NGROUP = "microsoft.containerinstance/ngroups"
# Problems first, so a reader of a long coverage table sees them without scrolling.
_COVERAGE_ORDER = {
    CoverageStatus.DENIED: 0,
    CoverageStatus.FAILED: 1,
    CoverageStatus.NOT_COLLECTED: 2,
    CoverageStatus.COLLECTED: 3,
}


def write_appendix(report: Report) -> None:
    out, index = report.out, report.run.index
    out.append("## Appendix — inventory")
    out.append("")
    out.append("### Resources by type")
    counts = sorted(index.type_counts().items(), key=lambda kv: kv[0].lower())
    table(out, ["Type", "Count"], [[md_cell(t), str(n)] for t, n in counts])
    out.append("### Container registries")
    header = ["Name", "Resource group", "Subscription", "SKU", "Login server"]
    table(out, header, (_registry_row(report, r) for r in index.of_type(REGISTRY)))
    out.append("### Container groups")
    header = ["Name", "Resource group", "Subscription", "OS", "Containers", "Images"]
    table(out, header, (_group_row(report, g) for g in index.of_type(CONTAINER_GROUP)))
    # Shown only where there are some: estates without them read as before.
    if profiles := index.of_type(PROFILE):
        out.append("### Container group profiles")
        header = ["Name", "Resource group", "Subscription", "OS", "Containers", "Images"]
        table(out, header, (_group_row(report, p) for p in profiles))
    if ngroups := index.of_type(NGROUP):
        out.append("### NGroups")
        header = ["Name", "Resource group", "Subscription", "Identity", "Profiles used"]
        table(out, header, (_ngroup_row(report, n) for n in ngroups))
    out.append("### Data coverage")
    out.append("")
    out.append(
        "What was read, per scope and kind of data. Anything not `collected` leaves "
        "the checks that need it NOT_ASSESSED."
    )
    entries = sorted(
        report.run.snapshot.coverage,
        key=lambda e: (_COVERAGE_ORDER.get(e.status, 9), e.scope.lower(), e.kind.lower()),
    )
    rows = [
        [
            md_cell(e.scope),
            md_cell(e.kind),
            _coverage_status(e.status),
            md_cell(e.api_version or ""),
            md_cell(e.detail or ""),
        ]
        for e in entries
    ]
    table(out, ["Scope", "Kind", "Status", "API version", "Detail"], rows)


def _registry_row(report: Report, res: dict[str, Any]) -> tuple[str, ...]:
    props = as_dict(res.get("properties"))
    return (
        *report.where(as_text(res.get("id"))),
        md_cell(as_text(as_dict(res.get("sku")).get("name"))),
        md_cell(as_text(props.get("loginServer"))),
    )


def _group_row(report: Report, res: dict[str, Any]) -> tuple[str, ...]:
    props = as_dict(res.get("properties"))
    containers = as_list(props.get("containers")) + as_list(props.get("initContainers"))
    images = dict.fromkeys(
        as_text(as_dict(as_dict(c).get("properties")).get("image")) for c in containers
    )
    return (
        *report.where(as_text(res.get("id"))),
        md_cell(as_text(props.get("osType"))),
        str(len(containers)),
        md_cell(", ".join(i for i in images if i)),
    )


def _coverage_status(status: str) -> str:
    # Bold, not colour: the reader of a printed report must still spot the gaps.
    cell = md_cell(status)
    return cell if status == CoverageStatus.COLLECTED else f"**{cell}**"


def _ngroup_row(report: Report, res: dict[str, Any]) -> tuple[str, ...]:
    """An NGroup: who it runs as and the profiles (with revision) it creates groups from."""
    identity = as_dict(res.get("identity"))
    kinds = as_text(identity.get("type")) or "none"
    users = [str(k).rsplit("/", 1)[-1] for k in as_dict(identity.get("userAssignedIdentities"))]
    who = kinds + (f" ({', '.join(users)})" if users else "")
    used = []
    for stub in as_list(as_dict(res.get("properties")).get("containerGroupProfiles")):
        ref = as_text(as_dict(as_dict(stub).get("resource")).get("id"))
        rev = as_dict(stub).get("revision")
        name = ref.rsplit("/", 1)[-1] or "?"
        used.append(f"{name} (revision {rev})" if isinstance(rev, int) else name)
    return (*report.where(as_text(res.get("id"))), md_cell(who), md_cell(", ".join(used)))
