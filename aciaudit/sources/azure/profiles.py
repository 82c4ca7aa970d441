"""Container group profiles and NGroups (ACI stable 2025-09-01 and later).

A profile carries containers, environment variables, registry credentials, security
contexts and volumes, like a container group: each one listed is read whole (a GET, as
for groups) and judged by the container-group checks that declare `also`. NGroups are
inventory: their identity and the profiles they use, as listed.
"""

from __future__ import annotations

from aciaudit.sources.azure.arm import Cancelled, triage
from aciaudit.sources.azure.reads import Json, Reads
from aciaudit.sources.azure.versions import version_refused
from checks import kinds
from checks.snapshot import Subscription

# The oldest stable version that knows both kinds; newer ones first (reads.aci_apis).
FIRST_API = "2025-09-01"
KINDS = (kinds.CONTAINER_GROUP_PROFILES, kinds.NGROUPS)


def profile_apis(reads: Reads) -> tuple[str, ...]:
    """The ACI versions still tried for this cloud that serve profiles and NGroups."""
    return tuple(v for v in reads.aci_apis if v >= FIRST_API)


def list_subscription(reads: Reads, sub: Subscription) -> None:
    """List both kinds in one subscription (the path when Resource Graph is not used)."""
    for kind in KINDS:
        path = f"{sub.scope}/providers/{kind}"
        apis = profile_apis(reads)
        for api in apis:
            try:
                listed = list(reads.arm.list(path, api, cancel=reads.cancel))
            except Cancelled:
                raise
            except Exception as exc:
                if version_refused(exc):
                    continue
                reads.problem(sub.scope, kind, exc)
                break
            (reads.profiles if kind == kinds.CONTAINER_GROUP_PROFILES else reads.ngroups).extend(
                listed
            )
            reads.covered(sub.scope, kind, api)
            break
        else:
            _no_version(reads, sub.scope, kind, apis)


def _no_version(reads: Reads, scope: str, kind: str, tried: tuple[str, ...]) -> None:
    """This cloud serves no version that has the kind: it could not be seen (never an
    empty inventory)."""
    refused = ", ".join(tried) or "none"
    reads.not_collected(
        scope, kind, f"this cloud refused every api-version that has it ({refused})", problem=True
    )


def read_profiles(reads: Reads) -> None:
    """List both kinds where Resource Graph did not, then read each profile whole;
    NGroups go into the snapshot as listed."""
    listed = {
        c.scope.lower()
        for c in list(reads.out.coverage)
        if c.kind == kinds.CONTAINER_GROUP_PROFILES
    }
    rest = [s for s in reads.subs if s.scope.lower() not in listed]
    if rest:
        reads.pool.each(rest, lambda sub: list_subscription(reads, sub), lambda: None)
    reads.profiles[:] = list({str(p.get("id", "")).lower(): p for p in reads.profiles}.values())
    reads.ngroups[:] = list({str(n.get("id", "")).lower(): n for n in reads.ngroups}.values())
    for ngroup in reads.ngroups:
        ngroup["type"] = kinds.NGROUPS
        reads.out.add(ngroup)
    reads.each(
        "container group profiles", reads.profiles, lambda listed: _read_profile(reads, listed)
    )


def _read_profile(reads: Reads, listed: Json) -> None:
    rid = listed["id"]
    apis = profile_apis(reads)
    for api in apis:
        try:
            full = reads.arm.get(rid, api)
        except Cancelled:
            raise
        except Exception as exc:
            if version_refused(exc):
                continue
            if triage(exc).not_found:
                return  # deleted since it was listed
            # Keep the listed shape for the inventory; its checks are NOT_ASSESSED.
            reads.out.add(listed)
            reads.problem(rid, kinds.CONTAINER_GROUP_PROFILES, exc)
            return
        reads.out.add(full)
        reads.covered(rid, kinds.CONTAINER_GROUP_PROFILES, api)
        return
    reads.out.add(listed)
    _no_version(reads, rid, kinds.CONTAINER_GROUP_PROFILES, apis)
