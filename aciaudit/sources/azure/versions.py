"""api-versions a cloud may refuse, and reading one resource whole at the newest version
the cloud serves.

A cloud that lags behind (Azure Stack Hub, a sovereign cloud) refuses a newer version;
the refusal is remembered on the collection's `Reads`, so every later read starts at the
next older version instead of being refused again.
"""

from __future__ import annotations

from dataclasses import dataclass

from aciaudit.sources.azure.apis import ACI_API, ACI_FALLBACK_APIS, ACR_API, ACR_FALLBACK_APIS
from aciaudit.sources.azure.arm import ArmFailure, Cancelled, triage
from aciaudit.sources.azure.reads import Json, Reads

# How ARM refuses an api-version a cloud does not serve: 400 NoRegisteredProviderFound or
# InvalidApiVersionParameter, and 404 (or 400) InvalidResourceType.
VERSION_REFUSALS = frozenset(
    {"noregisteredproviderfound", "invalidapiversionparameter", "invalidresourcetype"}
)


def version_refused(exc: Exception) -> bool:
    error = getattr(exc, "error", None)
    code = str(getattr(error, "code", "") or "").lower()
    if code in VERSION_REFUSALS:
        return True
    if code == "resourcenotfound" or getattr(exc, "status_code", None) == 404:
        return False  # gone, not refused
    detail = triage(exc).detail.lower()
    return "api-version" in detail or "api version" in detail


@dataclass(frozen=True)
class Versions:
    """One provider's versions, newest first, and where `Reads` keeps those still tried."""

    label: str
    chain: tuple[str, ...]
    attr: str

    def current(self, reads: Reads) -> tuple[str, ...]:
        return tuple(getattr(reads, self.attr))

    def older_after(self, reads: Reads, api: str, exc: Exception) -> bool:
        """This cloud refused `api`: every later read starts at the next older version.
        True when there is one to try."""
        if not version_refused(exc):
            return False
        older = self.chain[self.chain.index(api) + 1 :] if api in self.chain else ()
        current = self.current(reads)
        setattr(reads, self.attr, tuple(v for v in current if v in older) or current)
        return bool(older)

    def failure(self, exc: Exception) -> Exception:
        """Every version refused (even by a 404) is a failed read, never 'gone'."""
        if version_refused(exc):
            failure = triage(exc)
            return ArmFailure(
                failure.status, f"every {self.label} api-version refused; {failure.detail}"
            )
        return exc


ACI = Versions("ACI", (ACI_API, *ACI_FALLBACK_APIS), "aci_apis")
ACR = Versions("ACR", (ACR_API, *ACR_FALLBACK_APIS), "acr_apis")


def read_whole(reads: Reads, listed: Json, kind: str, versions: Versions) -> None:
    """GET one listed resource at the newest version the cloud serves. A read that fails
    keeps the listed shape in the inventory, recorded as failed (its checks say
    NOT_ASSESSED); a resource deleted since it was listed is dropped."""
    rid = listed["id"]
    for api in versions.current(reads):
        try:
            full = reads.arm.get(rid, api)
        except Cancelled:
            raise
        except Exception as exc:
            if versions.older_after(reads, api, exc):
                continue
            # A 404 may be a refused version (InvalidResourceType), not a deletion.
            if triage(exc).not_found and not version_refused(exc):
                return
            reads.out.add(listed)
            reads.problem(rid, kind, versions.failure(exc))
            return
        reads.out.add(full)
        reads.covered(rid, kind, api)
        return
