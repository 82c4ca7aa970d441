"""bench_scale.py's app measure, run in a child process from the checkout measured
(PYTHONPATH): launch to the overview shown (and how long a key waits meanwhile),
to the findings rows ready behind it, `/` filter keystrokes and sorts at the estate's
~400k results. Prints one JSON line of figures. Works on older checkouts too (--root),
which build everything before the overview.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_scale_app.py estate.json [--phases]

First, in a child process, a quiet launch: to the overview with no key pressed. Then
the launch again with a thread pressing `?` and esc all along (keys while loading).

Times are wall clock through Textual's headless pilot, so each includes one screen
refresh; the pilot's own cost per key (a key bound to nothing) is subtracted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


def on(app: Any, name: str) -> bool:
    return type(app.screen).__name__ == name


def interactive_source(path: Path) -> Any:
    """The snapshot source as the app opens it (checkouts before the app had its own
    reading path take the one source there was)."""
    from aciaudit.sources.choice import snapshot_source

    try:
        return snapshot_source(path, interactive=True)  # type: ignore[call-arg]
    except TypeError:
        return snapshot_source(path)


class LoadWatch:
    """Moments seen from inside the app while it loads: each screen painted after it
    became the one shown (the help, the load screen again, the overview), the app's CPU
    then, and the load worker's own CPU. Hooks on Textual's Screen and the load
    screen's `run_audit`, so it works on older checkouts too."""

    def __init__(self) -> None:
        from textual.screen import Screen

        import tui.screens.collect as collect

        self.overview = threading.Event()
        self.overview_at = self.overview_cpu = self.worker_cpu = 0.0
        self.latencies: list[float] = []
        self.preparing: list[float] = []
        # The rows, sorts and search parts built behind the overview (`prepare`).
        self.prepared = threading.Event()
        self._shown: dict[str, threading.Event] = {}
        self._at: dict[str, float] = {}
        import tui.session as session

        resume, run_audit = Screen._on_screen_resume, collect.run_audit
        prepare = getattr(session.RunViews, "prepare", None)
        watch = self

        def resumed(screen: Any, event: Any) -> None:
            resume(screen, event)
            name = type(screen).__name__
            # A screen with nothing to redraw may not refresh until something changes:
            # one is asked for, so "painted" is the next refresh, not an idle one.
            screen.refresh()
            screen.call_after_refresh(watch._painted, name)

        def timed_run_audit(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return run_audit(*args, **kwargs)
            finally:
                watch.worker_cpu = time.thread_time() - started

        def timed_prepare(views: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return prepare(views, *args, **kwargs)  # type: ignore[misc]
            finally:
                watch.prepared.set()

        Screen._on_screen_resume = resumed  # type: ignore[method-assign]
        collect.run_audit = timed_run_audit
        if prepare is not None:
            session.RunViews.prepare = timed_prepare  # type: ignore[method-assign]
        else:  # a checkout that builds everything before the overview
            self.prepared.set()

    def _painted(self, name: str) -> None:
        self._at[name] = time.perf_counter()
        if name == "OverviewScreen" and not self.overview.is_set():
            self.overview_at, self.overview_cpu = self._at[name], time.process_time()
            self.overview.set()
        self._shown.setdefault(name, threading.Event()).set()

    def _await(self, name: str, stop: threading.Event) -> float | None:
        """When `name` was painted; None when `stop` came first."""
        shown = self._shown.setdefault(name, threading.Event())
        while not shown.wait(0.05):
            if stop.is_set():
                return None
        return self._at[name]

    def press_keys(self, app: Any, base: str, stop: threading.Event, out: list[float]) -> None:
        """Until `stop`: `?` every 0.3 s over the screen `base`, esc as soon as the help
        is painted; each key timed from its arrival to the answer painted."""
        if self._await(base, stop) is None:  # that screen up first
            return
        due = time.perf_counter()
        while not stop.wait(max(0.0, due - time.perf_counter())):
            arrived = due
            for key, char, then in (("question_mark", "?", "HelpScreen"), ("escape", None, base)):
                self._shown.setdefault(then, threading.Event()).clear()
                send(app, key, char)
                painted = self._await(then, stop)
                if painted is None:
                    return
                out.append((painted - arrived) * 1000)
                arrived = painted  # esc comes as soon as the help is there
            due = time.perf_counter() + 0.3


async def measure(path: Path) -> dict[str, float]:
    from tui.app import AuditApp
    from tui.findings_model import Filter
    from tui.messages import ShowFindings
    from tui.screens.findings import FindingsScreen
    from tui.widgets.result_table import ResultTable

    figures: dict[str, float] = {}
    watch = LoadWatch()
    started, cpu = time.perf_counter(), time.process_time()
    app = AuditApp(interactive_source(path))
    async with app.run_test(size=(120, 36)) as pilot:
        # While the run loads, a thread plays a user: `?` (help) every 0.3 s and esc as
        # soon as the help is shown, each timed from the moment the key arrives to the
        # screen that answers it painted. A thread, as a terminal's input is: a key's
        # moment is its own, not when the busy interpreter next gets round to sending it.
        async def press_until(screen: str, done: threading.Event, into: list[float]) -> None:
            user = threading.Thread(
                target=watch.press_keys, args=(app, screen, done, into), daemon=True
            )
            user.start()
            await asyncio.to_thread(done.wait)
            user.join()

        await press_until("CollectScreen", watch.overview, watch.latencies)
        # The same while the findings rows, sorts and search parts are built behind it.
        await press_until("OverviewScreen", watch.prepared, watch.preparing)
        figures["launch to overview (s)"] = watch.overview_at - started
        figures["app cpu to overview (s)"] = watch.overview_cpu - cpu
        figures["load worker cpu (s)"] = watch.worker_cpu
        figures["key while loading, worst (ms)"] = max(watch.latencies, default=0.0)
        figures["key while loading, median (ms)"] = statistics.median(watch.latencies or [0.0])
        figures["keys while loading"] = len(watch.latencies)
        figures["key while preparing, worst (ms)"] = max(watch.preparing, default=0.0)
        figures["key while preparing, median (ms)"] = statistics.median(watch.preparing or [0.0])
        figures["keys while preparing"] = len(watch.preparing)
        await pilot.pause()
        # Older code left the help (or the collect screen) over a finished load.
        while not on(app, "OverviewScreen"):
            app.pop_screen()
            await pilot.pause()
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

        set_items = ResultTable.set_items

        def items_set(self: object, *args: object, **kwargs: object) -> None:
            set_items(self, *args, **kwargs)  # type: ignore[arg-type]
            if box.value == want[0]:  # the first rows the table shows for this text
                seen.setdefault("rows", time.perf_counter())

        type(screen).on_input_changed = on_changed  # type: ignore[method-assign]
        type(screen.view).refresh = refreshed  # type: ignore[method-assign]
        ResultTable.set_items = items_set  # type: ignore[method-assign]
        want = [""]

        async def typed(presses: list[str]) -> tuple[list[float], list[float], list[float]]:
            """Per key: until the screen hears of the new text in the box, until the
            table is given its first rows for it, and until the view holds all its
            rows (later where the scan runs behind)."""
            echo, first, shown = [], [], []
            for key in presses:
                want[0] = box.value[:-1] if key == "backspace" else box.value + key
                seen.clear()
                arrived.clear()
                t = time.perf_counter()
                send(app, key, key if len(key) == 1 else None)
                await asyncio.wait_for(arrived.wait(), 60)
                echo.append((seen.get(want[0], seen["result"]) - t) * 1000)
                shown.append((seen["result"] - t) * 1000)
                first.append((min(seen.get("rows", seen["result"]), seen["result"]) - t) * 1000)
                await pilot.pause()  # painted, and idle before the next key
            return echo, first, shown

        await pilot.press("slash")
        # A word that stops matching early, then one that matches every tenth row.
        echoes, firsts, shown = [], [], []
        for word in ("fabrikam", "ingest"):
            for presses in (list(word), ["backspace"] * len(word)):
                e, f, r = await typed(presses)
                echoes += e
                firsts += f
                shown += r
        # Pilot-free: key sent -> in the box, and -> the view holds that filter's rows
        # (the same moment where the scan is done on the keystroke). Paint not included.
        figures["filter key to box, worst (ms)"] = max(echoes)
        figures["filter key to box, median (ms)"] = statistics.median(echoes)
        figures["filter key to first rows, worst (ms)"] = max(firsts)
        figures["filter key to first rows, median (ms)"] = statistics.median(firsts)
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


async def quiet_launch(path: Path) -> dict[str, float]:
    """Launch to the overview painted with no key pressed (the measure above presses
    `?` and esc all along, and the help's drawing costs the event loop CPU): wall, the
    app's CPU, the load worker's CPU and the event loop's own."""
    from tui.app import AuditApp

    watch = LoadWatch()
    started, cpu, loop_cpu = time.perf_counter(), time.process_time(), time.thread_time()
    app = AuditApp(interactive_source(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await asyncio.to_thread(watch.overview.wait)
        loop_cpu = time.thread_time() - loop_cpu
        await pilot.pause()
    return {
        "quiet launch to overview (s)": watch.overview_at - started,
        "quiet launch, app cpu (s)": watch.overview_cpu - cpu,
        "quiet launch, load worker cpu (s)": watch.worker_cpu,
        "quiet launch, event loop cpu to the end (s)": loop_cpu,
    }


def main() -> int:
    path = Path(sys.argv[1])
    if "--quiet-launch-only" in sys.argv:
        print(json.dumps(asyncio.run(quiet_launch(path))))
        return 0
    # In a process of its own: one run of 400k results per process.
    quiet = subprocess.run(
        [sys.executable, __file__, str(path), "--quiet-launch-only"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = quiet.stdout.strip().splitlines()
    figures = json.loads(lines[-1]) if quiet.returncode == 0 and lines else {}
    figures |= asyncio.run(measure(path))
    if "--phases" in sys.argv:
        figures |= phases(Path(sys.argv[1]))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
