"""The check catalogue, one module per family.

acr.py            ACR-001 … ACR-016
aci_supply.py     ACI-001 … ACI-005, ACI-009, ACI-029   (image origin and pinning)
aci_credentials.py ACI-006 … ACI-008, ACI-010, ACI-027  (secrets and credentials)
aci_network.py    ACI-011 … ACI-015, ACI-028            (exposure, logging, encryption)
aci_runtime.py    ACI-016 … ACI-026                     (privileges at runtime)
subscription.py   SUB-001 … SUB-004
manual.py         MAN-001 … MAN-006
"""

from __future__ import annotations

from checks.registry import CATALOGUE, Catalogue


def load_catalogue() -> Catalogue:
    """Import every family so its checks register, then return the catalogue."""
    from checks.catalogue import (  # noqa: F401
        aci_credentials,
        aci_network,
        aci_runtime,
        aci_supply,
        acr,
        manual,
        subscription,
    )

    return CATALOGUE
