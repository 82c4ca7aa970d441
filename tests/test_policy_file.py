"""The policy file: loading and validation, suppressions, disabled checks, severity
overrides, attestations, and edits that keep the user's comments."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from fixtures import SNAPSHOT_EXAMPLE as EXAMPLE
from fixtures import container_group, run_check

from aciaudit.cli import main
from aciaudit.policy_file import (
    DEFAULT_NAME,
    PolicyError,
    add_suppression,
    load_policy,
    locate,
    parse_policy,
    remove_suppression,
    resolve_policy,
    set_attestation,
)
from aciaudit.run import audit
from aciaudit.snapshot_io import load_snapshot
from checks.model import Severity, Status
from checks.policy import Policy, Suppression, match_suppressions

ACR = (
    "/subscriptions/00000000-1111-4222-8333-444444444444/resourceGroups/rg-shared"
    "/providers/Microsoft.ContainerRegistry/registries/contosoacr"
)
FUTURE = "2099-12-31"
PAST = "2020-01-01"

FULL = f"""\
# Contoso's policy. Owned by the security team; edits go through review.
approved_registries = ["contosoacr.azurecr.io", "*.contoso.example"]
approved_images = ["contosoacr.azurecr.io/*@sha256:*"]
disabled = ["ACI-022"]  # no confidential SKU in this region

[severity]
"ACI-020" = "critical"

[[suppressions]]
check = "ACR-001"
resource = "*/registries/contosoacr"
justification = "legacy build agent still logs in with the admin user"
expires = {FUTURE}
author = "ana"

[attestations.MAN-001]
status = "pass"
note = "pipeline fails on high CVEs (see CI run 4812)"
by = "ana"
date = 2026-11-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / DEFAULT_NAME
    path.write_text(text, encoding="utf-8")
    return path


def suppression(check: str, resource: str = "*", expires: str = FUTURE) -> str:
    return (
        f'\n[[suppressions]]\ncheck = "{check}"\nresource = "{resource}"\n'
        f'justification = "accepted"\nexpires = {expires}\nauthor = "ana"\n'
    )


# --- loading and validation --------------------------------------------------------


def test_full_example_loads() -> None:
    policy = parse_policy(FULL)
    assert policy.approved_registries == ("contosoacr.azurecr.io", "*.contoso.example")
    assert policy.disabled == frozenset({"ACI-022"})
    assert policy.severity == {"ACI-020": Severity.CRITICAL}
    (rule,) = policy.suppressions
    assert rule == Suppression(
        "ACR-001",
        "*/registries/contosoacr",
        "legacy build agent still logs in with the admin user",
        date(2099, 12, 31),
        "ana",
    )
    att = policy.attestations["MAN-001"]
    assert (att.status, att.by, att.on) == (Status.PASS, "ana", date(2026, 11, 1))


def test_load_records_sha256(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    loaded = load_policy(path)
    assert loaded.info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert loaded.info.path == str(path)


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'approved_registries = ["a"]\n\n[severity\n"ACI-020" = "high"\n')
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    text = str(err.value)
    assert text.startswith(f"{path}:3: not valid TOML")


def test_every_problem_is_reported_with_line_and_key() -> None:
    text = (
        "approved_images = 'not-a-list'\n"  # 1
        "colour = 'blue'\n"  # 2
        "[severity]\n"  # 3
        '"ACI-020" = "urgent"\n'  # 4
        '"ACI-999" = "high"\n'  # 5
        "[[suppressions]]\n"  # 6
        'check = "ACI-011"\n'  # 7
        'resource = "*"\n'  # 8
        'justification = "  "\n'  # 9
        'expires = "next year"\n'  # 10
        "[[suppressions]]\n"  # 11
        'check = "XYZ-*"\n'  # 12
        'resource = "*"\n'  # 13
        "[attestations.MAN-002]\n"  # 14
        'status = "maybe"\n'  # 15
    )
    with pytest.raises(PolicyError) as err:
        parse_policy(text, "p.toml")
    lines = str(err.value).splitlines()
    assert any(
        line.startswith("p.toml:1: approved_images: expected a list of glob patterns")
        for line in lines
    )
    assert any(line.startswith("p.toml:2: colour: unknown key") for line in lines)
    assert any(
        line.startswith("p.toml:4: severity.ACI-020: expected one of critical") for line in lines
    )
    assert any(line.startswith("p.toml:5: severity.ACI-999: unknown check id") for line in lines)
    assert "p.toml:9: suppressions[1].justification: expected a non-empty string" in lines
    assert any(
        line.startswith("p.toml:10: suppressions[1].expires: expected a date") for line in lines
    )
    assert any(
        line.startswith("p.toml:12: suppressions[2].check: 'XYZ-*' matches no check")
        for line in lines
    )
    assert "p.toml:11: suppressions[2]: missing required key 'justification'" in lines
    assert (
        "p.toml:11: suppressions[2]: missing required key 'expires' (a date, e.g. 2026-12-31)"
        in lines
    )
    assert any(
        line.startswith("p.toml:15: attestations.MAN-002.status: expected one of pass")
        for line in lines
    )
    assert "p.toml:14: attestations.MAN-002: missing required key 'note'" in lines


def test_only_manual_items_can_be_attested() -> None:
    text = '[attestations.ACI-001]\nstatus = "pass"\nnote = "x"\nby = "a"\ndate = 2026-01-01\n'
    with pytest.raises(PolicyError, match=r":1: attestations.ACI-001: only manual items"):
        parse_policy(text)


def test_locate_handles_dotted_and_quoted_keys() -> None:
    text = 'a = 1\nseverity."ACI-020" = "high"\n[[s]]\nx = 1\n[[s]]\n  x = 2\n'
    assert locate(text, ("severity", "ACI-020")) == 2
    assert locate(text, ("s", 1, "x")) == 6
    assert locate(text, ("s", 1, "missing")) == 5
    assert locate(text, ("nowhere",)) is None


def test_cli_bad_policy_exits_2_with_the_line(tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path, '[[suppressions]]\ncheck = "ACR-001"\nresource = "*"\nexpires = 2099-01-01\n'
    )
    code = main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{path}:1: suppressions[1]: missing required key 'justification'" in err


def test_cli_missing_policy_file_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(tmp_path / "no.toml")]) == 2
    assert "no such policy file" in capsys.readouterr().err


def test_policy_in_working_folder_is_found(tmp_path: Path, monkeypatch, capsys) -> None:
    write(tmp_path, suppression("ACR-001"))
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--snapshot", str(EXAMPLE), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["policy"]["file"]["path"].endswith(DEFAULT_NAME)
    assert report["summary"]["suppressed"] == 1


# --- suppressions ------------------------------------------------------------------


def run_with(text: str, today: date | None = None):
    return audit(load_snapshot(EXAMPLE), parse_policy(text), today=today)


def test_suppressed_fail_stays_fail_and_counts_apart() -> None:
    run = run_with(suppression("acr-001", "*/REGISTRIES/ContosoACR"))
    (result,) = [r for r in run.results if r.check_id == "ACR-001"]
    assert result.status is Status.FAIL
    rule = run.suppression(result)
    assert rule is not None and rule.justification == "accepted" and rule.author == "ana"
    assert run.suppressed_count == 1
    assert run.status_counts[Status.FAIL] == 20  # still counted as a FAIL
    assert run.fail_counts_by_severity[Severity.HIGH] == 2  # ACI-006, SUB-001 remain


def test_fail_on_ignores_suppressed_fails(tmp_path: Path, capsys) -> None:
    text = suppression("ACR-001") + suppression("ACI-006") + suppression("SUB-001")
    path = write(tmp_path, text)
    base = ["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)]
    assert main([*base, "--fail-on", "high"]) == 0
    assert main([*base, "--fail-on", "medium"]) == 1
    err = capsys.readouterr().err
    assert "3 suppressed" in err


def test_expired_suppression_no_longer_applies_and_is_reported(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, suppression("ACR-001", expires=PAST))
    base = ["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)]
    assert main([*base, "--fail-on", "high", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert "suppression of ACR-001 on * expired on 2020-01-01" in err
    report = json.loads(out)
    assert report["summary"]["suppressed"] == 0
    (rule,) = report["policy"]["suppressions"]
    assert rule["expired"] is True
    (result,) = [r for r in report["results"] if r["check_id"] == "ACR-001"]
    assert "suppressed" not in result
    assert result["suppression_expired"]["expires"] == "2020-01-01"


def test_suppression_applies_through_its_expiry_day() -> None:
    text = suppression("ACR-001", expires="2026-06-30")
    assert run_with(text, today=date(2026, 6, 30)).suppressed_count == 1
    assert run_with(text, today=date(2026, 7, 1)).suppressed_count == 0


def test_pattern_matching_nothing_is_warned(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, suppression("ACR-001", "*/registries/nosuchregistry"))
    assert main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "warning: suppression of ACR-001 on */registries/nosuchregistry matches no FAIL" in err
    assert "matches no FAIL" in out  # the Markdown report says so too


def test_not_assessed_is_never_suppressed() -> None:
    # ACR-012 is NOT_ASSESSED on contosoacr (tokens not collected).
    run = run_with(suppression("ACR-012", "*"))
    (result,) = [r for r in run.results if r.check_id == "ACR-012"]
    assert result.status is Status.NOT_ASSESSED
    assert run.suppression(result) is None
    assert run.suppressed_count == 0
    assert [r.check for r in run.unmatched_suppressions] == ["ACR-012"]


def test_first_active_rule_wins_over_an_expired_one() -> None:
    results = run_with("").results
    rules = [
        Suppression("ACR-*", "*", "old", date(2020, 1, 1)),
        Suppression("ACR-001", "*", "new", date(2099, 1, 1)),
    ]
    match = match_suppressions(results, rules, date(2026, 1, 1))
    assert match.applied[("ACR-001", ACR)].justification == "new"
    assert ("ACR-001", ACR) not in match.expired
    assert ("ACR-003", ACR) in match.expired
    assert match.unmatched == []


# --- disabled checks, severity overrides, approved registries, attestations ---------


def test_disabled_check_is_not_run_but_listed(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, 'disabled = ["ACI-022"]\n')
    assert (
        main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(path), "--format", "json"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert not [r for r in report["results"] if r["check_id"] == "ACI-022"]
    assert [d["id"] for d in report["policy"]["disabled"]] == ["ACI-022"]
    assert main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)]) == 0
    md = capsys.readouterr().out
    assert "### Disabled checks" in md
    assert "ACI-022" in md.split("### Disabled checks")[1]


def test_severity_override_flows_to_counts_reports_and_fail_on(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, '[severity]\n"ACI-020" = "critical"\n')
    base = ["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)]
    assert main([*base, "--fail-on", "critical", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    (result,) = [r for r in report["results"] if r["check_id"] == "ACI-020"]
    assert result["severity"] == "critical"
    assert report["summary"]["fail_counts_by_severity"]["critical"] == 1
    (override,) = report["policy"]["severity_overrides"]
    assert override == {"id": "ACI-020", "from": "low", "to": "critical"}


def test_approved_registries_extend_aci_001_trust() -> None:
    group = container_group(
        name="web",
        properties={"containers": [{"name": "c", "properties": {"image": "ghcr.io/x/app:1"}}]},
    )
    (plain,) = run_check("ACI-001", [group])
    assert plain.status is Status.FAIL
    policy = Policy(approved_registries=("*.io",))
    (trusted,) = run_check("ACI-001", [group], policy=policy)
    assert trusted.status is Status.PASS
    assert "approved in the policy" in trusted.evidence[0].note


def test_attestation_turns_manual_into_the_attested_status() -> None:
    run = run_with(FULL)
    man = {r.check_id: r for r in run.results if r.check_id.startswith("MAN-")}
    assert man["MAN-001"].status is Status.PASS
    assert "by ana on 2026-11-01" in man["MAN-001"].message
    assert man["MAN-001"].evidence[0].observed.startswith("pipeline fails")
    assert man["MAN-002"].status is Status.MANUAL


def test_demo_keeps_its_approved_lists_unless_the_file_sets_them(tmp_path: Path) -> None:
    write(tmp_path, suppression("ACR-001"))
    choice = resolve_policy(None, demo=True, folder=tmp_path)
    assert choice.policy.approved_registries  # from the demo
    assert len(choice.policy.suppressions) == 1
    write(tmp_path, 'approved_registries = ["x.azurecr.io"]\n')
    choice = resolve_policy(None, demo=True, folder=tmp_path)
    assert choice.policy.approved_registries == ("x.azurecr.io",)


# --- edits from the app ------------------------------------------------------------


def kept_in_order(original: str, new: str) -> bool:
    lines = iter(new.splitlines())
    return all(any(line == other for other in lines) for line in original.splitlines())


def test_edits_keep_comments_and_layout(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    add_suppression(
        path, "ACI-011", "*/containerGroups/contoso-web", "public web tier", date(2027, 1, 31), "bo"
    )
    text = path.read_text()
    assert kept_in_order(FULL, text)  # every line the user wrote, comments included
    assert '\n[[suppressions]]\ncheck = "ACI-011"\n' in text
    assert 'author = "bo"\n\n[attestations.MAN-001]' in text
    rules = load_policy(path).policy.suppressions
    assert [(r.check, r.author, r.expires) for r in rules] == [
        ("ACR-001", "ana", date(2099, 12, 31)),
        ("ACI-011", "bo", date(2027, 1, 31)),
    ]
    assert remove_suppression(path, "ACI-011", "*/containerGroups/contoso-web")
    assert path.read_text() == FULL
    assert not remove_suppression(path, "ACI-011", "*/containerGroups/contoso-web")
    set_attestation(
        path, "MAN-002", Status.NOT_APPLICABLE, "no in-house images", "cy", date(2026, 11, 2)
    )
    set_attestation(path, "MAN-001", Status.FAIL, "pipeline does not gate", "cy", date(2026, 11, 3))
    text = path.read_text()
    assert "# Contoso's policy. Owned by the security team" in text
    assert "# no confidential SKU in this region" in text
    policy = load_policy(path).policy
    assert policy.attestations["MAN-001"].status is Status.FAIL
    assert policy.attestations["MAN-002"].status is Status.NOT_APPLICABLE
    assert [p.name for p in tmp_path.iterdir()] == [DEFAULT_NAME]  # no temp file left


def test_edit_creates_the_file_when_missing(tmp_path: Path) -> None:
    path = tmp_path / DEFAULT_NAME
    add_suppression(path, "ACR-001", "*", "accepted", date(2099, 1, 1))
    assert load_policy(path).policy.suppressions[0].author == ""


def test_an_edit_that_would_not_validate_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    with pytest.raises(PolicyError, match="justification: expected a non-empty string"):
        add_suppression(path, "ACR-001", "*", "   ", date(2099, 1, 1))
    assert path.read_text() == FULL


def test_json_report_with_a_policy_matches_the_schema(tmp_path: Path, capsys) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(
        (Path(__file__).parent.parent / "schemas" / "report.schema.json").read_text()
    )
    text = FULL + suppression("ACI-011", expires=PAST) + suppression("ACR-001", "*/nothing")
    path = write(tmp_path, text)
    assert (
        main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(path), "--format", "json"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    errors = sorted(Draft202012Validator(schema).iter_errors(report), key=str)
    assert not errors, errors[0]
    policy = report["policy"]
    assert len(policy["file"]["sha256"]) == 64
    assert [s["suppressed_results"] for s in policy["suppressions"]] == [1, 0, 0]
    assert [s["expired"] for s in policy["suppressions"]] == [False, True, False]
    assert policy["attestations"][0]["by"] == "ana"
    assert len(policy["warnings"]) == 2


def test_markdown_report_lists_policy_parts(tmp_path: Path, capsys) -> None:
    text = FULL + suppression("ACI-011", expires=PAST)
    path = write(tmp_path, text)
    assert main(["scan", "--snapshot", str(EXAMPLE), "--policy", str(path)]) == 0
    md = capsys.readouterr().out
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert f"(sha256 `{sha}`)" in md.split("## Scope")[1].split("## Summary")[0]
    assert "**Suppressed FAILs: 1**" in md
    assert "| **HIGH** | ACR-001 | Admin user is enabled | 1 (1 suppressed) |" in md
    assert "**SUPPRESSED** until 2099-12-31 by ana: legacy build agent" in md
    assert "suppression expired on 2020-01-01" in md
    assert "**expired** (its FAILs count again)" in md
    assert (
        "| MAN-001 | PASS | pipeline fails on high CVEs (see CI run 4812) | ana | 2026-11-01 |"
        in md
    )
    assert "| ACI-020 |" in md.split("### Severity overrides")[1]


def test_readme_example_is_a_valid_policy() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme.split("## Policy file (`aci-audit.toml`)", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    policy = parse_policy(example, "README.md")
    assert policy.suppressions and policy.attestations and policy.severity and policy.disabled


def test_policy_before_the_command_counts_too(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, suppression("ACR-001") + suppression("ACI-006") + suppression("SUB-001"))
    code = main(["--policy", str(path), "scan", "--snapshot", str(EXAMPLE), "--fail-on", "high"])
    assert code == 0


def test_duplicate_key_is_a_parse_error_with_its_line() -> None:
    with pytest.raises(PolicyError, match=r"^p.toml:3: not valid TOML: Key \"disabled\""):
        parse_policy('disabled = []\n# twice\ndisabled = ["ACI-022"]\n', "p.toml")


def test_bom_is_accepted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / DEFAULT_NAME
    path.write_bytes(b"\xef\xbb\xbf# saved by a Windows editor\n")
    assert load_policy(path).policy == Policy()
    add_suppression(path, "ACR-001", "*", "accepted", date(2099, 1, 1))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf# saved by a Windows editor\n")
    assert len(load_policy(path).policy.suppressions) == 1


def test_inline_suppressions_are_edited_in_their_own_style(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'suppressions = [{check = "ACR-001", resource = "*", justification = "j", '
        "expires = 2099-01-01}]\n",
    )
    add_suppression(path, "ACR-003", "*", "k", date(2099, 1, 2), "me")
    assert path.read_text().count("\n") == 1  # still one line
    assert [r.check for r in load_policy(path).policy.suppressions] == ["ACR-001", "ACR-003"]
    assert remove_suppression(path, "ACR-001", "*")
    assert [r.check for r in load_policy(path).policy.suppressions] == ["ACR-003"]
