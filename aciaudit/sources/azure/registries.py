"""The phase that reads each registry whole: a GET at the pinned ACR api-version.

A Resource Graph row's property set is not guaranteed complete (a row without
`publicNetworkAccess` would make a private registry look open), and an SDK list is the
SDK's re-serialisation; the checks judge ARM's own GET body. Clouds that refuse
2025-11-01 get 2023-07-01, then 2019-05-01 (Azure Stack Hub); fields an older version
lacks are absent, and the checks that need them say NOT_ASSESSED. One request per
registry.
"""

from __future__ import annotations

from aciaudit.sources.azure.apis import ACR_API, ACR_FALLBACK_APIS
from aciaudit.sources.azure.arm import ArmFailure, Cancelled, triage
from aciaudit.sources.azure.listing import version_refused
from aciaudit.sources.azure.reads import Json, Reads
from checks import kinds

PHASE = "registries"


def read_registries(reads: Reads) -> None:
    reads.progress.phase(PHASE, len(reads.registries))
    reads.pool.each(
        list(reads.registries),
        lambda listed: _read_registry(reads, listed),
        lambda: reads.progress.advance(PHASE),
    )


def _read_registry(reads: Reads, listed: Json) -> None:
    rid = listed["id"]
    for api in reads.acr_apis:
        try:
            full = reads.arm.get(rid, api)
        except Cancelled:
            raise
        except Exception as exc:
            if version_refused(exc):
                chain = (ACR_API, *ACR_FALLBACK_APIS)
                older = chain[chain.index(api) + 1 :] if api in chain else ()
                reads.acr_apis = tuple(v for v in reads.acr_apis if v in older) or reads.acr_apis
                if older:
                    continue
                failure = triage(exc)
                exc = ArmFailure(failure.status, f"every ACR api-version refused; {failure.detail}")
            elif triage(exc).not_found:
                return  # deleted since it was listed
            # Keep the listed shape in the inventory, its read recorded as failed.
            reads.out.add(listed)
            reads.problem(rid, kinds.REGISTRIES, exc)
            return
        reads.out.add(full)
        reads.covered(rid, kinds.REGISTRIES, api)
        return
