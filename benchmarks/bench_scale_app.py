"""bench_scale.py's app measure, run in a child process from the checkout measured
(PYTHONPATH): launch to the overview shown (and how long a key waits meanwhile),
to the findings rows ready behind it, `/` filter keystrokes and sorts at the estate's
~400k results. Prints one JSON line of figures. Works on older checkouts too (--root),
which build everything before the overview.

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
    from tui.messages import ShowFindings
    from tui.screens.findings import FindingsScreen
    from tui.widgets.result_table import ResultTable

    figures: dict[str, float] = {}
    started = time.perf_counter()
    app = AuditApp(snapshot_source(path))
    async with app.run_test(size=(120, 36)) as pilot:
        # While the run loads: `?` opens the help and esc closes it, every 0.3 s, each
        # timed from the key sent to the screen changed. The pilot's press waits for
        # the process to go idle, which a loading worker never lets it; keys go to the
        # driver directly instead.
        def on(name: str) -> bool:
            return type(app.screen).__name__ == name

        def loaded() -> bool:
            return app.session.run is not None and any(
                type(s).__name__ == "OverviewScreen" for s in app.screen_stack
            )

        loading: list[float] = []
        while not loaded():
            for key, char, then in (("question_mark", "?", "HelpScreen"), ("escape", None, "")):
                if loaded() or not (on("CollectScreen") or on("HelpScreen")):
                    break
                t = time.perf_counter()
                send(app, key, char)
                while not (on(then) if then else not on("HelpScreen")) and not loaded():
                    await asyncio.sleep(0.001)
                loading.append((time.perf_counter() - t) * 1000)
            await asyncio.sleep(0.3)
        figures["launch to overview (s)"] = time.perf_counter() - started
        await pilot.pause()
        # Older code left the help (or the collect screen) over a finished load.
        while not on("OverviewScreen"):
            app.pop_screen()
            await pilot.pause()
        figures["key while loading, worst (ms)"] = max(loading, default=0.0)
        figures["key while loading, median (ms)"] = statistics.median(loading or [0.0])
        views = app.session.views
        assert views is not None
        # Built behind the overview (where the code does that): the rows, their sorts
        # and search parts. Measured until the `prepare` worker is done.
        while views.built_rows is None if hasattr(views, "built_rows") else False:
            await pilot.pause(0.05)
        while any(w.group == "prepare" and not w.is_finished for w in app.workers):
            await pilot.pause(0.05)
        figures["launch to findings ready (s)"] = time.perf_counter() - started
        figures["results"] = len(app.session.rows)

        started = time.perf_counter()
        app.post_message(ShowFindings(Filter()))
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

        screen = app.screen
        box = screen.query_one("#filter")
        # Moments seen from inside the app, on its event loop, so nothing here polls
        # (polling would take the interpreter from a filter running in a worker).
        seen: dict[str, float] = {}
        arrived = asyncio.Event()
        changed, refresh = type(screen).on_input_changed, type(screen.view).refresh

        def on_changed(self: object, event: object) -> None:
            seen.setdefault(getattr(event, "value", ""), time.perf_counter())
            changed(self, event)  # type: ignore[arg-type]

        def refreshed(self: object) -> None:
            refresh(self)  # type: ignore[arg-type]
            text = self.filter.text  # type: ignore[attr-defined]
            if text == want[0]:
                seen.setdefault("result", time.perf_counter())
                arrived.set()

        type(screen).on_input_changed = on_changed  # type: ignore[method-assign]
        type(screen.view).refresh = refreshed  # type: ignore[method-assign]
        want = [""]

        async def typed(presses: list[str]) -> tuple[list[float], list[float]]:
            """Per key: until the screen hears of the new text in the box, and until
            the view holds its result (later where the scan runs behind)."""
            echo, shown = [], []
            for key in presses:
                want[0] = box.value[:-1] if key == "backspace" else box.value + key
                seen.clear()
                arrived.clear()
                t = time.perf_counter()
                send(app, key, key if len(key) == 1 else None)
                await asyncio.wait_for(arrived.wait(), 60)
                echo.append((seen.get(want[0], seen["result"]) - t) * 1000)
                shown.append((seen["result"] - t) * 1000)
                await pilot.pause()  # painted, and idle before the next key
            return echo, shown

        await pilot.press("slash")
        # A word that stops matching early, then one that matches every tenth row.
        echoes, shown = [], []
        for word in ("fabrikam", "ingest"):
            for presses in (list(word), ["backspace"] * len(word)):
                e, r = await typed(presses)
                echoes += e
                shown += r
        # Pilot-free: key sent -> in the box, and -> the view holds that filter's rows
        # (the same moment where the scan is done on the keystroke). Paint not included.
        figures["filter key to box, worst (ms)"] = max(echoes)
        figures["filter key to box, median (ms)"] = statistics.median(echoes)
        figures["filter key to result, worst (ms)"] = max(shown)
        figures["filter key to result, median (ms)"] = statistics.median(shown)
        # As measured before: pilot press and wait for idle (one paint included; a
        # scan behind the screen included too), minus the pilot's no-op key.
        filtering = []
        for word in ("fabrikam", "ingest"):
            filtering += await keys(list(word))
            filtering += await keys(["backspace"] * len(word))
        figures["filter keystroke (ms)"] = max(filtering)
        figures["filter keystroke median (ms)"] = statistics.median(filtering)
        await pilot.press("escape")
        await pilot.pause()
        sorts = await keys(["o"] * 6)
        figures["sort (ms)"] = max(sorts)
        figures["sort median (ms)"] = statistics.median(sorts)
        figures["pilot no-op key (ms, subtracted)"] = base * 1000
    return figures


def send(app: object, key: str, char: str | None) -> None:
    """A key as the terminal driver delivers one, without the pilot's wait for idle."""
    from textual import events

    event = events.Key(key, char)
    event.set_sender(app)  # type: ignore[arg-type]
    app._driver.send_message(event)  # type: ignore[attr-defined]


def phases(path: Path) -> dict[str, float]:
    """CPU seconds of what stands between launch and the overview, one step at a time,
    as the load worker runs them (the collector paused), then what is built behind it."""
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
        views = RunViews(run)
        out["phase: views before the overview (cpu s)"] = time.process_time() - started
        started = time.process_time()
        prepare = getattr(views, "prepare", None)
        if prepare is not None:  # code that builds the rows behind the overview
            prepare()
        out["phase: rows, sorts, search behind it (cpu s)"] = time.process_time() - started
    return out


def main() -> int:
    figures = asyncio.run(measure(Path(sys.argv[1])))
    if "--phases" in sys.argv:
        figures |= phases(Path(sys.argv[1]))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
