"""The Markdown report's `az` commands (aciaudit.reports.md_commands) are exactly what
`Check.az_for` gives, for every check in the catalogue and hostile resource ids, and for
templates the fast path cannot split (they go through `az_for`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aciaudit.reports.md_commands import _split, commands
from checks.catalogue import load_catalogue
from checks.registry import Check

SUB = "/subscriptions/0000-1111"
CG = "providers/Microsoft.ContainerInstance/containerGroups"
ACR = "providers/Microsoft.ContainerRegistry/registries"
PROFILE = "providers/Microsoft.ContainerInstance/containerGroupProfiles"
IDS = [
    f"{SUB}/resourceGroups/rg/{CG}/web",
    f"{SUB}/resourceGroups/rg/{ACR}/reg1",
    f"{SUB}/resourceGroups/rg/{CG}/web",  # twice: one command
    f"{SUB}/resourceGroups/r g'; rm -rf ~/{CG}/it's {{name}} $(x)",
    f"{SUB}/resourceGroups/rg/{PROFILE}/prof",  # a profile: no command
    f"{SUB}/resourceGroups/RG/{CG}/WEB",
    f"{SUB}/resourceGroups/rg/{CG}/naïve\u202e\x1b[1m",
    "/subscriptions/only",
    "not-an-arm-id",
    "",
]


def reference(chk: Check, ids: list[str]) -> list[str]:
    return list(dict.fromkeys(filter(None, map(chk.az_for, ids))))


def test_every_catalogue_template_gives_az_for_text() -> None:
    templates = [chk.az for chk in load_catalogue() if chk.az is not None]
    for chk in load_catalogue():
        assert commands(chk, IDS, {}) == reference(chk, IDS), chk.id
    assert len(templates) > 40
    # Each takes the split path (none falls back to az_for).
    assert all(_split(template) is not None for template in templates)


@pytest.mark.parametrize(
    "template",
    [
        "az x --name {name} --id {id} --rg {resource_group} --sub {subscription}",
        "{name}{name}{{literal}} {id}}}",
        "no slots at all",
        "",  # empty: no command, as az_for gives none
        "{name:>30} padded",  # a format spec: through az_for
        "{name!r} converted",  # a conversion: through az_for
        "{name[0]} indexed",  # not one of the four slots: through az_for
    ],
)
def test_templates_split_or_not_give_az_for_text(template: str) -> None:
    chk = replace(load_catalogue()["ACI-001"], az=template)
    assert commands(chk, IDS, {}) == reference(chk, IDS)


def test_a_template_az_for_cannot_fill_fails_the_same_way() -> None:
    chk = replace(load_catalogue()["ACI-001"], az="{unknown} x")
    with pytest.raises(KeyError):
        reference(chk, IDS)
    with pytest.raises(KeyError):
        commands(chk, IDS, {})


def test_no_resource_with_a_command_gives_none_and_the_cache_is_shared() -> None:
    chk = load_catalogue()["ACI-001"]
    assert chk.az is not None
    cache: dict[str, dict[str, str] | None] = {}
    assert commands(chk, [IDS[4]], cache) == []
    assert cache == {IDS[4]: None}
    assert commands(chk, IDS[:2], cache) == reference(chk, IDS[:2])
    assert len(cache) == 3
