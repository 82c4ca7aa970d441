"""Benchmark a headless scan of a large synthetic estate: load, evaluate, render Markdown.

    .venv/bin/python benchmarks/bench_scan.py                       # 10,000 groups, 1,000 registries
    .venv/bin/python benchmarks/bench_scan.py --groups 2000 --registries 200 --seed 7
    .venv/bin/python benchmarks/bench_scan.py --profile evaluate    # cProfile one phase

The estate is generated deterministically (random.Random(seed)) in a child process and
handed over as JSON text, the way a user hands over a snapshot file, so the peak RSS
printed is that of the scan alone, not of the generator's Python objects.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import hashlib
import io
import json
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Json = dict[str, Any]
T = TypeVar("T")

TARGET_EVALUATE = 2.0  # seconds
TARGET_TOTAL = 5.0  # seconds, load + evaluate + render
TARGET_RSS_MB = 600.0

ACR = "Microsoft.ContainerRegistry/registries"
ACI = "Microsoft.ContainerInstance/containerGroups"
KINDS = (
    ACR,
    ACI,
    f"{ACR}/tokens",
    f"{ACR}/cacheRules",
    "Microsoft.Insights/diagnosticSettings",
    "Microsoft.Security/pricings",
    "Microsoft.Authorization/roleAssignments",
    "Microsoft.Authorization/roleDefinitions",
    "Microsoft.Insights/metricAlerts",
)
IDENTITIES = "Microsoft.ManagedIdentity/userAssignedIdentities"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
KV_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
PUBLIC_IMAGES = (
    "nginx",
    "redis:latest",
    "postgres:16.4",
    "bitnami/kafka:3.8",
    "ghcr.io/acme-oss/worker:2.1.0",
    "quay.io/prometheus/node-exporter:v1.8.2",
    "contosoregistry.azurecr.io/partner/agent:5.0.3",
)
MCR_IMAGES = (
    "mcr.microsoft.com/dotnet/aspnet:8.0",
    "mcr.microsoft.com/azure-functions/python:4-python3.11",
    "mcr.microsoft.com/dotnet/monitor:8.0.5",
)
WORKLOADS = ("web", "api", "worker", "batch", "ingest", "report", "sync", "gateway")


# -- generation (runs in the child process) ----------------------------------------------


class Estate:
    """Builds one synthetic snapshot (format v1) with a single seeded random source."""

    def __init__(self, groups: int, registries: int, subscriptions: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_groups, self.n_registries = groups, registries
        self.subs = [self.guid() for _ in range(subscriptions)]
        self.tenant = self.guid()
        self.resources: list[Json] = []
        self.coverage: list[Json] = []
        self.login_servers: list[str] = []
        self.identities: list[tuple[str, str]] = []  # (principalId, subscription)

    def guid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:]}"

    def marker(self, detector: str, seed_text: str) -> str:
        """A redaction marker as a collector writes it (hash of a made-up value)."""
        digest = hashlib.sha256(seed_text.encode()).hexdigest()[:12]
        return f"redacted:v1:{detector}:{len(seed_text)}:{digest}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def build(self) -> Json:
        for j in range(self.n_registries):
            self.add_registry(j)
        for i in range(self.n_groups):
            self.add_group(i)
        for sub in self.subs:
            self.add_subscription_side_data(sub)
        self.add_coverage()
        return {
            "format": "aci-auditor.snapshot",
            "version": 1,
            "collected_at": "2026-11-28T12:00:00Z",
            "tool": {"name": "aci-auditor", "version": "bench"},
            "source": {"kind": "live", "cloud": "AzureCloud", "tenant_id": self.tenant},
            "subscriptions": [
                {
                    "subscriptionId": sub,
                    "displayName": f"Synthetic {n:02d}",
                    "state": "Enabled",
                    "tenantId": self.tenant,
                }
                for n, sub in enumerate(self.subs)
            ],
            "resources": self.resources,
            "coverage": self.coverage,
        }

    # registries ----------------------------------------------------------------------

    def add_registry(self, j: int) -> None:
        rng = self.rng
        sub = self.subs[j % len(self.subs)]
        name = f"acr{j:04d}{rng.choice(WORKLOADS)}"
        rid = f"/subscriptions/{sub}/resourceGroups/rg-registries-{j % 7}/providers/{ACR}/{name}"
        sku = rng.choices(("Premium", "Standard", "Basic"), (3, 5, 2))[0]
        login = f"{name}.azurecr.io"
        self.login_servers.append(login)
        endpoints = []
        if sku == "Premium" and self.chance(0.5):
            status = rng.choice(("Approved", "Approved", "Pending", "Rejected"))
            endpoints.append(
                {
                    "id": f"{rid}/privateEndpointConnections/pe-{name}",
                    "properties": {
                        "privateEndpoint": {"id": f"/subscriptions/{sub}/pe/{name}"},
                        "privateLinkServiceConnectionState": {"status": status},
                        "provisioningState": "Succeeded",
                    },
                }
            )

        def status(p_on: float) -> Json:
            return {"status": "enabled" if self.chance(p_on) else "disabled"}

        props: Json = {
            "loginServer": login,
            "creationDate": "2025-01-01T00:00:00Z",
            "provisioningState": "Succeeded",
            "adminUserEnabled": self.chance(0.3),
            "networkRuleSet": {
                "defaultAction": rng.choice(("Allow", "Allow", "Deny")),
                "ipRules": [],
            },
            "policies": {
                "quarantinePolicy": status(0.2),
                "trustPolicy": {"type": "Notary", **status(0.1)},
                "retentionPolicy": {"days": 7, **status(0.4)},
                "exportPolicy": status(0.7),
                "azureADAuthenticationAsArmPolicy": status(0.6),
            },
            "encryption": status(0.1),
            "privateEndpointConnections": endpoints,
            "publicNetworkAccess": "Disabled" if endpoints and self.chance(0.5) else "Enabled",
            "zoneRedundancy": "Disabled",
            "anonymousPullEnabled": self.chance(0.05),
            "roleAssignmentMode": rng.choice(
                ("LegacyRegistryPermissions", "AbacRepositoryPermissions")
            ),
        }
        self.resources.append(
            {
                "id": rid,
                "name": name,
                "type": ACR,
                "location": "westeurope",
                "tags": {"owner": f"team-{j % 23}"},
                "sku": {"name": sku, "tier": sku},
                "properties": props,
            }
        )
        for t in range(rng.choice((0, 0, 1, 2))):
            self.resources.append(
                {
                    "id": f"{rid}/tokens/token-{t}",
                    "name": f"token-{t}",
                    "type": f"{ACR}/tokens",
                    "properties": {
                        "scopeMapId": f"{rid}/scopeMaps/_repositories_pull",
                        "status": rng.choice(("enabled", "disabled")),
                    },
                }
            )
        if self.chance(0.3):
            upstream = rng.choice(
                (
                    "docker.io/library/nginx",
                    "mcr.microsoft.com/dotnet/sdk",
                    "acr0000web.azurecr.io/base",
                )
            )
            self.resources.append(
                {
                    "id": f"{rid}/cacheRules/mirror",
                    "name": "mirror",
                    "type": f"{ACR}/cacheRules",
                    "properties": {"sourceRepository": upstream, "targetRepository": "mirror"},
                }
            )
        if self.chance(0.6):
            self.add_diagnostic_setting(rid, [{"categoryGroup": "audit", "enabled": True}])

    # container groups ----------------------------------------------------------------

    def image(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            version = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.0"
            ref = f"{rng.choice(self.login_servers)}/{rng.choice(WORKLOADS)}/app:{version}"
        elif roll < 0.8:
            ref = rng.choice(MCR_IMAGES)
        else:
            ref = rng.choice(PUBLIC_IMAGES)
        if self.chance(0.2):
            ref = ref.rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
            ref += "@sha256:" + hashlib.sha256(ref.encode()).hexdigest()
        return ref

    def env_vars(self, i: int, c: int) -> list[Json]:
        """Markers as a collected snapshot holds them, plus two plain non-secret values
        that redaction on load still has to scan and replace."""
        rng = self.rng
        out = [
            {"name": "LOG_LEVEL", "value": self.marker("none", rng.choice(("info", "debug")))},
            {"name": "ASPNETCORE_ENVIRONMENT", "value": self.marker("none", "Production")},
            {"name": "DB_PASSWORD", "value": self.marker("keyword-name", f"pw-{i}-{c}")},
            {"name": "API_KEY"},  # a secureValue: ARM returns the name only
            {"name": "SERVICE_URL", "value": f"https://svc-{i}-{c}.synthetic.example/api/v2"},
            {"name": "REGION", "value": rng.choice(("westeurope", "northeurope", "eastus2"))},
        ]
        if self.chance(0.05):
            out.append({"name": "GH_TOKEN", "value": self.marker("github-token", f"gh-{i}-{c}")})
        return out

    def command(self, i: int) -> list[str]:
        roll = self.rng.random()
        if roll < 0.5:
            return []
        if roll < 0.55:
            return ["/app/migrate", "--password=" + self.marker("cli-flag", f"cli-{i}")]
        if roll < 0.58:
            return ["/bin/sh", "-c", f"curl -fsSL https://get.example.com/{i}.sh | sh"]
        return ["python", "-m", "worker", "--queue", f"q-{i % 97}", "--concurrency", "4"]

    def container(self, i: int, c: int, mounts: list[Json]) -> Json:
        rng = self.rng
        props: Json = {
            "image": self.image(),
            "command": self.command(i),
            "ports": [{"port": rng.choice((80, 443, 8080, 8443)), "protocol": "TCP"}],
            "environmentVariables": self.env_vars(i, c),
            "resources": {"requests": {"cpu": 1.0, "memoryInGB": 1.5}},
        }
        if self.chance(0.6):
            props["resources"]["limits"] = {"cpu": 1.0, "memoryInGB": 1.5}
        if mounts:
            props["volumeMounts"] = mounts
        if self.chance(0.5):
            props["securityContext"] = {
                "runAsUser": rng.choice((0, 1000, 1000, 10001)),
                "allowPrivilegeEscalation": self.chance(0.1),
                "privileged": self.chance(0.02),
                "capabilities": {"add": ["NET_ADMIN"] if self.chance(0.05) else []},
            }
        return {"name": f"c{c}", "properties": props}

    def add_group(self, i: int) -> None:
        rng = self.rng
        sub = self.subs[i % len(self.subs)]
        rg = f"rg-app-{i % 40:02d}"
        name = f"cg-{i:05d}-{rng.choice(WORKLOADS)}"
        gid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{ACI}/{name}"
        volumes: list[Json] = []
        mounts: list[Json] = []
        if self.chance(0.2):
            share: Json = {"shareName": f"share-{i}", "storageAccountName": f"st{i % 300:03d}"}
            if self.chance(0.5):
                share["userManagedIdentityClientId"] = self.guid()
            volumes.append({"name": "files", "azureFile": share})
            mounts.append(
                {"name": "files", "mountPath": "/mnt/files", "readOnly": self.chance(0.5)}
            )
        if self.chance(0.3):
            volumes.append({"name": "scratch", "emptyDir": {}})
            mounts.append({"name": "scratch", "mountPath": "/scratch", "readOnly": False})
        if self.chance(0.03):
            user = self.marker("url-userinfo", f"bot:{i}") + "@" if self.chance(0.5) else ""
            repo = {"repository": f"https://{user}github.com/synthetic/repo-{i}.git"}
            repo["revision"] = (
                hashlib.sha1(str(i).encode()).hexdigest() if self.chance(0.5) else "main"
            )
            volumes.append({"name": "src", "gitRepo": repo})
        props: Json = {
            "sku": "Confidential" if self.chance(0.03) else "Standard",
            "provisioningState": "Succeeded",
            "containers": [self.container(i, c, mounts if c == 0 else []) for c in range(3)],
            "initContainers": [],
            "imageRegistryCredentials": [],
            "restartPolicy": rng.choice(("Always", "OnFailure", "Never")),
            "osType": "Windows" if self.chance(0.05) else "Linux",
        }
        if self.chance(0.1):
            props["initContainers"].append(
                {
                    "name": "init",
                    "properties": {
                        "image": self.image(),
                        "command": ["/bin/sh", "-c", "echo warming up"],
                        "environmentVariables": [],
                    },
                }
            )
        if volumes:
            props["volumes"] = volumes
        roll = rng.random()
        ports = [{"port": rng.choice((80, 443, 22, 3306, 8080)), "protocol": "TCP"}]
        if roll < 0.4:
            ip: Json = {"type": "Public", "ip": f"203.0.113.{i % 250}", "ports": ports}
            if self.chance(0.5):
                ip["dnsNameLabel"] = name
                ip["autoGeneratedDomainNameLabelScope"] = rng.choice(("Unsecure", "TenantReuse"))
            props["ipAddress"] = ip
        elif roll < 0.7:
            props["ipAddress"] = {"type": "Private", "ip": f"10.0.{i % 250}.4", "ports": ports}
            props["subnetIds"] = [{"id": f"/subscriptions/{sub}/vnet/subnets/aci-{i % 9}"}]
        if self.chance(0.5):
            props["diagnostics"] = {"logAnalytics": {"workspaceId": self.guid()}}
        if self.chance(0.1):
            props["encryptionProperties"] = {
                "vaultBaseUrl": "https://kv.vault.azure.net/",
                "keyName": "k",
            }
        if props["sku"] == "Confidential" and self.chance(0.7):
            policy = base64.b64encode(f"package policy # {i}".encode()).decode()
            props["confidentialComputeProperties"] = {"ccePolicy": policy}
        group: Json = {"id": gid, "name": name, "type": ACI, "location": "westeurope", "tags": {}}
        roll = rng.random()
        if roll < 0.7:
            principal = self.guid()
            if roll < 0.5:
                group["identity"] = {"type": "SystemAssigned", "principalId": principal}
            else:
                uid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{IDENTITIES}/id-{i}"
                group["identity"] = {
                    "type": "UserAssigned",
                    "userAssignedIdentities": {
                        uid: {"principalId": principal, "clientId": self.guid()}
                    },
                }
                props["imageRegistryCredentials"].append(
                    {"server": rng.choice(self.login_servers), "identity": uid}
                )
            self.identities.append((principal, sub))
        elif self.chance(0.3):
            props["imageRegistryCredentials"].append(
                {"server": rng.choice(self.login_servers), "username": "pull-user"}
            )
        group["properties"] = props
        self.resources.append(group)
        if self.chance(0.3):
            self.add_diagnostic_setting(gid, [{"categoryGroup": "allLogs", "enabled": True}])

    # side data -------------------------------------------------------------------------

    def add_diagnostic_setting(self, target: str, logs: list[Json]) -> None:
        self.resources.append(
            {
                "id": f"{target}/providers/microsoft.insights/diagnosticSettings/to-law",
                "type": "Microsoft.Insights/diagnosticSettings",
                "name": "to-law",
                "properties": {"workspaceId": "/subscriptions/x/law", "logs": logs, "metrics": []},
            }
        )

    def add_subscription_side_data(self, sub: str) -> None:
        rng = self.rng
        scope = f"/subscriptions/{sub}"
        if self.chance(0.7):
            # Real ARM: no leading slash and a null type on subscription-level settings.
            self.resources.append(
                {
                    "id": f"subscriptions/{sub}/providers/microsoft.insights/diagnosticSettings/activity",
                    "type": None,
                    "name": "activity",
                    "properties": {
                        "workspaceId": "/subscriptions/x/law",
                        "logs": [{"category": "Administrative", "enabled": self.chance(0.8)}],
                    },
                }
            )
        tier = "Standard" if self.chance(0.6) else "Free"
        containers: Json = {"pricingTier": tier}
        if tier == "Standard":
            containers["extensions"] = [
                {
                    "name": "ContainerRegistriesVulnerabilityAssessments",
                    "isEnabled": rng.choice(("True", "False")),
                }
            ]
        for plan, props in (
            ("Containers", containers),
            ("VirtualMachines", {"pricingTier": "Standard"}),
            ("ContainerRegistry", {"pricingTier": "Free", "deprecated": True}),
        ):
            self.resources.append(
                {
                    "id": f"{scope}/providers/Microsoft.Security/pricings/{plan}",
                    "name": plan,
                    "type": "Microsoft.Security/pricings",
                    "properties": props,
                }
            )
        custom = self.guid()
        for role, role_name, actions in (
            (ACR_PULL, "AcrPull", ["Microsoft.ContainerRegistry/registries/pull/read"]),
            (READER, "Reader", ["*/read"]),
            (KV_SECRETS_USER, "Key Vault Secrets User", []),
            (custom, "Synthetic Operator", ["*"]),
        ):
            self.resources.append(
                {
                    "id": f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{role}",
                    "name": role,
                    "type": "Microsoft.Authorization/roleDefinitions",
                    "properties": {"roleName": role_name, "permissions": [{"actions": actions}]},
                }
            )
        roles = (ACR_PULL, ACR_PULL, ACR_PULL, READER, KV_SECRETS_USER, CONTRIBUTOR, custom)
        for principal, owner in self.identities:
            if owner != sub or not self.chance(0.6):
                continue
            for _ in range(rng.choice((1, 1, 2))):
                self.add_role_assignment(scope, rng.choice(roles), principal)
        for _ in range(20):  # people and pipelines, not container groups
            self.add_role_assignment(scope, rng.choice(roles), self.guid())
        for a in range(rng.randint(0, 3)):
            self.resources.append(
                {
                    "id": f"{scope}/resourceGroups/rg-ops/providers/Microsoft.Insights/metricAlerts/alert-{a}",
                    "name": f"alert-{a}",
                    "type": "Microsoft.Insights/metricAlerts",
                    "properties": {
                        "enabled": self.chance(0.8),
                        "scopes": [scope],
                        "targetResourceType": rng.choice((ACI, ACR)),
                    },
                }
            )

    def add_role_assignment(self, scope: str, role: str, principal: str) -> None:
        name = self.guid()
        self.resources.append(
            {
                "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
                "name": name,
                "type": "Microsoft.Authorization/roleAssignments",
                "properties": {
                    "roleDefinitionId": f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{role}",
                    "principalId": principal,
                    "principalType": "ServicePrincipal",
                    "scope": scope,
                },
            }
        )

    def add_coverage(self) -> None:
        denied = "AuthorizationFailed: the client does not have authorization to perform action"
        for n, sub in enumerate(self.subs):
            for kind in KINDS:
                entry: Json = {
                    "scope": f"/subscriptions/{sub}",
                    "kind": kind,
                    "status": "collected",
                }
                if kind.endswith("roleAssignments") and n % 17 == 3:
                    entry = entry | {"status": "denied", "detail": f"{denied} '{kind}/read'"}
                elif kind.endswith("metricAlerts") and n % 13 == 5:
                    entry["status"] = "not_collected"
                self.coverage.append(entry)
        registries = [r["id"] for r in self.resources if r["type"] == ACR]
        for rid in registries[:: max(1, len(registries) // 5)]:
            self.coverage.append(
                {
                    "scope": rid,
                    "kind": f"{ACR}/tokens",
                    "status": "failed",
                    "detail": "InternalServerError after 4 attempts",
                }
            )


# -- measuring (runs in the parent) --------------------------------------------------------


def generate_in_child(args: argparse.Namespace, path: Path) -> float:
    """Run the generator in a fresh interpreter writing `path`; return its wall time."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--emit",
            str(path),
            "--groups",
            str(args.groups),
            "--registries",
            str(args.registries),
            "--subscriptions",
            str(args.subscriptions),
            "--seed",
            str(args.seed),
        ],
        check=True,
    )
    return time.perf_counter() - started


def timed(label: str, profile: str | None, fn: Callable[[], T]) -> tuple[T, float]:
    """Run `fn`, under cProfile when `profile` names this phase."""
    if profile != label:
        started = time.perf_counter()
        value = fn()
        return value, time.perf_counter() - started
    profiler = cProfile.Profile()
    started = time.perf_counter()
    value = profiler.runcall(fn)
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    print(f"--- cProfile of phase '{label}' (times inflated by profiling) ---\n{out.getvalue()}")
    return value, elapsed


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "MISSED"


def measure(args: argparse.Namespace) -> int:
    """Time the very functions `aci-audit scan --snapshot FILE -o report.md` runs."""
    from aciaudit.atomic import atomic_text
    from aciaudit.gcpause import paused_gc
    from aciaudit.reports import write_report
    from aciaudit.run import Run, audit
    from aciaudit.snapshot_io import load_snapshot
    from checks.policy import Policy

    policy = Policy(
        approved_registries=("*.azurecr.io", "mcr.microsoft.com"),
        approved_images=("acr0*.azurecr.io/*", "mcr.microsoft.com/dotnet/*"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "estate.json"
        report_path = Path(tmp) / "report.md"
        generated = generate_in_child(args, path)
        size_mb = path.stat().st_size / 1e6
        rss_start = peak_rss_mb()

        # As the CLI does: one garbage-collector pause around the whole pipeline.
        with paused_gc():
            snapshot, t_load = timed("load", args.profile, lambda: load_snapshot(path))
            rss_load = peak_rss_mb()
            run: Run
            run, t_eval = timed("evaluate", args.profile, lambda: audit(snapshot, policy))
            rss_eval = peak_rss_mb()

            def render() -> None:
                with atomic_text(report_path) as handle:
                    write_report(run, "markdown", handle.write)

            _, t_render = timed("render", args.profile, render)
            rss = peak_rss_mb()
        report_mb = report_path.stat().st_size / 1e6
    total = t_load + t_eval + t_render

    groups = len(run.index.of_type(ACI))
    registries = len(run.index.of_type(ACR))
    print(
        f"synthetic estate (seed {args.seed}): {len(run.index.subscriptions)} subscriptions, "
        f"{registries:,} registries, {groups:,} container groups × 3 containers"
    )
    print(f"  generated in a child process in {generated:.1f} s; JSON file {size_mb:.1f} MB")
    print(
        f"  {len(snapshot.resources):,} resources, {len(snapshot.coverage):,} coverage entries, "
        f"{len(run.results):,} results, Markdown report {report_mb:.1f} MB"
    )
    print()
    print(f"  {'phase':<44}{'seconds':>8}  {'peak RSS':>9}   target")
    rows = [
        ("load (read + json + parse + redact)", t_load, rss_load, None),
        ("evaluate (Index + engine.evaluate)", t_eval, rss_eval, TARGET_EVALUATE),
        ("render (Markdown streamed to a file)", t_render, rss, None),
        ("total: load + evaluate + render", total, None, TARGET_TOTAL),
    ]
    for label, seconds, peak, target in rows:
        goal = f"< {target:.0f} s  {verdict(seconds, target)}" if target else ""
        mb = f"{peak:>6.0f} MB" if peak is not None else ""
        print(f"  {label:<44}{seconds:>8.2f}  {mb:>9}   {goal}")
    print(
        f"  {'peak RSS':<44}{'':>8}  {rss:>6.0f} MB   < {TARGET_RSS_MB:.0f} MB  "
        f"{verdict(rss, TARGET_RSS_MB)}"
    )
    print(f"  (before loading: {rss_start:.0f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time load, evaluate and render on a synthetic estate."
    )
    parser.add_argument(
        "--groups", type=int, default=10_000, help="container groups (3 containers each)"
    )
    parser.add_argument("--registries", type=int, default=1_000)
    parser.add_argument("--subscriptions", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--profile",
        choices=("load", "evaluate", "render"),
        help="run this phase under cProfile and print the functions that dominate",
    )
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)
    if args.emit is not None:
        estate = Estate(args.groups, args.registries, args.subscriptions, args.seed).build()
        args.emit.write_text(json.dumps(estate), encoding="utf-8")
        return 0
    return measure(args)


if __name__ == "__main__":
    raise SystemExit(main())
