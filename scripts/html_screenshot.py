"""Make screenshots/report-html.png: the demo estate's HTML report in headless Chromium.

    python scripts/html_screenshot.py [--chromium PATH] [--out FILE]

The page is loaded from a temporary file with networking off (a closed proxy, no DNS),
as the browser test does: the screenshot shows the report as a client opens it offline.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from aciaudit.reports import render
from aciaudit.run import audit
from aciaudit.sources.demo import DEMO_POLICY, load_demo

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "report-html.png")
    parser.add_argument("--size", default="1200,2600", help="window width,height in pixels")
    args = parser.parse_args()
    html = render(audit(load_demo(), DEMO_POLICY), "html")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, "utf-8")
        proc = subprocess.run(
            [
                args.chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-background-networking",
                "--proxy-server=127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--window-size={args.size}",
                f"--screenshot={args.out.resolve()}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0 or not args.out.exists():
        sys.stderr.write(proc.stderr[-2000:])
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
