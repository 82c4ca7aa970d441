"""The resources tree as data: estate → subscription → resource group → registry /
container group → containers, each node with its FAIL-by-severity and NOT_ASSESSED
counts. No Textual.

Built in one pass over the results (each resource id is resolved to its tree node
once, then counts are summed bottom-up), so 10,000 container groups stay well under a
second; the screen adds a node's children only when it is expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aciaudit.run import Run
from checks import arm_id
from checks.catalogue.aci_parts import containers
from checks.model import Severity, Status, Target
from tui.findings_model import Filter
from tui.text import safe

SEVERITIES = tuple(Severity)
# A container's own evidence: `properties.containers[1]…`, `properties.initContainers[0]…`.
_CONTAINER_PATH = re.compile(r"^(properties\.(?:init)?[cC]ontainers\[\d+\])")

ESTATE = "estate"
SUBSCRIPTION = "subscription"
GROUP = "resource group"
REGISTRY = "registry"
CONTAINER_GROUP = "container group"
PROFILE = "container group profile"
CONTAINER = "container"
INIT_CONTAINER = "init container"
_KIND_ORDER = {REGISTRY: 0, CONTAINER_GROUP: 1, PROFILE: 2}
# Nodes whose children are their containers (in ARM order).
_HOLDS_CONTAINERS = (CONTAINER_GROUP, PROFILE)


@dataclass(eq=False)
class Counts:
    """FAIL results by severity (index = Severity.rank) and NOT_ASSESSED results."""

    fail: list[int] = field(default_factory=lambda: [0] * len(SEVERITIES))
    not_assessed: int = 0

    def add(self, other: Counts) -> None:
        for i, n in enumerate(other.fail):
            self.fail[i] += n
        self.not_assessed += other.not_assessed

    @property
    def fails(self) -> int:
        return sum(self.fail)

    def worst(self) -> Severity | None:
        return next((SEVERITIES[i] for i, n in enumerate(self.fail) if n), None)

    def summary(self) -> str:
        """Severity always in words: `FAIL 2 critical, 1 high · NOT ASSESSED 3`."""
        parts = []
        if self.fails:
            parts.append(
                "FAIL "
                + ", ".join(f"{n} {SEVERITIES[i].value}" for i, n in enumerate(self.fail) if n)
            )
        if self.not_assessed:
            parts.append(f"NOT ASSESSED {self.not_assessed}")
        return " · ".join(parts) if parts else "no FAIL"


@dataclass(eq=False)
class Node:
    kind: str
    name: str  # terminal-safe display name (still literal text, never markup)
    scope: str  # the ARM id whose findings `enter` opens; "" for the estate
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    own: Counts = field(default_factory=Counts)  # results on this scope itself
    counts: Counts = field(default_factory=Counts)  # own plus everything below
    detail: str = ""  # a container's image, a resource's location…
    path: str = ""  # a container's property path: properties.containers[1]

    def filter(self) -> Filter:
        return Filter(resource_id=self.scope) if self.scope else Filter()

    def place(self) -> str:
        """Where the node sits, for the findings title: `rg-web/cg-api`."""
        names = []
        node: Node | None = self
        while node is not None and node.kind not in (ESTATE, SUBSCRIPTION):
            names.append(node.name)
            node = node.parent
        if not names and node is not None and node.kind == SUBSCRIPTION:
            names.append(node.name)
        return "/".join(reversed(names))


@dataclass(eq=False)
class ResourceTree:
    root: Node
    by_scope: dict[str, Node]  # lower-cased ARM id → node (containers excluded)
    totals: dict[str, int]  # nodes per kind

    def find(self, resource_id: str) -> Node | None:
        return self.by_scope.get(resource_id.lower().rstrip("/"))


def build_tree(run: Run) -> ResourceTree:
    return _Builder(run).build()


class _Builder:
    def __init__(self, run: Run) -> None:
        self.run = run
        self.root = Node(ESTATE, "estate", "")
        self.by_scope: dict[str, Node] = {}
        self.totals = dict.fromkeys(
            (SUBSCRIPTION, GROUP, REGISTRY, CONTAINER_GROUP, PROFILE, CONTAINER), 0
        )

    def build(self) -> ResourceTree:
        run = self.run
        for sub in run.index.subscriptions:
            self.subscription(sub.subscription_id, sub.label)
        for target, kind in (
            (Target.REGISTRY, REGISTRY),
            (Target.CONTAINER_GROUP, CONTAINER_GROUP),
            (Target.CONTAINER_GROUP_PROFILE, PROFILE),
        ):
            for res in run.index.of_type(target):
                rid = res["id"]
                p = arm_id.parse(rid)
                if p.subscription is None or p.resource_group is None:
                    continue
                name = res.get("name")
                name = name if isinstance(name, str) and name else p.name
                node = self.child(self.group(p.subscription, p.resource_group), kind, name, rid)
                node.detail = safe(res.get("location") or "")
                if kind in _HOLDS_CONTAINERS:
                    for c in containers(res):
                        image = c.props.get("image")
                        leaf = Node(
                            INIT_CONTAINER if c.init else CONTAINER, safe(c.name), rid, node
                        )
                        leaf.detail = safe(image if isinstance(image, str) else "")
                        leaf.path = c.path
                        node.children.append(leaf)
                        self.totals[CONTAINER] += 1
        self.count()
        for node in (self.root, *self.by_scope.values()):
            if node.kind not in _HOLDS_CONTAINERS:  # containers stay in ARM order
                node.children.sort(
                    key=lambda n: (_KIND_ORDER.get(n.kind, 2), n.name.lower(), n.scope)
                )
        return ResourceTree(self.root, self.by_scope, self.totals)

    def child(self, parent: Node, kind: str, name: str, scope: str) -> Node:
        node = Node(kind, safe(name), scope, parent)
        parent.children.append(node)
        self.by_scope[scope.lower()] = node
        self.totals[kind] += 1
        return node

    def subscription(self, sub_id: str, label: str | None = None) -> Node:
        scope = f"/subscriptions/{sub_id}"
        node = self.by_scope.get(scope.lower())
        return node or self.child(self.root, SUBSCRIPTION, label or sub_id, scope)

    def group(self, sub_id: str, rg: str) -> Node:
        scope = f"/subscriptions/{sub_id}/resourceGroups/{rg}"
        node = self.by_scope.get(scope.lower())
        return node or self.child(self.subscription(sub_id), GROUP, rg, scope)

    def resolve(self, resource_id: str) -> Node:
        """The deepest tree node holding this resource (tokens → their registry,
        diagnostic settings → their target, pricings → their subscription)."""
        if resource_id == "/":
            return self.root
        for scope in arm_id.ancestors(resource_id):
            node = self.by_scope.get(scope)
            if node is not None and node.kind in (REGISTRY, *_HOLDS_CONTAINERS):
                return node
        p = arm_id.parse(resource_id)
        if p.subscription and p.resource_group:
            return self.group(p.subscription, p.resource_group)
        if p.subscription:
            return self.subscription(p.subscription)
        return self.root

    def count(self) -> None:
        place: dict[str, Node] = {}
        catalogue = self.run.catalogue
        ranks: dict[str, int] = {}
        fail, not_assessed = Status.FAIL, Status.NOT_ASSESSED
        # Suppressed FAILs are counted apart everywhere (the overview's rule), never here.
        suppressed = self.run.suppressions
        for r in self.run.results:
            status = r.status
            if status is fail:
                if suppressed and (r.check_id, r.resource_id) in suppressed:
                    continue
                rank = ranks.get(r.check_id, -1)
                if rank < 0:
                    rank = ranks[r.check_id] = catalogue[r.check_id].severity.rank
            elif status is not not_assessed:
                continue
            node = place.get(r.resource_id)
            if node is None:
                node = place[r.resource_id] = self.resolve(r.resource_id)
            if status is fail:
                node.own.fail[rank] += 1
            else:
                node.own.not_assessed += 1
            if r.evidence and node.kind in _HOLDS_CONTAINERS:
                paths = {m.group(1) for ev in r.evidence if (m := _CONTAINER_PATH.match(ev.path))}
                for leaf in node.children:
                    if leaf.path in paths:
                        if status is fail:
                            leaf.counts.fail[rank] += 1
                        else:
                            leaf.counts.not_assessed += 1
        _sum(self.root)


def _sum(node: Node) -> None:
    # Iterative post-order: no recursion limit on deep or wide estates. A container's
    # counts are its group's own results again, so they are not added twice.
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if current.kind in (CONTAINER, INIT_CONTAINER):
            continue
        if done:
            total = Counts()
            total.add(current.own)
            for c in current.children:
                if c.kind not in (CONTAINER, INIT_CONTAINER):
                    total.add(c.counts)
            current.counts = total
        else:
            stack.append((current, True))
            stack.extend((c, False) for c in current.children)
