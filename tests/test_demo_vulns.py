"""The demo ships vulnerability reports that join with its images every way there is."""

from __future__ import annotations

from aciaudit.run import audit
from aciaudit.sources.demo import DEMO_POLICY, demo_scans, load_demo
from checks.model import Status


def test_demo_reports_join_by_tag_short_name_and_digest() -> None:
    scans = demo_scans()
    assert {s.tool for s in scans} == {"trivy", "grype", "defender"}
    # The demo brings its reports wherever it is audited: no scans given here.
    run = audit(load_demo(), DEMO_POLICY)
    aci029 = {r.resource_id.rsplit("/", 1)[-1]: r for r in run.results if r.check_id == "ACI-029"}
    # Trivy by tag, Trivy for Docker Hub's `nginx`, Grype by digest, Defender by digest.
    for group in ("storefront-web", "feature-preview-web", "orders-api", "payments-authorizer"):
        assert aci029[group].status is Status.FAIL, group
    assert "CVE-2024-45490" in str(aci029["storefront-web"].evidence)
    # An image nobody scanned is never a PASS.
    assert aci029["route-planner"].status is Status.NOT_ASSESSED
    assert "no scan data" in aci029["route-planner"].message
    acr016 = {
        r.resource_id.rsplit("/", 1)[-1]: r.status for r in run.results if r.check_id == "ACR-016"
    }
    assert acr016["FabrikamProd"] is Status.FAIL
