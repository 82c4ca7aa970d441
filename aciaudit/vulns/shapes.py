"""Tolerant readers for scanner JSON: a field of the wrong type reads as absent."""

from __future__ import annotations

from typing import Any

from checks.images import ImageRef, parse_image


class ReportError(ValueError):
    """A report this tool cannot use; the message is the reason, without the file name."""


def dict_(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def list_(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def str_(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def strs(value: Any) -> list[str]:
    return [s.strip() for s in list_(value) if isinstance(s, str) and s.strip()]


_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci", ".sif")


def looks_like_path(text: str) -> bool:
    """A scanner's `ArtifactName`/`userInput` for an archive or a directory is a file
    path, not an image reference: it would only produce a name nothing can match."""
    lowered = text.lower()
    return (
        text.startswith(("/", "./", "../", "~"))
        or lowered.endswith(_ARCHIVES)
        or ":\\" in text
        or lowered.startswith(("docker-archive:", "oci-archive:", "oci-dir:", "dir:", "file:"))
    )


def refs_of(raws: list[str]) -> tuple[ImageRef, ...]:
    """Normalised references, one per distinct canonical form, in the report's order."""
    out: dict[str, ImageRef] = {}
    for raw in raws:
        ref = parse_image(raw)
        out.setdefault(ref.canonical, ref)
    return tuple(out.values())


def short(text: str, limit: int = 160) -> str:
    """First line of a description, cut: evidence carries a title, not an essay."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
