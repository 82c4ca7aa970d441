"""What a policy does to the catalogue: severity overrides, and attested manual items.

Apart from `checks.policy` (what the user decided, plain data) so that the policy does
not depend on the catalogue: the check context reads the policy, and a check reads
the context.
"""

from __future__ import annotations

from dataclasses import replace

from checks.model import ESTATE_SCOPE, Evidence, Result, Status
from checks.policy import Attestation, Policy
from checks.registry import Catalogue, Check


def effective_catalogue(catalogue: Catalogue, policy: Policy) -> Catalogue:
    """The catalogue with the policy's severity overrides applied (a copy when any)."""
    if not policy.severity:
        return catalogue
    return Catalogue(
        replace(chk, severity=override) if (override := policy.severity.get(chk.id)) else chk
        for chk in catalogue
    )


def manual_result(chk: Check, attestation: Attestation | None) -> Result:
    """The one result of a manual item: MANUAL, or what a person attested."""
    if attestation is None:
        return Result(chk.id, ESTATE_SCOPE, Status.MANUAL, f"{chk.title} — a person must attest.")
    who = attestation.by or "someone unnamed"
    message = (
        f"Attested {attestation.status.value} by {who} on {attestation.on.isoformat()}: "
        f"{attestation.note}"
    )
    evidence = Evidence(
        "policy.attestations",
        attestation.note,
        "a person's attestation",
        f"attested by {who} on {attestation.on.isoformat()}",
    )
    return Result(chk.id, ESTATE_SCOPE, attestation.status, message, (evidence,))
