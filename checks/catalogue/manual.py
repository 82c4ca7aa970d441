"""Manual items MAN-001 … MAN-006: questions no API can answer; a person attests them."""

from __future__ import annotations

from checks.catalogue.common import LEARN
from checks.model import Severity, Target
from checks.registry import CATALOGUE, Check

_SEED = f"{LEARN}/container-instances/container-instances-image-security"

_ITEMS = [
    (
        "MAN-001",
        ("S4", "S5"),
        "Are images scanned in the CI pipeline before they are pushed, and does the pipeline fail on vulnerable images?",
    ),
    (
        "MAN-002",
        ("S9",),
        "Are production images built in-house from an approved base image, with the origin of every layer known?",
    ),
    (
        "MAN-003",
        ("S9",),
        "Are running images re-scanned continuously and out-of-date images audited and replaced (blue/green or rolling)?",
    ),
    (
        "MAN-004",
        ("S3",),
        "Are all credentials inventoried and kept in a secrets manager (Key Vault) with rotation?",
    ),
    (
        "MAN-005",
        ("S13", "S14"),
        "Is network traffic to and from container groups monitored (flow logs, a runtime security tool)?",
    ),
    (
        "MAN-006",
        ("S16",),
        "Is administrative access to registries and container groups reviewed regularly?",
    ),
]

for _id, _sections, _question in _ITEMS:
    CATALOGUE.add(
        Check(
            id=_id,
            title=_question,
            severity=Severity.INFO,
            sections=_sections,
            target=Target.ESTATE,
            rationale="No Azure API shows this; the auditor must ask and record the answer.",
            remediation="Interview the owners, collect evidence, and record pass, fail or not applicable with a note.",
            learn_url=_SEED,
        )
    )
