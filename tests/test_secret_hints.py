"""The shortcuts that make redaction fast never change what it finds.

Each detector has a hint (a cheap substring test that must hold wherever it can match),
bare values (ids, names, GUIDs) take a path that only looks for token literals, and ARM
ids skip the entropy rule. These tests run the scan with every shortcut and without any
(the plain "run every detector behind the plugins' gate" it replaced) on generated text
and compare; and they check each hint against its own detector.
"""

from __future__ import annotations

import dataclasses
import re._parser as sre_parse
import string
from re._constants import BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aciaudit import secrets
from aciaudit.secret_patterns import HEADER_STEMS, SECRET_HEADERS
from aciaudit.secret_plugins import (
    _PLUGIN_HINTS,
    HINTED_PLUGINS,
    load_plugins,
    plugins_fingerprint,
    some_plugin_hint_may_hold,
)

# Pieces that make detectors fire, and the separators between them.
_TOKENS = [
    "ghp_" + "aB3" * 12,
    "github_pat_" + "A1b2" * 6,
    "AKIA" + "ABCD2345" * 2,
    "AKC" + "a1B2c3D4e5F6",
    "AP6" + "a1B2c3D4e5",
    "SK" + "0a1b2c3d" * 4,
    "AC" + "0a1b2c3d" * 4,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl/x+y",
    "xoxb-1234-5678-abcdef",
    "glpat-" + "a1B2c3D4e5" * 2,
    "sk_live_" + "a1B2c3D4" * 3,
    "sq0csp-" + "a1B2c3D4e5F6g7H8i9J0k" * 2 + "x",
    "SG." + "a1B2c3D4e5F6g7H8i9J0kL" + "." + "a1B2c3D4e5F6g7H8i9J0kL" * 2 + "z",
    "0a1b2c3d" * 4 + "-us12",
    "pypi-AgEIcHlwaS5vcmc" + "a1B2c3D4e5" * 7,
    "MTA" + "a1B2c3D4e5F6g7H8i9J0k" + ".Gh1Jk2." + "a1B2c3D4e5F6g7H8i9J0kL1m2N3",
    "123456789:" + "a1B2c3D4e5F6g7H8i9J0kL1m2N3o4P5q6R7",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    "PuTTY-User-Key-File-2",
    "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5",
    "mysql -pSecret1",
    "--password hunter22",
    "--client-secret=abc123",
    "-u admin:pa55word",
    "https://user:pa55@host.example/x",
    "user:pw@reg.example.io/repo:tag",
    "AccountKey=" + "abcdEFGH1234" * 3 + "==",
    "SharedAccessKey=" + "abcdEFGH1234" * 3,
    "?sig=abcDEF123%2B456",
    "Authorization: Bearer abcdef123456",
    "-H 'Cookie: a=bcdefg; c=d'",
    "X-Api-Key: abcdefgh1",
    "DB_PASSWORD=s3cret!",
    '"apiKey": "abcdef"',
    ":_authToken=npm_abcdef123",
    "sftp:pa55:1001",
    "cloudant_password = " + "0a1b2c3d" * 8,
    "ibm_api_key: " + "a1B2c3D4e5F6g7H8i9J0kL1m2N3o4P5q6R7s8T9u0V1w",
    "aws_secret_key = '" + "abcdEFGH1234" * 3 + "abcd'",
    "https://hooks.slack.com/services/T123/B456/abc",
    "AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # a key id, then its key
    "https://api.softlayer.com/soap/v3/" + "0a1b2c3d" * 8,
]
# Not secrets, but shapes the shortcuts must get right: a GUID, non-ASCII (every detector
# runs), a word that only looks like a token's start.
_NOISE = ["12dec192-e15d-4b28-85fe-fb98d98c1f59", "ſecret_key=abc123", "Kelvin-K", "ACR", "-us"]
_GLUE = ["/", "-", ".", "_", " ", ":", "=", "@", "'", '"', ";", "\t", "", "a", "Z9", "Key", "é"]
_PIECES = st.one_of(
    st.sampled_from(_TOKENS),
    st.sampled_from(_NOISE),
    st.sampled_from(_GLUE),
    st.text(alphabet=string.ascii_letters + string.digits + "._/+-", max_size=30),
    st.builds(
        lambda t, i, j: t[i:j], st.sampled_from(_TOKENS), st.integers(0, 20), st.integers(0, 80)
    ),
)
_TEXTS = st.lists(_PIECES, max_size=8).map("".join)


def without_shortcuts(text: str, arm_id: bool = False) -> tuple[secrets.Span, ...]:
    """The scan as it ran before the shortcuts: every detector (no hints, no bare path),
    the gate always; for an ARM id, what the entropy rule alone found dropped after the
    merge (the session's start: `redact_text` filtered `find_secrets`' spans)."""
    state = secrets._detectors()
    detectors, gate, _ = state
    plain = [dataclasses.replace(d, hint=None) for d in detectors]
    secrets._detectors_state[:] = [(plain, gate, False)]
    try:
        spans = secrets._scan.__wrapped__(text, False)
    finally:
        secrets._detectors_state[:] = [state]
    return tuple(s for s in spans if not (arm_id and s.detector == secrets.HIGH_ENTROPY))


def _fast(text: str, arm_id: bool = False) -> tuple[secrets.Span, ...]:
    return secrets._scan.__wrapped__(text, arm_id)


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, arm_id=st.booleans())
def test_the_shortcuts_find_exactly_what_the_full_scan_finds(text: str, arm_id: bool) -> None:
    assert _fast(text, arm_id) == without_shortcuts(text, arm_id)


# ARM ids and their look-alikes: the value path tells an id by its prefix when it is bare.
_ID_PREFIXES = ["", "/subscriptions/", "/SUBSCRIPTIONS/s/", "/providers/", "/providerss/", "/"]
_ID_TEXTS = st.builds(lambda p, t: p + t, st.sampled_from(_ID_PREFIXES), _TEXTS)


@settings(max_examples=400, deadline=None)
@given(text=_ID_TEXTS)
def test_a_value_is_scanned_as_the_full_scan_would_with_its_own_arm_id_test(text: str) -> None:
    # `find_in_value` (the redaction walk's path, uncached) against the full scan told
    # whether the text is an ARM id by the whole-id regex.
    assert secrets.find_in_value(text) == without_shortcuts(text, secrets.is_arm_id(text))


def test_a_value_s_parent_path_is_remembered_without_changing_what_is_found() -> None:
    parent = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites"
    texts = [f"{parent}/app-{i}" for i in range(3)] + [f"{parent}/ghp_{'aB3' * 12}"]
    texts += [f"{parent}/x y", f"{parent}:x/ghp_{'aB3' * 12}", f"{parent}/eyJ"]
    # Parents answered from their own parent: a literal or a separator two levels up.
    token = "ghp_" + "aB3" * 12
    random = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"  # the entropy rule finds it
    for above in (f"/subscriptions/s/{token}", "/subscriptions/s:1", "/subscriptions/s"):
        texts += [
            f"{above}/{child}/{last}"
            for child in ("x", "y", "AKIA", "b c")
            for last in ("app", random)
        ]
    for _ in range(2):  # the second time from what was remembered
        for text in texts:
            assert secrets.find_in_value(text) == without_shortcuts(text, secrets.is_arm_id(text))
    assert secrets.find_in_value(texts[3]), "the token in the last segment is found"


@pytest.mark.parametrize("token", _TOKENS)
def test_every_planted_token_is_found_the_same_with_and_without_shortcuts(token: str) -> None:
    for text in (token, f"x {token} y", f"/subscriptions/s/providers/p/{token}"):
        assert _fast(text) == without_shortcuts(text)
        assert _fast(text, True) == without_shortcuts(text, True)
    assert _fast(token), f"nothing found in {token!r}: the corpus above no longer tests this"


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS.filter(str.isascii))
def test_each_hint_holds_wherever_its_detector_finds_something(text: str) -> None:
    detectors, _, _ = secrets._detectors()
    for detector in detectors:
        if detector.hint is not None and any(True for _ in detector.find(text)):
            assert detector.hint(text, text.lower()), (detector.name, text)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS.filter(str.isascii))
def test_the_two_plugin_searches_hold_wherever_a_plugin_hint_holds(text: str) -> None:
    # `_find_hinted` skips every plugin where they do not match.
    lowered = text.lower()
    if not some_plugin_hint_may_hold(text, lowered):
        for name, hint in _PLUGIN_HINTS.items():
            assert not hint(text, lowered), (name, text)


@pytest.mark.parametrize("token", _TOKENS)
def test_the_two_plugin_searches_hold_on_each_planted_token(token: str) -> None:
    for text in (token, f"x {token} y", token.lower(), token.upper()):
        if any(hint(text, text.lower()) for hint in _PLUGIN_HINTS.values() if text.isascii()):
            assert some_plugin_hint_may_hold(text, text.lower()), text


# Each literal a plugin hint reads, alone and with what the compound hints want beside it.
_HINT_LITERALS = [
    *("A3T", "ABIA", "ACCA", "AKIA", "ASIA", "AKC", "AP", "AC", "SK", "aws", "AWS"),
    *("cloudant", "CLOUDANT", "cl", "softlayer", "SoftLayer", "sl", "secret", "SECRET"),
    *("key", "pw", "pass", "token", "TOKEN", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    *("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "GR1348941", "glcbt-", "glimt-"),
    *("glptt-", "glagent-", "gloas-", "eyJ", "-us", "T3BlbkFJ", "BEGIN", "PuTTY-User-Key-File-2"),
    *("pypi-AgE", "SG.", "xox", "XOX", "hooks.slack.com", "HOOKS.SLACK.COM", "sq0csp-"),
    *("k_live_", "1:", ".abcdef.", ".a-b_c9."),
]


@pytest.mark.parametrize("literal", _HINT_LITERALS)
def test_the_two_plugin_searches_hold_wherever_a_hint_literal_makes_a_hint_hold(
    literal: str,
) -> None:
    for around in ("{}", "x{}y", "{} = '", "{}: ", 'aws_{}_key = "', "cl_{}_pass ", "sl{} key:"):
        text = around.format(literal)
        lowered = text.lower()
        holding = [name for name, hint in _PLUGIN_HINTS.items() if hint(text, lowered)]
        if holding:
            assert some_plugin_hint_may_hold(text, lowered), (text, holding)


def test_every_secret_header_name_holds_a_stem_of_the_auth_header_hint() -> None:
    for name in SECRET_HEADERS:
        assert any(stem in name for stem in HEADER_STEMS), name


def test_the_plugin_hints_were_read_from_the_plugins_installed() -> None:
    # detect-secrets is pinned; on an upgrade, read secret_plugins._PLUGIN_HINTS and
    # secrets._BARE_TOKENS again against the new regexes, then update HINTED_PLUGINS.
    assert plugins_fingerprint(load_plugins()) == HINTED_PLUGINS
    _, _, bare_path = secrets._detectors()
    assert bare_path


def test_other_plugins_switch_the_hints_off() -> None:
    from aciaudit.secret_plugins import plugin_hints

    plugins = load_plugins()
    assert plugin_hints(plugins)
    assert plugin_hints(plugins[1:]) == {}


def _every_match_holds_one_of(items: list[tuple[Any, Any]], chars: str) -> bool:
    """True only if every string the parsed sequence `items` matches holds a character of
    `chars` (sound, not complete: False may be a pattern this reading cannot follow)."""
    for op, arg in items:
        if op is LITERAL and chr(arg) in chars:
            return True
        if op is IN and all(kind is LITERAL and chr(code) in chars for kind, code in arg):
            return True
        if op is BRANCH and all(_every_match_holds_one_of(b, chars) for b in arg[1]):
            return True
        repeated = op in (MAX_REPEAT, MIN_REPEAT) and arg[0] >= 1
        if repeated and _every_match_holds_one_of(list(arg[2]), chars):
            return True
        if op is SUBPATTERN and _every_match_holds_one_of(list(arg[-1]), chars):
            return True
    return False


def test_every_token_literal_holds_one_of_the_characters_searched_first() -> None:
    # `_TOKEN_CHARS` rules a segment out before `_BARE_TOKENS` is searched: sound only if
    # no literal can match without one of its characters.
    chars = secrets._TOKEN_CHARS.pattern.strip("[]")
    parsed = list(sre_parse.parse(secrets._BARE_TOKENS.pattern))
    assert _every_match_holds_one_of(parsed, chars)
    # The check itself can fail: without `_` the GitHub, Stripe branches hold none.
    assert not _every_match_holds_one_of(parsed, chars.replace("_", ""))
