"""Vulnerability report importers: Trivy JSON, Grype JSON, Defender for Cloud findings.

The I/O edge of issue 6: files in, `checks.vulns.ImageScan`s out, plus one line per
file that could not be used. The join with running images is pure and lives in
`checks.vulns`.

    loaded = load_vulns([Path("reports/")])
    run = audit(snapshot, policy, scans=loaded.scans)
"""

from __future__ import annotations

from aciaudit.vulns.defender import SUBASSESSMENT_TYPE, scans_from_defender, scans_in_snapshot
from aciaudit.vulns.loader import VulnLoad, detect_format, load_vulns, parse_report

__all__ = [
    "SUBASSESSMENT_TYPE",
    "VulnLoad",
    "detect_format",
    "load_vulns",
    "parse_report",
    "scans_from_defender",
    "scans_in_snapshot",
]
