"""A virtual table of findings: only the rows on screen are ever rendered.

Textual's DataTable builds every row up front (about 1.8 s for 20,000 rows here);
this widget keeps a list of precomputed rows and paints the visible slice through
the Line API, so 50,000 findings cost the same to show as 50.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from aciaudit.diff import Change
from checks.model import Status
from tui.findings_model import COLUMNS, HEADERS, SUPPRESSED_STATUS, Header, Row
from tui.keys import bindings
from tui.prefs import MAX_WIDTH
from tui.widgets.cell_popout import Cell, show_cells
from tui.widgets.column_widths import FIXED, FLEX, STEP, layout, minimum

_SEV_CLASS = {
    "CRITICAL": "result-table--critical",
    "HIGH": "result-table--high",
    "MEDIUM": "result-table--medium",
    "LOW": "result-table--low",
    "INFO": "result-table--info",
}
_STATUS_CLASS = {
    Status.FAIL: "result-table--fail",
    Status.PASS: "result-table--pass",
    Status.NOT_ASSESSED: "result-table--not-assessed",
    Status.MANUAL: "result-table--manual",
    Status.NOT_APPLICABLE: "result-table--na",
}
# With a baseline: a last column says how each failing row changed since it.
CHANGE_WIDTH = len(Change.INCOMPARABLE.value)
_CHANGE_CLASS = {
    Change.NEW: "result-table--new",
    Change.UNCHANGED: "result-table--unchanged",
    Change.INCOMPARABLE: "result-table--incomparable",
    Change.RESOLVED: "result-table--resolved",
}


class ResultTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-table--header",
        "result-table--cursor",
        "result-table--group",
        "result-table--match",
        "result-table--column",
        *_SEV_CLASS.values(),
        *_STATUS_CLASS.values(),
        *_CHANGE_CLASS.values(),
    }
    DEFAULT_CSS = """
    ResultTable { background: $surface; overflow-x: hidden; }
    ResultTable > .result-table--header { text-style: bold; color: $foreground; background: $panel; }
    ResultTable > .result-table--cursor { background: $block-cursor-blurred-background; }
    ResultTable:focus > .result-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    ResultTable > .result-table--group { text-style: bold; color: $accent; }
    ResultTable > .result-table--column { text-style: bold reverse; }
    ResultTable > .result-table--match { text-style: bold underline; color: $text-accent; }
    ResultTable > .result-table--critical { color: $error; text-style: bold reverse; }
    ResultTable > .result-table--high { color: $error; text-style: bold; }
    ResultTable > .result-table--medium { color: $warning; }
    ResultTable > .result-table--low { color: $text-primary; }
    ResultTable > .result-table--info { color: $text-muted; }
    ResultTable > .result-table--fail { color: $error; text-style: bold; }
    ResultTable > .result-table--pass { color: $success; }
    ResultTable > .result-table--not-assessed { color: $warning; text-style: italic; }
    ResultTable > .result-table--manual { color: $text-secondary; }
    ResultTable > .result-table--na { color: $text-muted; }
    ResultTable > .result-table--new { color: $error; text-style: bold; }
    ResultTable > .result-table--unchanged { color: $text-muted; }
    ResultTable > .result-table--incomparable { color: $warning; text-style: italic; }
    ResultTable > .result-table--resolved { color: $success; }
    """
    BINDINGS = bindings("table")

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, table: ResultTable, item: Row | Header | None) -> None:
            super().__init__()
            self.table = table
            self.item = item

    class HeaderClicked(Message):
        """A column header was clicked: the screen sorts by it (again: reversed)."""

        def __init__(self, table: ResultTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

    class WidthsChanged(Message):
        """The user set or reset a column's width: `widths` is every width they set
        (column → cells), for the screen to remember."""

        def __init__(self, table: ResultTable, widths: dict[str, int]) -> None:
            super().__init__()
            self.table = table
            self.widths = widths

    class Selected(Message):
        def __init__(self, table: ResultTable, item: Row | Header) -> None:
            super().__init__()
            self.table = table
            self.item = item

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: list[Row | Header] = []
        self.empty_text = "nothing matches: ctrl+l clears the filters"
        self._widths: dict[str, int] = {}
        # A baseline is loaded: the BASELINE column (new / unchanged / incomparable).
        self.show_change = False
        # The run has suppressed FAILs: STATUS is wide enough for "FAIL (suppressed)"
        # (a property of the run, so the column does not change width as you filter).
        self.show_suppressed = False
        # The column the rows are sorted by (▲ ascending, ▼ reversed); None: the
        # default order, which no single header stands for.
        self.sorted_by: str | None = None
        self.sort_reverse = False
        # The `/` filter's words: marked wherever they occur in a shown cell.
        self.marks: tuple[str, ...] = ()
        # Group headers (by label) whose rows are folded away (space toggles).
        self.collapsed: set[str] = set()
        # The widths the user set (`<` / `>`), column → cells; the others are automatic.
        self.user_widths: dict[str, int] = {}
        # The column `<` / `>` act on (←/→ or a click pick it); its header is marked
        # once a column key was used, so the table looks as before until then.
        self.column: str | None = None
        self.column_marked = False

    # -- data -----------------------------------------------------------------------

    def set_items(self, items: list[Row | Header], keep: Row | None = None) -> None:
        """Show these items; keep the cursor on `keep` when it is still listed."""
        self.items = items
        self._widths.clear()
        self.virtual_size = Size(0, len(items) + 1)
        target = 0
        if keep is not None:
            for i, item in enumerate(items):
                if item is keep:
                    target = i
                    break
        self.cursor = min(target, max(0, len(items) - 1))
        self.refresh()

    @property
    def current(self) -> Row | Header | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    # -- geometry -------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.size.height - 1)

    def _layout(self, width: int) -> dict[str, int]:
        """Column widths for this width; columns left out are absent (narrow terminals
        drop resource group, then subscription; the detail screen still shows both)."""
        if self._widths.get("_width") == width:
            return self._widths
        sample = [i for i in self.items[:2000] if isinstance(i, Row)]
        fixed = dict(FIXED)
        if self.show_suppressed:
            fixed["status"] = len(SUPPRESSED_STATUS)  # "FAIL (suppressed)" in full
        if self.show_change:
            fixed["baseline"] = CHANGE_WIDTH
        dropped = {"group", "subscription"} if width < 100 else {"group"} if width < 112 else set()
        longest: dict[str, int] = {}
        for col, (low, _high) in FLEX.items():
            if col not in dropped:
                k = COLUMNS.index(col)
                longest[col] = max((len(r.cells[k]) for r in sample), default=low)
        widths = layout(width, fixed, longest, self.user_widths)
        widths["_width"] = width
        self._widths = widths
        return widths

    # -- widths the user sets (`<` `>` `=`) -------------------------------------------

    def use_widths(self, widths: Mapping[str, object]) -> None:
        """Apply remembered widths: known columns with a sane width only (the prefs
        file may come from another version, or be hand-edited)."""
        self.user_widths = {
            col: w
            for col, w in widths.items()
            if col in COLUMNS
            and isinstance(w, int)
            and not isinstance(w, bool)
            and minimum(col) <= w <= MAX_WIDTH
        }
        self._widths.clear()
        self.refresh()

    def _shown_columns(self) -> list[str]:
        widths = self._layout(self.scrollable_content_region.width)
        return [c for c in COLUMNS if c in widths]

    def _current_column(self) -> str:
        """The column `<` / `>` act on: the one picked, or resource (the names that are
        cut most often) until one is; a column a narrow terminal left out is not."""
        shown = self._shown_columns()
        if self.column in shown:
            return self.column
        return "resource" if "resource" in shown else shown[-1]

    def _move_column(self, by: int) -> None:
        shown = self._shown_columns()
        if self.column_marked:
            at = shown.index(self._current_column())
            self.column = shown[max(0, min(len(shown) - 1, at + by))]
        else:
            self.column = self._current_column()  # the first press shows where it is
        self.column_marked = True
        self.refresh()

    def action_column_left(self) -> None:
        self._move_column(-1)

    def action_column_right(self) -> None:
        self._move_column(1)

    def _resize_column(self, step: int) -> None:
        width = self.scrollable_content_region.width
        col = self._current_column()
        self.column, self.column_marked = col, True
        before = self._layout(width)[col]
        # Widen from what was asked when the terminal holds it narrower than that.
        start = before if step < 0 else max(before, self.user_widths.get(col, 0))
        wanted = start + step
        kept = dict(self.user_widths)
        if minimum(col) <= wanted <= MAX_WIDTH:
            self.user_widths[col] = wanted
            self._widths.clear()
            if self._layout(width)[col] != before:
                self.refresh()
                self.post_message(self.WidthsChanged(self, dict(self.user_widths)))
                return
        # At its readable minimum, or the terminal has no more room to give it.
        self.user_widths = kept
        self._widths.clear()
        self.refresh()
        self.app.bell()

    def action_widen_column(self) -> None:
        self._resize_column(STEP)

    def action_narrow_column(self) -> None:
        self._resize_column(-STEP)

    def action_auto_widths(self) -> None:
        """`=`: every column sized automatically again, as the user never set one."""
        self.column_marked = True
        if self.user_widths:
            self.user_widths = {}
            self._widths.clear()
            self.post_message(self.WidthsChanged(self, {}))
        self.refresh()

    # -- rendering ------------------------------------------------------------------

    def _header(self, column: str) -> str:
        if column != self.sorted_by:
            return HEADERS[column]
        return f"{HEADERS[column]} {'▼' if self.sort_reverse else '▲'}"

    def _marked(self, text: str, style: Style) -> list[Segment]:
        """`text` as segments, the filter's words (any case) in the match style."""
        if not self.marks:
            return [Segment(text, style)]
        low = text.lower()
        hits = [False] * len(text)
        for word in self.marks:
            start = low.find(word)
            while start >= 0 and word:
                for i in range(start, min(len(text), start + len(word))):
                    hits[i] = True
                start = low.find(word, start + len(word))
        if not any(hits):
            return [Segment(text, style)]
        mark = style + self._style("result-table--match")
        out: list[Segment] = []
        i = 0
        while i < len(text):
            j = i
            while j < len(text) and hits[j] == hits[i]:
                j += 1
            out.append(Segment(text[i:j], mark if hits[i] else style))
            i = j
        return out

    def column_at(self, x: int) -> str | None:
        """The column under content offset `x` on the header line."""
        widths = self._layout(self.scrollable_content_region.width)
        left = 0
        for c in COLUMNS:
            if c not in widths:
                continue
            if left <= x < left + widths[c] + 1:
                return c
            left += widths[c] + 1
        return None

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._layout(width)
        base = self.rich_style
        if y == 0:
            style = base + self._style("result-table--header")
            marked = self._current_column() if self.column_marked else None
            cells: list[Segment] = []
            for c in COLUMNS:
                if c in widths:
                    text = set_cell_size(self._header(c), widths[c])
                    if c == marked:  # the column `<` / `>` act on
                        cells.append(Segment(text, style + self._style("result-table--column")))
                        cells.append(Segment(" ", style))
                    else:
                        cells.append(Segment(text + " ", style))
            if "baseline" in widths:
                cells.append(Segment(set_cell_size("BASELINE", widths["baseline"]), style))
            return Strip(cells).adjust_cell_length(width, style)
        index = int(self.scroll_offset.y) + y - 1
        if not self.items:
            if y == 1:
                return Strip([Segment(set_cell_size(f" {self.empty_text}", width), base)], width)
            return Strip.blank(width, base)
        if index >= len(self.items):
            return Strip.blank(width, base)
        item = self.items[index]
        row_style = base + self._style("result-table--cursor") if index == self.cursor else base
        if isinstance(item, Header):
            fold = "▸" if item.label in self.collapsed else "▾"
            text = f"{fold} {item.label}  — {item.size} result(s), {item.fails} FAIL"
            style = row_style + self._style("result-table--group")
            return Strip([Segment(set_cell_size(text, width), style)], width)
        segments: list[Segment] = []
        for i, col in enumerate(COLUMNS):
            if col not in widths:
                continue
            if segments:
                segments.append(Segment(" ", row_style))
            cell = item.cells[i]
            if len(cell) > widths[col]:
                cell = cell[: max(0, widths[col] - 1)] + "…"
            style = row_style
            if col == "severity":
                style = row_style + self._style(_SEV_CLASS[cell.strip()])
            elif col == "status":
                style = row_style + self._style(_STATUS_CLASS[item.result.status])
            if index == self.cursor:
                style = style + self._style("result-table--cursor")
            segments.extend(self._marked(set_cell_size(cell, widths[col]), style))
        if "baseline" in widths:
            change = item.change
            style = row_style if change is None else row_style + self._style(_CHANGE_CLASS[change])
            if index == self.cursor:
                style = style + self._style("result-table--cursor")
            text = "" if change is None else change.value
            segments.append(Segment(" ", row_style))
            segments.append(Segment(set_cell_size(text, widths["baseline"]), style))
        return Strip(segments).adjust_cell_length(width, row_style)

    # -- cursor ---------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self._page:
            self.scroll_to(y=self.cursor - self._page + 1, animate=False)

    def _move(self, to: int) -> None:
        if self.items:
            self.cursor = max(0, min(len(self.items) - 1, to))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_top(self) -> None:
        self._move(0)

    def action_cursor_bottom(self) -> None:
        self._move(len(self.items) - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._page)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._page)

    def action_select(self) -> None:
        item = self.current
        if item is not None:
            self.post_message(self.Selected(self, item))

    # -- cells cut short (`v`, right-click) -------------------------------------------

    def cut_cells(self, index: int, column: str | None = None) -> list[Cell]:
        """The cells of row `index` (or only `column`) not shown whole at this width:
        cut with "…", or in a column a narrow terminal leaves out."""
        item = self.items[index] if 0 <= index < len(self.items) else None
        if not isinstance(item, Row):
            return []
        widths = self._layout(self.scrollable_content_region.width)
        out: list[Cell] = []
        for i, col in enumerate(COLUMNS):
            if column is not None and col != column:
                continue
            cell = item.cells[i]
            if cell and (col not in widths or len(cell) > widths[col]):
                out.append((HEADERS[col], cell))
        return out

    def action_show_cell(self) -> None:
        show_cells(self, self.cut_cells(self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if event.button == 3:
            # A right-click: that one cell in full, the cursor left where it is.
            column = self.column_at(offset.x)
            if column is not None and offset.y > 0:
                show_cells(self, self.cut_cells(int(self.scroll_offset.y) + offset.y - 1, column))
            return
        column = self.column_at(offset.x)
        if column is not None:
            self.column = column  # `<` / `>` act on the column last clicked
        if offset.y == 0:
            if column is not None:
                self.post_message(self.HeaderClicked(self, column))
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self.items):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(0, len(self.items) + 1)
        self._widths.clear()
