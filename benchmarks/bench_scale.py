"""Issue 14's table: scans and the app on estates of 1k, 10k and 20k container groups,
timed against Python's own `json.load` of the same file in the same run.

    .venv/bin/python benchmarks/bench_scale.py                       # 1k, 10k, 20k; app at 10k
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000 --no-app
    .venv/bin/python benchmarks/bench_scale.py --root /tmp/old-checkout  # the same on other code

Every measure runs in its own child process: `json.load` of the snapshot, then
`aci-audit scan --snapshot FILE --format json|markdown -o FILE` as a user runs it (wall
time from the command's start to its exit, interpreter start-up and teardown included),
with the child's peak RSS from `wait4`. The app runs headless (Textual's pilot) in a child
on the 10k estate: launch to the overview shown, a `/` filter keystroke and a sort at
~400k results. Last, the live collect of bench_collect.py at full size (`--no-collect`
skips it). `--root` runs the scan, the app and the collect from another checkout (the
generator and this script stay these), so before and after figures come from one run.

The estate is bench_scan.py's generator scaled like the issue's (0.67 registries and 0.01
subscriptions per group) plus what made ACI-025 explode there: two user-assigned
"deploy" identities per subscription, each granted narrow roles on 200 resource groups
(one grant in twenty listed twice), attached to six groups in ten.
It prints figures and always exits 0; tests make no timed assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scan import ACR_PULL, IDENTITIES, KV_SECRETS_USER, READER, Estate  # noqa: E402

ROOT = HERE.parent
Json = dict[str, Any]
TARGET_RATIO = 5.0
TARGET_RSS_MB = 600.0
TARGETS_APP = {"launch to overview (s)": 3.0, "filter keystroke (ms)": 50.0, "sort (ms)": 150.0}


class ScaleEstate(Estate):
    """bench_scan's estate with shared deploy identities holding many narrow grants."""

    SHARED_PER_SUB = 2
    GRANTS_PER_IDENTITY = 200

    def build(self) -> Json:
        doc = super().build()
        rng = self.rng
        shared: dict[str, list[tuple[str, str]]] = {}
        for sub in self.subs:
            for k in range(self.SHARED_PER_SUB):
                uid = f"/subscriptions/{sub}/resourceGroups/rg-deploy/providers/{IDENTITIES}/deploy-{k}"
                principal = self.guid()
                shared.setdefault(sub, []).append((uid, principal))
                for g in range(self.GRANTS_PER_IDENTITY):
                    scope = f"/subscriptions/{sub}/resourceGroups/rg-app-{g:03d}"
                    role = rng.choice((ACR_PULL, READER, KV_SECRETS_USER))
                    for _ in range(2 if rng.random() < 0.05 else 1):
                        self.add_role_assignment(scope, role, principal)
        for res in doc["resources"]:
            if res.get("type") != "Microsoft.ContainerInstance/containerGroups":
                continue
            if rng.random() >= 0.6:
                continue
            sub = res["id"].split("/")[2]
            uid, principal = rng.choice(shared[sub])
            identity = res.setdefault("identity", {"type": "UserAssigned"})
            if identity.get("type") == "SystemAssigned":
                identity["type"] = "SystemAssigned, UserAssigned"
            users = identity.setdefault("userAssignedIdentities", {})
            users[uid] = {"principalId": principal, "clientId": self.guid()}
        return doc


def emit(groups: int, path: Path, seed: int) -> None:
    estate = ScaleEstate(groups, max(1, groups * 67 // 100), max(1, groups // 100), seed)
    path.write_text(json.dumps(estate.build()), encoding="utf-8")


def run_child(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MB, stdout, CPU seconds) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: the scan found failures
        raise RuntimeError(f"{argv[:4]}… exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, out, usage.ru_utime + usage.ru_stime


# The yardstick: the best of three `json.load`s of the file (these machines are noisy).
JSON_LOAD = """
import json, sys, time
best = cpu = float("inf")
for _ in range(3):
    t, c = time.perf_counter(), time.process_time()
    with open(sys.argv[1], encoding="utf-8") as handle:
        doc = json.load(handle)
    best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
    del doc
print(best, cpu)
"""
CLI = "import sys; from tui.launch import main; sys.exit(main())"


def code_env(root: Path) -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(root), "NO_COLOR": "1"}


def measure_size(groups: int, root: Path, tmp: Path, formats: list[str], seed: int) -> Json:
    path = tmp / f"estate-{groups}.json"
    if not path.exists():
        subprocess.run(
            [sys.executable, __file__, "--emit", str(path), "--groups", str(groups), "--seed", str(seed)],
            check=True,
        )  # fmt: skip
    row: Json = {"groups": groups, "file MB": path.stat().st_size / 1e6}
    _, rss, out, _ = run_child([sys.executable, "-c", JSON_LOAD, str(path)], tmp)
    wall, cpu = (float(x) for x in out.split())
    row["json.load s"], row["json.load cpu"], row["json.load MB"] = wall, cpu, rss
    for fmt in formats:
        report = tmp / f"report-{groups}.{fmt}"
        argv = [sys.executable, "-c", CLI, "scan", "--snapshot", str(path), "--format", fmt]
        wall, rss, _, cpu = run_child([*argv, "-o", str(report)], root, code_env(root))
        row[f"{fmt} s"], row[f"{fmt} MB"], row[f"{fmt} cpu"] = wall, rss, cpu
        row[f"{fmt} report MB"] = report.stat().st_size / 1e6
        if fmt == "json":  # one valid document; read in a child so this process stays
            # small: a child's peak RSS counts the parent's pages it was forked from.
            count = "import json, sys; print(len(json.load(open(sys.argv[1]))['results']))"
            row["results"] = int(run_child([sys.executable, "-c", count, str(report)], tmp)[2])
        report.unlink()
    return row


def measure_app(groups: int, root: Path, tmp: Path) -> Json:
    path = tmp / f"estate-{groups}.json"
    _, rss, out, _ = run_child(
        [sys.executable, str(HERE / "bench_scale_app.py"), str(path), "--phases"],
        root,
        code_env(root),
    )
    figures: Json = json.loads(out.strip().splitlines()[-1])
    figures["app peak RSS (MB)"] = rss
    return figures


def ratio(row: Json, fmt: str) -> float:
    return float(row[f"{fmt} s"]) / float(row["json.load s"])


def cpu_ratio(row: Json, fmt: str) -> float:
    """CPU seconds over json.load's: steadier than wall time on a shared machine."""
    return float(row[f"{fmt} cpu"]) / float(row["json.load cpu"])


def print_table(rows: list[Json], formats: list[str], app: Json | None, root: Path) -> None:
    print(f"code: {root}   machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print()
    print("wall: seconds and × json.load's wall; cpu: the same in CPU seconds (user + sys),")
    print("steadier when other work shares the machine")
    head = f"{'groups':>7} {'file':>8} {'results':>9} {'json.load':>16} {'its RSS':>8}"
    for fmt in formats:
        head += f" | {fmt + ' wall':>15} {'cpu':>12} {'peak RSS':>9} {'report':>9}"
    print(head)
    for row in rows:
        line = (
            f"{row['groups']:>7,} {row['file MB']:>6.1f}MB {row.get('results', 0):>9,} "
            f"{row['json.load s']:>7.2f}s/{row['json.load cpu']:.2f}cpu "
            f"{row['json.load MB']:>6.0f}MB"
        )
        for fmt in formats:
            line += (
                f" | {row[f'{fmt} s']:>7.1f}s {ratio(row, fmt):>5.1f}× "
                f"{row[f'{fmt} cpu']:>5.1f}s {cpu_ratio(row, fmt):>4.1f}× "
                f"{row[f'{fmt} MB']:>7.0f}MB {row[f'{fmt} report MB']:>7.1f}MB"
            )
        print(line)
    if len(rows) > 1:
        print()
        print("growth: CPU seconds per group relative to the smallest estate (1.0 = linear)")
        first = rows[0]
        for row in rows[1:]:
            scale = row["groups"] / first["groups"]
            parts = [
                f"{fmt} {row[f'{fmt} cpu'] / first[f'{fmt} cpu'] / scale:.2f}" for fmt in formats
            ]
            parts.append(f"json.load {row['json.load cpu'] / first['json.load cpu'] / scale:.2f}")
            print(f"  {first['groups']:,} → {row['groups']:,} (×{scale:g}): " + ", ".join(parts))
    target_row = next((r for r in rows if r["groups"] == 10_000), rows[-1])
    print()
    print(f"targets at {target_row['groups']:,} groups:")
    for fmt in formats:
        r, rc = ratio(target_row, fmt), cpu_ratio(target_row, fmt)
        mb = target_row[f"{fmt} MB"]
        print(
            f"  scan --format {fmt}: {r:.1f}× json.load wall, {rc:.1f}× in CPU "
            f"(≤ {TARGET_RATIO:g}×: "
            f"{'met' if max(r, rc) <= TARGET_RATIO else 'MISSED'}), peak RSS {mb:.0f} MB "
            f"(≤ {TARGET_RSS_MB:g}: {'met' if mb <= TARGET_RSS_MB else 'MISSED'})"
        )
    if app:
        print(f"app at {app.get('results', 0):,} results:")
        for name, value in app.items():
            target = TARGETS_APP.get(name)
            verdict = (
                f"  (≤ {target:g}: {'met' if value <= target else 'MISSED'})" if target else ""
            )
            print(f"  {name:34} {value:,.3f}{verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000,20000", help="container groups, comma-separated"
    )
    parser.add_argument("--formats", default="json,markdown")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code is measured")
    parser.add_argument("--app-groups", type=int, default=10_000)
    parser.add_argument("--no-app", action="store_true")
    parser.add_argument(
        "--no-collect", action="store_true", help="skip the live collect (bench_collect.py)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--groups", type=int, help=argparse.SUPPRESS)  # with --emit
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)  # the generator child
    args = parser.parse_args(argv)
    if args.emit is not None:
        emit(args.groups, args.emit, args.seed)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    root = args.root.resolve()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows = []
        for groups in sizes:
            rows.append(measure_size(groups, root, tmp, formats, args.seed))
            print(f"  measured {groups:,} groups", file=sys.stderr)
        app = None
        if not args.no_app:
            if args.app_groups not in sizes:
                measure_size(args.app_groups, root, tmp, [], args.seed)
            app = measure_app(args.app_groups, root, tmp)
    print_table(rows, formats, app, root)
    if not args.no_collect:
        print_collect(root)
    return 0


def print_collect(root: Path) -> None:
    """The table's last row: bench_collect.py at full size (2,000 groups, 200 registries,
    20 subscriptions, 30 ms, 8 in flight) from the measured checkout, its figures as
    it prints them."""
    script = root / "benchmarks" / "bench_collect.py"
    if not script.exists():
        script = HERE / "bench_collect.py"
    print("\nlive collect (bench_collect.py --once):", flush=True)
    done = subprocess.run(
        [sys.executable, str(script), "--once"],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        print(f"  failed (exit {done.returncode}): {done.stderr.strip()[-400:]}")
        return
    lines = done.stdout.splitlines()
    keep = ("wall (collect)", "collector CPU", "fake ARM CPU", "latency floor", "ARM requests")
    keep += ("per resource", "wall < 20 s", "<= 2.5 requests")
    for line in lines:
        if line.strip().startswith(keep):
            print("  " + line.strip())


if __name__ == "__main__":
    raise SystemExit(main())
