"""What a finding's detail shows beside it: the other findings on the same resource, and
the registries a container group pulls from (or the groups that pull from a registry).
No Textual. Built once per run on first use; every look-up after that is a dict get."""

from __future__ import annotations

from dataclasses import dataclass, field

from aciaudit.run import Run
from checks.catalogue.aci_parts import containers
from checks.context import registries_by_login_server
from checks.images import parse_image
from checks.model import Target
from tui.findings_model import Row


@dataclass(frozen=True)
class Link:
    """A related resource: its id, name, and the images that tie it to the other end."""

    resource_id: str
    name: str
    images: tuple[str, ...]


@dataclass
class Related:
    by_resource: dict[str, list[Row]] = field(default_factory=dict)  # lower id → rows
    pulls_from: dict[str, list[Link]] = field(default_factory=dict)  # group → registries
    pulled_by: dict[str, list[Link]] = field(default_factory=dict)  # registry → groups

    def findings(self, resource_id: str) -> list[Row]:
        return self.by_resource.get(resource_id.lower(), [])

    def links(self, resource_id: str) -> list[Link]:
        key = resource_id.lower()
        return self.pulls_from.get(key) or self.pulled_by.get(key) or []


def build_related(run: Run, rows: list[Row]) -> Related:
    """`rows` in their default order (FAIL first, most severe first), so each
    resource's list keeps that order."""
    related = Related()
    by_resource = related.by_resource
    for row in rows:
        key = row.result.resource_id.lower()
        bucket = by_resource.get(key)
        if bucket is None:
            by_resource[key] = [row]
        else:
            bucket.append(row)

    # Image host → registry, as the checks match them.
    registries = registries_by_login_server(run.index)
    if not registries:
        return related
    for group in run.index.of_type(Target.CONTAINER_GROUP):
        images: dict[str, list[str]] = {}
        for c in containers(group):
            image = c.props.get("image")
            if not isinstance(image, str) or not image.strip():
                continue
            host = parse_image(image).registry
            if host in registries:
                images.setdefault(host, []).append(image)
        for host, used in images.items():
            reg = registries[host]
            related.pulls_from.setdefault(group["id"].lower(), []).append(
                Link(reg["id"], str(reg.get("name") or host), tuple(used))
            )
            related.pulled_by.setdefault(reg["id"].lower(), []).append(
                Link(group["id"], str(group.get("name") or group["id"]), tuple(used))
            )
    return related
