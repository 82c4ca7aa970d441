"""The estate in one screen: score, counts, sections S1–S17, worst checks and resources,
and what could not be assessed. `enter` on any row opens the findings behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import DataTable, Header, Label, Static

from aciaudit.diff import Change, Diff
from checks.model import Severity, Status
from tui import policy_actions
from tui.findings_model import STATUS_SHORT
from tui.keys import bindings
from tui.messages import ShowCompliance, ShowFindings, ShowImages, ShowResources
from tui.overview_model import COUNTED, Line, Overview
from tui.screens.base import AuditScreen
from tui.text import literal
from tui.theme import severity_colour
from tui.widgets.cell_popout import CellTable
from tui.widgets.footer import AppFooter

# Theme colours (never hard-coded): Rich tables cannot read CSS variables.


@dataclass(frozen=True)
class _TableSpec:
    columns: tuple[str | tuple[str, int], ...]
    lines: list[Line]
    severity_col: int | None
    empty: str
    flex: int  # the column that takes the width left over


class FitTable(CellTable):
    """An overview table that fits its columns to its own width whenever that changes
    (the screen's resize comes before the grid has laid the tables out again)."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, OverviewScreen):
            self.call_after_refresh(screen.fit, self)


def baseline_line(delta: Diff) -> Text:
    """`since baseline: 3 new, 1 resolved, 2 incomparable` (incomparable is never
    counted as resolved), then what stayed and which file it was."""
    counts = delta.counts()
    out = Text("since baseline: ", style="bold")
    out.append(
        f"{counts[Change.NEW]} new, {counts[Change.RESOLVED]} resolved, "
        f"{counts[Change.INCOMPARABLE]} incomparable"
    )
    out.append(f" · {counts[Change.UNCHANGED]} unchanged — ", style="dim")
    out.append(literal(delta.old_label, "dim"))
    out.append("; N in findings: new only", style="dim")
    return out


class OverviewScreen(AuditScreen):
    CSS_PATH = "overview.tcss"
    AREAS: ClassVar[tuple[str, ...]] = ("overview", "cell")
    CRUMB: ClassVar[str] = "overview"
    BINDINGS = bindings("overview")
    # Below 110 columns the four tables stack in one scrolling column.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self._specs: dict[str, _TableSpec] = {}

    def compose(self) -> ComposeResult:
        views = self.session.views
        assert views is not None
        data = views.overview
        yield Header()
        if views.run.snapshot.is_demo:
            yield Static(
                "DEMO DATA — a fictional estate (Fabrikam Logistics), not a real Azure tenant.",
                id="demo-banner",
            )
        yield Static(self._summary(data), id="summary")
        with Grid(id="overview-grid"):
            yield self._table(
                "sections",
                "Checklist sections",
                ("Section", ("Title", 24), "FAIL", "PASS", "NOT ASSESSED", "MANUAL"),
                data.sections,
            )
            with Vertical(id="overview-right"):
                yield self._table(
                    "checks",
                    "Top failing checks (most severe first)",
                    ("Check", "Severity", ("Title", 18), "FAIL"),
                    data.top_checks,
                    severity_col=1,
                    flex=2,
                )
                yield self._table(
                    "resources",
                    "Resources with the most findings",
                    (("Resource", 18), "Type", "Worst", "FAIL"),
                    data.top_resources,
                    severity_col=2,
                    flex=0,
                )
            yield self._table(
                "gaps",
                f"Not assessed: {data.by_status[Status.NOT_ASSESSED]} result(s) — what could not be read",
                (("Kind", 34), ("Where", 22), "Status", ("Reason", 44)),
                data.gaps,
                empty="everything the checks need was read",
                flex=3,
            )
        yield AppFooter()

    def _summary(self, data: Overview) -> Text:
        out = Text()
        out.append("Score ", style="bold")
        out.append(f"{data.score}/100", style="bold reverse")
        out.append(f"   {sum(data.by_status.values()) + data.suppressed} results: ")
        for i, status in enumerate((*COUNTED, Status.NOT_APPLICABLE)):
            if i:
                out.append(" · ")
            out.append(f"{STATUS_SHORT.get(status, status.value)} {data.by_status[status]}")
            if status is Status.FAIL and data.suppressed:
                out.append(f" (+{data.suppressed} suppressed)", style="dim")
        out.append("\nFAIL by severity: ")
        for i, sev in enumerate(Severity):
            if i:
                out.append(" · ")
            out.append(
                f"{sev.value.upper()} {data.fails_by_severity[sev]}", style=self._sev_style(sev)
            )
        if data.suppressed:
            out.append(f"   (+{data.suppressed} suppressed)", style="dim")
        out.append(
            f"\n{data.subscriptions} subscription(s), {data.resources} resource(s) read from "
        )
        source = self.session.source
        out.append(literal(source.label if source else "?"))
        run = self.session.run
        if run is not None and run.delta is not None:
            out.append("\n")
            out.append(baseline_line(run.delta))
        return out

    def _sev_style(self, severity: Severity) -> str:
        colour = severity_colour(self.app.current_theme, severity)
        weight = "bold" if severity.rank <= 1 else "dim" if severity is Severity.INFO else ""
        return f"{colour or ''} {weight}".strip()

    def _table(
        self,
        key: str,
        title: str,
        columns: tuple[str | tuple[str, int], ...],
        lines: list[Line],
        severity_col: int | None = None,
        empty: str = "nothing here",
        flex: int = 1,
    ) -> Vertical:
        table = FitTable(id=f"table-{key}", cursor_type="row", zebra_stripes=True)
        spec = _TableSpec(columns, lines, severity_col, empty, flex)
        self._specs[f"table-{key}"] = spec
        self._populate(table, spec, {})
        return Vertical(
            Label(title, classes="table-title"), table, classes="overview-box", id=f"box-{key}"
        )

    def _populate(self, table: DataTable[Text], spec: _TableSpec, widths: dict[int, int]) -> None:
        for i, column in enumerate(spec.columns):
            label, width = column if isinstance(column, tuple) else (column, None)
            table.add_column(label, width=widths.get(i, width))
        for i, line in enumerate(spec.lines):
            cells = [literal(c, overflow="ellipsis") for c in line.cells]
            if spec.severity_col is not None:
                sev = Severity(line.cells[spec.severity_col].lower())
                cells[spec.severity_col].stylize(self._sev_style(sev))
            table.add_row(*cells, key=str(i))
        if not spec.lines:
            table.add_row(*(Text(spec.empty if i == 0 else "") for i in range(len(spec.columns))))

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        for table_id in self._specs:
            self.fit(self.query_one(f"#{table_id}", FitTable))

    def fit(self, table: DataTable[Text]) -> None:
        """Give each table's flexible column what its box leaves over, so no table needs
        a horizontal scrollbar at any width; when the box is too narrow for the named
        widths, those shrink too. Widths come from the spec every time, so a resize
        round trip (120 → 80 → 120) ends where it began."""
        spec = self._specs.get(table.id or "")
        columns = list(table.columns.values())
        if spec is None or table.size.width == 0 or len(columns) != len(spec.columns):
            return
        pad = 2 * table.cell_padding
        named = {
            i: c[1] for i, c in enumerate(spec.columns) if isinstance(c, tuple) and i != spec.flex
        }
        # From the data, not the table: right after a refill its widths are stale.
        auto = sum(
            pad + max([cell_len(str(c)), *(cell_len(line.cells[i]) for line in spec.lines)])
            for i, c in enumerate(spec.columns)
            if i != spec.flex and i not in named
        )
        # Two cells for the vertical scrollbar, which comes and goes with the height.
        room = table.size.width - 2 - auto - pad * (len(named) + 1)
        widths = dict(named)
        while room - sum(widths.values()) < 8 and any(w > 6 for w in widths.values()):
            widest = max(widths, key=lambda i: widths[i])
            widths[widest] -= 1
        widths[spec.flex] = max(6, room - sum(widths.values()))
        if all(columns[i].width == w for i, w in widths.items()):
            return
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        self._populate(table, spec, widths)
        table.move_cursor(row=cursor.row, animate=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        spec = self._specs.get(event.data_table.id or "")
        lines = spec.lines if spec else []
        try:
            line = lines[int(str(event.row_key.value))]
        except (ValueError, IndexError):
            return
        self.post_message(ShowFindings(line.filter, line.scope))

    def action_findings(self) -> None:
        self.post_message(ShowFindings())

    def action_resources(self) -> None:
        self.post_message(ShowResources())

    def action_images(self) -> None:
        self.post_message(ShowImages())

    def action_compliance(self) -> None:
        self.post_message(ShowCompliance())

    def action_attest(self) -> None:
        policy_actions.attest(self)

    def policy_changed(self) -> None:
        """The policy file changed: counts and tables again, from the new overview."""
        self.refresh(recompose=True)

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            focused.action_select_cursor()
