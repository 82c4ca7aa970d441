"""ACI-019 (runs as root) for containers that leave `runAsUser` unset: a Trivy report's
`Metadata.ImageConfig.config.User` says who the image runs as (an image config without
`User` runs as root), so the check FAILs or PASSes on it instead of NOT_ASSESSED.

The report is Trivy's own golden file (`trivy image -f json`, schema 2, with
`Metadata.ImageConfig` as Trivy writes it: the image's config blob, `config.User` among
its keys when the Dockerfile sets `USER`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fixtures import SCAN_EXAMPLES, clone, container_group, make_snapshot, result_for

from aciaudit.vulns import parse_report
from checks.catalogue import load_catalogue
from checks.engine import evaluate
from checks.index import Index
from checks.model import Result, Status
from checks.vulns import ImageScan

REPORT = SCAN_EXAMPLES / "trivy" / "alpine-310-registry.2024-09.json.golden"
ALPINE_INDEX = "sha256:b1c5a500182b21d0bfa5a584a8526b56d8be316f89e87d951be04abed2446e60"
BY_DIGEST = f"alpine@{ALPINE_INDEX}"


def report(user: str | None) -> list[ImageScan]:
    doc = json.loads(REPORT.read_text(encoding="utf-8"))
    config = doc["Metadata"]["ImageConfig"]["config"]
    if user is not None:
        config["User"] = user  # what `USER <user>` in the Dockerfile puts there
    return parse_report(doc, REPORT.name)


def group(image: str, run_as: int | None = None) -> dict[str, Any]:
    cg = container_group(name="web")
    c = clone(cg["properties"]["containers"][0])
    c["properties"]["image"] = image
    if run_as is not None:
        c["properties"]["securityContext"] = {"runAsUser": run_as}
    else:
        c["properties"].pop("securityContext", None)
    cg["properties"]["containers"] = [c]
    return cg


def aci_019(cg: dict[str, Any], scans: list[ImageScan] | None) -> Result:
    index = Index(make_snapshot([cg]))
    return result_for(evaluate(index, None, [load_catalogue()["ACI-019"]], scans), cg["id"])


def test_the_trivy_loader_reads_the_configured_user() -> None:
    assert report(None)[0].image_user == ""  # the golden image sets no USER
    assert report("1000:1000")[0].image_user == "1000:1000"


@pytest.mark.parametrize("user", [None, "root", "0", "0:0", "root:root"])
def test_an_image_that_runs_as_root_fails(user: str | None) -> None:
    res = aci_019(group(BY_DIGEST), report(user))
    assert res.status is Status.FAIL
    assert "runs as root through its images' default user" in res.message
    [ev] = res.evidence
    assert ev.observed["Metadata.ImageConfig.config.User"] == (user or "<absent>")
    assert ev.observed["report"] == f"trivy: {REPORT.name}"


@pytest.mark.parametrize("user", ["1000", "nginx", "65532:65532"])
def test_an_image_with_a_non_root_user_passes(user: str) -> None:
    res = aci_019(group(BY_DIGEST), report(user))
    assert res.status is Status.PASS
    assert res.evidence[0].observed["Metadata.ImageConfig.config.User"] == user


def test_without_a_report_it_stays_not_assessed() -> None:
    assert aci_019(group(BY_DIGEST), None).status is Status.NOT_ASSESSED
    assert (
        aci_019(group("example.azurecr.io/other:1"), report("1000")).status is Status.NOT_ASSESSED
    )


def test_a_tag_only_match_never_passes_but_can_fail() -> None:
    assert aci_019(group("alpine:3.10"), report("1000")).status is Status.NOT_ASSESSED
    assert aci_019(group("alpine:3.10"), report("root")).status is Status.FAIL


def test_an_explicit_run_as_user_still_decides() -> None:
    assert aci_019(group(BY_DIGEST, run_as=0), report("1000")).status is Status.FAIL
    assert aci_019(group(BY_DIGEST, run_as=1000), report(None)).status is Status.PASS
