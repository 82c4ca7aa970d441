"""Benchmark the vulnerability import and join (issue 6): many reports, many groups.

    .venv/bin/python benchmarks/bench_vulns.py                      # 200 reports × 500 vulns, 5,000 groups
    .venv/bin/python benchmarks/bench_vulns.py --reports 50 --vulns 100 --groups 1000 --seed 3

Reports are written as files (Trivy JSON, Grype JSON and Defender Resource Graph rows,
in that mix) into a temporary folder and loaded through `aciaudit.vulns.load_vulns`, as
`scan --vulns FOLDER` does. Container groups run images that match by digest (index and
platform), by tag (Docker Hub short names too) or not at all. It prints figures and
always exits 0; the target is load + join < 3 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aciaudit.reports.markdown import render_markdown  # noqa: E402
from aciaudit.run import audit  # noqa: E402
from aciaudit.vulns import load_vulns  # noqa: E402
from checks.catalogue import load_catalogue  # noqa: E402
from checks.engine import evaluate  # noqa: E402
from checks.index import Index  # noqa: E402
from checks.model import Status, Target  # noqa: E402
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot  # noqa: E402

TARGET_SECONDS = 3.0
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")
SUBS = [f"/subscriptions/{i:08d}-0000-4000-8000-000000000000" for i in range(10)]


def digest(rng: random.Random) -> str:
    return "sha256:" + hashlib.sha256(str(rng.random()).encode()).hexdigest()


class Image:
    def __init__(self, rng: random.Random, i: int) -> None:
        kind = i % 4
        if kind == 0:
            self.repo, self.short = f"docker.io/library/app{i}", f"app{i}"
        elif kind == 1:
            self.repo = self.short = f"reg{i % 50}.azurecr.io/team/app{i}"
        elif kind == 2:
            self.repo = self.short = f"ghcr.io/org/app{i}"
        else:
            self.repo, self.short = f"docker.io/org/app{i}", f"org/app{i}"
        self.tag = f"1.{i}"
        self.index = digest(rng)
        self.platform = digest(rng)


def trivy(img: Image, vulns: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "SchemaVersion": 2,
        "CreatedAt": "2026-11-01T00:00:00Z",
        "ArtifactName": f"{img.short}:{img.tag}",
        "ArtifactType": "container_image",
        "Metadata": {
            "RepoTags": [f"{img.short}:{img.tag}"],
            "RepoDigests": [f"{img.short}@{img.index}"],
        },
        "Results": [
            {
                "Target": "os",
                "Class": "os-pkgs",
                "Vulnerabilities": [
                    {
                        "VulnerabilityID": v["id"],
                        "PkgName": v["pkg"],
                        "InstalledVersion": v["installed"],
                        "FixedVersion": v["fixed"],
                        "Severity": v["severity"],
                        "Title": v["title"],
                        "PrimaryURL": f"https://avd.aquasec.com/nvd/{v['id'].lower()}",
                    }
                    for v in vulns
                ],
            }
        ],
    }


def grype(img: Image, vulns: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "descriptor": {"name": "grype", "timestamp": "2026-11-01T00:00:00Z"},
        "source": {
            "type": "image",
            "target": {
                "userInput": f"{img.short}:{img.tag}",
                "tags": [f"{img.short}:{img.tag}"],
                "repoDigests": [f"{img.short}@{img.index}"],
                "manifestDigest": img.platform,
            },
        },
        "matches": [
            {
                "vulnerability": {
                    "id": v["id"],
                    "severity": v["severity"].title(),
                    "fix": {"versions": [v["fixed"]] if v["fixed"] else [], "state": "fixed"},
                    "dataSource": "https://nvd.nist.gov",
                },
                "relatedVulnerabilities": [],
                "artifact": {"name": v["pkg"], "version": v["installed"], "type": "deb"},
            }
            for v in vulns
        ],
    }


def defender(img: Image, vulns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    host, _, repo = img.repo.partition("/")
    reg = f"{SUBS[0]}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/x"
    return [
        {
            "id": f"{reg}/providers/Microsoft.Security/assessments/c0b7/subassessments/{n}",
            "type": "microsoft.security/assessments/subassessments",
            "properties": {
                "id": v["id"],
                "status": {"code": "Unhealthy" if n % 10 else "NotApplicable"},
                "timeGenerated": "2026-11-01T00:00:00Z",
                "additionalData": {
                    "assessedResourceType": "AzureContainerRegistryVulnerability",
                    "artifactDetails": {
                        "registryHost": host,
                        "repositoryName": repo,
                        "digest": img.index,
                        "tags": [img.tag],
                    },
                    "softwareDetails": {
                        "packageName": v["pkg"],
                        "version": v["installed"],
                        "fixedVersion": v["fixed"],
                    },
                    "vulnerabilityDetails": {"cveId": v["id"], "severity": v["severity"].title()},
                },
            },
        }
        for n, v in enumerate(vulns)
    ]


def write_reports(folder: Path, images: list[Image], per: int, rng: random.Random) -> int:
    size = 0
    for i, img in enumerate(images):
        vulns = [
            {
                "id": f"CVE-20{rng.randint(10, 26)}-{rng.randint(1000, 99999)}",
                "pkg": f"pkg{rng.randint(0, 300)}",
                "installed": f"{rng.randint(0, 9)}.{rng.randint(0, 9)}",
                "fixed": f"{rng.randint(0, 9)}.{rng.randint(10, 20)}" if rng.random() < 0.7 else "",
                "severity": rng.choice(SEVERITIES),
                "title": "a vulnerability in a package " * 2,
            }
            for _ in range(per)
        ]
        fmt = i % 10
        doc: Any
        if fmt < 6:
            doc, name = trivy(img, vulns), f"trivy-{i}.json"
        elif fmt < 9:
            doc, name = grype(img, vulns), f"grype-{i}.json"
        else:
            doc, name = defender(img, vulns), f"defender-{i}.json"
        text = json.dumps(doc)
        size += len(text)
        (folder / name).write_text(text)
    return size


def make_groups(images: list[Image], count: int, rng: random.Random) -> list[dict[str, Any]]:
    groups = []
    for g in range(count):
        containers = []
        for c in range(rng.choice((1, 2, 3))):
            img = rng.choice(images)
            how = rng.random()
            if how < 0.3:
                image = f"{img.short}:{img.tag}"
            elif how < 0.5:
                image = f"{img.short}@{img.index}"
            elif how < 0.6:
                image = f"{img.repo}@{img.platform}"
            elif how < 0.8:
                image = f"{img.repo}:{img.tag}"
            else:
                image = f"unscanned{rng.randint(0, 500)}.azurecr.io/app:{g}"
            containers.append({"name": f"c{c}", "properties": {"image": image}})
        sub = SUBS[g % len(SUBS)]
        groups.append(
            {
                "id": f"{sub}/resourceGroups/rg{g % 20}/providers/"
                f"Microsoft.ContainerInstance/containerGroups/cg{g}",
                "name": f"cg{g}",
                "type": "Microsoft.ContainerInstance/containerGroups",
                "properties": {"containers": containers, "osType": "Linux"},
            }
        )
    return groups


def make_registries() -> list[dict[str, Any]]:
    return [
        {
            "id": f"{SUBS[r % len(SUBS)]}/resourceGroups/rg/providers/"
            f"Microsoft.ContainerRegistry/registries/reg{r}",
            "name": f"reg{r}",
            "type": "Microsoft.ContainerRegistry/registries",
            "sku": {"name": "Premium"},
            "properties": {"loginServer": f"reg{r}.azurecr.io"},
        }
        for r in range(50)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--vulns", type=int, default=500, help="vulnerabilities per report")
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    images = [Image(rng, i) for i in range(args.reports)]
    groups = make_groups(images, args.groups, rng)
    resources = groups + make_registries()
    coverage = [
        CoverageEntry(sub, kind, CoverageStatus.COLLECTED)
        for sub in SUBS
        for kind in (Target.CONTAINER_GROUP.value, Target.REGISTRY.value)
    ]
    snapshot = Snapshot(resources=resources, coverage=coverage)
    catalogue = load_catalogue()
    checks = [catalogue["ACR-016"], catalogue["ACI-029"]]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write_reports(folder, images, args.vulns, rng)
        t0 = time.perf_counter()
        loaded = load_vulns([folder])
        t1 = time.perf_counter()
    index = Index(snapshot)
    t2 = time.perf_counter()
    results = evaluate(index, None, checks, loaded.scans)
    t3 = time.perf_counter()
    run = audit(snapshot, scans=loaded.scans)
    t4 = time.perf_counter()
    text = render_markdown(run)
    t5 = time.perf_counter()

    statuses: dict[str, dict[str, int]] = {}
    for r in results:
        row = statuses.setdefault(r.check_id, {})
        row[r.status.value] = row.get(r.status.value, 0) + 1
    findings = sum(len(s.vulnerabilities) for s in loaded.scans)
    matched = sum(1 for i in run.running_images if i.match is not None)
    print(
        f"reports: {len(loaded.files)} files, {size / 1e6:.1f} MB, {len(loaded.scans)} image "
        f"scans, {findings} open findings, {len(loaded.errors)} errors"
    )
    print(
        f"estate: {args.groups} container groups, {len(run.running_images)} distinct running "
        f"images ({matched} matched)"
    )
    for check_id, row in statuses.items():
        print(f"  {check_id}: " + ", ".join(f"{k} {v}" for k, v in sorted(row.items())))
    load, join = t1 - t0, t3 - t2
    print(f"load reports        {load:6.2f} s")
    print(f"join (ACR-016 + ACI-029 over the index) {join:6.2f} s")
    print(f"load + join         {load + join:6.2f} s   target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if load + join < TARGET_SECONDS else 'MISSED'}")  # fmt: skip
    print(f"full audit with scans (every check)     {t4 - t3:6.2f} s")
    print(f"Markdown report ({len(text) / 1e6:.1f} MB)   {t5 - t4:6.2f} s")
    assert Status.FAIL.value in statuses.get("ACI-029", {})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
