"""Compliance roll-up of one run: per framework, per control, its checks and results.

The mapping is catalogue data (`frameworks` in checks/catalogue/*.toml). A control's
verdict is the most cautious reading of its results: FAIL when any result fails,
NOT_ASSESSED when any could not be judged, PASS only when every result passed; a
control whose checks produced nothing (no resource of their kind, or all disabled) is
NO_DATA, never PASS. Manual items mapped to a control count as MANUAL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aciaudit.run import Run
from checks.model import Status
from checks.registry import FRAMEWORKS, Check

COUNTED = (Status.FAIL, Status.PASS, Status.NOT_ASSESSED, Status.MANUAL)
NO_DATA = "NO_DATA"


@dataclass(frozen=True)
class ControlRollup:
    framework: str
    control: str
    checks: tuple[str, ...]
    counts: tuple[tuple[Status, int], ...]
    # Where the mapping of each check to this control comes from.
    sources: tuple[tuple[str, str], ...]

    def count(self, status: Status) -> int:
        return dict(self.counts).get(status, 0)

    @property
    def verdict(self) -> str:
        if self.count(Status.FAIL):
            return Status.FAIL.value
        if self.count(Status.NOT_ASSESSED):
            return Status.NOT_ASSESSED.value
        if self.count(Status.PASS):
            return Status.PASS.value
        if self.count(Status.MANUAL):
            return Status.MANUAL.value
        return NO_DATA

    @property
    def coverage(self) -> float | None:
        """Share of the control's automated results that were judged (PASS or FAIL)."""
        judged = self.count(Status.FAIL) + self.count(Status.PASS)
        total = judged + self.count(Status.NOT_ASSESSED)
        return judged / total if total else None


@dataclass(frozen=True)
class FrameworkRollup:
    key: str
    title: str
    controls: tuple[ControlRollup, ...]

    def verdicts(self) -> Counter[str]:
        return Counter(c.verdict for c in self.controls)


def framework_order(first: Iterable[str] = ()) -> list[str]:
    """The frameworks, those asked for first (`scan --framework`), the rest after."""
    wanted = [f for f in dict.fromkeys(first) if f in FRAMEWORKS]
    return wanted + [f for f in FRAMEWORKS if f not in wanted]


def control_key(control: str) -> tuple[object, ...]:
    """Natural order: NS-2 before NS-10, 1.4.4 before 11.3.1, SC-7 before SC-7(3)."""
    parts: list[object] = []
    num = ""
    word = ""
    for ch in control:
        if ch.isdigit():
            if word:
                parts.append((1, word))
                word = ""
            num += ch
        else:
            if num:
                parts.append((0, int(num)))
                num = ""
            word += ch
    if num:
        parts.append((0, int(num)))
    if word:
        parts.append((1, word))
    return tuple(parts)


def rollup(run: Run, first: Sequence[str] | None = None) -> list[FrameworkRollup]:
    """Every framework with at least one mapped check, those in `first` (by default the
    run's `frameworks_first`) before the others."""
    if first is None:
        first = run.frameworks_first
    per_check: dict[str, Counter[Status]] = defaultdict(Counter)
    for result in run.results:
        per_check[result.check_id][result.status] += 1
    disabled = run.policy.disabled
    out: list[FrameworkRollup] = []
    for key in framework_order(first):
        by_control: dict[str, list[tuple[Check, str]]] = defaultdict(list)
        for chk in run.catalogue:
            for mapping in chk.frameworks:
                if mapping.framework == key:
                    for control in mapping.controls:
                        by_control[control].append((chk, mapping.source))
        if not by_control:
            continue
        controls = []
        for control in sorted(by_control, key=control_key):
            pairs = by_control[control]
            total: Counter[Status] = Counter()
            for chk, _ in pairs:
                if chk.id not in disabled:
                    total.update(per_check.get(chk.id, Counter()))
            controls.append(
                ControlRollup(
                    framework=key,
                    control=control,
                    checks=tuple(c.id for c, _ in pairs),
                    counts=tuple((s, total[s]) for s in COUNTED),
                    sources=tuple((c.id, src) for c, src in pairs),
                )
            )
        out.append(FrameworkRollup(key, FRAMEWORKS[key], tuple(controls)))
    return out


def rollup_json(run: Run, first: Sequence[str] | None = None) -> list[dict[str, object]]:
    """The roll-up for the JSON report: per framework, per control."""
    return [
        {
            "framework": fw.key,
            "title": fw.title,
            "controls": [
                {
                    "control": c.control,
                    "verdict": c.verdict,
                    "checks": list(c.checks),
                    "counts": {s.value: n for s, n in c.counts},
                    "coverage": None if c.coverage is None else round(c.coverage, 4),
                }
                for c in fw.controls
            ],
        }
        for fw in rollup(run, first)
    ]
