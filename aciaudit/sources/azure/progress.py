"""What a collection reports while it runs: the CLI draws bars, the TUI a screen."""

from __future__ import annotations

from typing import Protocol

from checks.snapshot import CoverageEntry


class Cancelled(Exception):
    """The user asked to stop; raised between requests and pages. Here, not beside the
    SDK code, so the app can catch it without importing azure-core."""


class CollectProgress(Protocol):
    def phase(self, name: str, total: int) -> None:
        """A phase starts with `total` units of work (0 when unknown)."""

    def advance(self, name: str, amount: int = 1) -> None: ...

    def problem(self, entry: CoverageEntry) -> None:
        """A read was denied or failed; the run goes on."""

    def note(self, text: str) -> None:
        """A one-line remark for the user (sign-in, fallbacks)."""


class SilentProgress:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, amount: int = 1) -> None:
        pass

    def problem(self, entry: CoverageEntry) -> None:
        pass

    def note(self, text: str) -> None:
        pass
