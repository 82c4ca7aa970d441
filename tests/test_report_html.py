"""The HTML report: one offline file that parses, references nothing outside itself,
and never turns a name from Azure into markup."""

from __future__ import annotations

import re
from typing import Any

import html5lib
import pytest
from fixtures import container_group, make_snapshot, registry

from aciaudit.reports import render
from aciaudit.reports.html_style import SCRIPT, script_hash
from aciaudit.run import Run, audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    'x" onmouseover="alert(3)',
    "x$(touch PWNED)",
    "\x1b[31mred\u202egnp.exe",
    "<svg onload=alert(4)>",
    "<style>@import url(https://evil.example/x.css)</style>",
]


@pytest.fixture(scope="module")
def demo_html() -> str:
    return render(audit(load_demo(), DEMO_POLICY), "html")


@pytest.fixture(scope="module")
def hostile_html() -> str:
    resources: list[dict[str, Any]] = []
    for i, name in enumerate(HOSTILE):
        resources.append(registry(name=name, adminUserEnabled=True, resource_group=f"rg{i}"))
        resources.append(container_group(name=name, resource_group=name))
    run = audit(make_snapshot(resources))
    return render(run, "html")


def parse(text: str) -> Any:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(text)


def external_references(text: str) -> list[str]:
    """Every src, href, srcset, xlink:href, CSS url() or @import that leaves the page."""
    tree = html5lib.parse(text, namespaceHTMLElements=False)
    found: list[str] = []
    for el in tree.iter():
        for attr, value in el.attrib.items():
            local = attr.rsplit("}", 1)[-1].lower()
            outward = local in ("src", "srcset", "href", "action", "formaction", "poster", "data")
            if outward and not value.startswith("#"):
                found.append(f"{el.tag} {local}={value}")
            if local == "style" and re.search(r"url\(|@import", value, re.I):
                found.append(f"{el.tag} style={value}")
        if el.tag == "style" and re.search(r"url\(|@import", el.text or "", re.I):
            found.append("style element: url()/@import")
    return found


def test_demo_report_parses_without_errors(demo_html: str) -> None:
    parse(demo_html)  # strict: raises on any parse error
    assert demo_html.startswith("<!DOCTYPE html>")
    assert demo_html.endswith("</html>\n")


def test_no_reference_leaves_the_page(demo_html: str) -> None:
    # Even Microsoft Learn pages are named as text, not linked: the file points nowhere.
    assert external_references(demo_html) == []
    tree = html5lib.parse(demo_html, namespaceHTMLElements=False)
    loading = [el.tag for el in tree.iter() if el.tag in ("img", "link", "iframe", "object")]
    assert loading == []
    css = "".join(el.text or "" for el in tree.iter("style"))
    assert not re.search(r"@import|url\(|@font-face", css, re.I)


def test_the_page_forbids_every_request_and_allows_only_its_own_script(demo_html: str) -> None:
    tree = html5lib.parse(demo_html, namespaceHTMLElements=False)
    csp = next(
        el.get("content")
        for el in tree.iter("meta")
        if (el.get("http-equiv") or "").lower() == "content-security-policy"
    )
    assert "default-src 'none'" in csp and f"'{script_hash()}'" in csp
    scripts = [el.text for el in tree.iter("script")]
    assert scripts == [SCRIPT]


def test_contents_the_issue_lists(demo_html: str) -> None:
    for anchor in (
        "summary",
        "charts",
        "findings",
        "resources",
        "suppressions",
        "compliance",
        "coverage",
        "appendix",
    ):
        assert f'id="{anchor}"' in demo_html, anchor
    for text in ("DEMO DATA", "Top risks", "What passed", "could not be assessed", "<svg"):
        assert text in demo_html, text
    assert "az acr update --name" in demo_html  # a filled command
    assert "<dt>Policy file</dt>" in demo_html  # with its sha256 when there is one


def test_hostile_names_never_become_markup(hostile_html: str) -> None:
    parse(hostile_html)
    tree = html5lib.parse(hostile_html, namespaceHTMLElements=False)
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert "img" not in tags and "style" in tags
    assert len(list(tree.iter("script"))) == 1
    assert len(list(tree.iter("style"))) == 1
    for el in tree.iter():
        for attr in el.attrib:
            assert not attr.lower().startswith("on"), (el.tag, attr)
    assert external_references(hostile_html) == []
    text = "".join(tree.itertext())
    assert "<img src=x onerror=alert(1)>" in text
    assert "</script><script>alert(2)</script>" in text
    assert "\x1b" not in hostile_html and "\u202e" not in hostile_html


def test_registered_for_scan_and_the_folder(demo_html: str) -> None:
    from aciaudit.reports import FILE_NAMES, LABELS

    assert FILE_NAMES["html"] == "report.html" and LABELS["html"] == "HTML"


def test_an_empty_run_still_renders() -> None:
    run = Run(make_snapshot([]), *_empty_parts(), generated_at="2026-11-02T00:00:00Z")
    parse(render(run, "html"))


def _empty_parts() -> tuple[Any, Any, Any]:
    from checks.catalogue import load_catalogue
    from checks.index import Index

    snap = make_snapshot([])
    return Index(snap), [], load_catalogue()


def test_html_text_escapes_markup_and_shows_invisible_characters() -> None:
    from aciaudit.escape import html_text

    assert html_text("<a \"b\" 'c' &") == "&lt;a &quot;b&quot; &#x27;c&#x27; &amp;"
    assert html_text("a\r\nb\x1b") == "a b␛"
    assert html_text("a\nb", multiline=True) == "a\nb"
    assert html_text(None) == ""


def test_the_cover_shows_the_policy_files_classification_as_text() -> None:
    from dataclasses import replace

    from aciaudit.policy_file import PolicyError, parse_policy

    policy = parse_policy('classification = "CONFIDENTIAL <b>Contoso</b>"\n')
    run = audit(load_demo(), DEMO_POLICY)
    page = render(
        replace(run, policy=replace(run.policy, classification=policy.classification)), "html"
    )
    assert '<p class="classification">CONFIDENTIAL &lt;b&gt;Contoso&lt;/b&gt;</p>' in page
    assert 'class="classification"' not in render(run, "html")
    with pytest.raises(PolicyError, match="one line"):
        parse_policy('classification = """two\nlines"""\n')


def test_changes_since_the_baseline_are_shown_when_given() -> None:
    from aciaudit.diff import diff_sides, side_from_run
    from checks.model import Status

    run = audit(load_demo(), DEMO_POLICY)
    old = run.subset([r for r in run.results if r.check_id != "ACR-001"])
    delta = diff_sides(side_from_run(old, "old"), side_from_run(run, "new"), run.catalogue)
    page = render(run.with_delta(delta), "html")
    parse(page)
    assert 'id="changes"' in page and '<a href="#changes">' in page
    shown = [e for e in delta.entries if e.change.value != "unchanged"]
    assert shown and all(e.check_id == "ACR-001" for e in shown)
    section = page[page.index('id="changes"') : page.index('id="compliance"')]
    assert section.count("<td>ACR-001</td>") == len(shown)
    assert sum(1 for r in run.results if r.check_id == "ACR-001" and r.status is Status.FAIL)
    assert 'id="changes"' not in render(run, "html")
