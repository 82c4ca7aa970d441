"""Container image references: one normaliser for every check and importer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DOCKER_HUB = "docker.io"
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$")

# Registries anyone can push to or pull from without the estate's say.
PUBLIC_REGISTRIES = frozenset(
    {
        DOCKER_HUB,
        "ghcr.io",
        "quay.io",
        "gcr.io",
        "registry.k8s.io",
        "k8s.gcr.io",
        "public.ecr.aws",
        "nvcr.io",
        "registry.gitlab.com",
        "docker.elastic.co",
        "cgr.dev",
    }
)
MICROSOFT_REGISTRY = "mcr.microsoft.com"
ACR_SUFFIXES = (".azurecr.io", ".azurecr.cn", ".azurecr.us", ".azurecr.de")


@dataclass(frozen=True, slots=True)
class ImageRef:
    registry: str  # lower-case host[:port]
    repository: str
    tag: str | None
    digest: str | None
    raw: str

    @property
    def effective_tag(self) -> str | None:
        """The tag a pull resolves: none given and no digest means `latest`; with a
        digest and no tag there is no tag."""
        if self.tag:
            return self.tag
        return None if self.digest else "latest"

    @property
    def canonical(self) -> str:
        ref = f"{self.registry}/{self.repository}"
        if self.tag:
            ref += f":{self.tag}"
        if self.digest:
            ref += f"@{self.digest}"
        return ref


@lru_cache(maxsize=65536)
def parse_image(raw: str) -> ImageRef:
    """`nginx` → docker.io/library/nginx (no tag); hosts lower-cased; digests kept."""
    ref = raw.strip()
    digest = None
    if "@" in ref:
        ref, _, candidate = ref.partition("@")
        # A malformed digest pins nothing: treat the reference as unpinned.
        digest = candidate.lower() if _DIGEST.match(candidate) else None
    first, slash, rest = ref.partition("/")
    # Repository paths are lower-case, so an upper-case first part can only be a host.
    is_host = "." in first or ":" in first or first != first.lower()
    if slash and (is_host or first.lower() == "localhost"):
        registry, path = first.lower(), rest
    else:
        registry, path = DOCKER_HUB, ref
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
    tag = None
    name, colon, maybe_tag = path.rpartition(":")
    if colon and "/" not in maybe_tag:
        path, tag = name, maybe_tag
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return ImageRef(registry, path, tag or None, digest, raw)


def registry_kind(host: str, estate_hosts: frozenset[str]) -> str:
    """Classify a registry host: estate, microsoft, public, foreign-acr or other."""
    host = host.lower()
    if host in estate_hosts:
        return "estate"
    if host == MICROSOFT_REGISTRY:
        return "microsoft"
    if host in PUBLIC_REGISTRIES:
        return "public"
    if host.split(":")[0].endswith(ACR_SUFFIXES):
        return "foreign-acr"
    return "other"
