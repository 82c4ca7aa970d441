"""What the user decided: approved registries and images. Loading a policy file is an edge concern."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    # Glob patterns over registry hosts (`*.azurecr.io`) and image references.
    approved_registries: tuple[str, ...] = ()
    approved_images: tuple[str, ...] = ()
