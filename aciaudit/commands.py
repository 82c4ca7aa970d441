"""What `aci-audit scan`, `diff` and `collect` do, once `aciaudit.cli` has parsed them.

Everything said goes to stderr, one line each, prefixed `aci-audit:`; reports go to
stdout or to files (`aciaudit.outputs`). A failure the user can fix is a UsageError:
`aciaudit.cli.main` says it on one line and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from aciaudit.atomic import stream_kind, written
from aciaudit.diff import Diff, diff_sides
from aciaudit.errors import UserError
from aciaudit.escape import terminal
from aciaudit.gate import EXIT_UNREAD, gate_message, unread_inventory
from aciaudit.gcpause import keep_until_exit, paused_gc
from aciaudit.outputs import (
    OutputError,
    OutputPlan,
    Write,
    check_output_path,
    is_stdout,
    plan_outputs,
    write_outputs,
    write_reports,
)
from aciaudit.pipeline import Note, NoteKind, run_audit
from aciaudit.policy_file import resolve_policy
from aciaudit.progress import CollectBars, Phases
from aciaudit.reading import input_problem
from aciaudit.run import Run
from aciaudit.snapshot_io import save_snapshot, snapshot_text
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import Cancelled
from aciaudit.sources.choice import live_source, source_from_args
from aciaudit.sources.demo import DEMO_NOTICE
from checks.model import Severity, Status
from checks.snapshot import CoverageStatus, Snapshot

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input the user can fix; printed as one line, exit code 2."""


def err(message: str) -> None:
    sys.stderr.write(f"aci-audit: {terminal(message)}\n")


def live_options(args: argparse.Namespace) -> LiveOptions:
    return LiveOptions(
        cloud=args.cloud,
        arm_endpoint=args.arm_endpoint,
        authority_host=args.authority_host,
        audience=args.arm_audience,
        tenant=args.tenant,
        auth=args.auth,
        subscriptions=tuple(args.subscription),
        management_group=args.management_group,
        use_resource_graph=not args.no_resource_graph,
        concurrency=args.concurrency,
        timeout=args.timeout,
        max_retry_wait=getattr(args, "max_retry_wait", 60.0),
        ca_bundle=args.ca_bundle,
    )


# -- scan -------------------------------------------------------------------------------


def scan(args: argparse.Namespace) -> int:
    try:
        plan = plan_outputs(args.format, args.output)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    if args.fail_on_new and args.baseline is None:
        raise UsageError("--fail-on-new needs --baseline FILE (the audit to compare with)")
    # A file, `-` or a FIFO (`--baseline <(…)`): read once, after the audit.
    problem = None if args.baseline is None else input_problem(args.baseline)
    if problem is not None:
        raise UsageError(f"{args.baseline}: {problem}")
    # A broken policy file stops the scan before any work, with its line and key.
    # The demo ships the approved lists a real user keeps in their policy file.
    choice = resolve_policy(args.policy, demo=args.demo)
    file_source = source_from_args(args, None)
    # Without --demo, --snapshot or --az-export, a scan reads live Azure.
    source = file_source or live_source(live_options(args))
    with CollectBars(enabled=sys.stderr.isatty()) as bars:
        try:
            done = run_audit(
                source,
                policy=choice.policy,
                policy_file=choice.info,
                vulns=args.vulns or (),
                baseline=args.baseline,
                progress=bars,
                compared_as="this scan",
                on_note=_say,
            )
        except UserError as exc:
            raise UsageError(str(exc)) from None
        except Cancelled:
            raise KeyboardInterrupt from None
    run = done.run
    keep_until_exit(done)  # freed by ending the process, not object by object
    if getattr(args, "framework", None):
        run = replace(run, frameworks_first=tuple(args.framework))
    if file_source is None:
        err(_coverage_summary(run.snapshot))
    if done.baseline_error is not None:
        # Unlike the app, a scan asked to compare never writes a report without it.
        raise UsageError(done.baseline_error)
    written = _write(plan, lambda: write_reports(run, plan, sys.stdout))
    if run.snapshot.is_demo:
        err(DEMO_NOTICE)
    for warning in run.policy_warnings:
        err(f"warning: {warning}")
    for path in written:
        err(f"wrote {path}")
    err(_summary_line(run))
    if run.delta is not None:
        err(run.delta.summary())
    unread = unread_inventory(run.snapshot) if args.fail_on or args.fail_on_new else []
    if unread:
        err(gate_message(unread))
        return EXIT_UNREAD
    return max(_exit_code(run, args.fail_on), _new_exit_code(run.delta, args.fail_on_new))


def _say(note: Note) -> None:
    """The pipeline's notes, as the scan always said them (the baseline's is an error)."""
    if note.kind in (NoteKind.VULN_WARNING, NoteKind.SOURCE_WARNING):
        err(f"warning: {note.text}")
    elif note.kind is NoteKind.VULN_SUMMARY:
        err(note.text)


def _summary_line(run: Run) -> str:
    counts = run.status_counts
    fails = run.fail_counts_by_severity
    by_sev = ", ".join(f"{fails[s]} {s.value}" for s in Severity if fails[s])
    return (
        f"score {run.score}/100 · {counts[Status.FAIL]} FAIL"
        + (f" ({by_sev})" if by_sev else "")
        + f" · {counts[Status.PASS]} PASS · {counts[Status.NOT_ASSESSED]} NOT_ASSESSED"
        + (f" · {run.suppressed_count} suppressed" if run.suppressed_count else "")
        + f" · {counts[Status.MANUAL]} MANUAL"
    )


def _exit_code(run: Run, fail_on: str | None) -> int:
    if fail_on is None:
        return EXIT_OK
    worst = run.worst_failing_severity()
    return EXIT_FINDINGS if worst is not None and worst.at_least(Severity(fail_on)) else EXIT_OK


# -- diff -------------------------------------------------------------------------------


def diff(args: argparse.Namespace) -> int:
    from aciaudit.baseline import load_side
    from aciaudit.reports.delta import DIFF_WRITERS

    plan = OutputPlan((args.format,), None if is_stdout(args.output) else args.output)
    try:
        plan.check()
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    # A snapshot side is audited under the policy file, as `scan` would audit it.
    choice = resolve_policy(args.policy)
    policy = choice.policy if choice.info is not None else None
    with paused_gc():
        delta = diff_sides(load_side(args.old, "OLD", policy), load_side(args.new, "NEW", policy))

    def write_format(fmt: str, write: Write) -> None:
        DIFF_WRITERS[fmt](delta, write)

    for path in _write(plan, lambda: write_outputs(plan, write_format, sys.stdout)):
        err(f"wrote {path}")
    err(delta.summary())
    return _new_exit_code(delta, args.fail_on_new)


def _new_exit_code(delta: Diff | None, fail_on_new: str | None) -> int:
    if fail_on_new is None or delta is None:
        return EXIT_OK
    return EXIT_FINDINGS if delta.new_failures_at_least(Severity(fail_on_new)) else EXIT_OK


def _write(plan: OutputPlan, write: Callable[[], list[Path]]) -> list[Path]:
    """Run `write` under a spinner; a file that cannot be written is a UsageError."""
    steps = f"Writing {', '.join(plan.formats)}"
    before = len(written())
    with Phases(enabled=sys.stderr.isatty()) as phases, paused_gc(), phases.step(steps):
        try:
            return write()
        except BrokenPipeError:
            raise  # the reader went away (`| head`): aciaudit.crash ends quietly
        except OSError as exc:
            where = exc.filename or plan.target or "stdout"
            raise UsageError(
                f"{where}: cannot write ({exc.strerror or exc}); {_what_was_written(plan, before)}"
            ) from None


def _what_was_written(plan: OutputPlan, before: int) -> str:
    """What a failed write left: files are staged and renamed together, so either none
    was replaced or those listed were; a stream may hold the part sent before the error."""
    done = written()[before:]
    if done:
        return "written before the error: " + ", ".join(str(p) for p in done)
    stream = "stdout" if plan.target is None else stream_kind(plan.target)
    if stream:
        return f"{stream} may hold part of the report; no file was written"
    return "nothing was written"


# -- collect ----------------------------------------------------------------------------


def collect(args: argparse.Namespace) -> int:
    from aciaudit.sources.azure.collector import collect as collect_live

    to_stdout = is_stdout(args.output)
    try:
        if not to_stdout:
            check_output_path(args.output)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    with CollectBars(enabled=sys.stderr.isatty()) as bars:
        try:
            snapshot = collect_live(live_options(args), bars)
        except UserError as exc:
            raise UsageError(str(exc)) from None
        except Cancelled:
            raise KeyboardInterrupt from None
    err(_coverage_summary(snapshot))
    if to_stdout:
        sys.stdout.write(snapshot_text(snapshot))
        sys.stdout.flush()
        return EXIT_OK
    try:
        save_snapshot(snapshot, args.output)
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    err(f"wrote {args.output}")
    return EXIT_OK


def _coverage_summary(snapshot: Snapshot) -> str:
    counts = Counter(entry.status for entry in snapshot.coverage)
    parts = [f"{counts[s]} {s.value.replace('_', ' ')}" for s in CoverageStatus if counts[s]]
    return f"read {len(snapshot.resources)} objects; coverage: {', '.join(parts) or 'none'}"
