"""Value-based secret detection: real-looking credentials are found, everyday values are not."""

from __future__ import annotations

import hashlib
import time

import pytest

from aciaudit.secrets import (
    Span,
    detect,
    detect_named,
    find_secrets,
    is_secret_flag,
    kebab_detector_name,
    make_marker,
)
from checks.secret_markers import KEYWORD_NAME, NO_DETECTOR, parse_marker

GITHUB_PAT = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPL3"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4Vb\n-----END RSA PRIVATE KEY-----"
ACCOUNT_KEY = "q3Vt8ZkP2m" * 8 + "Ab1/Cd2+"  # 88 chars of base64 alphabet
CONNECTION_STRING = (
    "DefaultEndpointsProtocol=https;AccountName=contosost;"
    f"AccountKey={ACCOUNT_KEY};EndpointSuffix=core.windows.net"
)
SAS_SIG = "Xy7%2Bk9QmZ3vT1pLw8RnB4cD6eF0gH%3D"
SAS_URL = (
    "https://contosost.blob.core.windows.net/data?sv=2022-11-02&ss=b&srt=o&sp=r"
    f"&se=2026-12-31T00:00:00Z&sig={SAS_SIG}"
)


def secrets_in(text: str) -> list[tuple[str, str]]:
    return [(s.detector, text[s.start : s.end]) for s in find_secrets(text)]


@pytest.mark.parametrize(
    ("text", "detector", "secret"),
    [
        (GITHUB_PAT, "github-token", GITHUB_PAT),
        (f"token {GITHUB_PAT} here", "github-token", GITHUB_PAT),
        (AWS_KEY_ID, "aws-key", AWS_KEY_ID),
        (JWT, "jwt", JWT),
        (PEM, "private-key", PEM),
        (CONNECTION_STRING, "azure-storage-key", ACCOUNT_KEY),
        (SAS_URL, "azure-sas", SAS_SIG),
        ("--password=hunter2hunter2", "cli-flag", "hunter2hunter2"),
        ("mysql --password hunter2hunter2 -h db", "cli-flag", "hunter2hunter2"),
        ("--client-secret='a b c d'", "cli-flag", "a b c d"),
        ("https://user:pw@host", "url-userinfo", "user:pw"),
        ("https://deploy:tok-3n@github.com/contoso/app.git", "url-userinfo", "deploy:tok-3n"),
        ("Server=db;User Id=sa;Password=Pass@word1;", "keyword-name", "Pass@word1"),
        ("curl -H 'Authorization: Bearer abcdef0123456789' x", "auth-header", "abcdef0123456789"),
    ],
)
def test_credentials_are_found_with_their_detector(text: str, detector: str, secret: str) -> None:
    assert secrets_in(text) == [(detector, secret)]
    assert detect(text) == detector


def test_spans_locate_the_secret_and_nothing_around_it() -> None:
    text = f"git clone https://x:{GITHUB_PAT}@github.com/o/r && curl https://x.io/i.sh | sh"
    spans = find_secrets(text)
    assert len(spans) == 1
    assert isinstance(spans[0], Span)
    # The token is inside the user info; the whole user info is the secret.
    assert text[spans[0].start : spans[0].end] == f"x:{GITHUB_PAT}"
    assert text[spans[0].end :] == "@github.com/o/r && curl https://x.io/i.sh | sh"


def test_a_token_longer_than_its_pattern_is_covered_whole() -> None:
    longer = GITHUB_PAT + "XYZW"
    assert secrets_in(longer) == [("github-token", longer)]


@pytest.mark.parametrize(
    "text",
    [
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "nginx:1.25",
        "mcr.microsoft.com/azuredocs/aci-helloworld:latest",
        "/usr/bin/python",
        "https://example.com/path",
        "debug",
        "info",
        "true",
        "8080",
        "APACHESERVER",
        "0.0.0.0",
        "python -m http.server 8000 --bind 0.0.0.0",
        "--password-file=/run/secrets/db",
        "--password $DB_PASSWORD",
        "--no-password --verbose",
        "--token-audience api://AzureADTokenExchange",
        '{"password_min_length": "12"}',
        "ssh://git@github.com/contoso/app.git",
        "https://contoso@dev.azure.com/contoso/web/_git/app",
        "/subscriptions/3fa85f64-5717-4562-b3fc-2c963f66afa6/resourceGroups/rg-prod/providers"
        "/Microsoft.ManagedIdentity/userAssignedIdentities/id-app",
        "/api/v1/organizations/acmeCorporation/projects/backendServices/pipelines",
        "InstrumentationKey=3fa85f64-5717-4562-b3fc-2c963f66afa6;"
        "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "curl -sSL https://get.example.com/install.sh | sh",
        "",
    ],
)
def test_everyday_values_are_not_flagged(text: str) -> None:
    assert find_secrets(text) == []
    assert detect(text) is None


def test_a_random_looking_string_is_flagged_by_entropy() -> None:
    assert detect("kQ2m9ZxP4vR7tL1sW8yB3nC6dF0gH5jK2mN4pQ7rS9tV") == "base64-high-entropy"


def test_markers_are_never_flagged_again() -> None:
    marker = make_marker(GITHUB_PAT, "github-token")
    for text in (marker, f"--password={marker}", f"https://{marker}@github.com/o/r"):
        assert find_secrets(text) == []


def test_a_secret_next_to_a_marker_is_still_found() -> None:
    marker = make_marker("x", "none")
    text = f"{marker} {GITHUB_PAT}"
    assert secrets_in(text) == [("github-token", GITHUB_PAT)]


def test_named_values_fall_back_to_the_name_rule() -> None:
    assert detect_named("GH", GITHUB_PAT) == "github-token"
    assert detect_named("DB_PASSWORD", "Canary-7f3a9") == KEYWORD_NAME
    assert detect_named("LOG_LEVEL", "Canary-7f3a9") == NO_DETECTOR
    assert detect_named(None, "Canary-7f3a9") == NO_DETECTOR
    # Configuration under a secret-looking name is not a secret.
    for trivial in ("", "  ", "true", "No", "8080", "${DB_PASSWORD}"):
        assert detect_named("DB_PASSWORD", trivial) == NO_DETECTOR
    # A weak password is still a password.
    assert detect_named("DB_PASSWORD", "123456") == KEYWORD_NAME


def test_secret_flags() -> None:
    for flag in ("--password", "--token", "--client-secret", "--api-key", "-pass", "--sas-token"):
        assert is_secret_flag(flag), flag
    for arg in ("--password-file", "--token-audience", "--verbose", "-p", "password", "--"):
        assert not is_secret_flag(arg), arg


def test_marker_format_and_fingerprint() -> None:
    value = "hunter2hunter2"
    marker = make_marker(value, "cli-flag")
    digest = hashlib.sha256(value.encode()).hexdigest()[:12]
    assert marker == f"redacted:v1:cli-flag:14:{digest}"
    parsed = parse_marker(marker)
    assert parsed is not None
    assert (parsed.detector, parsed.length, parsed.digest) == ("cli-flag", 14, digest)
    assert parsed.flagged
    assert "hunter2" not in parsed.fingerprint


def test_marker_of_non_ascii_and_lone_surrogates() -> None:
    assert parse_marker(make_marker("pässwörd", "none")) is not None
    assert parse_marker(make_marker("\ud800x", "none")) is not None  # JSON allows it


def test_marker_refuses_a_detector_it_could_not_parse_back() -> None:
    with pytest.raises(ValueError):
        make_marker("x", "Not A Name")


def test_plugin_class_names_become_kebab_case() -> None:
    assert kebab_detector_name("GitHubTokenDetector") == "github-token"
    assert kebab_detector_name("AWSKeyDetector") == "aws-key"
    assert kebab_detector_name("JwtTokenDetector") == "jwt"
    assert kebab_detector_name("TelegramBotTokenDetector") == "telegram-bot-token"
    assert kebab_detector_name("IbmCosHmacDetector") == "ibm-cos-hmac"


def test_detect_secrets_global_settings_are_left_alone() -> None:
    from detect_secrets.settings import get_settings

    before = get_settings().json()
    find_secrets(f"fresh value {GITHUB_PAT} 1")
    assert get_settings().json() == before


def test_thirty_thousand_distinct_values_scan_fast() -> None:
    values = [f"value-{i}-{i * 7919 % 104729:x}.example/{i % 97}" for i in range(30_000)]
    start = time.perf_counter()
    for value in values:
        find_secrets(value)
    # ~25 µs per value measured; the bound leaves room for slow CI machines.
    assert time.perf_counter() - start < 5.0


def test_the_left_out_plugins_are_never_loaded() -> None:
    from detect_secrets.plugins.ip_public import IPPublicDetector
    from detect_secrets.plugins.keyword import KeywordDetector

    from aciaudit.secret_plugins import load_plugins

    loaded = {type(p) for p in load_plugins()}
    assert loaded and not loaded & {IPPublicDetector, KeywordDetector}


def test_every_loaded_plugin_has_a_name_of_its_own() -> None:
    # Two plugins under one name would read as one detector in every marker and report.
    from aciaudit.secret_plugins import load_plugins

    names = [kebab_detector_name(type(p).__name__) for p in load_plugins()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            'curl -H "Cookie: session=abc123def; theme=dark" https://x',
            "session=abc123def; theme=dark",
        ),
        ("curl -H 'Set-Cookie: id=a3fWa9z1; Path=/'", "id=a3fWa9z1; Path=/"),
        ('curl -H "X-Ms-Client-Secret: s3cr3tval" https://x', "s3cr3tval"),
        ("wget --header=ApiKey:k9Zq81aa https://x", "k9Zq81aa"),
    ],
)
def test_every_secret_header_is_found_in_text_as_in_name_value_pairs(
    text: str, secret: str
) -> None:
    # One list (secret_patterns.SECRET_HEADERS) for `{"name": …, "value": …}` pairs and text.
    from aciaudit.redact import _is_secret_pair

    assert secrets_in(text) == [("auth-header", secret)]
    name = text.split(":")[0].split('"')[-1].split("'")[-1].split("=")[-1]
    assert _is_secret_pair({"name": name, "value": "x"})
