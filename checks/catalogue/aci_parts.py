"""Walking a container group: containers and init containers alike, volumes, mounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from checks.catalogue.common import LEARN, Resource, get
from checks.model import Target

GROUP_NOUN = "Container group"
PROFILE_NOUN = "Container group profile"
_PROFILE_TYPE = Target.CONTAINER_GROUP_PROFILE.value.lower()
ACI_DOCS = f"{LEARN}/container-instances"
# Recreating is the only way to change most container group properties.
RECREATE_AZ = (
    "az container export --name {name} --resource-group {resource_group} "
    "--subscription {subscription} --file {name}.yaml && "
    "az container create --resource-group {resource_group} --subscription {subscription} "
    "--file {name}.yaml"
)


def is_profile(group: Resource) -> bool:
    """A container group profile (the template NGroups create groups from), judged by
    the container-group checks that read only its body."""
    # Asked about 30 times per group (noun, kind_of): a type string's answer is
    # remembered, so the usual call is one dict look-up instead of str() and lower().
    rtype = group.get("type", "")
    if type(rtype) is str:
        try:
            return _PROFILE_BY_TYPE[rtype]
        except KeyError:
            answer = rtype.lower() == _PROFILE_TYPE
            if len(_PROFILE_BY_TYPE) < 256:  # spellings of a few types, not data
                _PROFILE_BY_TYPE[rtype] = answer
            return answer
    return str(rtype).lower() == _PROFILE_TYPE


_PROFILE_BY_TYPE: dict[str, bool] = {}


def noun(group: Resource) -> str:
    """How a message names the object: "Container group" or "Container group profile"."""
    return PROFILE_NOUN if is_profile(group) else GROUP_NOUN


def kind_of(group: Resource) -> Target:
    """The coverage kind the object was read as (its api-version is recorded there)."""
    return Target.CONTAINER_GROUP_PROFILE if is_profile(group) else Target.CONTAINER_GROUP


@dataclass(frozen=True, slots=True)
class Container:
    path: str  # properties.containers[1] or properties.initContainers[0]
    name: str
    props: dict[str, Any]
    init: bool

    @property
    def label(self) -> str:
        return f"init container '{self.name}'" if self.init else f"container '{self.name}'"


def containers(group: Resource) -> tuple[Container, ...]:
    """Every container and init container, in ARM order, with its property path.

    About twenty checks walk the same containers: call it through `ctx.memo`.
    """
    return tuple(_containers(group))


def _containers(group: Resource) -> Iterator[Container]:
    for key, init in (("containers", False), ("initContainers", True)):
        items = get(group, f"properties.{key}")
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            props = item.get("properties")
            yield Container(
                path=f"properties.{key}[{i}]",
                name=str(item.get("name", f"#{i}")),
                props=props if isinstance(props, dict) else {},
                init=init,
            )


def volumes(group: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    items = get(group, "properties.volumes")
    for i, vol in enumerate(items if isinstance(items, list) else []):
        if isinstance(vol, dict):
            yield f"properties.volumes[{i}]", vol


def command_text(container: Container) -> str | None:
    cmd = container.props.get("command")
    if not isinstance(cmd, list) or not cmd:
        return None
    return " ".join(str(a) for a in cmd)


def os_type(group: Resource) -> str:
    value = get(group, "properties.osType")
    return value if isinstance(value, str) else "Linux"


def group_sku(group: Resource) -> str:
    """ACI omits `sku` on older reads; Standard is the default it stands for."""
    value = get(group, "properties.sku")
    return value if isinstance(value, str) else "Standard"
