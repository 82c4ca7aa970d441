"""Compliance: per control of a framework, its verdict, checks and results (the same
roll-up as the reports' Compliance section). `n` moves to the next framework; `enter`
opens the findings of the control's checks; the hint line says where the mapping of
each check comes from."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from aciaudit.reports.compliance import ControlRollup, FrameworkRollup, rollup
from checks.model import Status
from tui.findings_model import Filter
from tui.keys import bindings
from tui.messages import ShowFindings
from tui.screens.base import AuditScreen
from tui.text import literal
from tui.widgets.cell_popout import CellTable
from tui.widgets.footer import AppFooter

VERDICT_STYLE = {
    "FAIL": "bold red",
    "PASS": "green",
    "NOT_ASSESSED": "yellow",
    "MANUAL": "magenta",
    "NO_DATA": "dim",
}
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("CONTROL", 16),
    ("VERDICT", 13),
    ("FAIL", 5),
    ("PASS", 5),
    # Spelled out: elsewhere in the app N/A means NOT_APPLICABLE.
    ("NOT ASSESSED", 12),
    ("MANUAL", 6),
    ("COVER", 6),
)


class ComplianceScreen(AuditScreen):
    CSS_PATH = "compliance.tcss"
    AREAS: ClassVar[tuple[str, ...]] = ("compliance", "cell")
    BINDINGS = bindings("compliance")

    def __init__(self) -> None:
        super().__init__()
        self.frameworks: list[FrameworkRollup] = []
        self.index = 0
        self._built_width = 0  # CHECKS' width when the table was last built

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="compliance-title")
        table = CellTable(id="compliance-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="compliance-hint")
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "compliance"
        self.query_one("#compliance-table", DataTable).focus()
        self._load()

    def policy_changed(self) -> None:
        # The same control stays under the cursor: an attestation does not move it.
        self._load(self.query_one("#compliance-table", DataTable).cursor_row)

    def _load(self, row: int = 0) -> None:
        run = self.session.run
        self.frameworks = rollup(run) if run is not None else []
        self.index = min(self.index, max(0, len(self.frameworks) - 1))
        self._show(row)

    @property
    def framework(self) -> FrameworkRollup | None:
        return self.frameworks[self.index] if self.frameworks else None

    def _checks_width(self) -> int:
        """CHECKS takes what the fixed columns leave of the screen's width."""
        table = self.query_one("#compliance-table", DataTable)
        fixed = sum(w for _, w in _COLUMNS) + 2 * table.cell_padding * (len(_COLUMNS) + 1)
        return max(12, (self.size.width or self.app.size.width) - fixed - 2)

    def _show(self, row: int = 0) -> None:
        """Build the table for the framework shown, the cursor on `row`."""
        table = self.query_one("#compliance-table", DataTable)
        table.clear(columns=True)
        for label, width in _COLUMNS:
            table.add_column(label, width=width)
        self._built_width = self._checks_width()
        table.add_column("CHECKS", width=self._built_width)
        fw = self.framework
        title = self.query_one("#compliance-title", Static)
        if fw is None:
            title.update(Text("compliance   no check maps to a framework", style="dim"))
            return
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(fw.verdicts().items()))
        others = len(self.frameworks)
        title.update(
            Text.assemble(
                ("compliance   ", "bold"),
                (fw.title, "bold"),
                f"  ({fw.key})   {len(fw.controls)} controls: {verdicts}",
                (f"   n: next ({self.index + 1}/{others})", "dim"),
            )
        )
        for i, control in enumerate(fw.controls):
            table.add_row(*self._cells(control), key=str(i))
        row = min(row, len(fw.controls) - 1) if fw.controls else 0
        table.move_cursor(row=row, animate=False)
        self._hint(row)

    @staticmethod
    def _cells(c: ControlRollup) -> list[Text]:
        cover = "—" if c.coverage is None else f"{c.coverage:.0%}"
        return [
            literal(c.control),
            Text(c.verdict, style=VERDICT_STYLE.get(c.verdict, "")),
            *(Text(str(n), style="red" if s is Status.FAIL and n else "") for s, n in c.counts),
            Text(cover),
            literal(", ".join(c.checks)),
        ]

    def _hint(self, row: int) -> None:
        fw = self.framework
        hint = self.query_one("#compliance-hint", Static)
        if fw is None or not 0 <= row < len(fw.controls):
            hint.update("")
            return
        control = fw.controls[row]
        sources = {src for _, src in control.sources}
        text = Text.assemble(
            (f"{control.control}: ", "bold"),
            "source: ",
            literal("; ".join(sorted(sources))),
            ("   enter: its findings", "dim"),
        )
        hint.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._hint(event.cursor_row)

    def on_resize(self) -> None:
        # Only a new width changes the table (CHECKS takes what is left); the first
        # resize, as the screen opens, finds the table already built at its width (it
        # was built twice). The cursor stays on its control.
        if self.frameworks and self._checks_width() != self._built_width:
            self._show(self.query_one("#compliance-table", DataTable).cursor_row)

    # -- actions --------------------------------------------------------------------

    def action_next_framework(self) -> None:
        if self.frameworks:
            self.index = (self.index + 1) % len(self.frameworks)
            self._show()

    def action_open(self) -> None:
        fw, run = self.framework, self.session.run
        if fw is None or run is None:
            return
        row = self.query_one("#compliance-table", DataTable).cursor_row
        if not 0 <= row < len(fw.controls):
            return
        control = fw.controls[row]
        checks = frozenset(control.checks)
        if not any(r.check_id in checks for r in run.results):
            self.notify(f"{control.control}: its checks produced no result", timeout=4)
            return
        scope = f"{fw.key} {control.control}"
        self.post_message(ShowFindings(Filter(check_ids=checks), scope=scope))
