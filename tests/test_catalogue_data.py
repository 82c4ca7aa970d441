"""The catalogue as data: the loader's errors, the id contract, the generated document."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from fixtures import CATALOGUE_CONTRACT

from aciaudit.cli import main
from aciaudit.reports.catalogue_md import REGENERATE, render_catalogue
from checks import CATALOGUE_VERSION
from checks.catalogue import FAMILIES, load_about, load_catalogue
from checks.catalogue.loader import Source, build_catalogue, decode
from checks.catalogue.schema import Family
from checks.context import Context
from checks.model import Outcome, Severity, passed
from checks.overrides import effective_catalogue
from checks.policy import Policy
from checks.registry import Catalogue, CatalogueError, ControlMapping, check

ROOT = Path(__file__).resolve().parents[1]
CHECKLIST_DOC = ROOT / "docs" / "CHECKLIST.md"
ACR_TOML = "checks/catalogue/acr.toml"
ACR_PY = "checks/catalogue/acr.py"
REGISTRY = "Microsoft.ContainerRegistry/registries"


def entry(check_id: str = "ACR-001", **fields: Any) -> str:
    """One `[[checks]]` table; a field given as None is left out."""
    values: dict[str, Any] = {
        "id": check_id,
        "title": "Admin user is enabled",
        "severity": "high",
        "sections": ["S3"],
        "target": REGISTRY,
        "fail_when": "`properties.adminUserEnabled` is true",
        "rationale": "A shared password.",
        "remediation": "Disable it.",
        "learn_url": "https://learn.microsoft.com/azure/container-registry",
        **fields,
    }
    lines = ["[[checks]]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in values.items() if v is not None]
    return "\n".join(lines) + "\n"


def family_text(*entries: str, prefix: str = "ACR", manual: bool = False) -> str:
    head = f'prefix = "{prefix}"\n' + ("manual = true\n" if manual else "")
    return head + "\n".join(entries)


def family(*entries: str, prefix: str = "ACR", manual: bool = False) -> Family:
    return decode(family_text(*entries, prefix=prefix, manual=manual), ACR_TOML, Family)


def bound(check_id: str, fn_name: str | None = None) -> Any:
    def evaluate(reg: dict[str, Any], ctx: Context) -> Outcome:
        return passed("ok")

    evaluate.__name__ = fn_name or check_id.lower().replace("-", "_")
    return check(check_id)(evaluate)


def decode_error(text: str) -> str:
    with pytest.raises(CatalogueError) as info:
        decode(text, ACR_TOML, Family)
    return str(info.value)


def build_error(*sources: Source) -> str:
    with pytest.raises(CatalogueError) as info:
        build_catalogue(sources)
    return str(info.value)


# --- the loader names the file and the key ---------------------------------------------


def test_a_bad_severity_names_file_entry_key_and_the_allowed_values() -> None:
    text = family_text(entry(), entry("ACR-002", severity="hgih"))
    assert decode_error(text) == (
        "checks/catalogue/acr.toml: checks[1] (ACR-002).severity: "
        "'hgih' is not one of critical, high, medium, low, info"
    )


def test_a_missing_key_is_named() -> None:
    assert decode_error(family_text(entry(title=None))) == (
        "checks/catalogue/acr.toml: checks[0] (ACR-001): missing required key 'title'"
    )


def test_an_unknown_key_is_named() -> None:
    assert decode_error(family_text(entry(titel="typo"))) == (
        "checks/catalogue/acr.toml: checks[0] (ACR-001): unknown key 'titel'"
    )


def test_an_unknown_top_level_key_and_a_wrong_type_are_named() -> None:
    assert decode_error("prefx = 'ACR'\n" + family_text(entry())) == (
        "checks/catalogue/acr.toml: top level: unknown key 'prefx'"
    )
    message = decode_error(family_text(entry(sections="S3")))
    assert message.startswith("checks/catalogue/acr.toml: checks[0] (ACR-001).sections: ")
    assert "array" in message


def test_a_malformed_id_and_broken_toml_are_named() -> None:
    message = decode_error(family_text(entry("ACR-1")))
    assert message.startswith("checks/catalogue/acr.toml: checks[0] (ACR-1).id: ")
    message = decode_error('prefix = "ACR\n')
    assert message.startswith("checks/catalogue/acr.toml: not valid TOML: ")
    assert "line 1" in message


def test_a_duplicate_id_names_both_places() -> None:
    acr = Source(ACR_TOML, family(entry()), ACR_PY, (bound("ACR-001"),))
    other = Source("checks/catalogue/other.toml", family(entry()), "checks/catalogue/other.py")
    assert build_error(acr, other) == (
        "checks/catalogue/other.toml: checks[0] (ACR-001): duplicate id, already in "
        "checks/catalogue/acr.toml: checks[0] (ACR-001)"
    )


def test_a_function_without_entry_is_named() -> None:
    src = Source(ACR_TOML, family(entry()), ACR_PY, (bound("ACR-001"), bound("ACR-017")))
    assert build_error(src) == (
        "checks/catalogue/acr.py: acr_017 is bound to ACR-017, which "
        "checks/catalogue/acr.toml does not describe"
    )


def test_an_entry_without_function_is_named() -> None:
    src = Source(ACR_TOML, family(entry(), entry("ACR-002")), ACR_PY, (bound("ACR-001"),))
    assert build_error(src) == (
        "checks/catalogue/acr.toml: checks[1] (ACR-002): no function is bound to this id "
        'in checks/catalogue/acr.py (@check("ACR-002"))'
    )


def test_two_functions_for_one_id_are_named() -> None:
    fns = (bound("ACR-001"), bound("ACR-001", "acr_001_again"))
    assert build_error(Source(ACR_TOML, family(entry()), ACR_PY, fns)) == (
        "checks/catalogue/acr.py: acr_001 and acr_001_again are both bound to ACR-001"
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"sections": ["S3", "S18"]}, ".sections: 'S18' is not one of S1, S2,"),
        ({"requires": ["Microsoft.Foo/bars"]}, ".requires: 'Microsoft.Foo/bars' is not a kind"),
        ({"az": "az acr update --name {nmae}"}, ".az: unknown slot {nmae}; the slots are"),
        ({"target": "estate"}, ".target: only manual items target 'estate'"),
        ({"fail_when": None}, ": missing required key 'fail_when'"),
    ],
)
def test_what_the_schema_cannot_say_is_checked_at_load(
    fields: dict[str, Any], problem: str
) -> None:
    src = Source(ACR_TOML, family(entry(**fields)), ACR_PY, (bound("ACR-001"),))
    assert build_error(src).startswith(f"{ACR_TOML}: checks[0] (ACR-001){problem}")


def test_an_id_outside_its_files_family_and_a_manual_item_with_a_target() -> None:
    src = Source(ACR_TOML, family(entry("ACI-001")), ACR_PY, (bound("ACI-001"),))
    assert (
        build_error(src)
        == f"{ACR_TOML}: checks[0] (ACI-001).id: expected the prefix ACR of this file"
    )
    man = family(entry("MAN-001"), prefix="MAN", manual=True)
    assert build_error(Source("checks/catalogue/manual.toml", man)) == (
        "checks/catalogue/manual.toml: checks[0] (MAN-001).target: "
        "a manual item's target is 'estate'"
    )


def test_every_problem_is_listed_not_only_the_first() -> None:
    src = Source(
        ACR_TOML,
        family(entry(sections=["S99"]), entry("ACR-002")),
        ACR_PY,
        (bound("ACR-001"), bound("ACR-003")),
    )
    assert len(build_error(src).splitlines()) == 3


def test_a_valid_family_builds_checks_with_every_field_and_frameworks() -> None:
    text = family_text(
        entry(notes="Policy dc921057", references=["MCSB IM-1"], az="az acr show --ids {id}")
        + '[checks.frameworks.mcsb-v2]\ncontrols = ["IM-1"]\nsource = "baseline"\n'
        + '[checks.frameworks."pci-dss-4.0.1"]\ncontrols = ["1.4.4"]\nsource = "initiative"\n'
        + '[[checks.policies]]\nid = "dc921057-6b28-4fbe-9b83-f7bec05db6c2"\nname = "n"\n'
        + 'effects = ["Audit", "Deny"]\ndefault_effect = "Audit"\nrole = "audit"\n'
    )
    fn = bound("ACR-001")
    cat = build_catalogue([Source(ACR_TOML, decode(text, ACR_TOML, Family), ACR_PY, (fn,))])
    chk = cat["ACR-001"]
    assert (chk.severity, chk.sections, chk.evaluate, chk.notes) == (
        Severity.HIGH,
        ("S3",),
        fn,
        "Policy dc921057",
    )
    assert chk.frameworks == (
        ControlMapping("mcsb-v2", ("IM-1",), "baseline"),
        ControlMapping("pci-dss-4.0.1", ("1.4.4",), "initiative"),
    )
    assert chk.controls("pci-dss-4.0.1") == ("1.4.4",)
    assert [p.definition_id for p in chk.policies] == [
        "/providers/Microsoft.Authorization/policyDefinitions/dc921057-6b28-4fbe-9b83-f7bec05db6c2"
    ]
    assert chk.az_for("/subscriptions/s/resourceGroups/rg/providers/X/y/n") == (
        "az acr show --ids /subscriptions/s/resourceGroups/rg/providers/X/y/n"
    )


# --- the shipped catalogue ---------------------------------------------------------------


def contract() -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = json.loads(CATALOGUE_CONTRACT.read_text())["checks"]
    return checks


def test_the_catalogue_is_built_once_and_immutable() -> None:
    cat = load_catalogue()
    assert load_catalogue() is cat
    assert not hasattr(cat, "add")
    with pytest.raises(AttributeError):
        cat.extra = 1  # type: ignore[attr-defined]
    prefixes = [c.id[:3] for c in cat]
    assert prefixes == sorted(prefixes, key=("ACR", "ACI", "SUB", "MAN").index)


def test_a_severity_override_is_a_new_catalogue_and_leaves_the_base_alone() -> None:
    base = load_catalogue()
    over = effective_catalogue(base, Policy(severity={"ACR-001": Severity.LOW}))
    assert over is not base
    assert (over["ACR-001"].severity, base["ACR-001"].severity) == (Severity.LOW, Severity.HIGH)
    assert [c.id for c in over] == [c.id for c in base]
    assert effective_catalogue(base, Policy()) is base


def test_catalogue_rejects_a_duplicate_id() -> None:
    chk = load_catalogue()["ACR-001"]
    with pytest.raises(CatalogueError, match="duplicate check id ACR-001"):
        Catalogue([chk, replace(chk, title="again")])


def test_every_data_file_is_a_family_or_the_document_header() -> None:
    """A stray data file would be silently ignored; every family has its file."""
    shipped = {p.name for p in files("checks.catalogue").iterdir() if p.name.endswith(".toml")}
    assert shipped == {f"{name}.toml" for name in FAMILIES} | {"catalogue.toml"}
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'checks = ["catalogue/*.toml"]' in pyproject  # installed with the package


def test_no_id_disappears_and_none_appears_without_the_contract() -> None:
    ids = [c.id for c in load_catalogue()]
    missing = sorted(set(contract()) - set(ids))
    assert not missing, f"check ids must never disappear: {missing}"
    added = sorted(set(ids) - set(contract()))
    assert not added, f"new ids {added}: add them to {CATALOGUE_CONTRACT.name} deliberately"
    assert ids == list(contract()), "the contract lists ids in catalogue order"


@pytest.mark.parametrize("check_id", list(contract()))
def test_severity_sections_and_target_are_the_contracts(check_id: str) -> None:
    chk = load_catalogue()[check_id]
    now = {
        "severity": chk.severity.value,
        "sections": list(chk.sections),
        "target": chk.target.value,
        "manual": chk.is_manual,
    }
    assert now == contract()[check_id], (
        f"{check_id} changed a contract users' CI relies on; if that is intended, edit "
        f"tests/data/{CATALOGUE_CONTRACT.name} in the same change"
    )


# --- the generated document ---------------------------------------------------------------


def test_docs_checklist_is_the_rendered_catalogue() -> None:
    rendered = render_catalogue(load_catalogue())
    assert CHECKLIST_DOC.read_text(encoding="utf-8") == rendered, (
        f"docs/CHECKLIST.md is stale: regenerate it with `{REGENERATE}`"
    )


def test_the_document_lists_every_check_with_its_fields() -> None:
    text = CHECKLIST_DOC.read_text(encoding="utf-8")
    assert text.startswith("<!-- Generated")
    assert f"# {load_about().title} (v{CATALOGUE_VERSION})\n" in text
    for chk in load_catalogue():
        assert f"\n### {chk.id} — {chk.title}\n" in text
        assert f"<{chk.learn_url}>" in text
        assert chk.az is None or f"```sh\n{chk.az}\n```" in text
        assert chk.is_manual or f"- **FAIL when:** {chk.fail_when}\n" in text
    assert f"\n{len(load_catalogue())} checks: " in text


def test_cli_markdown_is_the_committed_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == CHECKLIST_DOC.read_text(encoding="utf-8")


def test_readme_counts_are_the_catalogues() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    counts = re.findall(r"\b(\d+)-item checklist|\blists all (\d+) checks", readme)
    assert counts, "the README no longer states the number of checks: drop this test"
    for item, listed in counts:
        assert int(item or listed) == len(load_catalogue())


def test_every_automated_check_maps_to_mcsb_v2_with_a_source() -> None:
    for chk in load_catalogue():
        if chk.is_manual:
            continue
        assert chk.controls("mcsb-v2"), chk.id
        assert all(m.source.strip() for m in chk.frameworks), chk.id


def test_a_framework_key_outside_the_list_is_refused() -> None:
    text = family_text(entry() + '[checks.frameworks.cis]\ncontrols = ["1"]\nsource = "x"\n')
    with pytest.raises(CatalogueError, match="frameworks"):
        decode(text, ACR_TOML, Family)
