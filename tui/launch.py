"""The `aci-audit` entry point: subcommands go to the command line, no subcommand opens
the app (straight on --demo, --snapshot, --az-export or the live options when given)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aciaudit.gcpause import exit_now

if TYPE_CHECKING:
    from aciaudit.sources.azure.options import LiveOptions
    from checks.policy import Policy

# aciaudit.crash.EXIT_INTERRUPTED, not imported: loading the tool is what was interrupted.
EXIT_INTERRUPTED = 130


def open_app(args: argparse.Namespace, live: LiveOptions | None) -> int:
    from aciaudit.cli import EXIT_USAGE

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "error: the interactive app needs a terminal; for reports use "
            "`aci-audit scan` (see `aci-audit --help`)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from aciaudit.policy_file import PolicyError, resolve_policy
    from aciaudit.reading import read_once
    from tui.guarded import GuardedApp, run_app

    once = None if args.policy is None else read_once(args.policy)
    if once is not None:
        # `scan --policy <(…)` reads it once; the app reads it on every load and edits it.
        print(
            f"error: --policy {args.policy} is {once}: the app reads its policy again and "
            "edits it in place; give a file",
            file=sys.stderr,
        )
        return EXIT_USAGE
    notes: list[str] = []
    try:
        # Checked before the app opens: a broken file is fixed at its line, exit 2.
        choice = resolve_policy(_existing(args.policy), demo=args.demo)
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    policy_path = choice.path
    if args.policy is not None and not args.policy.exists():
        if not args.policy.parent.is_dir():
            print(
                f"error: {args.policy}: folder {args.policy.parent} does not exist", file=sys.stderr
            )
            return EXIT_USAGE
        # A policy to start: the first suppression or attestation creates it.
        policy_path = args.policy
        notes.append(
            f"{policy_path} does not exist yet: the first suppression or attestation creates it."
        )
    problem = baseline_problem(getattr(args, "baseline", None), choice.policy)
    if problem is not None:
        # As `scan --baseline`: a baseline that cannot be used is said before anything
        # is shown (exit 2), never found out after a long collection.
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    baseline = getattr(args, "baseline", None)
    from aciaudit.sources.choice import source_from_args

    # Live Azure straight away only when the options name what to read.
    wanted = live if live is not None and (live.subscriptions or live.management_group) else None
    source = source_from_args(args, wanted, interactive=True)
    # Otherwise the connect screen; it starts from the live options given, if any.
    vulns = tuple(getattr(args, "vulns", None) or ())
    app = GuardedApp(
        source, live, policy_path, vuln_paths=vulns, baseline_path=baseline, notes=tuple(notes)
    )
    return run_app(app)


def _existing(policy: Path | None) -> Path | None:
    """--policy when the file is there; a name not yet there is created on first save."""
    return policy if policy is None or policy.exists() else None


def baseline_problem(baseline: Path | None, policy: Policy) -> str | None:
    """Why --baseline cannot be compared with, in `scan`'s words; None when it can.
    The one behaviour for both front ends: a baseline that cannot be read stops the
    command before anything is shown or written (exit 2)."""
    if baseline is None:
        return None
    from aciaudit.reading import input_problem, read_once

    problem = input_problem(baseline)
    if problem is not None:
        return f"{baseline}: {problem}"
    once = read_once(baseline)
    if once is not None:  # `scan --baseline <(…)` reads it once; the app, per source
        return (
            f"{baseline} is {once}: the app reads --baseline for every source it opens; give a file"
        )
    from aciaudit.baseline import load_side
    from aciaudit.snapshot_io import SnapshotError

    try:
        load_side(baseline, "baseline", policy)
    except SnapshotError as exc:
        return str(exc)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # The tool loads here, not at this module's import: Ctrl-C while it loads (the
        # first half second) is an interruption like any other, one line and 130,
        # not a traceback out of some module being imported.
        from aciaudit import cli
    except KeyboardInterrupt:
        sys.stderr.write("aci-audit: interrupted; nothing was written\n")
        return EXIT_INTERRUPTED
    code = cli.main(argv, open_app=open_app)
    if argv is None:  # the real command line, not a test calling in
        # A scan's run (millions of objects) ends with the process, unfreed.
        return exit_now(code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
