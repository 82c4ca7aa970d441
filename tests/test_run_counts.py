"""The run's summaries (status counts, FAILs by severity, score), counted per check,
equal the plain per-result count, with and without suppressions, in the same order."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date

from test_report_json import REG, SUB, make_run

from aciaudit.run import Run
from checks.model import Result, Severity, Status
from checks.policy import Suppression

WEIGHTS = {Severity.CRITICAL: 10, Severity.HIGH: 5, Severity.MEDIUM: 3,
           Severity.LOW: 1, Severity.INFO: 0}  # fmt: skip


def random_run(seed: int) -> Run:
    base = make_run()
    rng = random.Random(seed)
    ids = ["ACR-001", "ACR-005", "SUB-001", "MAN-001"]
    results = [
        Result(rng.choice(ids), f"{REG}{i}", rng.choice(list(Status)), "m")
        for i in range(rng.randrange(0, 60))
    ]
    return replace(base, results=results)


def plain(run: Run) -> tuple[Counter[Status], Counter[Severity], int]:
    statuses = Counter(r.status for r in run.results)
    fails = Counter(
        run.catalogue[r.check_id].severity
        for r in run.results
        if r.status is Status.FAIL and (r.check_id, r.resource_id) not in run.suppressions
    )
    total = passed = 0
    for r in run.results:
        if r.status in (Status.PASS, Status.FAIL):
            w = WEIGHTS[run.catalogue[r.check_id].severity]
            total += w
            passed += w if r.status is Status.PASS else 0
    return statuses, fails, round(100 * passed / total) if total else 0


def test_counts_equal_the_plain_count_in_the_same_order() -> None:
    for seed in range(40):
        run = random_run(seed)
        statuses, fails, score = plain(run)
        assert list(run.status_counts.items()) == list(statuses.items())
        assert list(run.fail_counts_by_severity.items()) == list(fails.items())
        assert run.score == score


def test_suppressed_fails_are_left_out_of_the_severity_counts() -> None:
    base = random_run(3)
    fails = [r for r in base.results if r.status is Status.FAIL]
    assert fails
    rule = Suppression(fails[0].check_id, fails[0].resource_id, "ok", date(2999, 1, 1))
    run = replace(base, suppressions={(fails[0].check_id, fails[0].resource_id): rule})
    assert list(run.fail_counts_by_severity.items()) == list(plain(run)[1].items())
    assert sum(run.fail_counts_by_severity.values()) == len(fails) - 1
    assert run.status_counts[Status.FAIL] == len(fails)


def test_an_empty_run_scores_zero() -> None:
    run = replace(
        make_run(), results=[Result("SUB-001", f"/subscriptions/{SUB}", Status.MANUAL, "")]
    )
    assert run.score == 0 and run.fail_counts_by_severity == Counter()
