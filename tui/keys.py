"""One registry of key actions: it feeds bindings, the footer, `?` help and the palette.

Each action has a stable id (users rebind keys by id through Textual's keymap), the
keys it answers to, the area (screen) it belongs to, a help group, and the name it
carries in the command palette (`area: verb`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class KeyAction:
    id: str
    keys: str
    action: str
    description: str
    group: str
    show: bool = True
    # In the command palette when set; named `area: verb`.
    palette: str | None = None
    priority: bool = False

    @property
    def key_label(self) -> str:
        return " ".join(_LABELS.get(k, k) for k in self.keys.split(","))


# Textual's names for the keys that print as a sign.
_LABELS = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "equals_sign": "=",
}

A = KeyAction

GLOBAL: tuple[KeyAction, ...] = (
    A("app.help", "question_mark,f1", "help", "Help", "General", palette="app: show keys"),
    # Not in the footer (esc backs out everywhere, as in every TUI; `?` lists it): the
    # findings footer needs the room at 120 columns.
    A("app.back", "escape", "back", "Back", "Navigation", show=False),
    # `q` quits at the top level and steps back below it; the footer says which
    # (AuditApp.check_action enables one of the two).
    A("app.quit", "q", "quit_top", "Quit", "General", palette="app: quit"),
    A("app.back_q", "q", "back_q", "Back", "Navigation"),
    A(
        "app.undo",
        "ctrl+z",
        "undo",
        "Undo",
        "Policy",
        show=False,
        palette="policy: undo the last suppression or attestation change",
    ),
    A(
        "app.theme",
        "ctrl+t",
        "toggle_dark",
        "Theme",
        "General",
        show=False,
        palette="app: toggle light/dark theme",
    ),
    A("app.export", "e", "export", "Export", "Report", palette="report: export"),
    A(
        "app.jump",
        "colon",
        "jump",
        "Jump",
        "Navigation",
        show=False,
        palette="app: jump to a check id or resource name",
    ),
)

OVERVIEW: tuple[KeyAction, ...] = (
    A("overview.findings", "f", "findings", "Findings", "Views", palette="findings: show all"),
    A("overview.resources", "r", "resources", "Resources", "Views", palette="resources: show tree"),
    A("overview.images", "i", "images", "Images", "Views", palette="images: running images"),
    A(
        "overview.compliance",
        "c",
        "compliance",
        "Compliance",
        "Views",
        palette="compliance: controls by framework",
    ),
    A("overview.attest", "a", "attest", "Attest", "Policy", palette="policy: attest a manual item"),
    A("overview.open", "enter", "open", "Open", "Navigation", show=False),
    A("overview.next", "tab", "app.focus_next", "Next table", "Navigation", show=False),
)

# `v`: the cells of the row under the cursor that are cut short, in full (a right-click
# shows one cell). Not in the footer (no room at 80 columns): `?` lists it.
CELL_KEY = A("table.cell", "v", "show_cell", "Whole cell", "View", show=False)
CELL: tuple[KeyAction, ...] = (CELL_KEY,)

TABLE: tuple[KeyAction, ...] = (
    A("table.down", "down,j", "cursor_down", "Down", "Navigation", show=False),
    A("table.up", "up,k", "cursor_up", "Up", "Navigation", show=False),
    A("table.top", "home,g", "cursor_top", "Top", "Navigation", show=False),
    A("table.bottom", "end,G", "cursor_bottom", "Bottom", "Navigation", show=False),
    A("table.page_down", "pagedown,ctrl+f", "page_down", "Page down", "Navigation", show=False),
    A("table.page_up", "pageup,ctrl+b", "page_up", "Page up", "Navigation", show=False),
    # Not in the footer: the line under the table says what enter opens, and the
    # room goes to `e Export` at 80 columns.
    A("table.select", "enter", "select", "Open", "Navigation", show=False),
    CELL_KEY,
    # Column widths the user sets, remembered between runs (tui.prefs). `left`/`right`
    # are free: the findings table never scrolls sideways.
    A("table.column_left", "left,h", "column_left", "Column left", "Columns", show=False),
    A("table.column_right", "right,l", "column_right", "Column right", "Columns", show=False),
    A("table.widen", "greater_than_sign", "widen_column", "Widen column", "Columns", show=False),
    A("table.narrow", "less_than_sign", "narrow_column", "Narrow column", "Columns", show=False),
    A("table.auto_widths", "equals_sign", "auto_widths", "Automatic widths", "Columns", show=False),
)

TREE: tuple[KeyAction, ...] = (
    A("tree.down", "j", "cursor_down", "Down", "Navigation", show=False),
    A("tree.up", "k", "cursor_up", "Up", "Navigation", show=False),
)

FINDINGS: tuple[KeyAction, ...] = (
    A("findings.filter", "slash", "filter", "Filter", "Filter", palette="findings: filter text"),
    A(
        "findings.severity",
        "s",
        "cycle_severity",
        "Severity",
        "Filter",
        palette="findings: cycle minimum severity",
    ),
    A("findings.status", "t", "cycle_status", "Status", "Filter", palette="findings: cycle status"),
    # Shown only when a baseline is loaded (`--baseline`): FindingsScreen.check_action.
    A(
        "findings.new",
        "N",
        "toggle_new",
        "New",
        "Filter",
        palette="findings: new since baseline",
    ),
    A(
        "findings.section",
        "x",
        "cycle_section",
        "Section",
        "Filter",
        show=False,
        palette="findings: pick a section",
    ),
    A(
        "findings.type",
        "w",
        "cycle_type",
        "Type",
        "Filter",
        show=False,
        palette="findings: pick a resource type",
    ),
    A(
        "findings.clear",
        "ctrl+l",
        "clear_filters",
        "Clear",
        "Filter",
        show=False,  # the empty table says "ctrl+l clears the filters"
        palette="findings: clear filters",
    ),
    A("findings.sort", "o", "cycle_sort", "Sort", "View", palette="findings: cycle sort column"),
    A(
        "findings.reverse",
        "O",
        "reverse_sort",
        "Reverse",
        "View",
        show=False,
        palette="findings: reverse sort",
    ),
    A(
        "findings.group",
        "b",
        "cycle_group",
        "Group",
        "View",
        palette="findings: group by check / resource / none",
    ),
    A(
        "findings.copy_row",
        "y",
        "copy_row",
        "Copy row",
        "Finding",
        show=False,
        palette="finding: copy the row (tab-separated, OSC 52)",
    ),
    A(
        "findings.copy_id",
        "Y",
        "copy_id",
        "Copy id",
        "Finding",
        show=False,
        palette="finding: copy the resource id (OSC 52)",
    ),
    A(
        "findings.fold",
        "space",
        "toggle_group",
        "Fold",
        "View",
        show=False,
        palette="findings: collapse / expand the group",
    ),
    A("findings.suppress", "m", "suppress", "Suppress", "Policy", palette="finding: suppress"),
    A(
        "findings.unsuppress",
        "u",
        "unsuppress",
        "Lift",
        "Policy",
        palette="finding: lift suppression",
    ),
)

DETAIL: tuple[KeyAction, ...] = (
    A("detail.copy", "c", "copy_az", "Copy az", "Finding", palette="finding: copy az command"),
    A("detail.suppress", "m", "suppress", "Suppress", "Policy", palette="finding: suppress"),
    A(
        "detail.unsuppress",
        "u",
        "unsuppress",
        "Lift",
        "Policy",
        palette="finding: lift suppression",
    ),
    A("detail.attest", "a", "attest", "Attest", "Policy", palette="finding: attest manual item"),
    A("detail.raw", "y", "raw_json", "Raw JSON", "Finding", palette="finding: show raw JSON"),
    A(
        "detail.cve_sort",
        "o",
        "cve_sort",
        "CVE sort",
        "Finding",
        palette="finding: sort CVEs by severity / fix",
    ),
    A("detail.next", "n", "next_finding", "Next", "Finding", show=False, palette="finding: next"),
    A(
        "detail.previous",
        "p",
        "previous_finding",
        "Previous",
        "Finding",
        show=False,
        palette="finding: previous",
    ),
)

IMAGES: tuple[KeyAction, ...] = (
    A("images.filter", "slash", "filter", "Filter", "Filter", palette="images: filter text"),
    # Priority: ahead of the table's own enter, so the footer shows it.
    A("images.open", "enter", "open", "Findings", "Navigation", priority=True),
)

COMPLIANCE: tuple[KeyAction, ...] = (
    A(
        "compliance.next",
        "n",
        "next_framework",
        "Framework",
        "Navigation",
        palette="compliance: next framework",
    ),
    # Priority: ahead of the table's own enter, so the footer shows it.
    A("compliance.open", "enter", "open", "Findings", "Navigation", priority=True),
)

RESOURCES: tuple[KeyAction, ...] = (
    # Priority: ahead of the tree's own enter (select) and space, so the footer shows them.
    A("resources.open", "enter", "open", "Findings", "Navigation", priority=True),
    A("resources.expand", "space", "toggle_node", "Expand", "Navigation", priority=True),
)

CONNECT: tuple[KeyAction, ...] = (
    A("connect.demo", "d", "demo", "Demo", "Source", palette="source: open demo estate"),
    A(
        "connect.snapshot",
        "o",
        "snapshot",
        "Snapshot file",
        "Source",
        palette="source: open a snapshot file",
    ),
    A("connect.sign_in", "s", "sign_in", "Sign in", "Azure", palette="source: sign in to Azure"),
    A(
        "connect.collect",
        "c",
        "collect",
        "Collect",
        "Azure",
        palette="source: collect the selected subscriptions",
    ),
)

COLLECT: tuple[KeyAction, ...] = (A("collect.cancel", "escape", "cancel", "Cancel", "Collection"),)

AREAS: dict[str, tuple[KeyAction, ...]] = {
    "global": GLOBAL,
    "overview": OVERVIEW,
    "table": TABLE,
    "cell": CELL,
    "tree": TREE,
    "findings": FINDINGS,
    "detail": DETAIL,
    "resources": RESOURCES,
    "images": IMAGES,
    "compliance": COMPLIANCE,
    "connect": CONNECT,
    "collect": COLLECT,
}


BindingList = list[Binding | tuple[str, str] | tuple[str, str, str]]


def bindings(*areas: str) -> BindingList:
    return [
        Binding(a.keys, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for area in areas
        for a in AREAS[area]
    ]


def help_groups(*areas: str) -> dict[str, list[KeyAction]]:
    """Every action valid in these areas, by help group, global ones last."""
    groups: dict[str, list[KeyAction]] = {}
    for area in (*areas, "global"):
        for a in AREAS[area]:
            groups.setdefault(a.group, []).append(a)
    return groups


def palette_entries(*areas: str) -> list[KeyAction]:
    return [a for area in (*areas, "global") for a in AREAS[area] if a.palette]
