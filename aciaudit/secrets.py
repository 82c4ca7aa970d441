"""Value-based secret detection: where in a string a credential sits, and what kind it is.

detect-secrets 1.5.0 brings the vendor token formats (GitHub, AWS, Slack, JWT, private
keys…), adapted in `secret_plugins`; our own regexes in `secret_patterns` add what it lacks
for Azure estates. This module puts them all in one order, runs them, merges what they
find, and makes the marker a secret is replaced with.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from aciaudit.secret_detector import (
    AUTH_HEADER,
    AZURE_SAS,
    AZURE_SHARED_ACCESS_KEY,
    AZURE_STORAGE_KEY,
    CLI_FLAG,
    GITHUB_TOKEN,
    HIGH_ENTROPY,
    PRIVATE_KEY,
    URL_USERINFO,
    USER_PASSWORD,
    Detector,
    group_finder,
)
from aciaudit.secret_patterns import (
    ACCOUNT_KEY,
    GITHUB_FINE_GRAINED,
    NPM_TOKEN,
    PEM_BLOCK,
    SAS_SIG,
    SHARED_ACCESS_KEY,
    USER_FLAGS,
    find_assignments,
    find_auth_headers,
    find_cli_flags,
    find_glued_passwords,
    find_high_entropy,
    find_image_userinfo,
    find_url_userinfo,
    find_user_password_triples,
    is_secret_flag,
    looks_like_flag,
    trivially_not_secret,
)
from aciaudit.secret_plugins import (
    kebab_detector_name,
    load_plugins,
    plugin_detector,
    plugin_gate,
)
from checks.secret_markers import (
    KEYWORD_NAME,
    MARKER_PREFIX,
    MARKER_RE,
    NO_DETECTOR,
    name_looks_secret,
)

__all__ = [
    "CLI_FLAG",
    "URL_USERINFO",
    "USER_FLAGS",
    "Span",
    "detect",
    "detect_named",
    "find_secrets",
    "is_secret_flag",
    "kebab_detector_name",
    "looks_like_flag",
    "make_marker",
]

# Nothing we detect fits in fewer characters (`--pwd=x` aside, not worth a scan per value).
MIN_SCAN_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Span:
    """One secret inside a string: `text[start:end]`, recognised by `detector`."""

    detector: str
    start: int
    end: int


def find_secrets(text: str) -> list[Span]:
    """Every secret in `text`, in order, non-overlapping; existing markers are never re-flagged."""
    return list(_scan(text))


def detect(value: str) -> str | None:
    """The detector of the first secret in `value`, or None."""
    spans = _scan(value)
    return spans[0].detector if spans else None


def detect_named(name: object, value: str) -> str:
    """The detector for a value held under a name (an env var): value first, then name.

    `keyword-name` when only the name looks secret and the value could be one; `none`
    when neither flags it (the caller still redacts the value).
    """
    found = detect(value)
    if found is not None:
        return found
    if isinstance(name, str) and name_looks_secret(name) and not trivially_not_secret(value):
        return KEYWORD_NAME
    return NO_DETECTOR


def make_marker(value: str, detector: str) -> str:
    """`redacted:v1:<detector>:<length>:<first 12 hex of SHA-256>` for `value`."""
    if not _DETECTOR_NAME.fullmatch(detector):
        raise ValueError(f"not a detector name: {detector!r}")
    # surrogatepass: JSON may carry lone surrogates, which strict UTF-8 refuses to encode.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{MARKER_PREFIX}{detector}:{len(value)}:{digest}"


# --- scanning -------------------------------------------------------------------------------

_DETECTOR_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@lru_cache(maxsize=65536)
def _scan(text: str) -> tuple[Span, ...]:
    # Cached by string: estates repeat the same values across many groups.
    if len(text) < MIN_SCAN_LENGTH:
        return ()
    detectors, gate = _detectors()
    found: list[tuple[int, int, int, str]] = []
    for rank, detector in enumerate(detectors):
        if detector.gated:
            continue
        for start, end in detector.find(text):
            if start < end:
                found.append((start, end, rank, detector.name))
    # detect-secrets' regexes are not all linear (`.+` before a literal): on a long value
    # they run over windows of bounded size, so their cost grows linearly with it.
    for offset, window in _windows(text):
        # Most values match no plugin regex: one search saves calling each plugin in Python.
        if gate is not None and gate.search(window) is None:
            continue
        for rank, detector in enumerate(detectors):
            if detector.gated:
                for start, end in detector.find(window):
                    if start < end:
                        found.append((start + offset, end + offset, rank, detector.name))
    if not found:
        return ()
    return tuple(_outside_markers(text, _merge(found)))


# Windows for the plugins on a long value: cut at whitespace where possible (a token never
# spans one), each overlapping the previous one so `name = value` pairs stay whole.
_WINDOW, _OVERLAP = 1024, 256
_SPACE = re.compile(r"\s")


def _windows(text: str) -> Iterator[tuple[int, str]]:
    if len(text) <= _WINDOW:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(start + _WINDOW, len(text))
        if end < len(text):
            # The last whitespace in the window's second half, if any.
            for m in _SPACE.finditer(text, start + _WINDOW // 2, end):
                end = m.start() + 1
        begin = max(0, start - _OVERLAP)
        yield begin, text[begin:end]
        start = end


def _merge(found: list[tuple[int, int, int, str]]) -> list[Span]:
    # Overlapping finds become their union (covering both is the safe choice), named after
    # the most specific detector among them.
    found.sort()
    merged: list[Span] = []
    start, end, rank, name = found[0]
    for s, e, r, n in found[1:]:
        if s < end:
            end = max(end, e)
            if r < rank:
                rank, name = r, n
        else:
            merged.append(Span(name, start, end))
            start, end, rank, name = s, e, r, n
    merged.append(Span(name, start, end))
    return merged


def _outside_markers(text: str, spans: list[Span]) -> Iterator[Span]:
    # A marker already in the text stays as it is (idempotence); only what lies around it
    # can still be a secret.
    markers = [m.span() for m in MARKER_RE.finditer(text)] if MARKER_PREFIX in text else []
    for span in spans:
        pieces = [(span.start, span.end)]
        for m_start, m_end in markers:
            pieces = [
                part
                for s, e in pieces
                for part in ((s, min(e, m_start)), (max(s, m_end), e))
                if part[0] < part[1]
            ]
        for s, e in pieces:
            if (s == span.start and e == span.end) or _HAS_ALNUM.search(text, s, e):
                yield Span(span.detector, s, e)


_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")

_detectors_lock = threading.Lock()
_detectors_state: list[tuple[list[Detector], re.Pattern[str] | None]] = []


def _detectors() -> tuple[list[Detector], re.Pattern[str] | None]:
    """All detectors, most specific first (the order names merged spans), and the gate.
    Built on first use: loading the plugins costs a scan of detect-secrets' package."""
    if not _detectors_state:
        with _detectors_lock:
            if not _detectors_state:
                plugins = load_plugins()
                detectors = [
                    Detector(PRIVATE_KEY, group_finder(PEM_BLOCK)),
                    *(plugin_detector(p) for p in plugins),
                    Detector(GITHUB_TOKEN, group_finder(GITHUB_FINE_GRAINED)),
                    Detector("npm-token", group_finder(NPM_TOKEN, 1)),
                    Detector(AZURE_STORAGE_KEY, group_finder(ACCOUNT_KEY, 1)),
                    Detector(AZURE_SHARED_ACCESS_KEY, group_finder(SHARED_ACCESS_KEY, 1)),
                    Detector(AZURE_SAS, group_finder(SAS_SIG, 1)),
                    Detector(AUTH_HEADER, find_auth_headers),
                    Detector(URL_USERINFO, find_url_userinfo),
                    Detector(URL_USERINFO, find_image_userinfo),
                    Detector(CLI_FLAG, find_cli_flags),
                    Detector(CLI_FLAG, find_glued_passwords),
                    Detector(USER_PASSWORD, find_user_password_triples),
                    Detector(KEYWORD_NAME, find_assignments),
                    Detector(HIGH_ENTROPY, find_high_entropy),
                ]
                _detectors_state.append((detectors, plugin_gate(plugins)))
    return _detectors_state[0]
