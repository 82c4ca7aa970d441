"""The Markdown report stays valid, literal and complete whatever the estate holds."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from aciaudit.reports.markdown import render_markdown
from aciaudit.run import Run
from checks.index import Index
from checks.model import Evidence, Result, Severity, Status, Target, passed
from checks.registry import Catalogue, Check
from checks.snapshot import CoverageEntry, CoverageStatus, Snapshot, Subscription

MD = MarkdownIt("commonmark").enable("table")
SUB = "00000000-1111-4222-8333-444444444444"
SUB2 = "55555555-1111-4222-8333-444444444444"
HOSTILE = ["| x |", "[bold]x[/]", "a[/]b", "<script>alert(1)</script>", "a\nb", "\x1b[31mred"]
CG = "Microsoft.ContainerInstance/containerGroups"
ACR = "Microsoft.ContainerRegistry/registries"


def rid(rg: str, rtype: str, name: str, sub: str = SUB) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{rtype}/{name}"


def make_check(cid: str, sev: Severity, sections: tuple[str, ...], **kw: object) -> Check:
    target = {"ACR": Target.REGISTRY, "ACI": Target.CONTAINER_GROUP}.get(cid[:3])
    auto = not cid.startswith("MAN")
    return Check(
        id=cid,
        title=str(kw.get("title", f"Title of {cid}")),
        severity=sev,
        sections=sections,
        target=target or Target.SUBSCRIPTION,
        rationale="Because *reasons* <b>matter</b>.",
        remediation="Fix it | now.",
        learn_url="https://learn.microsoft.com/azure/x",
        references=("Azure Policy dc921057", "CKV_AZURE_137"),
        az=kw.get("az"),  # type: ignore[arg-type]
        evaluate=(lambda r, c: passed("ok")) if auto else None,
    )


def catalogue() -> Catalogue:
    az_acr = "az acr update --name {name} --resource-group {resource_group} --admin-enabled false"
    return Catalogue(
        [
            make_check("ACR-001", Severity.HIGH, ("S3",), title="Admin user is enabled", az=az_acr),
            make_check("ACI-016", Severity.CRITICAL, ("S11",), title="Privileged container"),
            make_check("ACI-004", Severity.LOW, ("S9",), title="Image is not pinned by digest"),
            make_check("SUB-001", Severity.HIGH, ("S2",), title="Defender is off"),
            make_check("MAN-001", Severity.INFO, ("S4", "S5"), title="Are images scanned in CI?"),
        ]
    )


def snapshot(kind: str = "live") -> Snapshot:
    resources: list[dict[str, object]] = [
        {
            "id": rid("rg-shared", ACR, "contosoacr"),
            "type": ACR,
            "sku": {"name": "Standard"},
            "properties": {"loginServer": "contosoacr.azurecr.io"},
        },
        {
            "id": rid("rg-shared", ACR, "| x |"),
            "type": ACR,
            "sku": {"name": "Pre|mium"},
            "properties": {"loginServer": "<b>evil</b>.azurecr.io"},
        },
    ]
    for i, name in enumerate(HOSTILE):
        image = {"image": f"docker.io/{name}:latest"} if i % 2 else {}
        resources.append(
            {
                "id": rid("rg-app", CG, name),
                "type": CG,
                "properties": {"osType": "Linux", "containers": [{"properties": image}]},
            }
        )
    # A shape nobody foresaw must not break the appendix.
    resources.append({"id": rid("rg-odd", CG, "odd"), "type": CG, "properties": "broken"})
    coverage = [
        CoverageEntry(f"/subscriptions/{SUB}", CG, CoverageStatus.COLLECTED, "2023-05-01"),
        CoverageEntry(f"/subscriptions/{SUB}", ACR, CoverageStatus.COLLECTED, "2025-04-01"),
        CoverageEntry(
            f"/subscriptions/{SUB}",
            "Microsoft.Security/pricings",
            CoverageStatus.DENIED,
            detail="AuthorizationFailed: <b>no</b> | access",
        ),
    ]
    return Snapshot(
        resources=resources,
        coverage=coverage,
        subscriptions=[Subscription(SUB, "Contoso | Prod", "Enabled", "t")],
        collected_at="2026-11-01T10:00:00Z",
        tool={"name": "aci-auditor", "version": "0.1.0"},
        source={"kind": kind, "cloud": "AzureCloud", "tenant_id": "tenant-<1>"},
    )


def results() -> list[Result]:
    acr_ids = [rid("rg-shared", ACR, "contosoacr"), rid("rg-shared", ACR, "| x |")]
    out = [
        Result(
            "ACR-001",
            r,
            Status.FAIL,
            f"Admin user enabled on {r.rsplit('/', 1)[1]}",
            (Evidence("properties.adminUserEnabled", True, "false"),),
        )
        for r in acr_ids
    ]
    for name in HOSTILE:
        gid = rid("rg-app", CG, name)
        ev = Evidence(
            "properties.containers[0].properties.securityContext",
            {"privileged": True, "name": name},
            "privileged false",
            note="container `" + name + "`",
        )
        out.append(Result("ACI-016", gid, Status.FAIL, f"'{name}' runs privileged", (ev,)))
        out.append(Result("ACI-004", gid, Status.PASS, "pinned"))
    out[-1] = Result("ACI-004", out[-1].resource_id, Status.FAIL, "not pinned <i>", ())
    out.append(
        Result("ACI-004", rid("rg-odd", CG, "odd"), Status.NOT_ASSESSED, "odd: shape | <b>bad")
    )
    out.append(
        Result(
            "SUB-001",
            f"/subscriptions/{SUB}",
            Status.NOT_ASSESSED,
            "Microsoft.Security/pricings denied (AuthorizationFailed)",
        )
    )
    out.append(Result("SUB-001", f"/subscriptions/{SUB2}", Status.FAIL, "Defender off"))
    out.append(Result("ACR-001", acr_ids[0], Status.NOT_APPLICABLE, "n/a"))
    out.append(Result("MAN-001", "/", Status.MANUAL, "a person must attest"))
    return out


def make_run(kind: str = "live") -> Run:
    snap = snapshot(kind)
    return Run(snap, Index(snap), results(), catalogue(), generated_at="2026-11-02T00:00:00Z")


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first)."""
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            found.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            assert row is not None
            row.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")
        elif tok.type == "tr_close":
            assert row is not None
            found[-1].append(row)
    return found


def source_tables(text: str) -> list[list[str]]:
    """Runs of consecutive `|` lines in the Markdown source."""
    blocks: list[list[str]] = []
    prev = False
    for line in text.split("\n"):
        is_row = line.startswith("|")
        if is_row and not prev:
            blocks.append([])
        if is_row:
            blocks[-1].append(line)
        prev = is_row
    return blocks


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_every_table_row_has_the_header_column_count() -> None:
    text = render_markdown(make_run())
    parsed = tables(MD.parse(text))
    raw = source_tables(text)
    assert len(parsed) == len(raw) >= 10
    for rows, lines in zip(parsed, raw, strict=True):
        # The parser pads or cuts rows to the header, so also count the source's pipes.
        assert len(rows) == len(lines) - 1
        assert {len(r) for r in rows} == {len(rows[0])}
        assert {unescaped_pipes(line) for line in lines} == {len(rows[0]) + 1}


def test_hostile_names_render_as_literal_text() -> None:
    text = render_markdown(make_run())
    assert "\x1b" not in text
    html = MD.render(text)
    assert "<script" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # ARM names cannot hold `/`, so `[bold]x[/]` and `a[/]b` reach the report through
    # the message (and the id's last segment); the others are real name cells too.
    for shown in ("| x |", "[bold]x[/]", "a[/]b", "a b", "␛[31mred"):
        assert f"<td>'{shown}' runs privileged</td>" in html, shown
        if "/" not in shown:
            assert f"<td>{shown}</td>" in html, shown
    cells = {c for t in tables(MD.parse(text)) for r in t for c in r}
    assert "Contoso | Prod" in cells and "Pre|mium" in cells


def test_scope_and_demo_banner() -> None:
    live = render_markdown(make_run("live"))
    assert live.startswith("# Container security audit\n")
    assert "DEMO DATA" not in live
    for needle in ("tenant-&lt;1&gt;", SUB, SUB2, "2026-11-01T10:00:00Z", "2026-11-02T00:00:00Z"):
        assert needle in live
    assert "**Source:** live (AzureCloud)" in live
    demo = render_markdown(make_run("demo"))
    tokens = MD.parse(demo)
    first_h2 = next(i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2")
    quote = next(i for i, t in enumerate(tokens) if t.type == "blockquote_open")
    assert quote < first_h2
    assert "DEMO DATA" in tokens[quote + 2].content


def test_summary_counts() -> None:
    text = section(render_markdown(make_run()), "Summary")
    assert "**Score: " in text
    assert "| FAIL | 10 |" in text and "| PASS | 5 |" in text
    assert "| NOT_ASSESSED | 2 |" in text and "| NOT_APPLICABLE | 1 |" in text
    assert "| MANUAL | 1 |" in text
    assert "| CRITICAL | 1 | 6 |" in text and "| HIGH | 2 | 3 |" in text
    assert "| LOW | 1 | 1 |" in text and "| INFO | 0 | 0 |" in text


def test_checklist_coverage_counts_multi_section_checks_in_each() -> None:
    text = section(render_markdown(make_run()), "Checklist coverage")
    assert (
        "| S4 | Vulnerability management in the container lifecycle | 0 | 0 | 0 | 0 | 1 |" in text
    )
    assert "| S5 | Scan for vulnerabilities | 0 | 0 | 0 | 0 | 1 |" in text
    assert "| S9 | Image integrity" in text and "| 1 | 1 | 5 | 1 | 0 |" in text
    assert "| S11 | Remove unneeded privileges | 1 | 6 | 0 | 0 | 0 |" in text
    assert len(re.findall(r"^\| S\d+ \|", text, re.M)) == 17


def test_findings_are_ordered_severity_first_then_id() -> None:
    text = section(render_markdown(make_run()), "Findings")
    headings = re.findall(r"^### (\S+) · ", text, re.M)
    assert headings == ["ACI-016", "ACR-001", "SUB-001", "ACI-004"]
    assert "**Severity:** **CRITICAL**" in text
    assert "S11 — Remove unneeded privileges" in text


def test_finding_has_resources_evidence_and_one_command_per_resource() -> None:
    text = render_markdown(make_run())
    finding = text[text.index("### ACR-001") : text.index("### SUB-001")]
    assert (
        "| contosoacr | rg-shared | Contoso \\| Prod | Admin user enabled on contosoacr |"
        in finding
    )
    assert "| properties.adminUserEnabled | true | false |" in finding
    fence = re.search(r"```bash\n(.*?)```", finding, re.S)
    assert fence is not None
    assert fence.group(1).splitlines() == [
        "az acr update --name contosoacr --resource-group rg-shared --admin-enabled false",
        "az acr update --name '| x |' --resource-group rg-shared --admin-enabled false",
    ]
    # The report fills templates itself for speed; it must say exactly what az_for says.
    chk = catalogue()["ACR-001"]
    ids = [rid("rg-shared", ACR, "contosoacr"), rid("rg-shared", ACR, "| x |")]
    assert fence.group(1).splitlines() == [chk.az_for(i) for i in ids]
    assert "[Microsoft Learn](<https://learn.microsoft.com/azure/x>)" in finding
    assert "CKV\\_AZURE\\_137" in finding
    html = MD.render(text)
    assert "{&quot;name&quot;: &quot;| x |&quot;, &quot;privileged&quot;: true}" in html


def test_not_assessed_reasons_and_not_applicable_counts() -> None:
    text = section(render_markdown(make_run()), "Not assessed")
    html = MD.render(text)
    assert "<td>odd: shape | &lt;b&gt;bad</td>" in html
    assert "Microsoft.Security/pricings denied (AuthorizationFailed)" in html
    assert text.index("ACI-004") < text.index("SUB-001")
    assert "| ACR-001 | Admin user is enabled | 1 |" in text


def test_manual_and_passed_sections() -> None:
    text = render_markdown(make_run())
    assert "| MAN-001 | Are images scanned in CI? | S4 S5 |" in section(text, "Manual items")
    assert "| ACI-004 | Image is not pinned by digest | low | 5 |" in section(text, "Passed checks")


def test_appendix_inventory_and_denied_coverage() -> None:
    text = section(render_markdown(make_run()), "Appendix — inventory")
    assert f"| {CG} | 7 |" in text and f"| {ACR} | 2 |" in text
    assert (
        "| \\| x \\| | rg-shared | Contoso \\| Prod | Pre\\|mium | &lt;b&gt;evil&lt;/b&gt;" in text
    )
    assert "| odd | rg-odd | Contoso \\| Prod |  | 0 |  |" in text
    assert "docker.io/\\[bold\\]x\\[/\\]:latest" in text
    denied = (
        f"| /subscriptions/{SUB} | Microsoft.Security/pricings | **denied** |  "
        "| AuthorizationFailed: &lt;b&gt;no&lt;/b&gt; \\| access |"
    )
    assert denied in text
    # Problems come before what was collected.
    assert text.index("**denied**") < text.index("| collected |")


def test_empty_run_renders() -> None:
    snap = Snapshot(resources=[], coverage=[])
    text = render_markdown(Run(snap, Index(snap), [], Catalogue()))
    assert "No check failed." in text and "**Score: 0 / 100**" in text
    assert "**Tenant:** not recorded" in text


def test_large_run_renders_every_result() -> None:
    cat = catalogue()
    ids = [rid(f"rg-{i % 50}", CG, f"cg-{i}") for i in range(3000)]
    ev = (Evidence("properties.containers[0].properties.image", "nginx", "a digest"),)
    res = [
        Result(cid, gid, Status.FAIL if i % 3 else Status.PASS, f"cg-{i} fails", ev)
        for cid in ("ACI-016", "ACI-004", "ACR-001")
        for i, gid in enumerate(ids)
    ] * 3
    snap = Snapshot(resources=[{"id": g, "type": CG} for g in ids], coverage=[])
    run = Run(snap, Index(snap), res, cat)
    text = render_markdown(run)
    # Speed is measured by benchmarks/bench_scan.py; here: nothing is dropped.
    assert text.count("\n") > len(res)
    assert all(f"cg-{i}" in text for i in (0, 1499, 2999))


def test_a_table_row_of_the_wrong_width_is_refused() -> None:
    from aciaudit.reports.md_blocks import table

    out: list[str] = []
    with pytest.raises(ValueError, match="2 cells, header has 3"):
        table(out, ["a", "b", "c"], [["1", "2"]])


def test_lines_are_written_in_chunks_and_end_with_one_newline() -> None:
    from aciaudit.reports.md_blocks import Lines

    writes: list[str] = []
    lines = Lines(writes.append)
    lines.extend(str(i) for i in range(Lines.CHUNK + 1))
    lines.extend(["", ""])
    assert len(writes) == 1  # one full chunk, the rest still buffered
    lines.finish()
    text = "".join(writes)
    assert text.endswith(f"{Lines.CHUNK}\n") and text.count("\n") == Lines.CHUNK + 1


def _severity_row(text: str, severity: str) -> list[str]:
    """The cells of one row of the summary's "Failures by severity" table."""
    block = section(text, "Summary").split("Failures by severity:", 1)[1]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in source_tables(block)[0]
        if line.startswith(f"| {severity} |")
    ]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_check_whose_every_fail_is_suppressed_is_not_counted_as_failing(tmp_path, capsys) -> None:
    # Issue 16: the severity table counted checks that only had suppressed FAILs.
    from aciaudit.cli import main

    policy = tmp_path / "aci-audit.toml"
    policy.write_text(
        '[[suppressions]]\ncheck = "ACI-021"\nresource = "*"\n'
        'justification = "accepted for the test"\nexpires = 2099-12-31\n'
    )
    assert main(["scan", "--demo", "--format", "markdown", "-o", str(tmp_path / "a.md")]) == 0
    args = ["scan", "--demo", "--policy", str(policy), "--format", "markdown"]
    assert main([*args, "-o", str(tmp_path / "b.md")]) == 0
    capsys.readouterr()
    before = _severity_row((tmp_path / "a.md").read_text(), "HIGH")
    after = _severity_row((tmp_path / "b.md").read_text(), "HIGH")
    # ACI-021 (high) has one FAIL on the demo: one check and one result fewer.
    assert int(after[1]) == int(before[1]) - 1
    assert int(after[2]) == int(before[2]) - 1
