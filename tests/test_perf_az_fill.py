"""`Check.az_for` fills a template through a %-format copy and a cache of filled
commands per (template, resource): the same text as `str.format` on every template,
for every resource, whichever check asked first."""

from __future__ import annotations

import shlex
from dataclasses import replace

import pytest

from checks.catalogue import load_catalogue
from checks.registry import Check

SUB = "00000000-0000-4000-8000-000000000000"
GROUPS = "Microsoft.ContainerInstance/containerGroups"
NAMES = ("web", "50%-off", "{name}", "it's", "a b", "%(name)s", "x}{y")


def _id(name: str, rg: str = "rg") -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/{GROUPS}/{name}"


def _plain(template: str, rid: str) -> str:
    """What the template says for `rid`, filled the plain way."""
    *_, name = rid.split("/")
    rg = rid.split("/")[4]
    return template.format(
        name=shlex.quote(name),
        resource_group=shlex.quote(rg),
        subscription=shlex.quote(SUB),
        id=shlex.quote(rid),
    )


def _any_check() -> Check:
    return next(c for c in load_catalogue() if c.az is not None)


@pytest.mark.parametrize("name", NAMES)
def test_every_catalogue_template_fills_as_str_format_does(name: str) -> None:
    rid = _id(name)
    checks = [c for c in load_catalogue() if c.az is not None]
    assert len(checks) > 20
    for chk in checks:
        assert chk.az is not None
        assert chk.az_for(rid) == _plain(chk.az, rid), chk.id


@pytest.mark.parametrize(
    "template",
    [
        "echo 100% {name} --json '{{\"a\": 1}}' %s %%",  # literal % and braces
        "az x --name {name!r}",  # a conversion: str.format fills it
        "az x --name {name:>20} {id}",  # a format spec
        "{resource_group}{subscription}{name}",
    ],
)
def test_templates_with_percent_signs_specs_and_braces(template: str) -> None:
    chk = replace(_any_check(), az=template)
    for name in NAMES:
        rid = _id(name)
        assert chk.az_for(rid) == _plain(template, rid)


def test_two_templates_for_one_resource_keep_their_own_commands() -> None:
    """The cache is keyed by template and resource: a second check asking about the same
    group gets its own command, and another group gets its own."""
    base = _any_check()
    first, second = replace(base, az="az one {name}"), replace(base, az="az two {name}")
    web, api = _id("web"), _id("api", rg="other")
    assert first.az_for(web) == "az one web"
    assert second.az_for(web) == "az two web"
    assert first.az_for(api) == "az one api"
    assert replace(base, az="az rg {resource_group}").az_for(api) == "az rg other"
    assert first.az_for(web) == "az one web"
