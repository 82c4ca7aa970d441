"""`aci-audit scan --vulns` end to end: warnings for bad files, the report's
"Vulnerable running images" section, escaping of scanner text, the JSON results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fixtures import SCAN_EXAMPLES, clone, container_group, make_snapshot, registry
from jsonschema import Draft202012Validator
from markdown_it import MarkdownIt

from aciaudit.cli import main
from aciaudit.reports.markdown import render_markdown
from aciaudit.run import audit
from aciaudit.vulns import parse_report

EXAMPLES = SCAN_EXAMPLES
ALPINE_INDEX = "sha256:b1c5a500182b21d0bfa5a584a8526b56d8be316f89e87d951be04abed2446e60"
SECTION = "## Vulnerable running images"
SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "report.schema.json").read_text())


def ctr(name: str, image: str) -> dict[str, Any]:
    c = clone(container_group()["properties"]["containers"][0])
    c["name"] = name
    c["properties"]["image"] = image
    c["properties"].pop("volumeMounts", None)
    return c


def group(name: str, *images: str) -> dict[str, Any]:
    props = {"containers": [ctr(f"c{i}", img) for i, img in enumerate(images)]}
    return container_group(name=name, properties=props)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    resources = [
        registry(name="fabrikam"),
        group("web", "alpine:3.10", "nginx"),
        group("pinned", f"alpine@{ALPINE_INDEX}"),
        group("keycloak", "keycloak/keycloak:21.0.2"),
    ]
    path = tmp_path / "estate.json"
    path.write_text(json.dumps(make_snapshot(resources).to_dict()))
    return path


def test_scan_with_vulns_folder_and_a_bad_file(estate: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    out = tmp_path / "report.md"
    args = ["scan", "--snapshot", str(estate), "--vulns", str(EXAMPLES), "--vulns", str(bad)]
    assert main([*args, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"aci-audit: warning: {bad}: not valid JSON" in err
    assert "vulnerability data: 11 image report(s) from 11 file(s)" in err
    assert "1 file(s) skipped" in err
    text = out.read_text()
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    assert "- **With open vulnerabilities:** 3" in section
    assert "- **No scan data (ACI-029 NOT_ASSESSED):** 1" in section
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| Image | Container groups | Match | Critical |")
    assert any(f"digest {ALPINE_INDEX}" in r and "pinned" in r for r in rows)
    tag_row = "tag 3.10 only, scanned 2021-08-25T12:20:30.000000005Z (the tag may have moved since)"
    assert any(tag_row in r and "web" in r for r in rows)
    assert any(r.startswith("| nginx | web |") for r in rows)


def test_scan_json_results_carry_the_join(estate: Path, capsys) -> None:
    args = ["scan", "--snapshot", str(estate), "--vulns", str(EXAMPLES), "--format", "json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    aci_029 = {
        r["resource_id"].rsplit("/", 1)[1]: r
        for r in report["results"]
        if r["check_id"] == "ACI-029"
    }
    assert aci_029["pinned"]["status"] == "FAIL"
    assert aci_029["keycloak"]["status"] == "FAIL"
    assert aci_029["keycloak"]["evidence"][0]["observed"]["match"] == "tag"
    assert aci_029["web"]["status"] == "FAIL"
    Draft202012Validator(SCHEMA).validate(report)
    images = {i["image"]: i for i in report["vulnerable_images"]}
    assert images[f"alpine@{ALPINE_INDEX}"]["match"]["how"] == "digest"
    assert images[f"alpine@{ALPINE_INDEX}"]["open"] == {"medium": 4}
    assert images["keycloak/keycloak:21.0.2"]["match"]["how"] == "tag"
    assert images["keycloak/keycloak:21.0.2"]["worst"][0]["package"] == "nspr"
    # The advisory link the scanner gave travels with each finding.
    assert images["keycloak/keycloak:21.0.2"]["worst"][0]["url"].startswith("https://")
    assert images["nginx"] == {"image": "nginx", "groups": [images["nginx"]["groups"][0]],
                               "match": None, "open": {}, "worst": []}  # fmt: skip
    assert report["vulnerable_images"][-1]["image"] == "nginx"


def test_json_without_vulns_has_no_vulnerable_images(estate: Path, capsys) -> None:
    assert main(["scan", "--snapshot", str(estate), "--format", "json"]) == 0
    assert "vulnerable_images" not in json.loads(capsys.readouterr().out)


def test_scan_without_vulns_has_no_section(estate: Path, capsys) -> None:
    assert main(["scan", "--snapshot", str(estate)]) == 0
    out, err = capsys.readouterr()
    assert SECTION not in out
    assert "vulnerability data" not in err


def test_only_bad_vulns_files_still_scan(estate: Path, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope"
    assert main(["scan", "--snapshot", str(estate), "--vulns", str(missing)]) == 0
    out, err = capsys.readouterr()
    assert f"warning: {missing}: no such file or folder" in err
    # Data was asked for and none was usable: every image is "no scan data", never PASS.
    assert "No running image has open vulnerabilities in the reports given." in out


def test_scanner_text_is_escaped_in_the_report() -> None:
    doc = json.loads((EXAMPLES / "trivy/debian-buster.json.golden").read_text())
    vuln = doc["Results"][0]["Vulnerabilities"][1]
    vuln["PkgName"] = "evil|pkg<script>alert(1)</script>"
    vuln["InstalledVersion"] = "1.0\n| injected | row |"
    vuln["VulnerabilityID"] = "CVE-[x](http://e.vil)"
    image = "ghcr.io/aquasecurity/trivy-test-images:debian-buster"
    snap = make_snapshot([group("web", image)])
    text = render_markdown(audit(snap, scans=parse_report(doc, "x.json")))
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    assert "<script>" not in section
    assert "| injected |" not in section
    tokens = MarkdownIt("commonmark").enable("table").parse(section)
    header = [t for t in tokens if t.type == "th_open"]
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(header) == 9 and len(cells) == 9
    assert not [
        t
        for t in tokens
        if t.type == "inline" and any(c.type == "link_open" for c in t.children or [])
    ]
