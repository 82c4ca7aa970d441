"""One finding: what the check asks and why, the evidence, the fix and its `az` command."""

from __future__ import annotations

import json
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from checks.model import Status
from checks.sections import SECTIONS
from tui import policy_actions
from tui.findings_model import STATUS_SHORT, Row
from tui.images_model import cves_for
from tui.keys import bindings
from tui.policy_text import policy_note
from tui.screens.base import AuditScreen
from tui.screens.raw_json import RawJsonScreen
from tui.text import join, literal
from tui.widgets.cve_table import CveTable
from tui.widgets.footer import AppFooter

# Related resources listed by name; beyond this, a count.
_MAX_LINKS = 20
_MAX_SAME = 50


def wrap_path(path: str, width: int) -> str:
    """`properties.initContainers[0].securityContext.privileged` in lines of at most
    `width`, broken before a dot so each name stays whole."""
    lines: list[str] = []
    line = ""
    for i, piece in enumerate(path.split(".")):
        part = piece if i == 0 else "." + piece
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = part
        else:
            line += part
    lines.append(line)
    return "\n".join(lines)


class DetailScreen(AuditScreen):
    AREAS: ClassVar[tuple[str, ...]] = ("detail",)
    BINDINGS = bindings("detail")
    DEFAULT_CSS = """
    #detail { scrollbar-gutter: stable; }
    #detail-body { width: 1fr; padding-right: 1; }
    #detail-related { height: auto; margin-top: 1; }
    #detail-same { height: auto; max-height: 14; margin-bottom: 1; }
    """

    def __init__(self, rows: list[Row], index: int) -> None:
        super().__init__()
        self.rows = rows
        self.index = index
        self._same: list[Row] = []
        self._body_width = 0  # the screen's width when the body was laid out

    @property
    def row(self) -> Row:
        return self.rows[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(
            Static(id="detail-body"),
            CveTable(id="detail-cves"),
            Static(id="detail-related"),
            OptionList(id="detail-same"),
            id="detail",
        )
        yield AppFooter()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        self._show_body()
        self._show_cves()
        self._show_related()

    def on_resize(self) -> None:
        # The evidence's path column is sized from the width: laid out again at a new
        # one (at 80 columns it kept 120's 48 cells and squeezed "observed" to 7).
        if self.is_mounted and self.size.width != self._body_width:
            self._show_body()

    def _show_body(self) -> None:
        check, result = self.row.check, self.row.result
        self.sub_title = f"{result.check_id} ({self.index + 1} of {len(self.rows)})"
        out = Text()
        out.append(f"{result.check_id}  {check.title}\n", style="bold")
        out.append(f"{check.severity.value.upper()}  ·  ")
        out.append(STATUS_SHORT.get(result.status, result.status.value), style="bold")
        out.append(policy_note(self.session.run, result))
        self.refresh_bindings()  # m / u / a depend on the finding shown
        out.append("\n\n")
        out.append(literal(result.message, multiline=True))
        out.append("\n\nResource: ", style="bold")
        out.append(literal(result.resource_id))
        out.append("\n\nWhy it matters\n", style="bold underline")
        out.append(check.rationale + "\n")
        for section in check.sections:
            out.append(f"  {section} — {SECTIONS.get(section, '')}\n")
        # The path is what the user looks for in the JSON: it folds rather than being cut.
        evidence = Table(expand=True, show_lines=True)
        # The path breaks after a dot, never inside a name (fold only a name longer
        # than the column); the column is as wide as the longest piece needs.
        self._body_width = self.size.width
        width = max(60, (self.size.width or self.app.size.width) - 4)
        path_width = max(
            12, min(width * 2 // 5, max((len(ev.path) for ev in result.evidence), default=12))
        )
        evidence.add_column("path", width=path_width, overflow="fold")
        evidence.add_column("observed", ratio=3, overflow="fold")
        evidence.add_column("expected", ratio=2)
        evidence.add_column("note", ratio=3)
        for ev in result.evidence:
            observed = ev.observed if isinstance(ev.observed, str) else json.dumps(ev.observed)
            evidence.add_row(
                literal(wrap_path(ev.path, path_width), multiline=True),
                literal(observed),
                literal(ev.expected),
                literal(ev.note),
            )
        fix = Text()
        fix.append("\nRemediation\n", style="bold underline")
        fix.append(check.remediation + "\n")
        command = check.az_for(result.resource_id)
        fix.append("\naz: ", style="bold")
        fix.append(literal(command) if command else Text("no az command for this check"))
        fix.append("   (c copies)\n" if command else "\n", style="dim")
        fix.append(f"\nLearn more: {check.learn_url}\n")
        if check.references:
            fix.append("References: " + ", ".join(check.references) + "\n")
        body = Group(out, Text("\nEvidence", style="bold underline"), evidence, fix)
        self.query_one("#detail-body", Static).update(body)

    def _show_cves(self) -> None:
        """ACI-029 / ACR-016: every CVE of the matched reports, in a sortable table."""
        run, result = self.session.run, self.row.result
        rows = cves_for(run, result.check_id, result.resource_id) if run is not None else []
        self.query_one(CveTable).show(rows)

    def action_cve_sort(self) -> None:
        table = self.query_one(CveTable)
        if table.rows:
            self.notify(f"CVEs sorted by {table.toggle_sort()}.", timeout=2)

    # -- beside the finding: same resource, registry relations -----------------------

    def _show_related(self) -> None:
        result = self.row.result
        views = self.session.views
        assert views is not None
        related = views.related()
        self._same = [r for r in related.findings(result.resource_id) if r.result is not result]
        out = Text()
        links = related.links(result.resource_id)
        if self.row.rtype == "container group":
            out.append("Pulls from registries in this estate\n", style="bold underline")
            if not links:
                out.append("none: no image comes from a registry in the snapshot\n", style="dim")
        elif self.row.rtype == "registry":
            out.append("Container groups pulling from this registry\n", style="bold underline")
            if not links:
                out.append("none in the snapshot\n", style="dim")
        for link in links[:_MAX_LINKS]:
            out.append("  ")
            out.append(literal(link.name, style="bold"))
            out.append("  ")
            out.append(literal(", ".join(link.images), style="dim"))
            out.append("\n")
        if len(links) > _MAX_LINKS:
            out.append(f"  … and {len(links) - _MAX_LINKS} more\n", style="dim")
        out.append(
            f"\nOther findings on this resource ({len(self._same)})",
            style="bold underline",
        )
        if self._same:
            out.append("   enter opens one", style="dim")
        self.query_one("#detail-related", Static).update(out)
        same = self.query_one("#detail-same", OptionList)
        same.clear_options()
        same.add_options(
            [
                Option(
                    join(
                        f"{r.cells[6]:<12} {r.cells[0]:<8} {r.result.check_id:<9} ",
                        literal(r.check.title),
                    ),
                    id=str(i),
                )
                for i, r in enumerate(self._same[:_MAX_SAME])
            ]
        )
        if len(self._same) > _MAX_SAME:
            same.add_option(
                Option(
                    f"… and {len(self._same) - _MAX_SAME} more (see the findings list)",
                    disabled=True,
                )
            )
        same.display = bool(self._same)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "detail-same" or event.option.id is None:
            return
        event.stop()
        self.app.push_screen(DetailScreen(self._same, int(event.option.id)))

    def action_raw_json(self) -> None:
        result = self.row.result
        run = self.session.run
        resource = run.index.get(result.resource_id) if run is not None else None
        if resource is None:
            self.notify(
                "No stored JSON for this scope (a subscription or the whole estate).",
                severity="warning",
            )
            return
        name = self.row.cells[3] or result.resource_id
        self.app.push_screen(RawJsonScreen(name, resource, [ev.path for ev in result.evidence]))

    def action_copy_az(self) -> None:
        command = self.row.check.az_for(self.row.result.resource_id)
        if command is None:
            self.notify("This check has no az command.", severity="warning")
            return
        self.app.copy_to_clipboard(command)
        self.notify("az command copied to the clipboard (OSC 52).", title="Copied")

    # -- policy: suppress, lift, attest (written to the policy file) -----------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the policy keys that apply to this finding are shown.
        row = self.row
        if action == "suppress":
            return row.result.status is Status.FAIL and not row.suppressed
        if action == "unsuppress":
            return row.suppressed
        if action == "attest":
            return row.check.is_manual
        if action == "copy_az":
            return row.check.az is not None
        if action == "raw_json":
            # Manual items and subscription-wide checks have no resource JSON.
            run = self.session.run
            return run is not None and run.index.get(row.result.resource_id) is not None
        if action == "cve_sort":
            cves = self.query(CveTable)
            return bool(cves) and bool(cves.first().rows)
        return True

    def action_suppress(self) -> None:
        policy_actions.suppress(self, self.row)

    def action_unsuppress(self) -> None:
        policy_actions.unsuppress(self, self.row)

    def action_attest(self) -> None:
        policy_actions.attest(self, self.row.result.check_id)

    def policy_changed(self) -> None:
        """The policy file changed: show the same findings as they are now."""
        self.rows = policy_actions.same_rows(self.session.rows, self.rows)
        self._show()

    def action_next_finding(self) -> None:
        if self.index + 1 < len(self.rows):
            self.index += 1
            self._show_other()

    def action_previous_finding(self) -> None:
        if self.index > 0:
            self.index -= 1
            self._show_other()

    def _show_other(self) -> None:
        """Another finding starts at its top, not where the last one was scrolled to."""
        self._show()
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)
