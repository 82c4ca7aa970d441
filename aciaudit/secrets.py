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
from typing import Any

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
    Hint,
    group_finder,
)
from aciaudit.secret_patterns import (
    ACCOUNT_KEY,
    ENTROPY_MIN_DISTINCT,
    GITHUB_FINE_GRAINED,
    NPM_TOKEN,
    PEM_BLOCK,
    SAS_SIG,
    SHARED_ACCESS_KEY,
    USER_FLAGS,
    account_key_hint,
    assignment_hint,
    auth_header_hint,
    cli_flag_hint,
    find_assignments,
    find_auth_headers,
    find_cli_flags,
    find_glued_passwords,
    find_high_entropy,
    find_image_userinfo,
    find_url_userinfo,
    find_user_password_triples,
    github_pat_hint,
    glued_password_hint,
    image_userinfo_hint,
    is_secret_flag,
    looks_like_flag,
    npm_hint,
    pem_hint,
    sas_hint,
    shared_access_key_hint,
    trivially_not_secret,
    url_userinfo_hint,
    user_password_hint,
)
from aciaudit.secret_plugins import (
    kebab_detector_name,
    load_plugins,
    plugin_detector,
    plugin_gate,
    plugin_hints,
    some_plugin_hint_may_hold,
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
    "forget_paths",
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


def find_secrets(text: str, *, arm_id: bool = False) -> list[Span]:
    """Every secret in `text`, in order, non-overlapping; existing markers are never re-flagged.

    `arm_id`: the text is an ARM resource id, whose segments the entropy rule misreads as
    one random run; every other detector still runs (a token pasted into a name is found).
    """
    return list(_scan(text, arm_id))


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


def _find(text: str, arm_id: bool = False) -> tuple[Span, ...]:
    if len(text) < MIN_SCAN_LENGTH:
        return ()
    detectors, gate, bare_path = _detectors()
    # Most values of an estate are ids, names, GUIDs and words: nothing but letters,
    # digits and `._/+-`. Without a separator (`:`, `=`, `@`, a blank, a quote) only
    # tokens can be found in them, and each token format has a literal to look for.
    if bare_path and _bare_token_literal(text) is False:
        return () if arm_id else _entropy_only(text, detectors)
    return _find_hinted(text, arm_id, detectors, gate, bare_path)


# Cached by string: estates repeat the same values across many groups.
_scan = lru_cache(maxsize=65536)(_find)


def find_in_value(text: str) -> tuple[Span, ...]:
    """What `find_secrets(text, arm_id=is_arm_id(text))` finds, without its cache: for a
    caller that keeps its own per distinct value (the redaction walk)."""
    if len(text) < MIN_SCAN_LENGTH:
        return ()
    detectors, gate, bare_path = _detectors_state[0] if _detectors_state else _detectors()
    if bare_path:
        # `_bare_token_literal` written out (this runs for every distinct value): the last
        # segment is read in place, its parent path from what is remembered of it.
        cut = text.rfind("/") + 1
        if _BARE.fullmatch(text, cut) is not None:
            known = _NO_LITERAL
            if cut:
                head = text[: cut - 1]
                known = _heads_seen.get(head) or _know_head(head)
            if known is not _NOT_BARE:
                # Every bare character fits the rest of `_ARM_ID`: its prefix says "an id".
                arm_id = cut != 0 and text[0] == "/" and _ARM_ID_PREFIX.match(text) is not None
                if known is _LITERAL or _has_literal_from(text, cut):
                    return _find_hinted(text, arm_id, detectors, gate, bare_path)
                return () if arm_id else _entropy_only(text, detectors)
    return _find_hinted(text, is_arm_id(text), detectors, gate, bare_path)


# An ARM resource id is structure, not a secret: its path segments (a subscription id
# like `9d91e956-idsubscription-…` among them) read as one long base64 run otherwise.
_ARM_ID = re.compile(r"/(?:subscriptions|providers)/[^\s@:=?#\"'&;]*", re.IGNORECASE)
_ARM_ID_PREFIX = re.compile(r"/(?:subscriptions|providers)/", re.IGNORECASE)


def is_arm_id(text: str) -> bool:
    """Whether `text` is an ARM resource id, whose segments only the entropy rule misreads
    (a token pasted into a name is still found by its own detector)."""
    return text.startswith("/") and _ARM_ID.fullmatch(text) is not None


def _find_hinted(
    text: str,
    arm_id: bool,
    detectors: list[Detector],
    gate: re.Pattern[str] | None,
    known_plugins: bool,
) -> tuple[Span, ...]:
    # Hints only speak for ASCII text, where `str.lower` and IGNORECASE agree.
    hinted = text.isascii()
    lowered = text.lower() if hinted else text
    # With the plugins the hints were read from, two searches can answer every plugin
    # hint at once: most values hold nothing any plugin looks for.
    no_plugin = hinted and known_plugins and not some_plugin_hint_may_hold(text, lowered)
    every, without_plugins = _steps(detectors)
    found: list[tuple[int, int, int, str]] = []
    plugins: list[tuple[int, Detector]] = []
    for rank, detector, hint in without_plugins if no_plugin else every:
        if hinted and hint is not None and not hint(text, lowered):
            continue
        if detector.gated:
            plugins.append((rank, detector))
            continue
        for start, end in detector.find(text):
            if start < end:
                found.append((start, end, rank, detector.name))
    if plugins:
        # With every plugin's hint read, the few left run as they are; otherwise one gate
        # search per window saves calling each plugin in Python on most values.
        gated = not hinted or any(detector.hint is None for _, detector in plugins)
        # detect-secrets' regexes are not all linear (`.+` before a literal): on a long
        # value they run over windows of bounded size, so their cost grows linearly with it.
        for offset, window in _windows(text):
            if gated and gate is not None and gate.search(window) is None:
                continue
            for rank, detector in plugins:
                for start, end in detector.find(window):
                    if start < end:
                        found.append((start + offset, end + offset, rank, detector.name))
    if not found:
        return ()
    merged = _merge(found)
    if arm_id:
        # The entropy rule misreads an id's segments: what it alone found is dropped,
        # after merging, so a token's span still covers the random run beside it.
        merged = [span for span in merged if span.detector != HIGH_ENTROPY]
    return tuple(_outside_markers(text, merged))


# A detector with its rank (the order names merged spans) and its hint.
_Step = tuple[int, Detector, Hint | None]
# The detectors last asked for, as steps: all of them, and all but the plugins that have a
# hint (what is left to try when no plugin hint can hold).
_plans: list[tuple[list[Detector], list[_Step], list[_Step]]] = []


def _steps(detectors: list[Detector]) -> tuple[list[_Step], list[_Step]]:
    plan = _plans[0] if _plans else None
    if plan is None or plan[0] is not detectors:
        every = [(rank, detector, detector.hint) for rank, detector in enumerate(detectors)]
        rest = [step for step in every if not (step[1].gated and step[2] is not None)]
        plan = (detectors, every, rest)
        _plans[:] = [plan]
    return plan[1], plan[2]


_BARE = re.compile(r"[A-Za-z0-9._/+-]*")
# What can match in a bare text, one literal per format: GitHub fine-grained tokens, a
# glued `mysql -pPASSWORD`, then detect-secrets' formats that need no separator (AWS key
# ids, Artifactory, Discord, GitHub, GitLab, JWT, Mailchimp, OpenAI, PuTTY keys, PyPI,
# SendGrid, Slack, Square, Stripe, Twilio). Read from the plugins `HINTED_PLUGINS` names;
# with other plugins (`hint` None on them) this path is not taken.
# Grouped by first character, which `re` tries much faster than a flat alternation.
_BARE_TOKENS = re.compile(
    r"A(?:[CP]|3T|BIA|KIA|SIA|KC)|-(?:p|us)|\.[A-Za-z0-9_-]{6}\.|"
    r"g(?:h[pousr]_|l(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|ithub_pat_)|"
    r"GR1348941|eyJ|T3BlbkFJ|PuTTY-User-Key-File-2|pypi-AgE|S(?:G\.|K)|[xX][oO][xX]|"
    r"sq0csp-|k_live_"
)
# Every match of `_BARE_TOKENS` holds one of these characters (tests/test_secret_hints.py
# proves it from the pattern): a segment with none (a GUID, most names) holds no literal,
# and one character class is far quicker to search than the alternation.
_TOKEN_CHARS = re.compile(r"[AGJKPXxpulq._]")


def _has_literal_from(text: str, pos: int) -> bool:
    """Whether `text[pos:]` holds a token literal, read in place."""
    return _TOKEN_CHARS.search(text, pos) is not None and _BARE_TOKENS.search(text, pos) is not None


def _bare_token_literal(text: str) -> bool | None:
    """None when `text` is not bare; else whether it holds a token literal."""
    # No literal holds a `/`, so each path segment can be asked alone. An id's parent
    # (`/subscriptions/…/resourceGroups/rg/providers/ns/type`) repeats across its siblings:
    # it is read once, and only the last segment (a name, a GUID) is new. `pos` reads the
    # last segment in place: no literal can start in it and end outside it.
    cut = text.rfind("/") + 1
    if _BARE.fullmatch(text, cut) is None:
        return None
    known = _NO_LITERAL
    if cut:
        head = text[: cut - 1]
        known = _heads_seen.get(head) or _know_head(head)
    if known is _NOT_BARE:
        return None
    # The last segment is asked afresh: it is mostly new (a name, a GUID), and the whole
    # value is remembered by the caller.
    return known is _LITERAL or _has_literal_from(text, cut)


_NOT_BARE, _NO_LITERAL, _LITERAL = "not bare", "no literal", "literal"


def _know_head(head: str) -> str:
    """What a parent path is: not bare (a URL's or an image's path, mostly new each time:
    not remembered), or bare without a literal or with one (remembered, from its own
    parent's answer when that is remembered: an id's siblings share it)."""
    if _BARE.fullmatch(head) is None:
        return _NOT_BARE
    cut = head.rfind("/") + 1
    above = _NO_LITERAL
    if cut:
        parent = head[: cut - 1]
        above = _heads_seen.get(parent) or _read_bare_head(parent)
    literal = above is _LITERAL or _segment_has_token_literal(head[cut:])
    known = _LITERAL if literal else _NO_LITERAL
    _remember(_heads_seen, head, known)
    return known


def _read_bare_head(head: str) -> str:
    known = _NO_LITERAL
    for segment in head.split("/"):
        if _segment_has_token_literal(segment):
            known = _LITERAL
            break
    _remember(_heads_seen, head, known)
    return known


def _segment_has_token_literal(segment: str) -> bool:
    found = _segments_seen.get(segment)
    if found is None:
        found = _has_literal_from(segment, 0)
        _remember(_segments_seen, segment, found)
    return found


# What is known of a bare parent path (a literal in it or not) and whether a path
# segment holds a literal, by text. Bounded in
# entries and in the length of what is kept (a hostile value can be megabytes).
_heads_seen: dict[str, str] = {}
_segments_seen: dict[str, bool] = {}
_SEEN_ENTRIES, _SEEN_LENGTH = 1 << 16, 256


def forget_paths() -> None:
    """Drop what is remembered of parent paths and segments (a bulk redaction's end):
    tens of MB at most, useless once the run's ids are done."""
    _heads_seen.clear()
    _segments_seen.clear()


def _remember(seen: dict[str, Any], text: str, found: object) -> None:
    if len(text) <= _SEEN_LENGTH:
        if len(seen) >= _SEEN_ENTRIES:
            seen.clear()
        seen[text] = found


def _entropy_only(text: str, detectors: list[Detector]) -> tuple[Span, ...]:
    # A run needs ENTROPY_MIN_DISTINCT distinct characters: a text with fewer has none
    # (names, GUIDs), and is answered before the run search.
    if len(text) < ENTROPY_MIN_DISTINCT or len(set(text)) < ENTROPY_MIN_DISTINCT:
        return ()
    spans = [Span(HIGH_ENTROPY, start, end) for start, end in detectors[-1].find(text)]
    return tuple(_outside_markers(text, spans)) if spans else ()


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
# The detectors, the plugins' gate, and whether `_BARE_TOKENS` speaks for the plugins.
_Detectors = tuple[list[Detector], re.Pattern[str] | None, bool]
_detectors_state: list[_Detectors] = []


def _detectors() -> _Detectors:
    """All detectors, most specific first (the order names merged spans), the plugins'
    gate, and whether the plugins are those the hints were read from. Built on first use: loading the plugins costs a scan of detect-secrets' package."""
    if not _detectors_state:
        with _detectors_lock:
            if not _detectors_state:
                plugins = load_plugins()
                hints = plugin_hints(plugins)
                detectors = [
                    Detector(PRIVATE_KEY, group_finder(PEM_BLOCK), hint=pem_hint),
                    *(plugin_detector(p, hints.get(type(p).__name__)) for p in plugins),
                    Detector(GITHUB_TOKEN, group_finder(GITHUB_FINE_GRAINED), hint=github_pat_hint),
                    Detector("npm-token", group_finder(NPM_TOKEN, 1), hint=npm_hint),
                    Detector(
                        AZURE_STORAGE_KEY, group_finder(ACCOUNT_KEY, 1), hint=account_key_hint
                    ),
                    Detector(
                        AZURE_SHARED_ACCESS_KEY,
                        group_finder(SHARED_ACCESS_KEY, 1),
                        hint=shared_access_key_hint,
                    ),
                    Detector(AZURE_SAS, group_finder(SAS_SIG, 1), hint=sas_hint),
                    Detector(AUTH_HEADER, find_auth_headers, hint=auth_header_hint),
                    Detector(URL_USERINFO, find_url_userinfo, hint=url_userinfo_hint),
                    Detector(URL_USERINFO, find_image_userinfo, hint=image_userinfo_hint),
                    Detector(CLI_FLAG, find_cli_flags, hint=cli_flag_hint),
                    Detector(CLI_FLAG, find_glued_passwords, hint=glued_password_hint),
                    Detector(USER_PASSWORD, find_user_password_triples, hint=user_password_hint),
                    Detector(KEYWORD_NAME, find_assignments, hint=assignment_hint),
                    Detector(HIGH_ENTROPY, find_high_entropy),
                ]
                assert detectors[-1].name == HIGH_ENTROPY  # `_entropy_only` relies on it
                _detectors_state.append((detectors, plugin_gate(plugins), bool(hints)))
    return _detectors_state[0]
