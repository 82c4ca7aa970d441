"""Running images: every image in use, the container groups that run it, how a scan
report was matched, open vulnerabilities by severity and the worst CVE. `/` filters
over image, group names and CVE ids (`/CVE-2023-1234`: which containers are exposed?);
`enter` opens the findings of the groups that run the image under the cursor."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker, WorkerState

from checks.vulns import VulnSeverity
from tui.findings_model import Filter
from tui.images_model import COUNTED, NO_SCAN, ImageRow, ImagesModel
from tui.keys import bindings
from tui.messages import ShowFindings
from tui.screens.base import AuditScreen
from tui.session import RunViews
from tui.text import literal, safe, short_reference
from tui.theme import severity_colour
from tui.widgets.cell_popout import CellTable
from tui.widgets.filter_input import FilterHost, FilterInput
from tui.widgets.footer import AppFooter

# Rows put in the table at once; the title says "N of M" beyond it (`/` narrows).
MAX_ROWS = 500
# Fixed widths; the image takes what is left (at least _MIN_IMAGE), full in the hint line.
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("GROUPS", 16),
    ("SCAN", 12),
    ("CRIT", 4),
    ("HIGH", 4),
    ("MED", 4),
    ("LOW", 4),
    ("OTHER", 5),
    ("WORST CVE", 19),  # the id, coloured by its severity (which the counts also give)
)
_MIN_IMAGE = 20
# Below this width OTHER and WORST CVE are left out (the hint line names the worst CVE).
_NARROW = 110


class ImagesScreen(AuditScreen, FilterHost):
    FILTER_ID = "images-filter"
    CSS_PATH = "images.tcss"
    AREAS: ClassVar[tuple[str, ...]] = ("images", "cell")
    BINDINGS = bindings("images")

    def __init__(self) -> None:
        super().__init__()
        self._image_width = _MIN_IMAGE
        self.model: ImagesModel | None = None
        self.shown: list[ImageRow] = []
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("images   reading running images…", style="dim"), id="images-title")
        yield FilterInput(
            placeholder="filter: image, container group or CVE id", id="images-filter"
        )
        table = CellTable(
            id="images-table", cursor_type="row", zebra_stripes=True, whole=self._whole
        )
        yield table
        yield Static("", id="images-hint")
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "running images"
        self.query_one("#images-filter", Input).display = False
        table = self.query_one("#images-table", DataTable)
        table.focus()
        views = self.session.views
        assert views is not None
        model = views.built_images
        if model is not None:
            self._loaded(model)
        else:
            self._build(views)

    @work(thread=True, exclusive=True, exit_on_error=False, group="images")
    def _build(self, views: RunViews) -> ImagesModel:
        # Matching every container of a large estate: off the event loop, once per run.
        return views.images()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "images" and event.state is WorkerState.SUCCESS:
            model = event.worker.result
            assert isinstance(model, ImagesModel)
            self._loaded(model)

    def _loaded(self, model: ImagesModel) -> None:
        self.model = model
        self._show()

    # -- view -----------------------------------------------------------------------

    def _show(self, keep_cursor: bool = False) -> None:
        model = self.model
        if model is None:
            return
        self.shown = model.filtered(self.text)
        table = self.query_one("#images-table", DataTable)
        cursor = table.cursor_row if keep_cursor else 0  # a resize keeps the row
        table.clear(columns=True)
        columns = _COLUMNS[:-2] if self.size.width < _NARROW else _COLUMNS
        fixed = sum(w for _, w in columns) + 2 * table.cell_padding * (len(columns) + 1)
        self._image_width = max(_MIN_IMAGE, self.size.width - fixed - 2)
        table.add_column("IMAGE", width=self._image_width)
        for label, width in columns:
            table.add_column(label, width=width)
        for i, row in enumerate(self.shown[:MAX_ROWS]):
            table.add_row(*self._cells(row)[: len(columns) + 1], key=str(i))
        table.move_cursor(row=min(cursor, max(0, len(self.shown) - 1)), animate=False)
        if not self.shown:
            empty = "nothing matches: esc in the filter clears it" if self.text else "no images"
            table.add_row(Text(empty, style="dim"), *(Text("") for _ in columns))
        self._title()
        self._hint()

    def _style(self, severity: VulnSeverity, count: int) -> str:
        if not count:
            return "dim"
        colour = severity_colour(self.app.current_theme, severity)
        weight = "bold" if severity.rank <= VulnSeverity.HIGH.rank else ""
        return f"{colour} {weight}".strip()

    def _cells(self, row: ImageRow) -> list[Text]:
        groups = literal(f"{len(row.group_ids)}: ", style="bold")
        groups.append(literal(row.groups_text()))
        groups.overflow, groups.no_wrap = "ellipsis", True
        scan_style = "dim" if row.scan == NO_SCAN else ""
        if row.scan == "by tag":
            scan_style = getattr(self.app.current_theme, "warning", None) or ""
        cells = [
            # Registry hosts repeat; the repository and tag tell images apart.
            literal(short_reference(safe(row.image), self._image_width), overflow="ellipsis"),
            groups,
            Text(row.scan, style=scan_style),
        ]
        if row.scan == NO_SCAN:
            # Nothing was scanned: a count of 0 would read as clean.
            cells.extend(Text("—", style="dim") for _ in row.counts)
        else:
            for severity, count in zip(COUNTED, row.counts, strict=False):
                cells.append(Text(str(count), style=self._style(severity, count)))
            cells.append(Text(str(row.counts[-1]), style="dim" if not row.counts[-1] else ""))
        worst = literal(row.worst.canonical_id if row.worst else "", overflow="ellipsis")
        if row.worst is not None:
            worst.stylize(self._style(row.worst.severity, 1))
        cells.append(worst)
        return cells

    def _whole(self, row: int, column: int) -> str | None:
        """The image and group list in full: the table shows them shortened."""
        if not 0 <= row < min(len(self.shown), MAX_ROWS):
            return None
        image = self.shown[row]
        if column == 0:
            return safe(image.image)
        if column == 1:
            return safe(f"{len(image.group_ids)}: " + ", ".join(image.group_names))
        return None

    def _title(self) -> None:
        model = self.model
        assert model is not None
        out = Text(f"images[{len(self.shown)}]", style="bold")
        if self.text:
            out.append(" </")
            out.append(literal(self.text))
            out.append(">")
        if len(self.shown) > MAX_ROWS:
            out.append(f"   showing {MAX_ROWS} of {len(self.shown)}: / narrows", style="dim")
        matched = sum(1 for r in model.rows if r.scan != NO_SCAN)
        out.append(
            f"   {len(model.rows)} running image(s) in {model.groups} container group(s); "
            f"{matched} with scan data",
            style="dim",
        )
        if not model.has_scans:
            out.append(
                "\nno vulnerability data: start the app with --vulns FILE_OR_DIR "
                "(Trivy, Grype or Defender for Cloud output)",
                style="dim italic",
            )
        for note in self.session.vuln_notes:
            out.append("\n")
            out.append(literal(note, style="italic"))
        self.query_one("#images-title", Static).update(out)
        self.sub_title = f"running images[{len(self.shown)}]"

    def _current(self) -> ImageRow | None:
        table = self.query_one("#images-table", DataTable)
        i = table.cursor_row
        return self.shown[i] if 0 <= i < min(len(self.shown), MAX_ROWS) else None

    def _hint(self) -> None:
        row = self._current()
        out = Text()
        if self.text and self.shown:
            groups = len({g for r in self.shown for g in r.group_ids})
            out.append(f"{len(self.shown)} image(s) in {groups} container group(s) match ")
            out.append(literal(self.text, style="bold"))
            out.append("\n")
        if row is not None:
            out.append(literal(row.image, style="bold"))
            if row.worst is not None:
                out.append("   worst: ", style="dim")
                out.append(literal(row.worst_text, style=self._style(row.worst.severity, 1)))
            out.append("\nruns in: ", style="dim")
            out.append(literal(row.groups_text(limit=8)))
            out.append("   enter: findings of these groups", style="dim")
        self.query_one("#images-hint", Static).update(out)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show, True)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._hint()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        if isinstance(self.focused, Input):  # enter in the filter box: back to the table
            self.leave_filter()
            return
        row = self._current()
        if row is None:
            return
        ids = [g.lower() for g in row.group_ids]
        if len(ids) == 1:
            filter = Filter(resource_id=row.group_ids[0])
        else:
            filter = Filter(resource_ids=frozenset(ids))
        self.post_message(ShowFindings(filter, row.image))

    # -- filter input ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "images-filter" and event.value != self.text:
            self.text = event.value
            self._show()

    def filtered_table(self) -> DataTable[Text]:
        return self.query_one("#images-table", DataTable)
