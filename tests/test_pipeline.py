"""The one audit pipeline (`run_audit`), the immutable Run it returns, and the one place
output paths are judged."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fixtures import ARM_EXAMPLES, SCAN_EXAMPLES

from aciaudit.cli import main
from aciaudit.outputs import (
    OutputPathError,
    OutputPlan,
    PathProblem,
    check_output_path,
    write_reports,
)
from aciaudit.pipeline import Audit, Note, NoteKind, run_audit
from aciaudit.policy_file import resolve_policy
from aciaudit.reports import render
from aciaudit.sources.azure.progress import Cancelled, SilentProgress
from aciaudit.sources.choice import Source, az_export_source, demo_source, source_from_args
from aciaudit.sources.demo import DEMO_POLICY
from checks.model import Status
from checks.policy import Suppression

TODAY = date(2026, 1, 15)


def _demo(**kwargs: Any) -> Audit:
    return run_audit(demo_source(), policy=DEMO_POLICY, **kwargs)


def _without_generated_at(doc: dict) -> dict:
    doc = dict(doc)
    doc.pop("generated_at", None)
    return doc


def test_scan_writes_the_report_of_the_pipeline_s_run(capsys: pytest.CaptureFixture[str]) -> None:
    # The command line adds nothing of its own to the run: same inputs, same report.
    assert main(["scan", "--demo", "--format", "json"]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    choice = resolve_policy(None, demo=True)
    done = run_audit(demo_source(), policy=choice.policy, policy_file=choice.info)
    from_pipeline = json.loads(render(done.run, "json"))
    assert _without_generated_at(from_cli) == _without_generated_at(from_pipeline)


def test_notes_come_in_order_and_are_heard_as_they_happen(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    heard: list[Note] = []
    done = _demo(vulns=[SCAN_EXAMPLES, bad], on_note=heard.append)
    assert tuple(heard) == done.notes
    kinds = [n.kind for n in done.notes]
    assert kinds == [NoteKind.VULN_WARNING, NoteKind.VULN_SUMMARY]
    assert done.vuln_warnings == (done.notes[0].text,) and "bad.json" in done.notes[0].text
    assert done.baseline_error is None and done.source_warnings == ()
    assert done.run.scans is not None


def test_objects_an_export_skipped_are_source_warnings() -> None:
    done = run_audit(az_export_source([ARM_EXAMPLES / "az-cli"]), policy=DEMO_POLICY)
    assert done.source_warnings
    assert all(n.kind is NoteKind.SOURCE_WARNING for n in done.notes)


def test_an_unreadable_baseline_is_a_note_and_the_run_has_no_delta(tmp_path: Path) -> None:
    broken = tmp_path / "old.json"
    broken.write_text("[1, 2")
    done = _demo(baseline=broken)
    assert done.run.delta is None
    assert done.baseline_error is not None and "old.json" in done.baseline_error


def test_scan_stops_on_the_same_unreadable_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "old.json"
    broken.write_text("[1, 2")
    out = tmp_path / "report.md"
    assert main(["scan", "--demo", "--baseline", str(broken), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aci-audit: error: ") and "old.json" in err
    assert not out.exists()


def test_a_baseline_gives_the_run_its_delta_under_the_name_asked(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    base.write_text(render(_demo().run, "json"))
    done = _demo(baseline=base, compared_as="this scan")
    assert done.run.delta is not None and done.run.delta.new_label == "this scan"
    assert not done.run.delta.new  # the same estate: nothing new


def test_a_cancel_before_the_evaluation_raises_cancelled() -> None:
    cancel = threading.Event()

    def load(progress, stop):
        stop.set()  # the user pressed esc while the source was read
        return demo_source().load(progress, stop)

    with pytest.raises(Cancelled):
        run_audit(Source("cancelled", load), policy=DEMO_POLICY, cancel=cancel)


def test_the_choice_of_source_from_the_command_line() -> None:
    from aciaudit.cli import build_parser

    parse = build_parser().parse_args
    assert source_from_args(parse(["--demo"]), None) is not None
    demo = source_from_args(parse(["--demo"]), None)
    assert demo is not None and demo.policy is DEMO_POLICY
    snap = source_from_args(parse(["--snapshot", "estate.json"]), None)
    assert snap is not None and snap.label == "estate.json"
    export = source_from_args(parse(["--az-export", "a.json"]), None)
    assert export is not None and export.label == "az CLI export: a.json"
    assert source_from_args(parse([]), None) is None


# -- the Run is immutable -----------------------------------------------------------------


def test_a_run_cannot_be_changed_in_place() -> None:
    run = _demo().run
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.delta = None  # type: ignore[misc]


def test_with_policy_makes_a_new_run_and_leaves_the_old_one_as_it_was() -> None:
    run = _demo(today=TODAY).run
    fail = next(r for r in run.results if r.status is Status.FAIL)
    before = (list(run.results), run.score, run.status_counts.copy(), run.suppressed_count)
    rule = Suppression(fail.check_id, fail.resource_id, "accepted", date(2026, 6, 1))
    manual = next(c for c in run.catalogue if c.is_manual)
    from checks.policy import Attestation

    attested = Attestation(manual.id, Status.PASS, "reviewed", "ana", TODAY)
    policy = dataclasses.replace(
        run.policy, suppressions=(rule,), attestations={manual.id: attested}
    )
    new = run.with_policy(policy, today=TODAY)
    assert new is not run
    assert new.suppression(fail) == rule and new.suppressed_count == 1
    assert next(r for r in new.results if r.check_id == manual.id).status is Status.PASS
    # The old run, and the views it had already cached, are untouched.
    assert (run.results, run.score, run.status_counts, run.suppressed_count) == before
    assert run.suppression(fail) is None
    assert next(r for r in run.results if r.check_id == manual.id).status is Status.MANUAL
    # Nothing in the new run was cached before its policy was applied.
    assert new.fail_counts_by_severity.total() == run.fail_counts_by_severity.total() - 1


def test_subset_keeps_the_whole_snapshot_and_only_the_view_s_results() -> None:
    run = _demo().run
    view = [r for r in run.results if r.status is Status.FAIL][:3]
    subset = run.subset(view)
    assert subset.results == view and run.results != view
    assert subset.snapshot is run.snapshot and subset.generated_at == run.generated_at


# -- output paths ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "folder", "problem"),
    [
        (lambda p: (p.mkdir(), p)[1], False, PathProblem.IS_FOLDER),
        (lambda p: p / "missing" / "report.md", False, PathProblem.NO_FOLDER),
        (lambda p: (p.write_text("x"), p)[1], True, PathProblem.IS_FILE),
        (lambda p: p / "missing" / "reports", True, PathProblem.NO_FOLDER),
    ],
)
def test_check_output_path_names_the_problem(
    tmp_path: Path, make, folder: bool, problem: PathProblem
) -> None:
    path = make(tmp_path / "out")
    with pytest.raises(OutputPathError) as caught:
        check_output_path(path, folder=folder)
    assert caught.value.problem is problem and caught.value.path == path


def test_check_output_path_takes_a_new_file_or_folder(tmp_path: Path) -> None:
    check_output_path(tmp_path / "report.md")
    check_output_path(tmp_path / "reports", folder=True)
    (tmp_path / "reports").mkdir()
    check_output_path(tmp_path / "reports", folder=True)


def test_several_formats_go_into_a_folder_made_for_them(tmp_path: Path) -> None:
    run = _demo().run
    plan = OutputPlan(("markdown", "csv"), tmp_path / "reports", folder=True)
    written = write_reports(run, plan)
    assert [p.name for p in written] == ["report.md", "report.csv"]
    assert written[1].read_bytes() == render(run, "csv").encode()
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["report.csv", "report.md"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")

    def broken(fmt: str, write) -> None:
        write("half a rep")
        raise OSError(28, "No space left on device")

    from aciaudit.outputs import write_outputs

    with pytest.raises(OSError):
        write_outputs(OutputPlan(("markdown",), target), broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_the_pipeline_runs_without_progress_or_cancel() -> None:
    done = run_audit(demo_source(), policy=DEMO_POLICY, progress=SilentProgress())
    assert done.run.snapshot.is_demo and done.notes == ()
