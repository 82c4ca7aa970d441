"""What a CI gate cannot vouch for: subscriptions whose inventory was not read.

`scan --fail-on` / `--fail-on-new` exit 3 (EXIT_UNREAD) when the container-group,
container-group-profile, NGroup or registry inventory of any subscription in scope was
denied or failed (a profile carries containers, secrets and credentials as a group does) (a malformed
Resource Graph answer whose per-subscription listing failed too is failed): a gate that
goes green because nothing could be read would be a false promise.
"""

from __future__ import annotations

from checks import kinds
from checks.snapshot import CoverageStatus, Snapshot

EXIT_UNREAD = 3
# What each inventory kind is called in the message.
INVENTORY_KINDS = {
    kinds.CONTAINER_GROUPS: "container groups",
    kinds.CONTAINER_GROUP_PROFILES: "container group profiles",
    kinds.NGROUPS: "NGroups",
    kinds.REGISTRIES: "registries",
}
_UNREAD = (CoverageStatus.DENIED, CoverageStatus.FAILED)


def unread_inventory(snapshot: Snapshot) -> list[str]:
    """One line per subscription whose inventory could not be read: its name and id,
    each unread kind with its status and ARM's reason."""
    names = {s.subscription_id.lower(): s.label for s in snapshot.subscriptions}
    unread: dict[str, list[str]] = {}
    for entry in snapshot.coverage:
        parts = entry.scope.strip("/").split("/")
        if len(parts) != 2 or parts[0].lower() != "subscriptions":
            continue  # a subscription's listing, not one resource's read
        if entry.kind not in INVENTORY_KINDS or entry.status not in _UNREAD:
            continue
        what = INVENTORY_KINDS[entry.kind]
        reason = f": {entry.detail}" if entry.detail else ""
        unread.setdefault(parts[1], []).append(f"{what} {entry.status.value}{reason}")
    lines = []
    for sub_id in sorted(unread, key=str.lower):
        name = names.get(sub_id.lower(), "")
        label = f"{name} ({sub_id})" if name and name != sub_id else sub_id
        lines.append(f"{label}: {'; '.join(unread[sub_id])}")
    return lines


def gate_message(lines: list[str]) -> str:
    return (
        f"inventory not read in {len(lines)} subscription(s), so the gate cannot vouch for "
        f"them (exit {EXIT_UNREAD}): " + " | ".join(lines)
    )
