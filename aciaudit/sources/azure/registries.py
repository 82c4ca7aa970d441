"""The phase that reads each registry whole: a GET at the pinned ACR api-version.

A Resource Graph row's property set is not guaranteed complete (a row without
`publicNetworkAccess` would make a private registry look open), and an SDK list is the
SDK's re-serialisation; the checks judge ARM's own GET body. Clouds that refuse
2025-11-01 get 2023-07-01, then 2019-05-01 (Azure Stack Hub); fields an older version
lacks are absent, and the checks that need them say NOT_ASSESSED. One request per
registry.
"""

from __future__ import annotations

from aciaudit.sources.azure.reads import Reads
from aciaudit.sources.azure.versions import ACR, read_whole
from checks import kinds

PHASE = "registries"


def read_registries(reads: Reads) -> None:
    reads.each(
        PHASE, reads.registries, lambda listed: read_whole(reads, listed, kinds.REGISTRIES, ACR)
    )
