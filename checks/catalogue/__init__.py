"""The check catalogue: data files for the metadata, one module per family for the code.

Each family is a pair beside each other — `acr.toml` (every check's id, title,
severity, sections, target, prose, `az` command, links) and `acr.py` (one short
function per id, `@check("ACR-001")`) — so whoever edits a check finds both halves in
one folder. `catalogue.toml` holds the document's preamble and family headings.

acr               ACR-001 … ACR-016
aci_supply        ACI-001 … ACI-005, ACI-009, ACI-029   (image origin and pinning)
aci_credentials   ACI-006 … ACI-008, ACI-010, ACI-027   (secrets and credentials)
aci_network       ACI-011 … ACI-015, ACI-028            (exposure, logging, encryption)
aci_runtime       ACI-016 … ACI-026                     (privileges at runtime)
subscription      SUB-001 … SUB-004
manual            MAN-001 … MAN-006                     (data only: a person attests)

docs/CHECKLIST.md is rendered from all this: `aci-audit checks --format markdown`.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.resources import files

from checks.catalogue.loader import Source, build_catalogue, decode, module_functions
from checks.catalogue.schema import About, Family
from checks.registry import Catalogue

FAMILIES = (
    "acr",
    "aci_supply",
    "aci_credentials",
    "aci_network",
    "aci_runtime",
    "subscription",
    "manual",
)
# How errors name the files: the path in the repository.
_SHOWN_AS = "checks/catalogue"


def _read(file_name: str) -> bytes:
    return files(__name__).joinpath(file_name).read_bytes()


def _source(family_name: str) -> Source:
    data_file = f"{_SHOWN_AS}/{family_name}.toml"
    family = decode(_read(f"{family_name}.toml"), data_file, Family)
    if family.manual:
        return Source(data_file, family)
    module = importlib.import_module(f"{__name__}.{family_name}")
    return Source(
        data_file,
        family,
        f"{_SHOWN_AS}/{family_name}.py",
        module_functions(vars(module), module.__name__),
    )


@cache
def load_catalogue() -> Catalogue:
    """Every family's data and functions, validated, as one immutable Catalogue (built
    once per process)."""
    return build_catalogue(_source(name) for name in FAMILIES)


@cache
def load_about() -> About:
    """The catalogue document's title, preamble and family headings."""
    return decode(_read("catalogue.toml"), f"{_SHOWN_AS}/catalogue.toml", About)
