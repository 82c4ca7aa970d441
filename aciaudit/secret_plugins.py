"""detect-secrets' plugins as our detectors: which ones run, what each is called, and
how their matches are widened to the whole token.

We call the plugins' `analyze_string` on plugin objects we build ourselves, never
`scan_line` or `analyze_line`: `scan_line` rewrites detect-secrets' process-global settings
on every call (slow, not thread-safe, visible to every other user of the library), and
`analyze_line` reads those settings to decide whether to *verify* a secret, which sends it
to the vendor's API. A read-only auditor must never do that, whatever another caller
configured.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator

import detect_secrets.plugins as ds_plugins
from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
)
from detect_secrets.plugins.ip_public import IPPublicDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import KeywordDetector
from detect_secrets.plugins.npm import NpmDetector

from aciaudit.secret_detector import (
    AZURE_STORAGE_KEY,
    GITHUB_TOKEN,
    HIGH_ENTROPY,
    PRIVATE_KEY,
    Detector,
    Finder,
    Hint,
)

# Plugins left out, and why:
_EXCLUDED_PLUGINS: frozenset[type[BasePlugin]] = frozenset(
    {
        # Flags every digest, GUID and commit id.
        HexHighEntropyString,
        # Tested on plain values: flags `{"password_min_length": "12"}` as a secret ("12"),
        # needs quotes so it misses `Password=x;` in connection strings, and costs ~10 µs per
        # value, 30 times any other plugin. Our `keyword-name` assignments rule replaces it.
        KeywordDetector,
        # Its match is only the password, leaving the user name; `url-userinfo` covers the
        # whole user info and token-only user info (`https://<token>@github.com`) too.
        BasicAuthDetector,
        # Public IP addresses are not secrets (it even flags `0.0.0.0`).
        IPPublicDetector,
        # Wants exactly 88 chars and puts `AccountKey=` inside the match; ours takes any
        # length and keeps the connection string readable.
        AzureStorageKeyDetector,
        # Applied by hand (secret_patterns): its plugin only checks entropy in `analyze_line`.
        Base64HighEntropyString,
        # Its `//.+/:_authToken=` takes quadratic time on a long run of slashes (a 20,000
        # char value: 2 s); secret_patterns.NPM_TOKEN finds the same token in linear time.
        NpmDetector,
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
_NEEDS_MIXED_CHARS: tuple[type[BasePlugin], ...] = (ArtifactoryDetector,)
# Chars a token continues with: a regex with a fixed length must not leave a tail behind.
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_-]*")
# JWT's own regex ends lazily, so its match stops before the signature.
_JWT_TAIL = re.compile(r"[A-Za-z0-9_\-.+/=]*")
# Delimiters some plugin regexes include around the secret (`=AKC…`, `"…"`); a trailing `=`
# is base64 padding, part of the secret.
_LEADING_EDGE = " \t\r\n\"'=:"
_TRAILING_EDGE = " \t\r\n\"'"


def kebab_detector_name(class_name: str) -> str:
    """`GitHubTokenDetector` → `github-token`; unknown classes kebab-case minus `Detector`."""
    if class_name in _PLUGIN_NAMES:
        return _PLUGIN_NAMES[class_name]
    base = class_name.removesuffix("Detector") or class_name
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", base)
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "unknown"


def load_plugins() -> list[BasePlugin]:
    """Every concrete plugin class detect-secrets ships but the excluded ones, built with
    its defaults, by class name. No settings are read or written, so this neither depends
    on nor disturbs what other code configured."""
    classes: dict[str, type[BasePlugin]] = {}
    for info in pkgutil.iter_modules(ds_plugins.__path__):
        module = importlib.import_module(f"{ds_plugins.__name__}.{info.name}")
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BasePlugin)
                and obj.__module__ == module.__name__
                and not inspect.isabstract(obj)
                and obj not in _EXCLUDED_PLUGINS
            ):
                classes[obj.__name__] = obj
    return [cls() for _, cls in sorted(classes.items())]


def plugin_gate(plugins: list[BasePlugin]) -> re.Pattern[str] | None:
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


def plugins_fingerprint(plugins: list[BasePlugin]) -> str:
    """A digest of the plugins' classes and regexes: what `plugin_hint` was written for."""
    parts = [type(p).__name__ for p in plugins] + [
        f"{type(p).__name__}|{regex.pattern}|{regex.flags}"
        for p in plugins
        for regex in getattr(p, "denylist", ())
    ]
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


# detect-secrets 1.5.0's plugins (those `load_plugins` keeps), by `plugins_fingerprint`:
# the hints below were read from their regexes.
HINTED_PLUGINS = "ec90ef1a8fb6d656"


def _any_in(text: str, literals: tuple[str, ...]) -> bool:
    # A plain loop: measured twice as fast as `any()` over a generator here.
    for literal in literals:  # noqa: SIM110
        if literal in text:
            return True
    return False


# The IGNORECASE keyword pairs (`cloudant_password = …`, `ibm_api_key: …`, `sl_token …`)
# need one of these words, then `=`, `:` or a space before their value.
_KEYWORDS = ("key", "pw", "pass", "token")


def _keyword_pair(text: str, lowered: str) -> bool:
    return _any_in(lowered, _KEYWORDS) and ("=" in text or ":" in text or " " in text)


_AWS_IDS = ("A3T", "ABIA", "ACCA", "AKIA", "ASIA")
_GITLAB = (
    *("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "GR1348941", "glcbt-", "glimt-"),
    *("glptt-", "glagent-", "gloas-"),
)
_DISCORD = re.compile(r"\.[A-Za-z0-9_-]{6}\.")  # two dots six characters apart
_TELEGRAM = re.compile(r"[0-9]:")
# What each plugin's regexes need in an ASCII text (secret_detector.Hint), by class name.
_PLUGIN_HINTS: dict[str, Hint] = {
    "AWSKeyDetector": lambda t, lo: (
        _any_in(t, _AWS_IDS) or ("aws" in lo and _any_in(lo, _KEYWORDS) and ("'" in t or '"' in t))
    ),
    "ArtifactoryDetector": lambda t, lo: "AKC" in t or "AP" in t,
    "CloudantDetector": lambda t, lo: "cloudant" in lo or ("cl" in lo and _keyword_pair(t, lo)),
    "DiscordBotTokenDetector": lambda t, lo: "." in t and _DISCORD.search(t) is not None,
    "GitHubTokenDetector": lambda t, lo: _any_in(t, ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    "GitLabTokenDetector": lambda t, lo: _any_in(t, _GITLAB),
    "IbmCloudIamDetector": _keyword_pair,
    "IbmCosHmacDetector": lambda t, lo: "secret" in lo and _keyword_pair(t, lo),
    "JwtTokenDetector": lambda t, lo: "eyJ" in t,
    "MailchimpDetector": lambda t, lo: "-us" in t,
    "OpenAIDetector": lambda t, lo: "T3BlbkFJ" in t,
    "PrivateKeyDetector": lambda t, lo: "BEGIN" in t or "PuTTY-User-Key-File-2" in t,
    "PypiTokenDetector": lambda t, lo: "pypi-AgE" in t,
    "SendGridDetector": lambda t, lo: "SG." in t,
    "SlackDetector": lambda t, lo: "xox" in lo or "hooks.slack.com" in lo,
    "SoftlayerDetector": lambda t, lo: "softlayer" in lo or ("sl" in lo and _keyword_pair(t, lo)),
    "SquareOAuthDetector": lambda t, lo: "sq0csp-" in t,
    "StripeDetector": lambda t, lo: "k_live_" in t,
    "TelegramBotTokenDetector": lambda t, lo: ":" in t and _TELEGRAM.search(t) is not None,
    "TwilioKeyDetector": lambda t, lo: "AC" in t or "SK" in t,
}


# What some plugin hint above needs, all in two searches: where neither matches, no plugin
# hint holds and no plugin is asked. Grouped by first character, which `re` tries much
# faster than a flat alternation; the second reads the lower-cased text. Only used with
# the hints (`HINTED_PLUGINS`); tests/test_secret_hints.py checks each hint implies it.
_PLUGIN_NEEDS = re.compile(
    r"A(?:3T|BIA|KIA|SIA|KC|[CP])|\.[A-Za-z0-9_-]{6}\.|"
    r"g(?:h[pousr]_|l(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-)|GR1348941|eyJ|-us|"
    r"T3BlbkFJ|BEGIN|PuTTY-User-Key-File-2|pypi-AgE|S(?:G\.|K)|sq0csp-|k_live_|[0-9]:"
)
_PLUGIN_NEEDS_LOWER = re.compile(
    r"aws|cl|key|p(?:w|ass)|token|s(?:ecret|oftlayer|l)|xox|hooks\.slack\.com"
)


def some_plugin_hint_may_hold(text: str, lowered: str) -> bool:
    """False only where every hint of `_PLUGIN_HINTS` is False (ASCII `text`)."""
    return _PLUGIN_NEEDS.search(text) is not None or _PLUGIN_NEEDS_LOWER.search(lowered) is not None


def plugin_hints(plugins: list[BasePlugin]) -> dict[str, Hint]:
    """Each plugin's hint by class name; none at all (every plugin runs behind the gate)
    when the plugins are not the ones the hints were read from."""
    if plugins_fingerprint(plugins) != HINTED_PLUGINS:
        return {}
    return {type(p).__name__: _PLUGIN_HINTS[type(p).__name__] for p in plugins}


def plugin_detector(plugin: BasePlugin, hint: Hint | None = None) -> Detector:
    name = kebab_detector_name(type(plugin).__name__)
    if not isinstance(plugin, RegexBasedDetector):
        return Detector(name, _value_finder(plugin))
    mixed = isinstance(plugin, _NEEDS_MIXED_CHARS)
    tail = _JWT_TAIL if isinstance(plugin, JwtTokenDetector) else _TOKEN_TAIL

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

    return Detector(name, find, gated=True, hint=hint)


def _value_finder(plugin: BasePlugin) -> Finder:
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
