"""The whole value of a cell cut short: `v` on a table's row (or a right-click on the
cell) opens a small dialog with each cut cell in full. Values come from Azure, so they
reach the screen only through `literal` (markup in them stays text); esc closes.

`CellTable` is the DataTable the overview, images and compliance screens use; the
findings table (ResultTable) finds its cut cells itself and opens the same dialog."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tui.keys import bindings
from tui.text import literal

# (column label, whole value)
Cell = tuple[str, str]
# A screen's own whole value for (row, column) where the table shows a shortened form
# (the images screen shortens references itself); None: the cell's text is the value.
WholeValue = Callable[[int, int], str | None]
NOTHING_CUT = "Nothing in this row is cut short."


class CellDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,v,q,enter", "close", "Close", id="cell.close")]
    DEFAULT_CSS = """
    CellDialog .cell-label { text-style: bold; color: $text-primary; }
    CellDialog .cell-value { margin-bottom: 1; }
    """

    def __init__(self, cells: list[Cell]) -> None:
        super().__init__()
        self.cells = cells

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="dialog cell"):
            yield Static("Cut short — in full", classes="dialog-title")
            for label, value in self.cells:
                yield Static(literal(label), classes="cell-label")
                # Untrusted: escaped, never parsed as markup; long values wrap.
                yield Static(literal(value, multiline=True), classes="cell-value")
            yield Static("esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss()


def show_cells(widget: Widget, cells: list[Cell]) -> None:
    """The dialog for `cells`, or a short notice that nothing is cut."""
    if cells:
        widget.app.push_screen(CellDialog(cells))
    else:
        widget.notify(NOTHING_CUT, timeout=2)


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


class CellTable(DataTable[Text]):
    """A DataTable whose cut cells open in full with `v` or a right-click."""

    BINDINGS = bindings("cell")

    def __init__(self, *args: object, whole: WholeValue | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.whole = whole

    def cut_cells(self, row: int, column: int | None = None) -> list[Cell]:
        """The cells of `row` (or just `column`) not shown whole, with their values."""
        if not 0 <= row < self.row_count:
            return []
        out: list[Cell] = []
        columns = self.ordered_columns
        values = self.get_row_at(row)
        for i, (col, cell) in enumerate(zip(columns, values, strict=False)):
            if column is not None and i != column:
                continue
            shown = _plain(cell)
            whole = self.whole(row, i) if self.whole is not None else None
            value = shown if whole is None else whole
            room = col.content_width if col.auto_width else col.width
            if value != shown or cell_len(shown) > room:
                out.append((_plain(col.label).strip() or f"column {i + 1}", value))
        return out

    def action_show_cell(self) -> None:
        show_cells(self, self.cut_cells(self.cursor_row))

    async def _on_click(self, event: events.Click) -> None:
        # A right-click shows that one cell whole; it neither moves nor selects
        # (prevent_default keeps DataTable's own click handler from running).
        if event.button == 3:
            meta = event.style.meta
            row, column = meta.get("row", -1), meta.get("column", -1)
            if row >= 0 and column >= 0:
                event.stop()
                event.prevent_default()
                show_cells(self, self.cut_cells(row, column))
