"""The CVEs behind an ACI-029 / ACR-016 finding: every open vulnerability of the matched
reports (not only the worst few the evidence names), sortable by severity or by whether a
fix exists. Severity is written out as well as coloured (theme colours only)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from checks.vulns import VulnSeverity
from tui.images_model import CveRow
from tui.text import literal
from tui.theme import severity_colour

# Rows put in the table; the title says "N of M" beyond it.
MAX_ROWS = 500
SORTS = ("severity", "fix")


def sort_rows(rows: list[CveRow], by: str) -> list[CveRow]:
    """`severity`: worst first, fixable first within a severity; `fix`: every finding
    with a fixed version first (worst first among them), then the unfixed ones."""
    if by == "fix":
        return sorted(rows, key=lambda r: (not r.vuln.fixed, r.vuln.severity.rank, r.vuln.id))
    return sorted(rows, key=lambda r: (r.vuln.severity.rank, not r.vuln.fixed, r.vuln.id))


class CveTable(Vertical):
    DEFAULT_CSS = """
    CveTable { height: auto; margin-top: 1; }
    CveTable > #cve-title { height: auto; }
    CveTable > DataTable { height: auto; max-height: 16; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[CveRow] = []
        self.sort = SORTS[0]

    def compose(self) -> ComposeResult:
        yield Static(id="cve-title")
        table: DataTable[Text] = DataTable(id="cve-rows", cursor_type="row", zebra_stripes=True)
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (
            ("CVE", 18),
            ("SEVERITY", 8),
            ("PACKAGE", 20),
            ("INSTALLED", 16),
            ("FIXED", 16),
            ("IMAGE", 26),
        ):
            table.add_column(label, width=width)
        self._render_rows()

    def show(self, rows: list[CveRow]) -> None:
        """The CVEs of one finding; none hides the table."""
        self.rows = rows
        self.display = bool(rows)
        if self.is_mounted:
            self._render_rows()

    def toggle_sort(self) -> str:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._render_rows()
        return self.sort

    @property
    def ordered(self) -> list[CveRow]:
        return sort_rows(self.rows, self.sort)

    def _style(self, severity: VulnSeverity) -> str:
        colour = severity_colour(self.app.current_theme, severity)
        weight = "bold" if severity.rank <= VulnSeverity.HIGH.rank else ""
        return f"{colour} {weight}".strip() or "dim"

    def _render_rows(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        ordered = self.ordered
        for i, row in enumerate(ordered[:MAX_ROWS]):
            v = row.vuln
            table.add_row(
                literal(v.id, overflow="ellipsis"),
                Text(v.severity.value.upper(), style=self._style(v.severity)),
                literal(v.package, overflow="ellipsis"),
                literal(v.installed, overflow="ellipsis"),
                literal(v.fixed, overflow="ellipsis") if v.fixed else Text("no fix", style="dim"),
                literal(row.image, overflow="ellipsis", style="dim"),
                key=str(i),
            )
        fixable = sum(1 for r in self.rows if r.vuln.fixed)
        title = Text(f"Vulnerabilities ({len(self.rows)}, {fixable} with a fix)", style="bold")
        title.stylize("underline")
        how = "severity" if self.sort == "severity" else "fix available first"
        title.append(f"   sorted by {how}   o: sort by ", style="dim")
        title.append("fix" if self.sort == "severity" else "severity", style="dim")
        if len(ordered) > MAX_ROWS:
            title.append(f"   showing {MAX_ROWS} of {len(ordered)}", style="dim")
        self.query_one("#cve-title", Static).update(title)
