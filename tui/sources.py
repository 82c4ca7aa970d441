"""Where a run's snapshot comes from, as the app sees it: a label and a loader.

A loader runs in a thread worker; it reports through a CollectProgress and stops
between reads when the cancel event is set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aciaudit.snapshot_io import load_snapshot
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.policy import Policy
from checks.snapshot import Snapshot

Loader = Callable[[CollectProgress, threading.Event], Snapshot]


@dataclass(frozen=True)
class Source:
    kind: str  # demo | snapshot | az-export | live
    label: str
    load: Loader
    policy: Policy | None = None
    # --vulns files and folders: loaded with the snapshot and joined with its images.
    vulns: tuple[Path, ...] = ()


def demo_source() -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Reading the demo estate", 1)
        snapshot = load_demo()
        progress.advance("Reading the demo estate")
        return snapshot

    return Source("demo", "demo estate (fictional data)", load, DEMO_POLICY)


def snapshot_source(path: Path) -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Reading the snapshot", 1)
        snapshot = load_snapshot(path)
        progress.advance("Reading the snapshot")
        return snapshot

    return Source("snapshot", str(path), load)


def az_export_source(paths: Sequence[Path]) -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        from aciaudit.sources.az_export import load_az_export

        progress.phase("Reading the az CLI export", 1)
        export = load_az_export(paths)
        for warning in export.warnings:
            progress.note(warning)
        progress.advance("Reading the az CLI export")
        return export.snapshot

    return Source("az-export", "az CLI export: " + ", ".join(str(p) for p in paths), load)


def live_source(options: LiveOptions) -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        from aciaudit.sources.azure.collector import collect

        return collect(options, progress, cancel)

    where = options.arm_endpoint or options.cloud
    subs = f", {len(options.subscriptions)} subscription(s)" if options.subscriptions else ""
    return Source("live", f"Azure ({where}{subs})", load)
