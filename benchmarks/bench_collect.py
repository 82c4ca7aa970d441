"""Benchmark a live collection: the real collector against the fake ARM + Entra, with
WAN-like latency on every ARM request, counting what it asks for.

    .venv/bin/python benchmarks/bench_collect.py              # 2,000 groups, 200 registries, 20 subs
    .venv/bin/python benchmarks/bench_collect.py --no-resource-graph
    .venv/bin/python benchmarks/bench_collect.py --groups 500 --latency 0 --once

It runs the estate at half size, then at full size, so the figures show how the cost
grows. The fake serves from this process; the collector runs in a child process (its
own interpreter and GIL, as when a user runs `aci-audit collect`), reading the estate
through the real SDK clients over TLS on loopback. Offline; prints figures, exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests", ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench_scan import Estate as ScanEstate  # noqa: E402
from fakearm import FakeAzure  # noqa: E402
from fakearm.server import GRAPH_PATH, Request  # noqa: E402

Json = dict[str, Any]

TARGET_WALL = 20.0  # seconds, full size, Resource Graph path
TARGET_PER_RESOURCE = 2.5  # ARM requests per registry or container group

INSIGHTS = r"/providers/Microsoft\.Insights/diagnosticSettings$"
# (label, method, path pattern): the first match names a request's kind.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("resource graph query", "POST", re.escape(GRAPH_PATH) + "$"),
    ("resource graph: defender", "POST", re.escape(GRAPH_PATH) + "$"),  # see kind_of
    ("subscriptions list", "GET", r"^/subscriptions$"),
    ("container group GET", "GET", r"/containerGroups/[^/]+$"),
    ("container groups list", "GET", r"/containerGroups$"),
    ("registries list", "GET", r"/registries$"),
    ("registry GET", "GET", r"/registries/[^/]+$"),
    ("registry tokens", "GET", r"/registries/[^/]+/tokens$"),
    ("registry cacheRules", "GET", r"/registries/[^/]+/cacheRules$"),
    ("diag settings: registry", "GET", r"/registries/[^/]+" + INSIGHTS),
    ("diag settings: group", "GET", r"/containerGroups/[^/]+" + INSIGHTS),
    ("diag settings: subscription", "GET", r"^/subscriptions/[^/]+" + INSIGHTS),
    ("defender pricings", "GET", r"/providers/Microsoft\.Security/pricings$"),
    ("metric alerts", "GET", r"/providers/Microsoft\.Insights/metricAlerts$"),
    ("role assignments", "GET", r"/providers/Microsoft\.Authorization/roleAssignments$"),
    ("role definitions", "GET", r"/providers/Microsoft\.Authorization/roleDefinitions/[^/]+$"),
    ("defender findings list", "GET", r"/Microsoft\.Security/assessments/[^/]+/subAssessments$"),
)
_KIND_RX = [(label, method, re.compile(p, re.IGNORECASE)) for label, method, p in KINDS]

# The child: the real collector, timed apart from interpreter start-up and imports.
CHILD = r"""
import json, sys, time
from collections import Counter
from pathlib import Path
job = json.loads(sys.argv[1])
sys.path.insert(0, job["root"])
from aciaudit.snapshot_io import save_snapshot
from aciaudit.sources.azure.collector import collect
from aciaudit.sources.azure.options import LiveOptions
options = LiveOptions(
    arm_endpoint=job["url"], authority_host=job["url"], auth="env", ca_bundle=job["ca"],
    concurrency=job["concurrency"], use_resource_graph=job["graph"],
)
wall, cpu = time.perf_counter(), time.process_time()
snapshot = collect(options)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
saved = time.perf_counter()
save_snapshot(snapshot, Path(job["out"]))
print(json.dumps({
    "wall": wall, "cpu": cpu, "save": time.perf_counter() - saved,
    "objects": len(snapshot.resources),
    "coverage": dict(Counter(str(c.status) for c in snapshot.coverage)),
}))
"""


class RawEstate(ScanEstate):
    """bench_scan.py's estate with raw values where it writes redaction markers: the
    estate as ARM holds it, before the collector redacts (which it then has to do)."""

    def marker(self, detector: str, seed_text: str) -> str:
        digest = hashlib.sha256(seed_text.encode()).hexdigest()
        if detector == "none":
            return seed_text
        if detector == "github-token":
            return "ghp_" + digest[:36]
        if detector == "url-userinfo":
            return f"bot:{digest[:24]}"
        return f"S3cr3t-{digest[:20]}"  # keyword-name, cli-flag


@dataclass
class Measured:
    label: str
    groups: int
    registries: int
    subscriptions: int
    child: Json
    requests: list[Request]
    token_posts: int
    entra_gets: int
    fake_cpu: float

    @property
    def resources(self) -> int:
        return self.groups + self.registries

    @property
    def per_resource(self) -> float:
        return len(self.requests) / max(1, self.resources)


def kind_of(request: Request) -> str:
    body = request.body_json if isinstance(request.body_json, dict) else {}
    if str(body.get("query", "")).lower().startswith("securityresources"):
        return "resource graph: defender"  # the findings query, apart from the inventory's
    for label, method, rx in _KIND_RX:
        if request.method == method and rx.search(request.path):
            return label
    return f"other {request.method}"


def seed(fake: FakeAzure, estate: Json) -> None:
    for sub in estate["subscriptions"]:
        fake.add_subscription(sub["subscriptionId"], sub["displayName"])
    for resource in estate["resources"]:
        # Subscription diagnostic settings carry ARM's id without a leading slash.
        fake.add(resource, route_id="/" + resource["id"].lstrip("/"))


def run_once(args: argparse.Namespace, groups: int, registries: int, subs: int) -> Measured:
    label = f"{groups:,} groups, {registries:,} registries, {subs} subscriptions"
    print(f"\n== {label}: generating", flush=True)
    estate = RawEstate(groups, registries, subs, args.seed).build()
    with FakeAzure() as fake, tempfile.TemporaryDirectory(prefix="bench-collect-") as tmp:
        seed(fake, estate)
        print(f"   seeded {len(estate['resources']):,} ARM objects; collecting", flush=True)
        fake.latency = args.latency / 1000
        job = {
            "root": str(ROOT),
            "url": fake.url,
            "ca": fake.ca_path,
            "concurrency": args.concurrency,
            "graph": not args.no_resource_graph,
            "out": str(Path(tmp) / "snapshot.json"),
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
        env |= {
            "AZURE_TENANT_ID": fake.tenant_id,
            "AZURE_CLIENT_ID": fake.client_id,
            "AZURE_CLIENT_SECRET": fake.client_secret,
        }
        cpu = time.process_time()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(job)],
            env=env,
            capture_output=True,
            text=True,
            timeout=args.timeout,
            check=False,
        )
        fake_cpu = time.process_time() - cpu
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"the collector failed (exit {done.returncode})")
        child = json.loads(done.stdout.strip().splitlines()[-1])
        posts = sum(1 for e in fake.entra_requests if e.method == "POST")
        return Measured(
            label,
            groups,
            registries,
            subs,
            child,
            list(fake.requests),
            posts,
            len(fake.entra_requests) - posts,
            fake_cpu,
        )


def report(m: Measured, args: argparse.Namespace) -> None:
    wall = m.child["wall"]
    total = len(m.requests)
    floor = total * args.latency / 1000 / args.concurrency
    print(f"   wall (collect)      {wall:8.2f} s   (+ {m.child['save']:.2f} s to write the file)")
    print(f"   collector CPU       {m.child['cpu']:8.2f} s   (child process, user + system)")
    print(f"   fake ARM CPU        {m.fake_cpu:8.2f} s   (this process, serving)")
    print(
        f"   latency floor       {floor:8.2f} s   "
        f"({total:,} requests x {args.latency:g} ms / {args.concurrency} in flight)"
    )
    print(f"   ARM requests        {total:8,}     + Entra: {m.token_posts} token, "
          f"{m.entra_gets} discovery")  # fmt: skip
    print(
        f"   per resource        {m.per_resource:8.2f}     "
        f"({total:,} / {m.resources:,} registries + groups; "
        f"{total / max(1, m.child['objects']):.2f} per ARM object stored)"
    )
    print(f"   objects stored      {m.child['objects']:8,}     coverage: {m.child['coverage']}")
    by_kind: dict[str, list[Request]] = defaultdict(list)
    for request in m.requests:
        by_kind[kind_of(request)].append(request)
    start = min((r.received for r in m.requests), default=0.0)
    print(
        f"\n   {'kind':<30}{'requests':>9}{'per res.':>9}{'share':>7}"
        f"{'window (s)':>16}{'mean ms':>9}{'not 200':>8}"
    )
    order = [label for label, _, _ in KINDS] + sorted(k for k in by_kind if k.startswith("other"))
    for label in order:
        items = by_kind.get(label)
        if not items:
            continue
        first = min(r.received for r in items) - start
        last = max(r.received + r.seconds for r in items) - start
        mean = 1000 * sum(r.seconds for r in items) / len(items)
        failed = sum(1 for r in items if r.status != 200)
        pages = sum(1 for r in items if any(k.lower() == "$skiptoken" for k in r.query))
        print(
            f"   {label:<30}{len(items):>9,}{len(items) / max(1, m.resources):>9.2f}"
            f"{100 * len(items) / total:>6.0f}%{first:>8.1f}-{last:<7.1f}{mean:>9.1f}"
            f"{failed:>8}" + (f"  ({pages} next pages)" if pages else "")
        )


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--registries", type=int, default=200)
    parser.add_argument("--subscriptions", type=int, default=20)
    parser.add_argument(
        "--latency", type=float, default=30.0, help="milliseconds added to every ARM request"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="the collector's (8)")
    parser.add_argument("--no-resource-graph", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--once", action="store_true", help="full size only, no half-size run")
    parser.add_argument("--timeout", type=float, default=600.0, help="per collection (600 s)")
    args = parser.parse_args(argv)

    path = "per-subscription listing" if args.no_resource_graph else "Resource Graph"
    print(
        f"live collection benchmark: {path}, concurrency {args.concurrency}, "
        f"{args.latency:g} ms per ARM request, {os.cpu_count()} CPUs"
    )
    sizes = [(args.groups, args.registries, args.subscriptions)]
    if not args.once:
        half = (max(1, args.groups // 2), max(1, args.registries // 2))
        sizes.insert(0, (*half, max(1, args.subscriptions // 2)))
    runs = []
    for groups, registries, subs in sizes:
        measured = run_once(args, groups, registries, subs)
        report(measured, args)
        runs.append(measured)

    full = runs[-1]
    if len(runs) == 2:
        half_run = runs[0]
        print("\n== growth, half -> full size")
        print(
            f"   wall {half_run.child['wall']:.2f} s -> {full.child['wall']:.2f} s "
            f"(x{full.child['wall'] / max(half_run.child['wall'], 1e-9):.2f}); "
            f"requests {len(half_run.requests):,} -> {len(full.requests):,} "
            f"(x{len(full.requests) / max(1, len(half_run.requests)):.2f}); "
            f"per resource {half_run.per_resource:.2f} -> {full.per_resource:.2f}"
        )
    print("\n== targets (full size)")
    print(f"   wall < {TARGET_WALL:g} s             {full.child['wall']:6.2f}  "
          f"{verdict(full.child['wall'], TARGET_WALL)}")  # fmt: skip
    print(f"   <= {TARGET_PER_RESOURCE} requests/resource  {full.per_resource:6.2f}  "
          f"{verdict(full.per_resource, TARGET_PER_RESOURCE)}")  # fmt: skip
    if args.no_resource_graph:
        print("   (the targets are set for the Resource Graph path)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
