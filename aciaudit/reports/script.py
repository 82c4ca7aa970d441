"""`--format script`: a bash remediation plan of the filled `az` commands for every FAIL.

Grouped by resource, most severe first; each command is preceded by the finding and its
evidence as comments. It only prints the commands unless run with `APPLY=1`.

Safety: every value that came from Azure reaches a command only through the check's
template, which quotes each slot (`shlex.quote`), so `x$(touch PWNED)` stays one literal
word; in comments it is made one line (`escape.terminal`), so a newline in a name cannot
end the comment. A command that still holds a placeholder (`--image <image>`, which bash
would read as a redirection) is written commented out with what to fill in, never run.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import defaultdict
from collections.abc import Callable

from aciaudit.escape import terminal
from aciaudit.run import Run
from checks import arm_id
from checks.model import Result, Status

PLACEHOLDER = re.compile(r"<[A-Za-z][A-Za-z0-9:_.-]*>")
EVIDENCE_LIMIT = 200

HEADER = """#!/usr/bin/env bash
# aci-auditor remediation plan: the az commands that fix what the audit found.
#
# Dry run by default: this script only prints the commands. Review each one, fill in
# the commented-out commands by hand, then run it with APPLY=1 to execute them:
#     APPLY=1 bash {file}
# A container group's settings change only by re-creating it: the plan exports its YAML
# and leaves the `az container create --file` step commented out until you have edited it.
set -euo pipefail

run() {{
  printf '+'
  printf ' %q' "$@"
  printf '\\n'
  if [[ "${{APPLY:-0}}" == "1" ]]; then
    "$@"
  fi
}}
"""


def _comment(text: object) -> str:
    """One comment line's text: no newline can end the comment, nothing invisible."""
    return terminal(text)


def placeholders(command: str) -> list[str]:
    return list(dict.fromkeys(PLACEHOLDER.findall(command)))


def _evidence_lines(result: Result) -> list[str]:
    out = []
    for ev in result.evidence:
        observed = ev.observed if isinstance(ev.observed, str) else json.dumps(ev.observed)
        if len(observed) > EVIDENCE_LIMIT:
            observed = observed[:EVIDENCE_LIMIT] + " … (cut)"
        out.append(
            f"#   evidence: {_comment(ev.path)} = {_comment(observed)} "
            f"(expected {_comment(ev.expected)})"
        )
    return out


def render_plan(run: Run, file_name: str = "remediation.sh") -> list[str]:
    per: dict[str, list[Result]] = defaultdict(list)
    for result in run.results:
        if result.status is Status.FAIL:
            per[result.resource_id].append(result)

    def worst(rid: str) -> tuple[int, str]:
        return (min(run.severity(r).rank for r in per[rid]), rid)

    lines = [HEADER.format(file=file_name).rstrip("\n")]
    runnable = manual = 0
    for rid in sorted(per, key=worst):
        parsed = arm_id.parse(rid)
        lines += [
            "",
            f"# ===== {_comment(parsed.name or rid)} =====",
            f"# id: {_comment(rid)}",
        ]
        written: set[str] = set()
        for result in sorted(per[rid], key=lambda r: (run.severity(r).rank, r.check_id)):
            chk = run.check(result)
            sev = run.severity(result).value.upper()
            lines.append(f"# [{sev}] {chk.id} {_comment(chk.title)}")
            lines.append(f"#   finding: {_comment(result.message)}")
            lines += _evidence_lines(result)
            lines.append(f"#   fix: {_comment(chk.remediation)}")
            if run.suppression(result) is not None:
                lines.append("#   suppressed by the policy (accepted risk): no command")
                continue
            commands = chk.az_commands_for(rid)
            if commands is None:
                lines.append("#   no az command for this check")
                continue
            exported = False
            fresh = [c for c in commands if c not in written]
            if not fresh:
                lines.append("#   (its commands are above, for this resource)")
            for command in fresh:
                written.add(command)
                holes = placeholders(command)
                if exported and command.startswith("az container create") and "--file" in command:
                    manual += 1
                    lines.append("#   edit the exported YAML as the fix says, then run by hand:")
                    lines.append("#   " + _comment(command))
                elif holes or "\n" in command:
                    manual += 1
                    lines.append(f"#   fill in {', '.join(holes) or 'the values'} and run by hand:")
                    lines.append("#   " + _comment(command))
                else:
                    runnable += 1
                    lines.append("run " + command)
                exported = exported or command.startswith("az container export")
    lines += [
        "",
        f"# {runnable} commands above run with APPLY=1; {manual} are left for you to finish.",
    ]
    return lines


def write_script(run: Run, write: Callable[[str], object]) -> None:
    write("\n".join(render_plan(run)) + "\n")


def shell_words(command: str) -> list[str]:
    """The words bash would pass for one `run …` line (tests check them against az)."""
    return shlex.split(command)
