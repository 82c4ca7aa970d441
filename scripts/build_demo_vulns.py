"""Write the demo estate's vulnerability reports: aciaudit/data/demo_vulns/*.json.

    python scripts/build_demo_vulns.py

One report per format the importers read, each matching the demo's images a different
way, so the demo shows every kind of join:

- Trivy, by tag:           fabrikamprod.azurecr.io/storefront/web:2.14.1
- Trivy, by short name:    nginx (docker.io/library/nginx:latest)
- Grype, by digest:        fabrikamprod.azurecr.io/orders/api@sha256:2246…
- Grype, clean:            fabrikamprod.azurecr.io/payments/hsm-bridge@sha256:41d2… (PASS)
- Defender rows, digest:   fabrikamprod.azurecr.io/payments/authorizer@sha256:b98a…

The CVE ids are real; which fictional image carries them is made up, like the estate.
Every other running image has no report and stays NOT_ASSESSED ("no scan data").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "aciaudit" / "data" / "demo_vulns"
SCANNED = "2026-11-18T06:12:44Z"
SUB = "11111111-1111-4111-8111-111111111111"
PROD_REGISTRY = (
    f"/subscriptions/{SUB}/resourceGroups/rg-fabrikam-shared/providers/"
    "Microsoft.ContainerRegistry/registries/FabrikamProd"
)
ORDERS_DIGEST = "sha256:2246cff4b40456b9c6f064e162370e5e9d07f6d4c3467c2390f972ac7bef79ea"
HSM_DIGEST = "sha256:41d2e1c8939023e189a1dfba20454ed059a4b60789ac5e735f9ffafa1d76e822"
AUTHORIZER_DIGEST = "sha256:b98aec52e8c198da73b76460dd9e58b9498823107fe463a9c0fe366eca62d91f"
STOREFRONT_DIGEST = "sha256:7c1f0a4d5e2b8c93f6a1d0e4b7c2a9f8e3d6b5a4c1f0e9d8c7b6a5f4e3d2c1b0"
NGINX_DIGEST = "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"

# (id, severity, package, installed, fixed, title)
Vuln = tuple[str, str, str, str, str, str]

STOREFRONT: list[Vuln] = [
    ("CVE-2024-6387", "HIGH", "openssh-client", "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3",
     "openssh: regreSSHion, signal handler race condition in sshd"),
    ("CVE-2023-44487", "HIGH", "libnghttp2-14", "1.52.0-1", "1.52.0-1+deb12u1",
     "HTTP/2 rapid reset can cause excessive work in a server"),
    ("CVE-2024-45490", "CRITICAL", "libexpat1", "2.5.0-1", "2.5.0-1+deb12u1",
     "libexpat: negative length for XML_ParseBuffer"),
    ("CVE-2023-52425", "MEDIUM", "libexpat1", "2.5.0-1", "",
     "expat: parsing large tokens can trigger a denial of service"),
    ("CVE-2024-2511", "LOW", "libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1",
     "openssl: unbounded memory growth with session handling in TLSv1.3"),
]  # fmt: skip
NGINX: list[Vuln] = [
    ("CVE-2023-45853", "CRITICAL", "zlib1g", "1:1.2.13.dfsg-1", "",
     "zlib: integer overflow and heap-based buffer overflow in zipOpenNewFileInZip4_6"),
    ("CVE-2024-5535", "MEDIUM", "libssl3", "3.0.11-1~deb12u2", "3.0.14-1~deb12u1",
     "openssl: SSL_select_next_proto buffer overread"),
]  # fmt: skip
ORDERS: list[Vuln] = [
    ("CVE-2024-43485", "HIGH", "System.Text.Json", "8.0.4", "8.0.5",
     ".NET denial of service in System.Text.Json"),
    ("CVE-2024-38095", "MEDIUM", "System.Formats.Asn1", "8.0.0", "8.0.1",
     ".NET denial of service in System.Formats.Asn1"),
]  # fmt: skip
AUTHORIZER: list[Vuln] = [
    ("CVE-2024-3596", "HIGH", "libkrb5-3", "1.20.1-2+deb12u1", "1.20.1-2+deb12u2",
     "RADIUS protocol forgery (Blast-RADIUS)"),
    ("CVE-2023-4039", "MEDIUM", "libgcc-s1", "12.2.0-14", "",
     "gcc: -fstack-protector fails to guard dynamic stack allocations on ARM64"),
]  # fmt: skip


def trivy(name: str, tags: list[str], digests: list[str], vulns: list[Vuln]) -> dict[str, Any]:
    return {
        "SchemaVersion": 2,
        "CreatedAt": SCANNED,
        "ArtifactName": name,
        "ArtifactType": "container_image",
        "Metadata": {
            "OS": {"Family": "debian", "Name": "12.8"},
            "RepoTags": tags,
            "RepoDigests": digests,
        },
        "Results": [
            {
                "Target": f"{name} (debian 12.8)",
                "Class": "os-pkgs",
                "Type": "debian",
                "Vulnerabilities": [
                    {
                        "VulnerabilityID": vid,
                        "PkgName": pkg,
                        "InstalledVersion": installed,
                        "FixedVersion": fixed,
                        "Status": "fixed" if fixed else "affected",
                        "Severity": sev,
                        "Title": title,
                        "PrimaryURL": f"https://avd.aquasec.com/nvd/{vid.lower()}",
                    }
                    for vid, sev, pkg, installed, fixed, title in vulns
                ],
            }
        ],
    }


def grype(image: str, digest: str, vulns: list[Vuln]) -> dict[str, Any]:
    repo = image.split("@", 1)[0]
    return {
        "matches": [
            {
                "vulnerability": {
                    "id": vid,
                    "dataSource": f"https://github.com/advisories?query={vid}",
                    "severity": sev.capitalize(),
                    "description": title,
                    "fix": {"versions": [fixed] if fixed else [], "state": "fixed" if fixed else "not-fixed"},
                },
                "relatedVulnerabilities": [],
                "artifact": {"name": pkg, "version": installed, "type": "dotnet"},
            }
            for vid, sev, pkg, installed, fixed, title in vulns
        ],
        "source": {
            "type": "image",
            "target": {
                "userInput": image,
                "tags": [],
                "repoDigests": [f"{repo}@{digest}"],
                "manifestDigest": digest,
            },
        },
        "descriptor": {"name": "grype", "version": "0.86.1", "timestamp": SCANNED},
    }  # fmt: skip


def defender_rows(repo: str, digest: str, vulns: list[Vuln]) -> list[dict[str, Any]]:
    rows = []
    for i, (vid, sev, pkg, installed, fixed, title) in enumerate(vulns):
        sub_id = f"5f0c{i:04d}-demo-4aaa-8aaa-{digest[7:19]}"
        rows.append(
            {
                "id": f"{PROD_REGISTRY}/providers/Microsoft.Security/assessments/"
                f"c0b7cfc6-3172-465a-b378-53c7ff2cc0d5/subassessments/{sub_id}",
                "name": sub_id,
                "type": "microsoft.security/assessments/subassessments",
                "subscriptionId": SUB,
                "resourceGroup": "rg-fabrikam-shared",
                "properties": {
                    "id": vid,
                    "displayName": vid,
                    "description": title,
                    "status": {"code": "Unhealthy", "severity": sev.capitalize()},
                    "timeGenerated": SCANNED,
                    "additionalData": {
                        "assessedResourceType": "AzureContainerRegistryVulnerability",
                        "vulnerabilityDetails": {
                            "cveId": vid,
                            "severity": sev.capitalize(),
                            "references": [
                                {"title": vid, "link": f"https://nvd.nist.gov/vuln/detail/{vid}"}
                            ],
                        },
                        "artifactDetails": {
                            "registryHost": "fabrikamprod.azurecr.io",
                            "repositoryName": repo,
                            "artifactType": "ContainerImage",
                            "digest": digest,
                            "tags": ["3.8.0"],
                        },
                        "softwareDetails": {
                            "packageName": pkg,
                            "version": installed,
                            "fixedVersion": fixed,
                            "fixStatus": "FixAvailable" if fixed else "FixNotAvailable",
                        },
                    },
                    "resourceDetails": {
                        "id": f"/repositories/{repo}/images/{digest}",
                        "source": "Azure",
                    },
                },
            }
        )
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    reports: dict[str, Any] = {
        "trivy-storefront-web.json": trivy(
            "fabrikamprod.azurecr.io/storefront/web:2.14.1",
            ["fabrikamprod.azurecr.io/storefront/web:2.14.1"],
            [f"fabrikamprod.azurecr.io/storefront/web@{STOREFRONT_DIGEST}"],
            STOREFRONT,
        ),
        "trivy-nginx.json": trivy(
            "nginx:latest", ["nginx:latest"], [f"nginx@{NGINX_DIGEST}"], NGINX
        ),
        "grype-orders-api.json": grype(
            f"fabrikamprod.azurecr.io/orders/api@{ORDERS_DIGEST}", ORDERS_DIGEST, ORDERS
        ),
        "grype-hsm-bridge.json": grype(
            f"fabrikamprod.azurecr.io/payments/hsm-bridge@{HSM_DIGEST}", HSM_DIGEST, []
        ),
        "defender-fabrikamprod.json": defender_rows(
            "payments/authorizer", AUTHORIZER_DIGEST, AUTHORIZER
        ),
    }
    for name, body in reports.items():
        (OUT / name).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
