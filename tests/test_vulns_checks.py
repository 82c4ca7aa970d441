"""ACI-029 and ACR-016 over the scan examples in tests/data joined with real ARM container groups
and registries: by tag, by digest (index and platform), by Docker Hub short name, by the
digest a pull event shows; PASS, FAIL and NOT_ASSESSED."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from fixtures import (
    SCAN_EXAMPLES,
    clone,
    container_group,
    load_example,
    make_snapshot,
    registry,
    result_for,
)

from aciaudit.run import audit
from aciaudit.snapshot_io import parse_snapshot
from aciaudit.vulns import load_vulns, parse_report
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.model import Result, Status
from checks.vulns import ImageScan, ScanIndex, Vulnerability, VulnSeverity, merge_findings

EXAMPLES = SCAN_EXAMPLES
ALPINE_INDEX = "sha256:b1c5a500182b21d0bfa5a584a8526b56d8be316f89e87d951be04abed2446e60"
KEYCLOAK_INDEX = "sha256:347a0d748d05a050dc64b92de2246d2240db6eb38afbc17c3c08d0acb0db1b50"
KEYCLOAK_PLATFORM = "sha256:d1630d3eb8285a978301bcefc5b223e564ae300750af2fc9ea3f413c5376a47e"
PTEBIC = "ptebic.azurecr.io/public/azureml/aifx/stable-ubuntu2004-cu117-py39-torch200"
OTHER_DIGEST = "sha256:" + "0123456789abcdef" * 4
LEGACY = "Microsoft.Security/2019-01-01-preview/ListSubscriptionSubAssessments_example.json"
NO_DATA = "no vulnerability data was provided (--vulns)"


@cache
def _example_scans() -> tuple[ImageScan, ...]:
    loaded = load_vulns([EXAMPLES])
    assert loaded.errors == []
    return tuple(loaded.scans)


def example_scans() -> list[ImageScan]:
    return list(_example_scans())


def ctr(name: str, image: str, events: list[str] | None = None) -> dict[str, Any]:
    c = clone(container_group()["properties"]["containers"][0])
    c["name"] = name
    c["properties"]["image"] = image
    c["properties"].pop("volumeMounts", None)
    if events is not None:
        c["properties"]["instanceView"] = {
            "events": [{"name": "Pulled", "message": m} for m in events]
        }
    return c


def group(*images: str, name: str = "web", init: tuple[str, ...] = ()) -> dict[str, Any]:
    props: dict[str, Any] = {"containers": [ctr(f"c{i}", img) for i, img in enumerate(images)]}
    if init:
        props["initContainers"] = [ctr(f"i{i}", img) for i, img in enumerate(init)]
    return container_group(name=name, properties=props)


def run(
    check_id: str, resources: list[dict[str, Any]], scans: list[ImageScan] | None
) -> list[Result]:
    index = Index(make_snapshot(resources))
    return evaluate(index, None, [load_catalogue()[check_id]], scans)


def one(check_id: str, target: dict[str, Any], scans: list[ImageScan] | None) -> Result:
    return result_for(run(check_id, [target], scans), target["id"])


def notes(result: Result) -> list[str]:
    return [ev.note for ev in result.evidence]


# --- ACI-029 ------------------------------------------------------------------------------


def test_aci_029_without_vulnerability_data_is_not_assessed() -> None:
    res = one("ACI-029", group("alpine:3.10"), None)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == f"Container group 'web': {NO_DATA}."


def test_aci_029_docker_hub_short_name_matches_by_tag_only() -> None:
    res = one("ACI-029", group("alpine:3.10"), example_scans())
    assert res.status is Status.FAIL
    assert "(alpine:3.10: 4 medium, matched by tag only)" in res.message
    summary = res.evidence[0]
    assert summary.path == "properties.containers[0].properties.image"
    assert summary.observed["match"] == "tag"
    assert "matched by tag only" in summary.note
    assert "may have pulled a different digest" in summary.note
    assert "2021-08-25T12:20:30" in summary.note


@pytest.mark.parametrize(
    "image",
    [
        f"alpine@{ALPINE_INDEX}",
        f"docker.io/library/alpine:3.10@{ALPINE_INDEX}",
        f"index.docker.io/library/alpine@{ALPINE_INDEX.upper().replace('SHA256', 'sha256')}",
    ],
)
def test_aci_029_matches_by_digest(image: str) -> None:
    res = one("ACI-029", group(image), example_scans())
    assert res.status is Status.FAIL
    assert res.evidence[0].observed["match"] == "digest"
    assert res.evidence[0].observed["matched"] == ALPINE_INDEX
    assert "matched by digest" in res.evidence[0].note


@pytest.mark.parametrize("digest", [KEYCLOAK_INDEX, KEYCLOAK_PLATFORM])
def test_aci_029_index_and_platform_digest_both_match(digest: str) -> None:
    res = one("ACI-029", group(f"keycloak/keycloak@{digest}"), example_scans())
    assert res.status is Status.FAIL
    assert res.evidence[0].observed["matched"] == digest
    assert res.evidence[0].observed["open"] == {"low": 6}


def test_aci_029_digest_from_the_pull_event() -> None:
    cg = group("alpine:3.10")
    cg["properties"]["containers"][0] = ctr(
        "c0", "alpine:3.10", [f'Successfully pulled image "alpine@{ALPINE_INDEX}"']
    )
    res = one("ACI-029", cg, example_scans())
    assert res.evidence[0].observed["match"] == "digest"


def test_aci_029_a_pull_event_of_another_digest_beats_the_tag() -> None:
    cg = group("alpine:3.10")
    cg["properties"]["containers"][0] = ctr(
        "c0", "alpine:3.10", [f'Successfully pulled image "alpine@{OTHER_DIGEST}"']
    )
    res = one("ACI-029", cg, example_scans())
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'web': no scan data for image alpine:3.10."


def test_aci_029_worst_findings_in_evidence() -> None:
    image = "ghcr.io/aquasecurity/trivy-test-images:debian-buster"
    res = one("ACI-029", group(image), example_scans())
    assert res.status is Status.FAIL
    assert "1 critical, 1 low" in res.message
    worst = res.evidence[1:]
    assert [ev.path.rsplit(" · ", 1)[1] for ev in worst] == ["CVE-2019-18224", "CVE-2019-18276"]
    assert worst[0].observed == {
        "package": "libidn2-0",
        "installed": "2.0.5-1",
        "fixed": "2.0.5-1+deb10u1",
    }
    assert worst[1].observed["fixed"] == "<no fix>"
    assert worst[0].note.startswith("critical")


def test_aci_029_upper_case_host_matches() -> None:
    res = one(
        "ACI-029", group("GHCR.IO/aquasecurity/trivy-test-images:alpine-310"), example_scans()
    )
    assert res.status is Status.FAIL


def test_aci_029_report_without_open_findings_passes() -> None:
    # Defender lists the image, but its only finding is Exempt: nothing open.
    res = one("ACI-029", group(f"{PTEBIC}:biweekly.202309.1"), example_scans())
    assert res.status is Status.PASS
    assert "matched by tag only" in res.message


def test_aci_029_no_report_for_the_image_is_not_assessed_never_pass() -> None:
    res = one("ACI-029", group("nginx"), example_scans())
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'web': no scan data for image nginx."
    assert notes(res) == ["no scan data for image nginx"]


def test_aci_029_empty_scan_list_is_not_the_same_as_no_data() -> None:
    res = one("ACI-029", group("nginx"), [])
    assert res.message == "Container group 'web': no scan data for image nginx."


def test_aci_029_pinned_digest_never_falls_back_to_the_tag() -> None:
    res = one("ACI-029", group(f"alpine:3.10@{OTHER_DIGEST}"), example_scans())
    assert res.status is Status.NOT_ASSESSED
    assert "reports exist for tag 3.10, none for digest" in res.evidence[0].note


def test_aci_029_one_clean_one_unscanned_is_not_assessed() -> None:
    res = one("ACI-029", group(f"{PTEBIC}:biweekly.202309.1", "nginx:1.25"), example_scans())
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'web': no scan data for image nginx:1.25."
    both = one("ACI-029", group("nginx:1.25", "redis"), example_scans())
    assert both.message == "Container group 'web': no scan data for images nginx:1.25, redis."


def test_a_snapshot_file_holding_defender_rows_feeds_the_checks() -> None:
    # As a collector (or an ARG export passed as --snapshot) would store them.
    reg = _reg("fabrikam")
    cg = group(f"fabrikam.azurecr.io/app@{OTHER_DIGEST}")
    body = {"data": [reg, cg, _defender_row(reg, "app", OTHER_DIGEST)], "count": 3}
    result = audit(parse_snapshot(json.loads(json.dumps(body)), origin="arg.json"))
    statuses = {
        r.check_id: r.status for r in result.results if r.check_id in ("ACR-016", "ACI-029")
    }
    assert statuses == {"ACR-016": Status.FAIL, "ACI-029": Status.FAIL}


def test_aci_029_vulnerable_plus_unscanned_fails_and_names_both() -> None:
    res = one("ACI-029", group("nginx:1.25", init=("alpine:3.10",)), example_scans())
    assert res.status is Status.FAIL
    assert "init container 'i0' (alpine:3.10" in res.message
    assert "No scan data for: nginx:1.25." in res.message
    assert res.evidence[-1].note == "no scan data for image nginx:1.25"


def test_aci_029_two_tools_on_one_digest_do_not_double_count() -> None:
    # A second tool's report of the same digest (a copy with another source).
    trivy = json.loads((EXAMPLES / "trivy/alpine-310-registry.2024-09.json.golden").read_text())
    copy = parse_report(trivy, "second.json")
    res = one("ACI-029", group(f"alpine@{ALPINE_INDEX}"), [*example_scans(), *copy])
    assert res.evidence[0].observed["open"] == {"medium": 4}
    assert len(res.evidence[0].observed["reports"]) == 2


# --- ACR-016 ------------------------------------------------------------------------------


def _reg(name: str) -> dict[str, Any]:
    return registry(name=name)


def _trivy_for(host: str, repo: str, tag: str) -> list[ImageScan]:
    doc = json.loads((EXAMPLES / "trivy/debian-buster.json.golden").read_text())
    doc["Metadata"]["RepoTags"] = [f"{host}/{repo}:{tag}"]
    doc["Metadata"]["Reference"] = f"{host}/{repo}:{tag}"
    return parse_report(doc, f"{repo}.json")


def test_acr_016_without_vulnerability_data_is_not_assessed() -> None:
    res = one("ACR-016", _reg("fabrikam"), None)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == f"Registry 'fabrikam': {NO_DATA}."


def test_acr_016_no_report_for_this_registry_is_not_assessed() -> None:
    res = one("ACR-016", _reg("fabrikam"), example_scans())
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Registry 'fabrikam': no scan data for images in fabrikam.azurecr.io."


def test_acr_016_open_findings_fail_per_repository() -> None:
    scans = [
        *_trivy_for("Fabrikam.azurecr.io", "team/api", "1.0"),
        *_trivy_for("fabrikam.azurecr.io", "team/api", "1.1"),
        *_trivy_for("fabrikam.azurecr.io", "web", "2"),
        *_trivy_for("other.azurecr.io", "web", "2"),
    ]
    res = one("ACR-016", _reg("fabrikam"), scans)
    assert res.status is Status.FAIL
    assert res.message == (
        "Registry 'fabrikam' has open vulnerabilities in 2 of 2 scanned repositories: "
        "3 critical, 3 low."
    )
    by_path = {ev.path: ev for ev in res.evidence}
    assert by_path["repositories/team/api"].observed["images"] == 2
    assert by_path["repositories/team/api"].observed["open"] == {"low": 2, "critical": 2}
    assert by_path["repositories/web"].observed["worst"][0] == "CVE-2019-18224 libidn2-0 2.0.5-1"


def test_acr_016_defender_exempt_only_passes() -> None:
    reg = _reg("ptebic")
    res = one("ACR-016", reg, example_scans())
    assert res.status is Status.PASS
    assert "2 repositories list no open vulnerabilities" in res.message


def test_acr_016_legacy_defender_rows_match_by_registry_id() -> None:
    reg = registry(
        name="myRegistry",
        subscription="20ff7fc3-e762-44dd-bd96-b71116dcdc23",
        resource_group="myRg",
    )
    scans = parse_report(load_example(LEGACY), "legacy.json")
    res = one("ACR-016", reg, scans)
    assert res.status is Status.FAIL
    assert res.evidence[0].path == "repositories/myRepo"


# --- snapshot-held Defender rows, audit(), the join model ------------------------------------


def _defender_row(reg: dict[str, Any], image: str, digest: str) -> dict[str, Any]:
    row = json.loads((EXAMPLES / "defender/mdvm-acr-subassessment.arg-rows.json").read_text())[0]
    row["id"] = f"{reg['id']}/providers/Microsoft.Security/assessments/c0b7/subassessments/1"
    row["properties"]["status"] = {"code": "Unhealthy", "severity": "High"}
    art = row["properties"]["additionalData"]["artifactDetails"]
    art.update(registryHost=reg["properties"]["loginServer"], repositoryName=image, digest=digest)
    return row


def test_audit_uses_defender_rows_the_snapshot_holds() -> None:
    reg = _reg("fabrikam")
    cg = group(f"fabrikam.azurecr.io/app@{OTHER_DIGEST}")
    snap = make_snapshot([reg, cg, _defender_row(reg, "app", OTHER_DIGEST)])
    result = audit(snap)
    by_key = {(r.check_id, r.resource_id): r for r in result.results}
    assert by_key[("ACR-016", reg["id"])].status is Status.FAIL
    assert by_key[("ACI-029", cg["id"])].status is Status.FAIL
    assert result.scans is not None and len(result.scans) == 1
    [image] = result.running_images
    assert image.groups == [cg["id"]]


def test_audit_keeps_its_old_signature() -> None:
    snap = make_snapshot([_reg("fabrikam"), group("nginx")])
    result = audit(snap)
    assert result.scans is None and result.running_images == []
    assert {r.status for r in result.results if r.check_id in ("ACR-016", "ACI-029")} == {
        Status.NOT_ASSESSED
    }


def test_running_images_group_the_same_image_across_groups() -> None:
    groups = [group("alpine:3.10", name=f"g{i}") for i in range(3)] + [group("nginx", name="n")]
    result = audit(make_snapshot(groups), scans=example_scans())
    images = {i.image: i for i in result.running_images}
    assert len(images["alpine:3.10"].groups) == 3
    assert images["nginx"].match is None


def test_severity_scale_and_merge_keep_worst() -> None:
    a = Vulnerability("CVE-1", VulnSeverity.UNKNOWN, "p", "1")
    b = Vulnerability("CVE-1", VulnSeverity.MEDIUM, "p", "1", "2")
    scans = [
        ImageScan("a", "trivy", (), (a,)),
        ImageScan("b", "grype", (), (b,)),
    ]
    index = ScanIndex(scans)
    assert len(index) == 2
    [merged] = merge_findings(scans)
    assert (merged.severity, merged.fixed) == (VulnSeverity.MEDIUM, "2")
    assert [s.value for s in VulnSeverity] == [
        "critical",
        "high",
        "medium",
        "low",
        "negligible",
        "unknown",
    ]
