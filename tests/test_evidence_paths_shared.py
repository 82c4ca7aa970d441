"""Evidence paths that every group repeats (a container's image, securityContext field,
resource limits) are one string object across groups, not a copy per group: at 10,000
groups the copies held about 25 MB."""

from __future__ import annotations

import pytest
from fixtures import container_group, run_check

from checks.model import Result

CHECKS = ["ACI-001", "ACI-016", "ACI-017", "ACI-020", "ACI-024"]


def evidence_paths(result: Result) -> list[str]:
    return [ev.path for ev in result.evidence]


@pytest.mark.parametrize("check_id", CHECKS)
def test_two_groups_share_their_evidence_path_strings(check_id: str) -> None:
    groups = [container_group(name=f"cg-{i}") for i in range(2)]
    first, second = (evidence_paths(r) for r in run_check(check_id, groups))
    assert first and first == second
    assert all(a is b for a, b in zip(first, second, strict=True))
