"""The HTML report in a real browser (Debian's `chromium`), networking off: the page
makes no request and raises no script error, and its filter script runs.

Skipped, with the reason, where no Chromium is installed: CI passes without it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from aciaudit.reports import render
from aciaudit.run import audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on PATH (Debian: apt-get install chromium)"
)

# Networking off: every host resolves to nothing and the proxy is a closed port; the
# browser's own background traffic is turned off as far as flags allow (what is left is
# told apart from the page's by its network isolation key, below).
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
]


def load(page: Path, tmp: Path) -> tuple[str, list[str], list[str]]:
    """The DOM after scripts ran, the page's own network requests, its console errors."""
    netlog = tmp / "net.json"
    proc = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            f"--log-net-log={netlog}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    requests = set()
    for event in json.loads(netlog.read_text("utf-8"))["events"]:
        params = event.get("params") or {}
        # Requests the page made carry its file:// origin in their isolation key.
        if "url" in params and str(params.get("network_isolation_key", "")).startswith("file:"):
            requests.add(params["url"])
    errors = [
        line
        for line in proc.stderr.splitlines()
        if "CONSOLE" in line or "Refused to" in line or "Uncaught" in line
    ]
    return proc.stdout, sorted(requests), errors


def test_the_demo_report_loads_offline_without_requests_or_script_errors(
    tmp_path: Path,
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(audit(load_demo(), DEMO_POLICY), "html"), "utf-8")
    dom, requests, errors = load(page, tmp_path)
    assert requests == []
    assert errors == []
    # The filter script ran (it unhides its box): the CSP hash matches the script.
    assert '<input id="filter" type="search" placeholder=' in dom
    assert "<h1>Container security audit</h1>" in dom


def test_the_probe_sees_a_request_and_a_script_error(tmp_path: Path) -> None:
    """The same probe on a page that fetches an image and calls nothing: it must notice."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><body><img src="https://example.invalid/x.png"><script>nope()</script>'
        "</body></html>",
        "utf-8",
    )
    _, requests, errors = load(page, tmp_path)
    assert requests == ["https://example.invalid/x.png"]
    assert any("nope" in e for e in errors)
