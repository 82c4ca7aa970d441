"""A findings row: one result as the findings table shows, sorts and searches it, built
once per run in one pass over the results. No Textual here."""

from __future__ import annotations

from typing import NamedTuple

from aciaudit.diff import Change
from aciaudit.run import Run
from checks import arm_id
from checks.model import STATUS_ORDER, Result, Severity, Status
from checks.registry import Check
from tui.row_order import ordered
from tui.text import safe

COLUMNS: tuple[str, ...] = (
    "severity",
    "check",
    "title",
    "resource",
    "group",
    "subscription",
    "status",
)
HEADERS: dict[str, str] = {
    "severity": "SEVERITY",
    "check": "CHECK",
    "title": "TITLE",
    "resource": "RESOURCE",
    "group": "RESOURCE GROUP",
    "subscription": "SUBSCRIPTION",
    "status": "STATUS",
}
# The findings' default order by `Row.keys` columns: status, severity, check, resource.
DEFAULT_ORDER = (6, 0, 1, 3)
STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}
STATUS_SHORT = {Status.NOT_ASSESSED: "NOT ASSESSED", Status.NOT_APPLICABLE: "N/A"}
# A FAIL the policy accepts: text, not colour alone, says so (and `/suppressed` finds it).
SUPPRESSED_STATUS = "FAIL (suppressed)"


class Row(NamedTuple):
    result: Result
    check: Check
    cells: tuple[str, ...]  # display text per COLUMNS, already terminal-safe
    # What `/` searches, lower-cased, in three parts a word never spans (words hold no
    # whitespace, the parts are tab-separated): `place` (resource, group, subscription,
    # id) is one string shared by a resource's rows, `kind` (severity, check id, title,
    # status) one shared by a check's rows of one status, `text` the row's message.
    place: str
    kind: str
    text: str
    rtype: str  # short resource type: registry, container group, subscription, estate
    subscription_id: str
    keys: tuple[str | int, ...]  # sort key per COLUMNS: ranks for severity and status
    suppressed: bool = False  # a FAIL the policy file suppresses (still a FAIL)
    # Since the baseline (`--baseline`): new, unchanged, incomparable or resolved; None
    # without a baseline or when this (check, resource) FAILed on neither side.
    change: Change | None = None

    @property
    def severity(self) -> Severity:
        return self.check.severity

    @property
    def status(self) -> Status:
        return self.result.status

    @property
    def haystack(self) -> str:
        """Everything `/` searches, lower-case (a word matches one of the parts)."""
        return f"{self.kind}\t{self.place}\t{self.text}"


def has_word(row: Row, word: str) -> bool:
    """`word` (lower-case, no whitespace) is somewhere in the row."""
    return word in row.text or word in row.place or word in row.kind


def resource_label(resource_id: str, names: dict[str, str]) -> str:
    """A resource's RESOURCE cell (terminal-safe): its name, a subscription's display
    name from `names` (lower-case id: label), `(estate)` for the estate."""
    p = arm_id.parse(resource_id)
    if resource_id == "/":
        name = "(estate)"
    elif p.resource_group is None and p.subscription and p.name == p.subscription:
        name = names.get((p.subscription or "").lower(), p.subscription)
    else:
        name = p.name or resource_id
    return safe(name)


def rtype_of(resource_id: str) -> str:
    low = resource_id.lower()
    if "/microsoft.containerinstance/containergroups/" in low:
        return "container group"
    if "/microsoft.containerinstance/containergroupprofiles/" in low:
        return "container group profile"
    if "/microsoft.containerregistry/registries/" in low:
        return "registry"
    if low.startswith("/subscriptions/") and low.count("/") == 2:
        return "subscription"
    if low == "/":
        return "estate"
    return "other"


RTYPES = ("registry", "container group", "container group profile", "subscription", "estate")


def build_rows(run: Run) -> list[Row]:
    names = {s.subscription_id.lower(): s.label for s in run.index.subscriptions}
    # Per resource: its cells, its type and subscription, the lower-case sort keys of
    # its three columns and its search part; per (check, status): the check's part.
    parsed: dict[str, tuple[str, str, str, str, str, str, str, str, str]] = {}
    kinds: dict[tuple[str, str], str] = {}
    rows: list[Row] = []
    append = rows.append
    suppression = run.suppression
    # `--baseline`: how each failing (check, resource) changed; one dict look-up a row.
    delta = run.delta
    change_of = delta.change_of if delta is not None else None
    for r in run.results:
        check = run.catalogue[r.check_id]
        place = parsed.get(r.resource_id)
        if place is None:
            p = arm_id.parse(r.resource_id)
            sub = (p.subscription or "").lower()
            resource = resource_label(r.resource_id, names)
            group = safe(p.resource_group or "")
            subscription = safe(names.get(sub, p.subscription or ""))
            place = (
                resource,
                group,
                subscription,
                rtype_of(r.resource_id),
                sub,
                resource.lower(),
                group.lower(),
                subscription.lower(),
                "\t".join((resource, group, subscription, r.resource_id)).lower(),
            )
            parsed[r.resource_id] = place
        resource, group, subscription, rtype, sub, res_low, group_low, sub_low, where = place
        status = STATUS_SHORT.get(r.status, r.status.value)
        suppressed = suppression(r) is not None
        if suppressed:
            status = SUPPRESSED_STATUS
        kind = kinds.get((r.check_id, status))
        if kind is None:
            kind = "\t".join(
                (check.severity.value.upper(), r.check_id, check.title, status)
            ).lower()
            kinds[(r.check_id, status)] = kind
        cells = (
            check.severity.value.upper(),
            r.check_id,
            check.title,
            resource,
            group,
            subscription,
            status,
        )
        keys = (
            check.severity.rank,
            r.check_id,
            check.title.lower(),
            res_low,
            group_low,
            sub_low,
            STATUS_RANK[r.status],
        )
        change = change_of(r.check_id, r.resource_id) if change_of is not None else None
        append(
            Row(
                r,
                check,
                cells,
                where,
                kind,
                r.message.lower(),
                rtype,
                sub,
                keys,
                suppressed,
                change,
            )
        )
    # The default order, once: FAIL first, most severe first, then check and resource
    # (status, severity, check id, resource name), built as tui.row_order builds it.
    return ordered(rows, DEFAULT_ORDER)
