"""Importers of issue 6: every file of tests/data/scan-examples, auto-detected, and the one-line
errors for files that cannot be used while the others still load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fixtures import SCAN_EXAMPLES, load_example

from aciaudit.vulns import detect_format, load_vulns, parse_report, scans_in_snapshot
from aciaudit.vulns.shapes import ReportError
from checks.images import parse_image
from checks.snapshot import Snapshot
from checks.vulns import ImageScan, VulnSeverity, merge_findings

EXAMPLES = SCAN_EXAMPLES
LEGACY = "Microsoft.Security/2019-01-01-preview/ListSubscriptionSubAssessments_example.json"
ALPINE_INDEX = "sha256:b1c5a500182b21d0bfa5a584a8526b56d8be316f89e87d951be04abed2446e60"
KEYCLOAK_INDEX = "sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50"
KEYCLOAK_PLATFORM = "sha256:d1630d3eb8285a978301bcefc5b223e564ae300750af2fc9ea3f413c5376a47e"


def example_files() -> list[Path]:
    # Every file but the licences and the README: the data files, whatever their suffix.
    return sorted(
        p
        for p in EXAMPLES.rglob("*")
        if p.is_file() and p.parent != EXAMPLES and "LICENSE" not in p.name
    )


def load_one(relpath: str) -> ImageScan:
    loaded = load_vulns([EXAMPLES / relpath])
    assert loaded.errors == []
    assert len(loaded.scans) == 1
    return loaded.scans[0]


def canon(scan: ImageScan) -> list[str]:
    return [r.canonical for r in scan.refs]


def opened(scan: ImageScan) -> list[tuple[str, str, str, str, str]]:
    return [(v.id, v.severity.value, v.package, v.installed, v.fixed) for v in scan.vulnerabilities]


# --- every example ------------------------------------------------------------------


def test_every_example_file_is_a_report() -> None:
    files = example_files()
    assert len(files) == 11
    loaded = load_vulns([EXAMPLES])
    assert loaded.errors == []
    assert sorted(loaded.files) == [str(f) for f in files]
    assert len(loaded.scans) == 11
    assert "11 image report(s) from 11 file(s)" in loaded.summary()


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_each_example_is_detected_by_content(path: Path) -> None:
    doc = json.loads(path.read_text())
    assert detect_format(doc) == path.parent.name


def test_folder_skips_licences_and_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("Apache License\n")
    (tmp_path / ".cache.json").write_text("{not json")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "r.json.golden").write_text(
        (EXAMPLES / "trivy/debian-buster.json.golden").read_text()
    )
    loaded = load_vulns([tmp_path])
    assert loaded.errors == []
    assert [s.tool for s in loaded.scans] == ["trivy"]


# --- Trivy ----------------------------------------------------------------------------


def test_trivy_registry_scan_keeps_short_docker_hub_names_normalised() -> None:
    scan = load_one("trivy/alpine-310-registry.2024-09.json.golden")
    assert scan.tool == "trivy"
    assert canon(scan) == [
        f"docker.io/library/alpine@{ALPINE_INDEX}",
        "docker.io/library/alpine:3.10",
    ]
    assert scan.scanned_at == "2021-08-25T12:20:30.000000005Z"
    assert ("CVE-2019-1549", "medium", "libssl1.1", "1.1.1c-r0", "1.1.1d-r0") in opened(scan)


def test_trivy_tarball_scan_uses_reference_not_the_archive_path() -> None:
    scan = load_one("trivy/alpine-310.json.golden")
    # ArtifactName is testdata/…/alpine-310.tar.gz: a label, never an image reference.
    assert canon(scan) == ["ghcr.io/aquasecurity/trivy-test-images:alpine-310"]
    assert scan.label.endswith(".tar.gz")
    # Metadata.ImageID is the config digest: never used for matching.
    assert scan.digest_keys() == set()


def test_trivy_unfixed_and_multi_version_fixes() -> None:
    debian = load_one("trivy/debian-buster.json.golden")
    assert opened(debian) == [
        ("CVE-2019-18276", "low", "bash", "5.0-4", ""),
        ("CVE-2019-18224", "critical", "libidn2-0", "2.0.5-1", "2.0.5-1+deb10u1"),
    ]
    gems = load_one("trivy/fluentd-gems.json.golden")
    gem = gems.vulnerabilities[1]
    assert gem.id == "CVE-2020-8165"
    assert gem.package.startswith("activesupport (var/lib/gems/")
    assert gem.fixed == "6.0.3.1, 5.2.4.3"
    assert gem.severity is VulnSeverity.HIGH


# --- Grype ----------------------------------------------------------------------------


def test_grype_keycloak_index_and_platform_digests() -> None:
    scan = load_one("grype/keycloak-test.json")
    repo = ("docker.io", "keycloak/keycloak")
    assert scan.digest_keys() == {(*repo, KEYCLOAK_INDEX), (*repo, KEYCLOAK_PLATFORM)}
    assert (*repo, "21.0.2") in scan.tag_keys()
    # One CVE on six rpm packages; wont-fix means no fixed version.
    assert len(scan.vulnerabilities) == 6
    assert {v.id for v in scan.vulnerabilities} == {"CVE-2020-12413"}
    assert {v.fixed for v in scan.vulnerabilities} == {""}


def test_grype_ghsa_and_cve_collapse_to_one_finding() -> None:
    ruby = load_one("grype/chainguard-ruby-test.json")
    assert len(ruby.vulnerabilities) == 3
    merged = merge_findings([ruby])
    assert [(v.id, v.package, v.fixed) for v in merged] == [
        ("CVE-2023-28755", "ruby-3.0", "3.0.6-r0"),
        ("CVE-2023-28755", "uri", "0.10.2"),
    ]
    assert merged[1].aliases == ("GHSA-hv5j-3h9f-99c2",)
    ghsa = merge_findings([load_one("grype/ghsa-test.json")])
    assert [(v.id, v.fixed, v.aliases) for v in ghsa] == [
        ("CVE-2014-3577", "4.3.5", ("GHSA-cfh5-3ghh-wfjx",))
    ]


def test_grype_current_schema_synthetic() -> None:
    scan = load_one("grype/TestJsonImgsPresenter.golden")
    assert [v.severity for v in scan.vulnerabilities] == [VulnSeverity.LOW, VulnSeverity.CRITICAL]
    assert scan.vulnerabilities[0].fixed == "1.2.1, 2.1.3, 3.4.0"


# --- Defender -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relpath",
    [
        "defender/mdvm-acr-subassessment.arg-rows.json",
        "defender/mdvm-acr-subassessments.rest-list.json",
    ],
)
def test_defender_exempt_rows_are_not_open(relpath: str) -> None:
    scan = load_one(relpath)
    assert scan.tool == "defender"
    assert scan.vulnerabilities == ()
    assert scan.not_open == 1
    assert scan.refs[0].registry == "ptebic.azurecr.io"
    assert scan.refs[0].digest is not None
    assert scan.refs[1].tag is not None and scan.refs[1].tag.startswith("biweekly.")
    assert "/providers/Microsoft.ContainerRegistry/registries/" in scan.registry_id


def test_defender_unhealthy_ecr_row_is_open() -> None:
    scan = load_one("defender/mdvm-aws-ecr-subassessment.arg-rows.json")
    host = "544047870946.dkr.ecr.us-east-1.amazonaws.com"
    assert canon(scan)[1] == f"{host}/mc/va/eastus/verybigimage:latest"
    assert opened(scan) == [
        (
            "CVE-2023-32700",
            "high",
            "libptexenc1",
            "2019.20190605.51237-3build2",
            "2019.20190605.51237-3ubuntu0.1",
        )
    ]
    assert scan.registry_id == ""


def _unhealthy(row: dict[str, Any], digest: str) -> dict[str, Any]:
    row = json.loads(json.dumps(row))
    row["properties"]["status"] = {"code": "Unhealthy", "severity": "High"}
    row["properties"]["additionalData"]["artifactDetails"]["digest"] = digest
    return row


def test_defender_rows_group_per_image_and_open_only_unhealthy() -> None:
    row = json.loads((EXAMPLES / "defender/mdvm-acr-subassessment.arg-rows.json").read_text())[0]
    other = "sha256:" + "ab" * 32
    doc = {"data": [row, _unhealthy(row, other), _unhealthy(row, other)], "count": 3}
    assert detect_format(doc) == "defender"
    scans = parse_report(doc, "arg.json")
    assert [(s.refs[0].digest, len(s.vulnerabilities), s.not_open) for s in scans] == [
        ("sha256:4af8e6f002401a965bbe753a381af308b40d8947fad2b9e1f6a369aa81abee59", 0, 1),
        (other, 2, 0),
    ]


def test_defender_legacy_rows_count_for_their_registry() -> None:
    scans = parse_report(load_example(LEGACY), "legacy.json")
    assert len(scans) == 1
    scan = scans[0]
    assert scan.registry_id.endswith("/registries/myRegistry")
    # No host and a GUID for a digest: it cannot be matched to a running image.
    assert scan.refs[0].registry == ""
    assert scan.digest_keys() == set() and scan.tag_keys() == set()
    assert opened(scan) == [("CVE-2019-12345", "high", "'Back Orifice' Backdoor", "", "")]


def test_defender_rows_stored_in_a_snapshot_become_scans() -> None:
    rows = json.loads((EXAMPLES / "defender/mdvm-aws-ecr-subassessment.arg-rows.json").read_text())
    snap = Snapshot(resources=rows, coverage=[])
    scans = scans_in_snapshot(snap)
    assert scans is not None and [s.source for s in scans] == ["snapshot"]
    assert scans_in_snapshot(Snapshot(resources=[], coverage=[])) is None


# --- errors: one line per file, the rest goes on ------------------------------------------


def test_bad_files_give_one_line_each_and_the_rest_loads(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text((EXAMPLES / "grype/keycloak-test.json").read_text())
    (tmp_path / "broken.json").write_text('{"matches": [')
    (tmp_path / "other.json").write_text('{"hello": "world"}')
    trivy_v1 = json.loads((EXAMPLES / "trivy/debian-buster.json.golden").read_text())
    trivy_v1["SchemaVersion"] = 1
    (tmp_path / "trivy1.json").write_text(json.dumps(trivy_v1))
    grype_sbom = json.loads((EXAMPLES / "grype/ghsa-test.json").read_text())
    grype_sbom["source"] = {"type": "sbom-file", "target": "sbom.json"}
    (tmp_path / "sbom.json").write_text(json.dumps(grype_sbom))
    (tmp_path / "latin1.json").write_bytes(b'{"x": "\xe9"}')
    fs = json.loads((EXAMPLES / "trivy/debian-buster.json.golden").read_text())
    fs["ArtifactType"] = "filesystem"
    (tmp_path / "fs.json").write_text(json.dumps(fs))

    loaded = load_vulns([tmp_path, tmp_path / "missing.json"])

    assert [s.source for s in loaded.scans] == [str(good)]
    reasons = {Path(e.split(": ", 1)[0]).name: e.split(": ", 1)[1] for e in loaded.errors}
    assert reasons == {
        "broken.json": "not valid JSON (Expecting value at line 1)",
        "fs.json": "a Trivy report of a filesystem, not of a container image",
        "latin1.json": "not UTF-8 text",
        "missing.json": "no such file or folder",
        "other.json": "not a Trivy, Grype or Defender for Cloud report (an object with keys hello)",
        "sbom.json": "a Grype report of a sbom-file, not of an image",
        "trivy1.json": "Trivy SchemaVersion 1 is not supported (only 2)",
    }
    assert all("\n" not in e for e in loaded.errors)
    assert "7 file(s) skipped" in loaded.summary()


def test_a_report_naming_no_image_loads_with_a_note(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "trivy/debian-buster.json.golden").read_text())
    doc["Metadata"] = {}
    doc["ArtifactName"] = "images/debian.tar"
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(doc))
    loaded = load_vulns([path])
    assert loaded.errors == [] and len(loaded.scans) == 1
    assert loaded.notes == [
        f"{path}: the trivy report names no image reference (scanned from an archive?): "
        "it cannot be matched to a running container"
    ]
    assert loaded.warnings() == loaded.notes


def test_an_explicit_non_json_file_is_an_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    loaded = load_vulns([notes])
    assert loaded.scans == []
    assert loaded.errors == [f"{notes}: not valid JSON (Expecting value at line 1)"]


def test_empty_folder_and_other_subassessments(tmp_path: Path) -> None:
    assert load_vulns([tmp_path]).errors == [f"{tmp_path}: no JSON files in this folder"]
    row = {"type": "Microsoft.Security/assessments/subAssessments", "properties": {
        "additionalData": {"assessedResourceType": "SqlServerVulnerability"}}}  # fmt: skip
    with pytest.raises(ReportError, match="no container registry vulnerability findings"):
        parse_report({"value": [row]}, "x.json")


def test_odd_shapes_never_crash(tmp_path: Path) -> None:
    doc = {"SchemaVersion": 2, "ArtifactName": "x:1", "Results": [None, {"Vulnerabilities": [
        None, {"VulnerabilityID": "CVE-1", "Severity": 7}, {"PkgName": "no-id"}]}]}  # fmt: skip
    scans = parse_report(doc, "odd.json")
    assert [(v.id, v.severity) for v in scans[0].vulnerabilities] == [
        ("CVE-1", VulnSeverity.UNKNOWN)
    ]
    assert [r.canonical for r in scans[0].refs] == ["docker.io/library/x:1"]


# --- the one image normaliser ---------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx", "index.docker.io/library/nginx:latest"),
        ("keycloak/keycloak:21", "registry-1.docker.io/keycloak/keycloak:21"),
        ("MyACR.azurecr.io/app:1", "myacr.azurecr.io/app:1"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
    ],
)
def test_same_image_same_key(a: str, b: str) -> None:
    ra, rb = parse_image(a), parse_image(b)
    assert (ra.registry, ra.repository, ra.effective_tag) == (
        rb.registry,
        rb.repository,
        rb.effective_tag,
    )


def test_effective_tag_and_upper_case_host() -> None:
    assert parse_image(f"alpine@{ALPINE_INDEX}").effective_tag is None
    assert parse_image("alpine").effective_tag == "latest"
    # Repository paths are lower-case: an upper-case first part can only be a host.
    assert parse_image("MyRegistry/app:1").registry == "myregistry"
    assert (
        parse_image("myacr.azurecr.cn/app").registry != parse_image("myacr.azurecr.io/app").registry
    )
