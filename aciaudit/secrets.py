"""Value-based secret detection: where in a string a credential sits, and what kind it is.

detect-secrets 1.5.0 brings the vendor token formats (GitHub, AWS, Slack, JWT, private keys…);
our own regexes add what it lacks for Azure estates: storage and Service Bus keys in connection
strings, SAS signatures, secret command-line flags, URL user info, and `NAME=value` assignments
whose name looks secret.

We call the plugins' `analyze_string` on plugin objects we build ourselves, never `scan_line`
or `analyze_line`: `scan_line` rewrites detect-secrets' process-global settings on every call
(slow, not thread-safe, visible to every other user of the library), and `analyze_line` reads
those settings to decide whether to *verify* a secret, which sends it to the vendor's API. A
read-only auditor must never do that, whatever another caller configured.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import detect_secrets.plugins as ds_plugins
from detect_secrets.filters.heuristic import is_potential_uuid, is_sequential_string
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

from checks.secret_markers import (
    KEYWORD_NAME,
    MARKER_PREFIX,
    MARKER_RE,
    NO_DETECTOR,
    name_looks_secret,
)

AZURE_STORAGE_KEY = "azure-storage-key"
AZURE_SHARED_ACCESS_KEY = "azure-shared-access-key"
AZURE_SAS = "azure-sas"
CLI_FLAG = "cli-flag"
AUTH_HEADER = "auth-header"
URL_USERINFO = "url-userinfo"
PRIVATE_KEY = "private-key"
GITHUB_TOKEN = "github-token"
HIGH_ENTROPY = "base64-high-entropy"

# Base64 runs at or above this Shannon entropy (bits per char) look random. detect-secrets'
# default; it only applies it itself in `analyze_line`, which we do not call.
ENTROPY_LIMIT = 4.5
# Nothing we detect fits in fewer characters (`--pwd=x` aside, not worth a scan per value).
MIN_SCAN_LENGTH = 8

# Plugins left out, and why:
_EXCLUDED_PLUGINS = frozenset(
    {
        # Flags every digest, GUID and commit id.
        "HexHighEntropyString",
        # Tested on plain values: flags `{"password_min_length": "12"}` as a secret ("12"),
        # needs quotes so it misses `Password=x;` in connection strings, and costs ~10 µs per
        # value, 30 times any other plugin. Our `keyword-name` assignments rule replaces it.
        "KeywordDetector",
        # Its match is only the password, leaving the user name; `url-userinfo` covers the
        # whole user info and token-only user info (`https://<token>@github.com`) too.
        "BasicAuthDetector",
        # Public IP addresses are not secrets (it even flags `0.0.0.0`).
        "IPPublicDetector",
        # Wants exactly 88 chars and puts `AccountKey=` inside the match; ours takes any
        # length and keeps the connection string readable.
        "AzureStorageKeyDetector",
        # Applied by hand below: its plugin only checks entropy in `analyze_line`.
        "Base64HighEntropyString",
    }
)
# Class names whose generic kebab-casing would read badly.
_PLUGIN_NAMES = {
    "GitHubTokenDetector": GITHUB_TOKEN,
    "GitLabTokenDetector": "gitlab-token",
    "AWSKeyDetector": "aws-key",
    "JwtTokenDetector": "jwt",
    "PrivateKeyDetector": PRIVATE_KEY,
    "AzureStorageKeyDetector": AZURE_STORAGE_KEY,
    "Base64HighEntropyString": HIGH_ENTROPY,
    "NpmDetector": "npm-token",
    "OpenAIDetector": "openai-key",
    "SendGridDetector": "sendgrid-key",
    "SquareOAuthDetector": "square-oauth",
    "SlackDetector": "slack-token",
    "StripeDetector": "stripe-key",
}
# Plugins whose regex also matches plain words (`APACHESERVER`): demand a random-looking mix.
_NEEDS_MIXED_CHARS = frozenset({"ArtifactoryDetector"})
# Chars a token continues with: a regex with a fixed length must not leave a tail behind.
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_-]*")
# JWT's own regex ends lazily, so its match stops before the signature.
_JWT_TAIL = re.compile(r"[A-Za-z0-9_\-.+/=]*")
# Delimiters some plugin regexes include around the secret (`=AKC…`, `"…"`); a trailing `=`
# is base64 padding, part of the secret.
_LEADING_EDGE = " \t\r\n\"'=:"
_TRAILING_EDGE = " \t\r\n\"'"


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
    if isinstance(name, str) and name_looks_secret(name) and not _trivially_not_secret(value):
        return KEYWORD_NAME
    return NO_DETECTOR


def is_secret_flag(arg: str) -> bool:
    """True for a bare flag whose value is the next argument: `--password`, `--client-secret`."""
    m = _BARE_FLAG.fullmatch(arg)
    return m is not None and _flag_name_is_secret(m.group(1))


def looks_like_flag(arg: str) -> bool:
    """`--verbose`, `-v`, `--mode=x`: not the value of a preceding flag."""
    return _FLAG_LIKE.fullmatch(arg) is not None


def make_marker(value: str, detector: str) -> str:
    """`redacted:v1:<detector>:<length>:<first 12 hex of SHA-256>` for `value`."""
    if not _DETECTOR_NAME.fullmatch(detector):
        raise ValueError(f"not a detector name: {detector!r}")
    # surrogatepass: JSON may carry lone surrogates, which strict UTF-8 refuses to encode.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{MARKER_PREFIX}{detector}:{len(value)}:{digest}"


def kebab_detector_name(class_name: str) -> str:
    """`GitHubTokenDetector` → `github-token`; unknown classes kebab-case minus `Detector`."""
    if class_name in _PLUGIN_NAMES:
        return _PLUGIN_NAMES[class_name]
    base = class_name.removesuffix("Detector") or class_name
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", base)
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "unknown"


# --- scanning -------------------------------------------------------------------------------

_DETECTOR_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_Finder = Callable[[str], Iterator[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class _Detector:
    name: str
    find: _Finder
    # Runs only when the text matches the gate: one regex standing for all plugin regexes.
    gated: bool = False


@lru_cache(maxsize=65536)
def _scan(text: str) -> tuple[Span, ...]:
    # Cached by string: estates repeat the same values across many groups.
    if len(text) < MIN_SCAN_LENGTH:
        return ()
    detectors, gate = _detectors()
    # Most values match no plugin regex: one search saves calling each plugin in Python.
    plugins_may_match = gate is None or gate.search(text) is not None
    found: list[tuple[int, int, int, str]] = []
    for rank, detector in enumerate(detectors):
        if detector.gated and not plugins_may_match:
            continue
        for start, end in detector.find(text):
            if start < end:
                found.append((start, end, rank, detector.name))
    if not found:
        return ()
    return tuple(_outside_markers(text, _merge(found)))


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
_detectors_state: list[tuple[list[_Detector], re.Pattern[str] | None]] = []


def _detectors() -> tuple[list[_Detector], re.Pattern[str] | None]:
    """All detectors, most specific first (the order names merged spans), and the gate."""
    if not _detectors_state:
        with _detectors_lock:
            if not _detectors_state:
                plugins = _load_plugins()
                _detectors_state.append((_build_detectors(plugins), _plugin_gate(plugins)))
    return _detectors_state[0]


def _plugin_gate(plugins: list[BasePlugin]) -> re.Pattern[str] | None:
    """One regex matching wherever any plugin regex matches (None: no gate, run them all)."""
    parts: list[str] = []
    for plugin in plugins:
        if not isinstance(plugin, RegexBasedDetector):
            return None
        for regex in plugin.denylist:
            flags = ("i" if regex.flags & re.IGNORECASE else "") + (
                "x" if regex.flags & re.VERBOSE else ""
            )
            if regex.flags & ~(re.IGNORECASE | re.VERBOSE | re.UNICODE):
                return None
            # A newline ends any verbose-mode comment before the group closes.
            parts.append(
                f"(?{flags}:{regex.pattern}\n)" if "x" in flags else f"(?{flags}:{regex.pattern})"
            )
    try:
        return re.compile("|".join(parts)) if parts else None
    except re.error:
        return None


def _build_detectors(plugins: list[BasePlugin]) -> list[_Detector]:
    return [
        _Detector(PRIVATE_KEY, _group_finder(_PEM_BLOCK)),
        *(_plugin_detector(p) for p in plugins),
        _Detector(GITHUB_TOKEN, _group_finder(_GITHUB_FINE_GRAINED)),
        _Detector(AZURE_STORAGE_KEY, _group_finder(_ACCOUNT_KEY, 1)),
        _Detector(AZURE_SHARED_ACCESS_KEY, _group_finder(_SHARED_ACCESS_KEY, 1)),
        _Detector(AZURE_SAS, _group_finder(_SAS_SIG, 1)),
        _Detector(AUTH_HEADER, _find_auth_headers),
        _Detector(URL_USERINFO, _find_url_userinfo),
        _Detector(CLI_FLAG, _find_cli_flags),
        _Detector(KEYWORD_NAME, _find_assignments),
        _Detector(HIGH_ENTROPY, _find_high_entropy),
    ]


def _load_plugins() -> list[BasePlugin]:
    # Every concrete plugin class detect-secrets ships, built with its defaults. No settings
    # are read or written, so this neither depends on nor disturbs what other code configured.
    classes: dict[str, type[BasePlugin]] = {}
    for info in pkgutil.iter_modules(ds_plugins.__path__):
        module = importlib.import_module(f"{ds_plugins.__name__}.{info.name}")
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BasePlugin)
                and obj.__module__ == module.__name__
                and not inspect.isabstract(obj)
                and obj.__name__ not in _EXCLUDED_PLUGINS
            ):
                classes[obj.__name__] = obj
    return [cls() for _, cls in sorted(classes.items())]


def _plugin_detector(plugin: BasePlugin) -> _Detector:
    class_name = type(plugin).__name__
    name = kebab_detector_name(class_name)
    if not isinstance(plugin, RegexBasedDetector):
        return _Detector(name, _value_finder(plugin))
    mixed = class_name in _NEEDS_MIXED_CHARS
    tail = _JWT_TAIL if name == "jwt" else _TOKEN_TAIL

    def find(text: str) -> Iterator[tuple[int, int]]:
        for regex in plugin.denylist:
            for m in regex.finditer(text):
                # The whole match, not the value the plugin yields: GitHubTokenDetector's
                # capture group makes that value just `ghp`, which would leave the token bare.
                # Re-running the plugin on the match keeps its own checks (JWT structure).
                if not any(True for _ in plugin.analyze_string(m.group(0))):
                    continue
                start, end = _trim(text, m.start(), m.end())
                if mixed and not _is_mixed(text[start:end]):
                    continue
                tail_match = tail.match(text, end)
                yield start, tail_match.end() if tail_match else end

    return _Detector(name, find, gated=True)


def _value_finder(plugin: BasePlugin) -> _Finder:
    # A plugin without regexes only tells us the secret value: find it in the text.
    def find(text: str) -> Iterator[tuple[int, int]]:
        for value in plugin.analyze_string(text):
            if not value:
                continue
            start = text.find(value)
            while start >= 0:
                yield start, start + len(value)
                start = text.find(value, start + len(value))

    return find


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _LEADING_EDGE:
        start += 1
    while end > start and text[end - 1] in _TRAILING_EDGE:
        end -= 1
    return start, end


def _is_mixed(value: str) -> bool:
    return (
        any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and any(c.isdigit() for c in value)
    )


def _group_finder(regex: re.Pattern[str], group: int = 0) -> _Finder:
    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in regex.finditer(text):
            yield m.span(group)

    return find


# --- our own detectors ----------------------------------------------------------------------

# A whole PEM private key, to its END line or the end of the string: detect-secrets only
# matches the `BEGIN … PRIVATE KEY` words, which would leave the key body in clear.
_PEM_BLOCK = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
# Fine-grained personal access tokens, which detect-secrets 1.5.0 does not know.
_GITHUB_FINE_GRAINED = re.compile(r"github_pat_[A-Za-z0-9_]{22,}")
_ACCOUNT_KEY = re.compile(r"AccountKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})", re.IGNORECASE)
# Service Bus, Event Hubs, IoT Hub; `SharedAccessKeyName=` is not followed by `=` directly.
_SHARED_ACCESS_KEY = re.compile(r"SharedAccessKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})", re.IGNORECASE)
# The signature is the secret; the other SAS fields (expiry, permissions) stay readable.
_SAS_SIG = re.compile(r"(?:^|[?&;\s\"'])sig=([A-Za-z0-9%+/_=-]{10,})", re.IGNORECASE)

# `Authorization: Bearer x`, `-H "Authorization: Basic x"`, `Bearer x`: the credential.
_AUTH_HEADER = re.compile(
    r"(?:\bAuthorization\s*:\s*(?:(?:Bearer|Basic|Token|Bot|Digest|SharedKey)\s+)?"
    r"|\bBearer\s+)([^\s\"',;]{8,})",
    re.IGNORECASE,
)


def _find_auth_headers(text: str) -> Iterator[tuple[int, int]]:
    for m in _AUTH_HEADER.finditer(text):
        if not _REFERENCE.fullmatch(m.group(1)) and not m.group(1).startswith("$("):
            yield m.span(1)


# Everything between `://` and the last `@` of the authority.
_URL_USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^\s/?#\"'<>]+)@")
# `$TOKEN`, `${TOKEN}`: a reference to a secret, not one.
_REFERENCE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def _find_url_userinfo(text: str) -> Iterator[tuple[int, int]]:
    for m in _URL_USERINFO.finditer(text):
        userinfo = m.group(1)
        user, colon, password = userinfo.partition(":")
        if colon:
            if password and not _REFERENCE.fullmatch(password):
                yield m.span(1)
        # A lone user name (`ssh://git@`, `https://contoso@dev.azure.com`) is not a
        # secret; a lone token (`https://ghp_…@github.com`) is long and random.
        elif len(user) >= 16 and _is_random_looking(user):
            yield m.span(1)


def _is_random_looking(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


# `--password=x`, `--password x`, `-Dspring.datasource.password=x`, `--password "a b"`.
_FLAG_VALUE = re.compile(
    r"(?<![\w-])--?([A-Za-z][A-Za-z0-9_.-]*)(=|[ \t]+)"
    r"(\"[^\"]*\"|'[^']*'|[^\s\"';&|]+)"
)
_BARE_FLAG = re.compile(r"--?([A-Za-z][A-Za-z0-9_.-]*)")
_FLAG_LIKE = re.compile(r"--?[A-Za-z][A-Za-z0-9_.-]*(?:=.*)?", re.DOTALL)
# `curl -u user:password`, `--user=user:password`: the part after the colon.
USER_FLAGS = frozenset({"-u", "--user"})
_USER_FLAG = re.compile(r"(?<![\w-])(?:-u|--user)(?:=|[ \t]+)[^\s:\"']+:([^\s\"';&|]+)")
_NAME_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=4096)
def _flag_name_is_secret(name: str) -> bool:
    # The secret word must end the flag: `--client-secret` yes, `--token-audience` or
    # `--password-file` no.
    words = [w for w in _NAME_WORDS.split(name) if w]
    if not words:
        return False
    if name_looks_secret(words[-1]):
        return True
    # A pair only counts when it is the pair that is secret (`--api-key`), not a word
    # before the last one (`--token-audience`).
    return (
        len(words) > 1
        and name_looks_secret("_".join(words[-2:]))
        and not name_looks_secret(words[-2])
    )


def _find_cli_flags(text: str) -> Iterator[tuple[int, int]]:
    for m in _overlapping(_FLAG_VALUE, text):
        if not _flag_name_is_secret(m.group(1)):
            continue
        start, end = m.span(3)
        value = m.group(3)
        if value[:1] in "\"'":
            start, end, value = start + 1, end - 1, value[1:-1]
        if not value or _REFERENCE.fullmatch(value) or value.startswith("$("):
            continue
        # `--no-password --verbose`: the next word is another flag, not a value.
        if m.group(2) != "=" and looks_like_flag(value):
            continue
        yield start, end
    for m in _USER_FLAG.finditer(text):
        password = m.group(1)
        # `-u 1000:1000` is a uid:gid pair.
        if not password.isdigit() and not _REFERENCE.fullmatch(password):
            yield m.span(1)


def _overlapping(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    # Resume right after the flag: in `--token --password=x` the value `finditer` would take
    # for `--token` is the next flag, which must still be matched itself.
    pos = 0
    while (m := regex.search(text, pos)) is not None:
        yield m
        pos = m.start(3)


# `DB_PASSWORD=x`, `Password=x;` (connection strings), `?token=x&`, `"apiKey": "x"`.
_ASSIGNMENT = re.compile(
    r"(?<![\w.-])([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(\"[^\"]*\"|'[^']*'|[^\s\"';&|,]+)"
)
_JSON_PAIR = re.compile(r"\"([A-Za-z_][A-Za-z0-9_.-]*)\"\s*:\s*\"((?:[^\"\\]|\\.)*)\"")


def _find_assignments(text: str) -> Iterator[tuple[int, int]]:
    if "=" not in text and ":" not in text:
        return
    for regex in (_ASSIGNMENT, _JSON_PAIR):
        for m in regex.finditer(text):
            if not name_looks_secret(m.group(1)):
                continue
            start, end = m.span(2)
            value = m.group(2)
            if regex is _ASSIGNMENT and value[:1] in "\"'":
                start, end, value = start + 1, end - 1, value[1:-1]
            if _trivially_not_secret(value) or value.startswith("$("):
                continue
            yield start, end


_ENTROPY_PLUGIN = Base64HighEntropyString(limit=ENTROPY_LIMIT)
# Base64 (standard and url-safe) runs long enough to reach the limit; `=` only as padding,
# so `name=value` splits into its name and its value.
_BASE64_RUN = re.compile("[" + re.escape(_ENTROPY_PLUGIN.charset.replace("=", "")) + "]{20,}={0,2}")


def _find_high_entropy(text: str) -> Iterator[tuple[int, int]]:
    for m in _BASE64_RUN.finditer(text):
        run = m.group(0)
        if (
            _ENTROPY_PLUGIN.calculate_shannon_entropy(run) >= ENTROPY_LIMIT
            # detect-secrets' own false-positive filters: resource ids carry GUIDs.
            and not is_potential_uuid(run)
            and not is_sequential_string(run)
            and not _is_path(run)
        ):
            yield m.span()


_PATH_SEGMENT = re.compile(
    r"[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*(?:[-_.][A-Za-z0-9]+)*|[0-9]{1,8}|"
)


def _is_path(run: str) -> bool:
    # `/providers/Microsoft.Web/…` or `org/team-platform/backend`: every segment a word.
    if "/" not in run:
        return False
    return all(_PATH_SEGMENT.fullmatch(segment) for segment in run.split("/"))


_FALSY_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil"})


def _trivially_not_secret(value: str) -> bool:
    # What a secret-named variable holds when it is configuration, not a credential:
    # flags, small numbers (ports, lengths, days) and references to the real secret.
    # Anything else, however weak (`changeme`, `123456`), counts as a possible secret.
    stripped = value.strip()
    return (
        not stripped
        or stripped.lower() in _FALSY_WORDS
        or (stripped.isascii() and stripped.isdigit() and len(stripped) <= 5)
        or _REFERENCE.fullmatch(stripped) is not None
    )
