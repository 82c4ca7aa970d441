"""The `aci-audit` entry point: subcommands go to the command line, no subcommand opens
the app (straight on --demo, --snapshot, --az-export or the live options when given)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from aciaudit import cli
from aciaudit.gcpause import exit_now
from aciaudit.sources.azure.options import LiveOptions


def open_app(args: argparse.Namespace, live: LiveOptions | None) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "error: the interactive app needs a terminal; for reports use "
            "`aci-audit scan` (see `aci-audit --help`)",
            file=sys.stderr,
        )
        return cli.EXIT_USAGE
    from aciaudit.policy_file import PolicyError, resolve_policy
    from tui.app import AuditApp

    try:
        # Checked before the app opens: a broken file is fixed at its line, exit 2.
        policy_path = resolve_policy(args.policy, demo=args.demo).path
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return cli.EXIT_USAGE
    baseline = getattr(args, "baseline", None)
    if baseline is not None and not baseline.is_file():
        # As `scan --baseline`: a missing file is said before the app opens.
        print(f"error: {baseline}: no such file", file=sys.stderr)
        return cli.EXIT_USAGE
    from aciaudit.sources.choice import source_from_args

    # Live Azure straight away only when the options name what to read.
    wanted = live if live is not None and (live.subscriptions or live.management_group) else None
    source = source_from_args(args, wanted)
    # Otherwise the connect screen; it starts from the live options given, if any.
    vulns = tuple(getattr(args, "vulns", None) or ())
    app = AuditApp(source, live, policy_path, vuln_paths=vulns, baseline_path=baseline)
    return app.run() or 0


def main(argv: Sequence[str] | None = None) -> int:
    code = cli.main(argv, open_app=open_app)
    if argv is None:  # the real command line, not a test calling in
        # A scan's run (millions of objects) ends with the process, unfreed.
        return exit_now(code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
