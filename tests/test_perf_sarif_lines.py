"""The SARIF writer assembles each result from strings (a check's part and a
resource's part encoded once): every line is still what the standard encoder writes
for the plain result dict, with its baseline state."""

from __future__ import annotations

import json
from dataclasses import replace

from test_report_json import REG, REG2, SUB, make_run

from aciaudit.diff import diff_runs
from aciaudit.reports.sarif import _BASELINE_STATE, _result, write_sarif
from aciaudit.run import Run
from checks.model import ESTATE_SCOPE, Result, Status

PROFILE = (
    f"/subscriptions/{SUB}/resourceGroups/rg/providers/"
    "Microsoft.ContainerInstance/containerGroupProfiles/prof"
)
ODD = REG.rsplit("/", 1)[0] + '/"quoted"\\ünï\u2028'


def _run() -> Run:
    results = [
        Result("ACR-001", REG, Status.FAIL, 'admin "on"\n\tand ✓'),
        Result("ACR-001", PROFILE, Status.FAIL, "a profile"),
        Result("ACR-005", REG2, Status.FAIL, "no command for this check"),
        Result("SUB-001", f"/subscriptions/{SUB}", Status.FAIL, "the subscription"),
        Result("SUB-001", ESTATE_SCOPE, Status.FAIL, "the estate"),
        Result("ACR-001", ODD, Status.FAIL, "odd name \ud800"),
        Result("ACR-005", REG, Status.PASS, "not written"),
        Result("ACR-005", REG, Status.FAIL, "same resource, another check"),
    ]
    return replace(make_run(), results=results)


def _lines(run: Run) -> list[str]:
    out: list[str] = []
    write_sarif(run, out.append)
    text = "".join(out)
    body = text[text.index('"results": [\n') + len('"results": [\n') :]
    return [line.strip().rstrip(",") for line in body.split("\n") if line.startswith("        {")]


def _reference(run: Run) -> list[str]:
    encode = json.JSONEncoder(ensure_ascii=False).encode
    index = {chk.id: i for i, chk in enumerate(run.catalogue)}
    subs = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
    out = []
    for r in run.results:
        if r.status is not Status.FAIL:
            continue
        item = _result(r, run.catalogue[r.check_id], index[r.check_id], subs)
        if run.delta is not None:
            state = _BASELINE_STATE.get(run.delta.change_of(r.check_id, r.resource_id))
            if state:
                item["baselineState"] = state
        out.append(encode(item))
    return out


def test_each_line_is_the_standard_encoding_of_the_plain_result() -> None:
    run = _run()
    lines = _lines(run)
    assert len(lines) == 7
    assert lines == _reference(run)
    assert '"resourceKind": "profile"' in lines[1]
    # Spelled out, not through the writer's own _location: a profile is named as one.
    assert '"name": "(profile) ' in lines[1] and '"name": "(profile) ' not in lines[0]
    assert "remediationCommand" in lines[0] and "remediationCommand" not in lines[2]


def test_with_a_baseline_each_line_carries_its_own_state() -> None:
    run = _run()
    old = replace(run, results=run.results[:3])
    compared = run.with_delta(diff_runs(old, run))
    lines = _lines(compared)
    assert lines == _reference(compared)
    states = [json.loads(line.encode("utf-8", "surrogatepass")).get("baselineState")
              for line in lines]  # fmt: skip
    assert states[:2] == ["unchanged", "unchanged"] and "new" in states[3:]
