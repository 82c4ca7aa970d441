"""The HTML report's inline style and its one small script (no file, font or CDN outside
the document: the report is mailed as one file and opened in air-gapped networks).

The script only adds a filter box over the findings tables; everything is readable with
scripts off. The document's Content-Security-Policy allows this script by its hash and
nothing else: no request can leave the page even if a string slipped through unescaped.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg2: #f6f8fa;
  --crit: #8b0000; --high: #c62828; --med: #e07b00; --low: #b59a00; --info: #57606a;
  --pass: #1a7f37; --na: #6e7781; --man: #8250df; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 28px; margin: 0 0 8px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--line); padding-bottom: 4px;
  margin-top: 40px; }
h3 { font-size: 16px; margin: 24px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--bg2); }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Consolas, monospace; }
pre { background: var(--bg2); border: 1px solid var(--line); padding: 6px;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.cover { border: 1px solid var(--line); padding: 24px; margin-bottom: 24px; }
.cover dl { display: grid; grid-template-columns: 220px 1fr; gap: 2px 12px; margin: 0; }
.cover dt { color: var(--muted); }
.cover dd { margin: 0; overflow-wrap: anywhere; }
.demo { background: #fff4e5; border: 2px solid var(--med); padding: 8px 12px;
  font-weight: 600; margin-bottom: 16px; }
.classification { font-weight: 700; letter-spacing: .05em; text-transform: uppercase; }
.score { font-size: 40px; font-weight: 700; }
.muted { color: var(--muted); }
.sev, .st { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff;
  font-size: 12px; font-weight: 600; white-space: nowrap; }
.sev-critical { background: var(--crit); } .sev-high { background: var(--high); }
.sev-medium { background: var(--med); } .sev-low { background: var(--low); }
.sev-info { background: var(--info); }
.st-FAIL { background: var(--high); } .st-PASS { background: var(--pass); }
.st-NOT_ASSESSED, .st-NO_DATA { background: var(--na); } .st-MANUAL { background: var(--man); }
.st-NOT_APPLICABLE { background: var(--na); }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
nav ol { columns: 2; }
.check { border-top: 1px solid var(--line); padding-top: 8px; }
.suppressed { color: var(--muted); }
table.findings td:first-child { width: 20%; } table.findings td:last-child { width: 40%; }
#filter { width: 100%; padding: 6px; margin: 8px 0; font-size: 14px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav, #filter { display: none; }
  h2 { break-before: page; }
  .cover { break-after: page; border: none; }
  table, pre { break-inside: auto; } tr, .check h3 { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""

# Hides the rows of every `table.filterable` that do not contain the filter's text.
SCRIPT = """
(function () {
  var box = document.getElementById("filter");
  if (!box) { return; }
  box.hidden = false;
  box.addEventListener("input", function () {
    var q = box.value.toLowerCase();
    var rows = document.querySelectorAll("table.filterable tbody tr");
    for (var i = 0; i < rows.length; i++) {
      var hit = !q || rows[i].textContent.toLowerCase().indexOf(q) !== -1;
      rows[i].style.display = hit ? "" : "none";
    }
  });
})();
"""


def script_hash(script: str = SCRIPT) -> str:
    digest = hashlib.sha256(script.encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


def content_security_policy() -> str:
    """Nothing may load from anywhere; only the inline style and this script run."""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src '{script_hash()}'; base-uri 'none'; form-action 'none'"
    )
