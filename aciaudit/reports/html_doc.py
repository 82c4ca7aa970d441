"""The HTML report being written: its buffer and the run's results grouped once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from aciaudit.escape import html_text as h
from aciaudit.run import Run
from checks import arm_id
from checks.model import Result, Status
from checks.registry import Check


class Doc:
    """The page being written: a buffer handed to `write` in ~1 MB pieces, and the
    run's results grouped once for every section."""

    CHUNK = 1 << 20

    def __init__(self, run: Run, write: Callable[[str], object]) -> None:
        self.run = run
        self._write = write
        self._parts: list[str] = []
        self._size = 0
        self.by_check: dict[str, dict[Status, list[Result]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for result in run.results:
            self.by_check[result.check_id][result.status].append(result)
        self.subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}

    def add(self, *parts: str) -> None:
        for part in parts:
            self._parts.append(part)
            self._size += len(part)
        if self._size >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._write("".join(self._parts))
            self._parts.clear()
            self._size = 0

    def count(self, check_id: str, status: Status) -> int:
        statuses = self.by_check.get(check_id)
        return len(statuses[status]) if statuses and status in statuses else 0

    def failing_checks(self) -> list[Check]:
        checks = [c for c in self.run.catalogue if self.count(c.id, Status.FAIL)]
        return sorted(checks, key=lambda c: (c.severity.rank, -self.count(c.id, Status.FAIL)))

    def where(self, resource_id: str) -> tuple[str, str, str]:
        """Escaped (name, resource group, subscription) of a resource id."""
        parsed = arm_id.parse(resource_id)
        sub = self.subs.get((parsed.subscription or "").lower(), parsed.subscription or "")
        if resource_id.strip() == "/":
            name = "(whole estate)"
        elif resource_id.rstrip("/").lower() == f"/subscriptions/{parsed.subscription}".lower():
            name = f"(subscription) {sub}"
        else:
            name = parsed.name or resource_id
        return h(name), h(parsed.resource_group or "—"), h(sub or "—")
