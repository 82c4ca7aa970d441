"""The `aci-audit` command line: scan a snapshot or the demo estate, list the checks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from aciaudit import __version__
from aciaudit.commands import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    collect,
    diff,
    live_options,
    scan,
)
from aciaudit.commands import err as _err
from aciaudit.crash import guarded
from aciaudit.outputs import parse_formats
from aciaudit.policy_file import PolicyError
from aciaudit.reading import DEFAULT_MAX_INPUT, parse_size, set_max_input_size
from aciaudit.snapshot_io import SnapshotError
from aciaudit.sources.azure.clouds import CLOUDS
from aciaudit.sources.azure.options import AUTH_MODES, LiveOptions
from checks.catalogue import load_catalogue
from checks.model import Severity
from checks.registry import FRAMEWORKS
from checks.sections import SECTIONS

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]

EXIT_CODES = """exit codes:
  0  the scan ran (and, with --fail-on, found nothing at or above the threshold)
  1  --fail-on was given and a FAIL at or above that severity was found, or
     --fail-on-new was given and a new FAIL (not in the baseline) at or above it
  2  bad usage or unreadable input (the message says which)
  3  --fail-on or --fail-on-new was given but the inventory of a subscription in
     scope could not be read: the gate cannot vouch for it (outranks 1)
  4  an internal error (a bug): the message names the file holding the traceback
  130  interrupted (Ctrl-C or SIGTERM); the message says what was written"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aci-audit",
        description=(
            "Read-only security audit of Azure Container Registry and Container Instances. "
            "Without a command it opens the interactive app (on --demo, --snapshot FILE, "
            "--az-export PATH, "
            "live Azure when live options are given, or a connect screen); the commands "
            "below audit, collect and report from the command line."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    app = parser.add_mutually_exclusive_group()
    app.add_argument("--demo", action="store_true", help="open the app on the demo estate")
    app.add_argument("--snapshot", metavar="FILE", type=Path, help="open the app on a snapshot")
    app.add_argument(
        "--az-export",
        action="append",
        metavar="PATH",
        type=Path,
        help="open the app on az CLI output (a file or a folder of *.json; repeatable)",
    )
    _add_policy_option(parser, top=True)
    parser.add_argument(
        "--vulns",
        action="append",
        metavar="FILE_OR_DIR",
        type=Path,
        help="open the app with image vulnerability reports (Trivy, Grype, Defender for "
        "Cloud JSON; a file or a folder, repeatable) joined with the running containers: "
        "ACI-029 / ACR-016 and the running images screen (i)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        help="open the app compared with an earlier JSON report (or snapshot): findings "
        "marked new / unchanged / incomparable, N shows only the new FAILs",
    )
    _add_live_options(parser)
    _add_input_limit(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser(
        "scan",
        help="audit a snapshot or the demo estate and write a report",
        description="Audit a snapshot (or the demo estate) and write a Markdown, JSON, SARIF\n"
        "or CSV report (several at once into a folder), optionally compared with a baseline.",
        epilog=EXIT_CODES + "\n\nexamples:\n  aci-audit scan --demo\n"
        "  aci-audit scan --snapshot estate.json --format json -o report.json\n"
        "  aci-audit scan --snapshot estate.json --fail-on high -o report.md\n"
        "  aci-audit scan --snapshot estate.json --format markdown,json,sarif,csv -o reports/\n"
        "  aci-audit scan --snapshot estate.json --baseline last.json --fail-on-new high\n"
        "  aci-audit scan --az-export exports/ -o report.md   # az container/acr list output\n"
        "  aci-audit scan --subscription 'Contoso Production' -o report.md   # live Azure",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = scan.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="audit the embedded demo estate")
    source.add_argument(
        "--snapshot",
        metavar="FILE",
        type=Path,
        help="a snapshot file, a JSON array of ARM objects, an ARM list or a Resource Graph body "
        "(without --demo, --snapshot or --az-export, scan reads live Azure)",
    )
    source.add_argument(
        "--az-export",
        action="append",
        metavar="PATH",
        type=Path,
        help="JSON printed by `az container list|show` / `az acr list|show`: a file or a "
        "folder of *.json files (repeatable); other kinds are reported as not collected",
    )
    scan.add_argument(
        "--format",
        action="append",
        type=parse_formats,
        metavar="FORMAT[,FORMAT...]",
        help="markdown (default), json, sarif, csv, html, azure-policy or script; several at "
        "once (comma-separated or "
        "repeated) are written into the folder -o names",
    )
    scan.add_argument(
        "-o",
        "--output",
        metavar="FILE|FOLDER",
        type=Path,
        help="write here instead of stdout (- is stdout; see README: file rules); with "
        "several formats, a folder that receives report.md, report.json, report.sarif and "
        "report.csv",
    )
    scan.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        # The top level sets the default: `aci-audit --baseline OLD scan` keeps OLD.
        default=argparse.SUPPRESS,
        help="an earlier JSON report (or snapshot) to compare with: reports gain a section "
        "of new, resolved and incomparable failures",
    )
    _add_fail_on_new(scan)
    scan.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity if s is not Severity.INFO],
        metavar="SEVERITY",
        help="exit 1 when a FAIL at or above this severity exists (critical|high|medium|low); "
        "suppressed FAILs never count; default: never",
    )
    scan.add_argument(
        "--framework",
        action="append",
        choices=list(FRAMEWORKS),
        metavar="ID",
        default=[],
        help="list this compliance framework first in the reports' Compliance section "
        "(repeatable): " + ", ".join(FRAMEWORKS),
    )
    _add_policy_option(scan)
    scan.add_argument(
        "--vulns",
        action="append",
        metavar="FILE_OR_DIR",
        type=Path,
        # The top level sets the default: `aci-audit --vulns DIR scan` keeps DIR.
        default=argparse.SUPPRESS,
        help="image vulnerability reports to map to running containers: Trivy JSON, Grype "
        "JSON, Defender for Cloud findings (ARG rows or REST list); a file or a folder "
        "(repeatable). Unusable files are warned about and skipped",
    )

    _add_live_options(scan)
    _add_input_limit(scan)

    collect = sub.add_parser(
        "collect",
        help="read live Azure (read-only) into a redacted snapshot file",
        description=(
            "Read registries, container groups and the side data the checks need from live "
            "Azure, read-only, into a snapshot file (secrets redacted before anything is "
            "stored). Audit it later, offline, with `aci-audit scan --snapshot FILE`."
        ),
        epilog=EXIT_CODES + "\n\nexamples:\n  aci-audit collect -o estate.json\n"
        "  aci-audit collect --subscription 00000000-1111-2222-3333-444444444444 -o estate.json\n"
        "  aci-audit collect --cloud AzureUSGovernment --auth device-code -o gov.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    collect.add_argument(
        "-o", "--output", metavar="FILE", type=Path, required=True, help="snapshot file to write"
    )
    _add_live_options(collect)

    diff = sub.add_parser(
        "diff",
        help="compare two audits: new, resolved, unchanged and incomparable failures",
        description=(
            "Compare two audits. Each side is a JSON report of this tool or a snapshot "
            "(audited first). Failures are matched by check id and resource id; one whose "
            "resource or data was not assessed, or whose subscription was denied or not "
            "collected, on either side is incomparable, never resolved."
        ),
        epilog=EXIT_CODES + "\n\nexamples:\n  aci-audit diff last-month.json report.json\n"
        "  aci-audit diff old.json new.json --format json -o delta.json --fail-on-new high",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.add_argument("old", metavar="OLD", type=Path, help="the baseline: report or snapshot")
    diff.add_argument("new", metavar="NEW", type=Path, help="the later audit: report or snapshot")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="write here (atomically), not stdout"
    )
    _add_fail_on_new(diff)
    _add_policy_option(diff)
    _add_input_limit(diff)

    checks = sub.add_parser(
        "checks",
        help="list the check catalogue",
        description="List every check: id, severity, checklist section and title. "
        "--format markdown prints the whole catalogue (docs/CHECKLIST.md).",
    )
    checks.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    return parser


def _add_live_options(parser: argparse.ArgumentParser) -> None:
    live = parser.add_argument_group(
        "live Azure",
        "Credentials come from azure-identity: environment service principal, workload "
        "identity, managed identity, Azure CLI, Azure Developer CLI… (DefaultAzureCredential).",
    )
    live.add_argument(
        "--subscription",
        action="append",
        default=[],
        metavar="ID|NAME",
        help="audit this subscription (repeatable); default: every Enabled one",
    )
    live.add_argument("--tenant", metavar="ID", help="the Entra tenant to sign in to")
    live.add_argument(
        "--auth", choices=AUTH_MODES, help="force one credential instead of the default chain"
    )
    live.add_argument("--cloud", choices=tuple(CLOUDS), default="AzureCloud")
    live.add_argument(
        "--arm-endpoint", metavar="URL", help="custom cloud (Azure Stack Hub): ARM endpoint"
    )
    live.add_argument("--authority-host", metavar="URL", help="custom cloud: Entra authority host")
    live.add_argument(
        "--arm-audience", metavar="URL", help="custom cloud: token audience (default: ARM endpoint)"
    )
    live.add_argument(
        "--management-group",
        metavar="ID",
        help="only subscriptions under this management group (nested groups included)",
    )
    live.add_argument(
        "--no-resource-graph",
        action="store_true",
        help="list per subscription instead of through Azure Resource Graph",
    )
    live.add_argument(
        "--concurrency",
        type=_concurrency,
        default=8,
        metavar="N",
        help=f"parallel reads, 1 to {MAX_CONCURRENCY} (8)",
    )
    live.add_argument(
        "--timeout",
        type=_timeout,
        default=60.0,
        metavar="SECONDS",
        help=f"per request, more than 0 and at most {MAX_TIMEOUT:g} (60)",
    )
    live.add_argument(
        "--max-retry-wait",
        type=_timeout,
        default=60.0,
        metavar="SECONDS",
        help="the longest Retry-After honoured; a longer one fails that read (60)",
    )
    live.add_argument(
        "--ca-bundle", metavar="FILE", help="trust this CA bundle (TLS-intercepting proxies)"
    )


def _add_policy_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    parser.add_argument(
        "--policy",
        metavar="FILE",
        type=Path,
        # Only the top level sets the default: a command's own None would overwrite
        # `aci-audit --policy FILE scan`.
        default=None if top else argparse.SUPPRESS,
        help="policy file: approved registries and images, severity overrides, disabled "
        "checks, suppressions, attestations (default: ./aci-audit.toml when present)",
    )


def _add_fail_on_new(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on-new",
        choices=[s.value for s in Severity if s is not Severity.INFO],
        metavar="SEVERITY",
        help="exit 1 when a FAIL not in the baseline is at or above this severity "
        "(critical|high|medium|low); suppressed and incomparable ones never count",
    )


MAX_CONCURRENCY, MAX_TIMEOUT = 64, 3600.0


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_CONCURRENCY}")
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    # `not 0 < value` also refuses nan, which compares false with everything.
    if not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {MAX_TIMEOUT:g}")
    return value


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size (bytes, or with K, M, G: e.g. 500M, 2G)"
        ) from None


def _add_input_limit(parser: argparse.ArgumentParser, top: bool = False) -> None:
    parser.add_argument(
        "--max-input-size",
        type=_size,
        metavar="SIZE",
        default=DEFAULT_MAX_INPUT if top else argparse.SUPPRESS,
        help="refuse any input (snapshot, az output, reports, baseline, policy; a file, "
        "- for stdin, or a FIFO) larger than this; bytes or 500M, 2G… (2G)",
    )


# Opens the interactive app; given by the `aci-audit` entry point (tui.launch), which
# keeps imports pointing one way: tui → aciaudit → checks.
OpenApp = Callable[[argparse.Namespace, LiveOptions | None], int]


def live_options_given(args: argparse.Namespace) -> LiveOptions | None:
    """The live options, when the user gave any (they mean: connect to Azure now)."""
    given = (
        args.subscription,
        args.tenant,
        args.auth,
        args.arm_endpoint,
        args.authority_host,
        args.management_group,
        args.cloud != "AzureCloud",
    )
    return live_options(args) if any(given) else None


def main(argv: Sequence[str] | None = None, open_app: OpenApp | None = None) -> int:
    """The command line; every way it can end is one line and an exit code
    (aciaudit.crash), never a traceback."""
    return guarded(lambda: _main(argv, open_app))


def _main(argv: Sequence[str] | None, open_app: OpenApp | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    set_max_input_size(args.max_input_size)
    if args.command is None and open_app is not None:
        return open_app(args, live_options_given(args))
    try:
        if args.command == "scan":
            return scan(args)
        if args.command == "checks":
            return _checks(args)
        if args.command == "diff":
            return diff(args)
        if args.command == "collect":
            return collect(args)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except (SnapshotError, UsageError, PolicyError) as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE


def _checks(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    if args.format == "markdown":
        # Imported here: only this subcommand renders the catalogue document.
        from aciaudit.reports.catalogue_md import render_catalogue

        sys.stdout.write(render_catalogue(catalogue))
        return EXIT_OK
    if args.format == "json":
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "severity": c.severity.value,
                "sections": list(c.sections),
                "target": c.target.value,
                "also": [t.value for t in c.also],
                "manual": c.is_manual,
                "rationale": c.rationale,
                "remediation": c.remediation,
                "az": c.az,
                "learn_url": c.learn_url,
                "references": list(c.references),
                "frameworks": {
                    m.framework: {"controls": list(m.controls), "source": m.source}
                    for m in c.frameworks
                },
                "policies": [
                    {
                        "id": p.definition_id,
                        "name": p.name,
                        "effects": list(p.effects),
                        "default_effect": p.default_effect,
                        "role": p.role,
                    }
                    for p in c.policies
                ],
            }
            for c in catalogue
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    for c in catalogue:
        sections = ",".join(c.sections)
        sys.stdout.write(f"{c.id}  {c.severity.value:<8}  {sections:<8}  {c.title}\n")
    sys.stdout.write(f"\n{len(catalogue)} checks · sections: {len(SECTIONS)} (S1–S17)\n")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
