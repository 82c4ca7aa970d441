"""Every result in one virtual table: live `/` filter, quick filters, sort, grouping."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from aciaudit.diff import Change
from checks.model import STATUS_ORDER, Severity, Status
from checks.sections import SECTIONS
from tui import policy_actions
from tui.findings_model import (
    COLUMNS,
    HEADERS,
    RTYPES,
    Filter,
    FindingsView,
    Grouping,
    Row,
    Shared,
)
from tui.findings_model import (
    Header as GroupHeader,
)
from tui.keys import bindings
from tui.messages import ShowFindings
from tui.screens.base import AuditScreen
from tui.screens.detail import DetailScreen
from tui.screens.pick_dialog import ANY, PickDialog
from tui.text import literal
from tui.widgets.filter_input import FilterHost, FilterInput
from tui.widgets.footer import AppFooter
from tui.widgets.result_table import ResultTable

_SEVERITY_CYCLE: tuple[Severity | None, ...] = (
    None,
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
)
_STATUS_CYCLE: tuple[frozenset[Status], ...] = (
    frozenset(),
    *(frozenset({s}) for s in STATUS_ORDER),
)
_SORT_CYCLE: tuple[str | None, ...] = (None, *COLUMNS)
# A `/` keystroke that has more rows than this to look at is filtered behind the screen;
# meanwhile the first HEAD_ROWS matches among the first HEAD_BUDGET rows are shown.
FILTER_INLINE = 60_000
HEAD_ROWS = 100
HEAD_BUDGET = 20_000
_GROUP_CYCLE = (Grouping.NONE, Grouping.CHECK, Grouping.RESOURCE)


def _next(cycle: tuple[Any, ...], current: object) -> Any:
    try:
        return cycle[(cycle.index(current) + 1) % len(cycle)]
    except ValueError:
        return cycle[0]


class FindingsScreen(AuditScreen, FilterHost):
    CSS_PATH = "findings.tcss"
    AREAS: ClassVar[tuple[str, ...]] = ("findings", "table")
    BINDINGS = bindings("findings")

    def __init__(
        self, rows: list[Row], filter: Filter, scope: str = "", shared: Shared | None = None
    ) -> None:
        """`shared`: the run's sorted orders and search parts of `rows` (RunViews)."""
        super().__init__()
        self.view = FindingsView(rows, filter, shared=shared)
        self.scope = scope
        # What the screen was opened with (a drill-down's filter): esc first comes
        # back to it, then leaves.
        self._opened = filter
        # The footer offers `u` (the row under the cursor is suppressed), else `m`.
        self._offers_unsuppress = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="findings-title")
        yield FilterInput(placeholder="filter: text in any column, message or id", id="filter")
        yield ResultTable(id="results")
        yield Static("", id="findings-preview")
        yield AppFooter()

    def on_mount(self) -> None:
        # The order and grouping the user left the findings in last time.
        prefs = self.prefs
        if prefs.sort is None or prefs.sort in COLUMNS:
            self.view.sort, self.view.reverse = prefs.sort, prefs.reverse
        if prefs.grouping in {g.value for g in Grouping}:
            grouping = Grouping(prefs.grouping)
            # A screen opened on one group's header is that one group: grouping it the
            # same way again would show one header whose enter opens this screen again.
            pinned = (grouping is Grouping.CHECK and self._opened.check_id) or (
                grouping is Grouping.RESOURCE and self._opened.resource_id
            )
            if not pinned:
                self.view.grouping = grouping
        self.query_one("#filter", Input).display = False
        table = self.query_one(ResultTable)
        table.show_change = self._has_baseline()
        table.show_suppressed = self._has_suppressions()
        table.use_widths(prefs.table_widths("findings"))  # as the user left them
        self._show()
        self.query_one(ResultTable).focus()

    # -- view -----------------------------------------------------------------------

    def _show(self, keep: Row | None = None) -> None:
        v = self.view
        self.remember(sort=v.sort, reverse=v.reverse, grouping=v.grouping.value)
        self.view.refresh()
        table = self.query_one(ResultTable)
        table.sorted_by, table.sort_reverse = self.view.sort, self.view.reverse
        table.marks = tuple(self.view.filter.text.lower().split())
        table.set_items(self._folded(table.collapsed), keep=keep)
        self._title()

    def _title(self, searching: bool = False) -> None:
        v = self.view
        title = Text(v.title(self.scope), style="bold")
        sort = (
            "FAIL first, most severe first" if v.sort is None else f"by {HEADERS[v.sort].lower()}"
        )
        title.append(f"   sort: {sort}{' (reversed)' if v.reverse else ''}", style="dim")
        if v.grouping is not Grouping.NONE:
            title.append(f"   grouped by {v.grouping.value}", style="dim")
        if searching:
            title.append("   filtering…", style="dim")
        self.query_one("#findings-title", Static).update(title)
        self.sub_title = v.title(self.scope)

    def _current_row(self) -> Row | None:
        item = self.query_one(ResultTable).current
        return item if isinstance(item, Row) else None

    def _change(self, **changes: object) -> None:
        keep = self._current_row()
        self.view.filter = self.view.filter.with_(**changes)
        self._show(keep)

    def on_result_table_highlighted(self, event: ResultTable.Highlighted) -> None:
        item = event.item
        # `m` / `u` follow the row; the footer is composed again only when they change
        # (composing it costs more than the rest of a filter or sort keystroke).
        suppressed = isinstance(item, Row) and item.suppressed
        if suppressed != self._offers_unsuppress:
            self._offers_unsuppress = suppressed
            self.refresh_bindings()
        preview = self.query_one("#findings-preview", Static)
        if isinstance(item, Row):
            line = literal(item.result.message)
            line.append("   enter: details", style="dim")
            preview.update(line)
        elif isinstance(item, GroupHeader):
            preview.update(Text("enter: only this group", style="dim"))
        else:
            preview.update("")

    def _folded(self, collapsed: set[str]) -> list[Row | GroupHeader]:
        """The view's items without the rows of collapsed groups."""
        if not collapsed or self.view.grouping is Grouping.NONE:
            return self.view.items
        out: list[Row | GroupHeader] = []
        hiding = False
        for item in self.view.items:
            if isinstance(item, GroupHeader):
                hiding = item.label in collapsed
                out.append(item)
            elif not hiding:
                out.append(item)
        return out

    def action_toggle_group(self) -> None:
        """space on a group header: fold its rows away or show them again."""
        table = self.query_one(ResultTable)
        item = table.current
        if not isinstance(item, GroupHeader):
            return
        table.collapsed ^= {item.label}
        table.set_items(self._folded(table.collapsed), keep=None)
        table.cursor = table.items.index(item)

    def on_result_table_widths_changed(self, event: ResultTable.WidthsChanged) -> None:
        self.remember(widths=self.prefs.with_table_widths("findings", event.widths).widths)

    def on_screen_resume(self) -> None:
        # Back from a drill-down where the user set a width: this table shows it too.
        # (AuditScreen's own handler runs as well: Textual calls each class's.)
        self.query_one(ResultTable).use_widths(self.prefs.table_widths("findings"))

    def on_result_table_selected(self, event: ResultTable.Selected) -> None:
        item = event.item
        if isinstance(item, GroupHeader):
            row = next(
                (
                    i
                    for i in self.view.items[self.view.items.index(item) + 1 :]
                    if isinstance(i, Row)
                ),
                None,
            )
            if row is not None:
                if self.view.grouping is Grouping.CHECK:
                    self.post_message(
                        ShowFindings(
                            self.view.filter.with_(check_id=row.result.check_id), self.scope
                        )
                    )
                else:
                    self.post_message(
                        ShowFindings(
                            self.view.filter.with_(resource_id=row.result.resource_id),
                            row.cells[3],
                        )
                    )
            return
        if not self.view.complete:
            # The detail's n/p would walk only the first matches shown.
            self.notify("Still filtering: open it once the count is shown.", timeout=3)
            return
        rows = [i for i in self.view.items if isinstance(i, Row)]
        self.app.push_screen(DetailScreen(rows, rows.index(item)))

    # -- filter input ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter" and event.value != self.view.filter.text:
            self._filter_text(event.value)

    def _filter_text(self, text: str) -> None:
        """The `/` text: set at once when that is quick (a backspace, a word typed on
        over few rows); a scan of many rows runs behind the screen instead, so the box
        takes every key at once, and only the newest keystroke's result is shown."""
        if self.view.scan_size(text) <= FILTER_INLINE:
            self.workers.cancel_group(self, "filter")
            self._change(text=text)
        else:
            # The first screenful now (found among the first rows: a new word's first
            # letters match most of them), every match once the search behind is done.
            # Not in groups: their headers would count only the first matches.
            if self.view.grouping is Grouping.NONE and self.view.show_head(
                text, HEAD_ROWS, HEAD_BUDGET
            ):
                table = self.query_one(ResultTable)
                table.marks = tuple(text.lower().split())
                table.set_items(self._folded(table.collapsed), keep=None)
            self._title(searching=True)
            self._search_behind(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="filter", name="filter")
    def _search_behind(self, text: str) -> None:
        worker = get_current_worker()
        view = self.view
        found = view.search(text.lower(), stop=lambda: worker.is_cancelled)
        if found is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._searched, view, text, found)

    def _searched(self, view: FindingsView, text: str, found: tuple[list[Row], list[Row]]) -> None:
        if view is not self.view or self.query_one("#filter", Input).value != text:
            return  # a newer keystroke, a cleared box or a new run is in charge
        if view.learn(text.lower(), found):
            self._change(text=text)  # now a look-up
        else:
            self._filter_text(text)  # the rows under the filter changed meanwhile

    def filtered_table(self) -> ResultTable:
        return self.query_one(ResultTable)

    # -- quick filters --------------------------------------------------------------

    def action_cycle_severity(self) -> None:
        self._change(min_severity=_next(_SEVERITY_CYCLE, self.view.filter.min_severity))

    def action_cycle_status(self) -> None:
        self._change(statuses=_next(_STATUS_CYCLE, self.view.filter.statuses))

    def action_toggle_new(self) -> None:
        """`N`: only the FAILs that are new since the baseline, or everything again."""
        new = None if self.view.filter.change is Change.NEW else Change.NEW
        self._change(change=new)

    def _has_suppressions(self) -> bool:
        run = self.session.run
        return run is not None and run.suppressed_count > 0

    def _has_baseline(self) -> bool:
        run = self.session.run
        return run is not None and run.delta is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a baseline there is nothing to be new since: the key is hidden.
        if action == "toggle_new":
            return self._has_baseline()
        # `m` or `u`, whichever applies to the row under the cursor.
        row = self._current_row() if self.is_mounted else None
        if action == "suppress":
            return row is None or not row.suppressed
        if action == "unsuppress":
            return row is not None and row.suppressed
        return True

    def action_cycle_section(self) -> None:
        """`x`: a picker of the checklist sections (S1 … S17 with their titles)."""
        choices = [(key, f"{key}  {title}") for key, title in SECTIONS.items()]
        self._pick("Section", choices, self.view.filter.section, "section")

    def action_cycle_type(self) -> None:
        """`w`: a picker of the resource types."""
        self._pick("Resource type", [(t, t) for t in RTYPES], self.view.filter.rtype, "rtype")

    def _pick(
        self, title: str, choices: list[tuple[str, str]], current: str | None, field: str
    ) -> None:
        def done(value: str | None) -> None:
            if value is not None:
                self._change(**{field: None if value == ANY else value})

        self.app.push_screen(PickDialog(title, choices, current), done)

    def action_clear_filters(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one("#filter", Input).display = False
        keep = self._current_row()
        self.view.filter = Filter()
        self.scope = ""
        self._show(keep)

    def before_back(self) -> bool:
        """esc with a filter set here: clear it (back to what the screen opened with)."""
        box = self.query_one("#filter", Input)
        if self.view.filter == self._opened and not box.value:
            return False
        box.value = ""
        box.display = False
        self.view.filter = self._opened
        self._show(self._current_row())
        self.notify("Filter cleared: esc again goes back.", timeout=2)
        return True

    # A new order or grouping opens at the top: the first row is what it is about.
    def action_cycle_sort(self) -> None:
        self.view.sort, self.view.reverse = _next(_SORT_CYCLE, self.view.sort), False
        self._show()

    def on_result_table_header_clicked(self, event: ResultTable.HeaderClicked) -> None:
        """A click on a header sorts by it; on the sorted one, reverses (as `O`)."""
        if self.view.sort == event.column:
            self.view.reverse = not self.view.reverse
        else:
            self.view.sort, self.view.reverse = event.column, False
        self._show()

    def action_reverse_sort(self) -> None:
        self.view.reverse = not self.view.reverse
        self._show()

    def action_cycle_group(self) -> None:
        self.view.grouping = _next(_GROUP_CYCLE, self.view.grouping)
        self._show()

    # -- copy (OSC 52, as `c` copies the az command) ---------------------------------

    def action_copy_row(self) -> None:
        row = self._current_row()
        if row is not None:
            self.app.copy_to_clipboard("\t".join((*row.cells, row.result.resource_id)))
            self.notify("Row copied to the clipboard (OSC 52).", title="Copied", timeout=2)

    def action_copy_id(self) -> None:
        row = self._current_row()
        if row is not None:
            self.app.copy_to_clipboard(row.result.resource_id)
            self.notify("Resource id copied to the clipboard (OSC 52).", title="Copied", timeout=2)

    # -- policy: suppress and lift (written to the policy file) ----------------------

    def action_suppress(self) -> None:
        policy_actions.suppress(self, self._current_row())

    def action_unsuppress(self) -> None:
        policy_actions.unsuppress(self, self._current_row())

    def policy_changed(self) -> None:
        """The policy file changed: the same view over the rebuilt rows, cursor kept."""
        views = self.session.views
        assert views is not None
        if not self.query(ResultTable):
            return  # being torn down (the app ending as the save lands): nothing shown
        rows = views.rows
        self.query_one(ResultTable).show_suppressed = self._has_suppressions()
        old, keep = self.view, self._current_row()
        self.view = FindingsView(
            rows, old.filter, old.sort, old.reverse, old.grouping, shared=views.findings
        )
        self._show(policy_actions.same_row(rows, keep))
        # A search still out for the old view is dropped when it ends: ask again for
        # what the box says now, on the new rows.
        box = self.query_one(FilterInput)
        if box.value != self.view.filter.text:
            self._filter_text(box.value)
