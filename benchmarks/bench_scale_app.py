"""bench_scale.py's app measure, run in a child process from the checkout measured
(PYTHONPATH): launch to the overview shown, `/` filter keystrokes and sorts at the
estate's ~400k results. Prints one JSON line of figures.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_scale_app.py estate.json

Times are wall clock through Textual's headless pilot, so each includes one screen
refresh; the pilot's own cost per key (a key bound to nothing) is subtracted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path


async def measure(path: Path) -> dict[str, float]:
    from aciaudit.sources.choice import snapshot_source
    from tui.app import AuditApp
    from tui.findings_model import Filter
    from tui.screens.findings import FindingsScreen
    from tui.widgets.result_table import ResultTable

    figures: dict[str, float] = {}
    started = time.perf_counter()
    app = AuditApp(snapshot_source(path))
    async with app.run_test(size=(120, 36)) as pilot:
        while app.session.run is None or type(app.screen).__name__ != "OverviewScreen":
            await pilot.pause(0.01)
        await pilot.pause()
        figures["launch to overview (s)"] = time.perf_counter() - started
        rows = app.session.rows
        figures["results"] = len(rows)

        started = time.perf_counter()
        app.push_screen(FindingsScreen(rows, Filter()))
        while not isinstance(app.screen, FindingsScreen) or not app.screen.query(ResultTable):
            await pilot.pause()
        await pilot.pause()
        figures["findings table shown (s)"] = time.perf_counter() - started

        base_times = []
        for _ in range(5):
            t = time.perf_counter()
            await pilot.press("z")
            await pilot.pause()
            base_times.append(time.perf_counter() - t)
        base = statistics.median(base_times)

        async def keys(presses: list[str]) -> list[float]:
            times = []
            for key in presses:
                t = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                times.append(max(0.0, time.perf_counter() - t - base) * 1000)
            return times

        await pilot.press("slash")
        typed = await keys(list("fabrikam"))
        erased = await keys(["backspace"] * 8)
        filtering = typed + erased
        figures["filter keystroke (ms)"] = max(filtering)
        figures["filter keystroke median (ms)"] = statistics.median(filtering)
        await pilot.press("escape")
        await pilot.pause()
        sorts = await keys(["o"] * 6)
        figures["sort (ms)"] = max(sorts)
        figures["sort median (ms)"] = statistics.median(sorts)
        figures["pilot no-op key (ms, subtracted)"] = base * 1000
    return figures


def phases(path: Path) -> dict[str, float]:
    """CPU seconds of what stands between launch and the overview, one step at a time,
    as the load worker runs them (the collector paused)."""
    from aciaudit.gcpause import paused_gc
    from aciaudit.run import audit
    from aciaudit.snapshot_io import load_snapshot
    from tui.session import RunViews

    out: dict[str, float] = {}
    with paused_gc():
        started = time.process_time()
        snapshot = load_snapshot(path)
        out["phase: load + redact (cpu s)"] = time.process_time() - started
        started = time.process_time()
        run = audit(snapshot)
        out["phase: evaluate (cpu s)"] = time.process_time() - started
        started = time.process_time()
        RunViews(run)
        out["phase: rows, overview, sorts (cpu s)"] = time.process_time() - started
    return out


def main() -> int:
    figures = asyncio.run(measure(Path(sys.argv[1])))
    if "--phases" in sys.argv:
        figures |= phases(Path(sys.argv[1]))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
