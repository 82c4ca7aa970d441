"""The shape of the catalogue's data files, validated as they are decoded.

msgspec rather than a JSON Schema: the Structs are the schema and the typed result at
once, unknown and missing keys are errors with a `$.path`, and importing it plus
decoding every file costs a few milliseconds (jsonschema's import alone is ~100 ms, on
the app's start-up path).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from checks.model import Severity, Target

CheckId = Annotated[str, msgspec.Meta(pattern=r"^(ACR|ACI|SUB|MAN)-\d{3}$")]
Text = Annotated[str, msgspec.Meta(min_length=1)]
# The compliance frameworks a check may map to (docs/CHECKLIST.md names them).
FrameworkKey = Literal["mcsb-v1", "mcsb-v2", "nist-800-53-r5", "pci-dss-4.0.1", "finos-ccc"]
PolicyGuid = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]
Effect = Literal[
    "Audit", "Deny", "Disabled", "AuditIfNotExists", "DeployIfNotExists", "Modify", "Append"
]


class Mapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """`[checks.frameworks.<key>]`: the check's control ids in one framework, and where
    the mapping comes from (an Azure initiative, a service baseline, or our judgement)."""

    controls: Annotated[tuple[Text, ...], msgspec.Meta(min_length=1)]
    source: Text


class BuiltIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """`[[checks.policies]]`: an Azure Policy built-in definition for what the check finds.
    `role` is "audit" (reports or denies it: what `--format azure-policy` references) or
    "remediate" (a Modify / DeployIfNotExists companion that fixes it)."""

    id: PolicyGuid
    name: Text
    effects: Annotated[tuple[Effect, ...], msgspec.Meta(min_length=1)]
    default_effect: Effect
    role: Literal["audit", "remediate"]


class Entry(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """One check's metadata: `[[checks]]` in a family file."""

    id: CheckId
    title: Text
    severity: Severity
    sections: Annotated[tuple[str, ...], msgspec.Meta(min_length=1)]
    target: Target
    rationale: Text
    remediation: Text
    learn_url: Annotated[str, msgspec.Meta(pattern=r"^https://")]
    references: tuple[Text, ...] = ()
    # An `az` command with {name}, {resource_group}, {subscription} and {id} slots.
    az: Text | None = None
    # Coverage kinds (checks.kinds) read besides the target.
    requires: tuple[str, ...] = ()
    # Other kinds the check also judges, one result per object: a container-group check
    # that reads only the body also runs on container group profiles. `target` stays the
    # check's main kind (a contract with users' CI).
    also: tuple[Target, ...] = ()
    # The specification's two prose columns: when it FAILs; notes and sources.
    fail_when: str = ""
    notes: str = ""
    # Framework → its control ids and their source (checks.registry.FRAMEWORKS).
    frameworks: dict[FrameworkKey, Mapping] = {}
    # Azure Policy built-ins (from Azure/azure-policy at a 2026 snapshot, f4a50bac).
    policies: tuple[BuiltIn, ...] = ()


class Family(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A family file (`acr.toml`): its id prefix and its checks."""

    prefix: Annotated[str, msgspec.Meta(pattern=r"^(ACR|ACI|SUB|MAN)$")]
    checks: tuple[Entry, ...]
    # Manual items have no function: a person attests them.
    manual: bool = False


class Group(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """How the catalogue document presents the checks of one id prefix."""

    prefix: Annotated[str, msgspec.Meta(pattern=r"^(ACR|ACI|SUB|MAN)$")]
    heading: Text
    intro: str = ""


class About(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """`catalogue.toml`: the document's title, preamble and family headings."""

    title: Text
    preamble: Text
    groups: tuple[Group, ...]
