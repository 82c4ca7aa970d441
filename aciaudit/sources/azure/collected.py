"""Where a collection's reads put what they found: resources and coverage entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aciaudit.redact import redact_in_place
from checks.snapshot import CoverageEntry


@dataclass
class Collected:
    """What workers hand back; appended from many threads (list.append is atomic)."""

    resources: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)

    def add(self, resource: dict[str, Any]) -> None:
        redact_in_place(resource)  # before it is stored anywhere
        self.resources.append(resource)
