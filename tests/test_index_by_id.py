"""Index.get is case-insensitive and de-duplicates ids, also when ids share a hash."""

from __future__ import annotations

from typing import Any

import pytest

from checks import index as index_module
from checks.index import Index
from checks.snapshot import Snapshot

RG = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries"


def resources() -> list[dict[str, Any]]:
    return [
        {"id": f"{RG}/Reg1", "type": "Microsoft.ContainerRegistry/registries", "n": 1},
        {"id": f"{RG}/reg2", "type": "Microsoft.ContainerRegistry/registries", "n": 2},
        {"id": f"{RG.upper()}/REG1", "type": "Microsoft.ContainerRegistry/registries", "n": 3},
        {"id": f"{RG}/reg3", "type": "Microsoft.ContainerRegistry/registries", "n": 4},
    ]


@pytest.mark.parametrize("clash", [False, True])
def test_get_and_duplicates(monkeypatch: pytest.MonkeyPatch, clash: bool) -> None:
    if clash:  # every id has the same hash: the clash table must answer
        monkeypatch.setattr(index_module, "hash", lambda _: 7, raising=False)
    index = Index(Snapshot(resources=resources(), coverage=[]))
    found = [index.get(f"{RG}/{name}") for name in ("REG1", "Reg2", "reg3", "reg4")]
    assert [r["n"] if r else None for r in found] == [1, 2, 4, None]
    assert [r["n"] for r in index.of_type("microsoft.containerregistry/registries")] == [1, 2, 4]
    assert index.get("/nothing") is None
