"""Where a run's snapshot comes from: a label, a loader and the source's own policy.

The one place a source is chosen from the command line (`source_from_args`), for
`aci-audit scan` and for the app alike. A loader runs on whatever thread the caller
likes (the app's is a worker); it reports through a CollectProgress and stops between
reads when the cancel event is set.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aciaudit.snapshot_io import load_snapshot
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import CollectProgress
from aciaudit.sources.demo import DEMO_POLICY, load_demo
from checks.policy import Policy
from checks.snapshot import Snapshot


@dataclass(frozen=True)
class Loaded:
    """A snapshot, and the objects the source skipped (one line each, naming the file):
    what a loader returns when it has something to say besides the snapshot."""

    snapshot: Snapshot
    warnings: tuple[str, ...] = ()


Loader = Callable[[CollectProgress, threading.Event], Snapshot | Loaded]


@dataclass(frozen=True)
class Source:
    label: str
    load: Loader
    # The source's own approved lists (the demo's); a policy file's lists win.
    policy: Policy | None = None
    # --vulns files and folders the app joins with this source's images.
    vulns: tuple[Path, ...] = ()


def demo_source() -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        progress.phase("Reading the demo estate", 1)
        snapshot = load_demo()
        progress.advance("Reading the demo estate")
        return snapshot

    return Source("demo estate (fictional data)", load, DEMO_POLICY)


def snapshot_source(path: Path, *, interactive: bool = False) -> Source:
    """`interactive`: read for the app, whose screen runs on another thread meanwhile
    (the command line reads with nothing to share the interpreter with)."""
    hook = _hand_over if interactive else None

    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        return load_snapshot(path, progress, hook)

    return Source(str(path), load)


def _hand_over(obj: dict[str, Any]) -> dict[str, Any]:
    """The JSON reader's object hook, for the app: it changes nothing, but it is a
    Python call per object read, where the interpreter can pass to another thread that
    waits for it. Without one, the reader is one C call that holds the interpreter for
    the whole file (0.5-1.2 s at 10,000 groups), and no key reaches the screen
    meanwhile. It costs about 10% of the parse."""
    return obj


def az_export_source(paths: Sequence[Path]) -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Loaded:
        from aciaudit.sources.az_export import load_az_export

        progress.phase("Reading the az CLI export", 1)
        export = load_az_export(paths)
        progress.advance("Reading the az CLI export")
        return Loaded(export.snapshot, tuple(export.warnings))

    return Source("az CLI export: " + ", ".join(str(p) for p in paths), load)


def live_source(options: LiveOptions) -> Source:
    def load(progress: CollectProgress, cancel: threading.Event) -> Snapshot:
        from aciaudit.sources.azure.collector import collect

        return collect(options, progress, cancel)

    where = options.arm_endpoint or options.cloud
    subs = f", {len(options.subscriptions)} subscription(s)" if options.subscriptions else ""
    return Source(f"Azure ({where}{subs})", load)


def source_from_args(
    args: argparse.Namespace, live: LiveOptions | None, *, interactive: bool = False
) -> Source | None:
    """--demo, --snapshot FILE or --az-export PATH…; otherwise live Azure read with
    `live`, or None when there is nothing to read (the app then asks). `interactive`:
    for the app (see `snapshot_source`)."""
    if args.demo:
        return demo_source()
    if args.snapshot is not None:
        return snapshot_source(args.snapshot, interactive=interactive)
    if args.az_export:
        return az_export_source(args.az_export)
    return live_source(live) if live is not None else None
