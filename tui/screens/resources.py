"""The estate as a tree: subscription → resource group → registry / container group →
containers, each with its FAIL-by-severity and NOT ASSESSED counts. `enter` opens the
findings of the node under the cursor; `space` expands. Children are added to the
widget only when a node is first expanded, so 10,000 groups cost nothing up front."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Header, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState

from checks.model import Severity
from tui.keys import bindings
from tui.messages import ShowFindings
from tui.resources_model import CONTAINER, ESTATE, INIT_CONTAINER, Node, ResourceTree
from tui.screens.base import AuditScreen
from tui.session import RunViews
from tui.text import literal
from tui.theme import severity_colour
from tui.widgets.footer import AppFooter

# Up to this many results the tree is built at once (~30 ms); beyond, in a worker.
INLINE = 20_000
# Children added per expansion; the rest come a page at a time.
PAGE = 500


class ResourceTreeWidget(Tree[Node]):
    """A tree whose `enter` opens findings (the screen decides) instead of toggling;
    `j` / `k` move as in every table of the app."""

    BINDINGS = bindings("tree")


class ResourcesScreen(AuditScreen):
    CSS_PATH = "resources.tcss"
    AREAS: ClassVar[tuple[str, ...]] = ("resources",)
    BINDINGS = bindings("resources")

    def __init__(self) -> None:
        super().__init__()
        self.model: ResourceTree | None = None
        # `… more` lines: tree node id → (the parent tree node, the next child to add).
        self._more: dict[int, tuple[TreeNode[Node], int]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("resources", style="bold"), id="resources-title")
        widget: ResourceTreeWidget = ResourceTreeWidget(
            Text("estate   counting findings…", style="dim"), id="resources-tree"
        )
        widget.guide_depth = 3
        widget.auto_expand = False
        yield widget
        yield Static("", id="resources-hint")
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "resources"
        self.query_one(ResourceTreeWidget).focus()
        views = self.session.views
        assert views is not None
        if views.built_tree is not None or len(views.run.results) <= INLINE:
            self._show(views.tree())  # built or a few ms: no worker, no flicker
        else:
            self._build(views)

    @work(thread=True, exclusive=True, exit_on_error=False, group="resources")
    def _build(self, views: RunViews) -> ResourceTree:
        # About a second on 10,000 groups: off the event loop, like every long job.
        return views.tree()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "resources" and event.state is WorkerState.SUCCESS:
            tree = event.worker.result
            assert isinstance(tree, ResourceTree)
            self._show(tree)

    def _show(self, model: ResourceTree) -> None:
        self.model = model
        self.query_one("#resources-title", Static).update(self._title(model))
        tree = self.query_one(ResourceTreeWidget)
        tree.root.data = model.root
        tree.root.set_label(self._label(model.root))
        self._populate(tree.root)
        tree.root.expand()
        # One subscription: open it too, there is nothing else to choose.
        if len(tree.root.children) == 1:
            self._populate(tree.root.children[0])
            tree.root.children[0].expand()

    def _title(self, model: ResourceTree) -> Text:
        t = model.totals
        out = Text("resources", style="bold")
        out.append(
            f"   {t['subscription']} subscription(s) · {t['resource group']} resource group(s) · "
            f"{t['registry']} registr{'y' if t['registry'] == 1 else 'ies'} · "
            f"{t['container group']} container group(s) · {t['container']} container(s)",
            style="dim",
        )
        return out

    def _label(self, node: Node) -> Text:
        if node.kind == ESTATE:
            label = Text("estate", style="bold")
        else:
            label = literal(node.name, style="bold" if node.kind not in (CONTAINER,) else "")
            label.append(f"  {node.kind}", style="dim")
        if node.detail and node.kind in (CONTAINER, INIT_CONTAINER):
            label.append("  ")
            label.append(literal(node.detail, style="dim italic"))
        label.append("  ")
        counts = node.counts
        worst = counts.worst()
        # Low-only counts stay in the text colour: the tree's colour marks what to open.
        colour = (
            severity_colour(self.app.current_theme, worst)
            if worst is not None and worst is not Severity.LOW
            else ""
        )
        style = f"{colour} bold".strip() if counts.fails else "dim"
        label.append(counts.summary(), style=style)
        return label

    def _populate(self, tree_node: TreeNode[Node], start: int = 0) -> None:
        """Add the node's children, a page at a time: past PAGE, a last line offers
        the next page (enter or space), so 10,000 groups never freeze the screen."""
        node = tree_node.data
        if node is None or (tree_node.children and not start) or not node.children:
            return
        for child in node.children[start : start + PAGE]:
            tree_node.add(self._label(child), data=child, allow_expand=bool(child.children))
        rest = len(node.children) - start - PAGE
        if rest > 0:
            more = tree_node.add_leaf(
                Text(
                    f"… {rest} more — enter or space shows the next {min(rest, PAGE)}", style="dim"
                )
            )
            self._more[more.id] = (tree_node, start + PAGE)

    def _more_page(self, cursor: TreeNode[Node]) -> bool:
        """The cursor is on a `… more` line: replace it with the next page."""
        page = self._more.pop(cursor.id, None)
        if page is None:
            return False
        parent, start = page
        cursor.remove()
        self._populate(parent, start)
        return True

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        self._populate(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        node = event.node.data
        hint = self.query_one("#resources-hint", Static)
        if node is None:
            hint.update("")
            return
        where = literal(node.scope or "every finding of the estate", style="dim")
        line = Text("enter: findings of ", style="dim")
        line.append(
            "this container's group" if node.kind in (CONTAINER, INIT_CONTAINER) else "this scope",
            style="dim",
        )
        line.append("   ")
        line.append(where)
        hint.update(line)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Node]) -> None:
        event.stop()
        if self._more_page(event.node):
            return
        if event.node.data is not None:
            self._open(event.node.data)

    def _open(self, node: Node) -> None:
        if node.kind in (CONTAINER, INIT_CONTAINER) and node.parent is not None:
            node = node.parent  # a container has no ARM id: its group's findings
        self.post_message(ShowFindings(node.filter(), node.place()))

    def action_open(self) -> None:
        cursor = self.query_one(ResourceTreeWidget).cursor_node
        if cursor is None or self._more_page(cursor):
            return
        if cursor.data is not None:
            self._open(cursor.data)

    def action_toggle_node(self) -> None:
        cursor = self.query_one(ResourceTreeWidget).cursor_node
        if cursor is None or self._more_page(cursor):
            return
        self._populate(cursor)
        cursor.toggle()
