"""The Markdown report's Compliance section: per framework, per control, its checks and
the roll-up of their results (aciaudit.reports.compliance)."""

from __future__ import annotations

from aciaudit.escape import md_cell
from aciaudit.reports.compliance import rollup
from aciaudit.reports.md_blocks import Out, table
from aciaudit.run import Run
from checks.model import Status

INTRO = (
    "Per control of each framework: the checks mapped to it and their results. A control "
    "is PASS only when every result of its checks passed; one FAIL makes it FAIL, one "
    "NOT_ASSESSED (and no FAIL) makes it NOT_ASSESSED, and NO_DATA means its checks had "
    "nothing to judge. Coverage is the share of its results that could be judged. Where "
    "each mapping comes from is in docs/CHECKLIST.md and the JSON report's `checks`."
)


def write_compliance(run: Run, out: Out) -> None:
    frameworks = rollup(run)
    if not frameworks:
        return
    out.append("## Compliance")
    out.append("")
    out.append(INTRO)
    out.append("")
    for fw in frameworks:
        verdicts = fw.verdicts()
        out.append(f"### {md_cell(fw.title)} (`{fw.key}`)")
        out.append("")
        out.append(
            f"{len(fw.controls)} controls: "
            + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
            + "."
        )
        rows = [
            [
                md_cell(c.control),
                f"**{c.verdict}**" if c.verdict == Status.FAIL.value else c.verdict,
                md_cell(", ".join(c.checks)),
                *(str(n) for _, n in c.counts),
                "—" if c.coverage is None else f"{c.coverage:.0%}",
            ]
            for c in fw.controls
        ]
        header = ["Control", "Verdict", "Checks", "FAIL", "PASS", "NOT_ASSESSED", "MANUAL"]
        table(out, [*header, "Coverage"], rows)
