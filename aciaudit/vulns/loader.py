"""Files and folders of scanner output → ImageScans, with one line per unusable file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aciaudit import jsonin
from aciaudit.reading import InputError, read_input
from aciaudit.vulns.defender import defender_rows, scans_from_defender
from aciaudit.vulns.grype import is_grype, parse_grype
from aciaudit.vulns.shapes import ReportError
from aciaudit.vulns.trivy import is_trivy, parse_trivy
from checks.vulns import ImageScan


@dataclass
class VulnLoad:
    scans: list[ImageScan] = field(default_factory=list)
    # One line each: "<file>: <reason>". The other files still load.
    errors: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # files that gave data
    # Loaded, but of no use for the join: a report that names no image reference.
    notes: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """What a user should read: skipped files, then loaded ones that cannot match."""
        return self.errors + self.notes

    def summary(self) -> str:
        findings = sum(len(s.vulnerabilities) for s in self.scans)
        text = (
            f"vulnerability data: {len(self.scans)} image report(s) from {len(self.files)} "
            f"file(s), {findings} open finding(s)"
        )
        return text + (f"; {len(self.errors)} file(s) skipped" if self.errors else "")


def detect_format(doc: Any) -> str | None:
    """ "trivy", "grype", "defender", or None when the document is none of them."""
    if is_trivy(doc):
        return "trivy"
    if is_grype(doc):
        return "grype"
    if defender_rows(doc) is not None:
        return "defender"
    return None


def parse_report(doc: Any, source: str) -> list[ImageScan]:
    """The scans in one parsed document; ReportError says why it cannot be used."""
    fmt = detect_format(doc)
    if fmt == "trivy":
        return parse_trivy(doc, source)
    if fmt == "grype":
        return parse_grype(doc, source)
    if fmt == "defender":
        rows = defender_rows(doc) or []
        scans, skipped = scans_from_defender(rows, source)
        if skipped and not scans:
            raise ReportError(
                f"no container registry vulnerability findings ({skipped} other "
                "Defender sub-assessment(s))"
            )
        return scans
    raise ReportError(f"not a Trivy, Grype or Defender for Cloud report ({_shape(doc)})")


def _shape(doc: Any) -> str:
    if isinstance(doc, dict):
        keys = ", ".join(sorted(doc)[:6])
        return f"an object with keys {keys}" if keys else "an empty object"
    if isinstance(doc, list):
        return "an array of something else"
    return f"a JSON {type(doc).__name__}"


def load_vulns(paths: Iterable[Path | str]) -> VulnLoad:
    """Load every report under `paths` (files, or folders searched recursively).

    Never raises for a bad input: each unusable file adds one line to `errors`.
    """
    out = VulnLoad()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = _reports_in(path)
            if not files:
                out.errors.append(f"{path}: no JSON files in this folder")
            for file in files:
                _load_file(file, out)
        elif path.exists():
            _load_file(path, out)
        else:
            out.errors.append(f"{path}: no such file or folder")
    return out


def _reports_in(folder: Path) -> list[Path]:
    """JSON files, and other files that start like JSON (Trivy's `.golden`), skipping
    hidden ones and anything else a scan folder collects (licences, READMEs)."""
    found = []
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not file.is_file():
            continue
        if file.suffix.lower() == ".json" or _starts_like_json(file):
            found.append(file)
    return found


def _starts_like_json(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] in (b"{", b"[")


def _load_file(file: Path, out: VulnLoad) -> None:
    try:
        text = read_input(file, "a vulnerability report").decode("utf-8-sig")
    except InputError as exc:
        out.errors.append(str(exc))
        return
    except UnicodeDecodeError:
        out.errors.append(f"{file}: not UTF-8 text")
        return
    try:
        doc = jsonin.loads(text, parse_constant=str)  # NaN/Infinity: not numbers in a report
    except json.JSONDecodeError as exc:
        out.errors.append(f"{file}: not valid JSON ({exc.msg} at line {exc.lineno})")
        return
    except RecursionError:
        out.errors.append(f"{file}: JSON nested too deeply")
        return
    try:
        scans = parse_report(doc, str(file))
    except ReportError as exc:
        out.errors.append(f"{file}: {exc}")
        return
    except Exception as exc:  # a shape no parser foresaw: skip the file, not the run
        out.errors.append(f"{file}: unexpected report shape ({type(exc).__name__})")
        return
    out.scans.extend(scans)
    out.files.append(str(file))
    for scan in scans:
        if not scan.registry_id and not any(r.registry for r in scan.refs):
            out.notes.append(
                f"{file}: the {scan.tool} report names no image reference (scanned from an "
                "archive?): it cannot be matched to a running container"
            )
