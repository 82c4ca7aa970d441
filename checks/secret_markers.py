"""Redaction markers and secret-looking names: what the engine knows of secrets.

The engine never sees a secret value: sources replace it with a marker
`redacted:v1:<detector>:<length>:<first 12 hex of SHA-256>` before any check runs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

MARKER_PREFIX = "redacted:v1:"
MARKER_RE = re.compile(
    r"(?<![0-9A-Za-z])redacted:v1:([a-z0-9][a-z0-9-]*):([0-9]{1,9}):([0-9a-f]{12})(?![0-9a-f])"
)
# The detector a marker names when nothing recognised the value as a secret.
NO_DETECTOR = "none"
# The detector name for a value flagged only because its variable's name looks secret.
KEYWORD_NAME = "keyword-name"


@dataclass(frozen=True, slots=True)
class Marker:
    detector: str
    length: int
    digest: str

    @property
    def flagged(self) -> bool:
        return self.detector != NO_DETECTOR

    @property
    def fingerprint(self) -> str:
        """What evidence shows instead of a value: kind, length, hash prefix."""
        return f"<secret: {self.detector}, {self.length} chars, sha256:{self.digest[:8]}>"

    def __str__(self) -> str:
        return f"{MARKER_PREFIX}{self.detector}:{self.length}:{self.digest}"


def parse_marker(value: object) -> Marker | None:
    """The marker if `value` is exactly one, else None."""
    # Most strings are not markers: the prefix answers before the cache and the regex.
    if not isinstance(value, str) or not value.startswith(MARKER_PREFIX):
        return None
    return _parse_marker(value)


@lru_cache(maxsize=65536)
def _parse_marker(value: str) -> Marker | None:
    m = MARKER_RE.fullmatch(value)
    return Marker(m.group(1), int(m.group(2)), m.group(3)) if m else None


def markers_in(text: str) -> list[Marker]:
    return [Marker(m.group(1), int(m.group(2)), m.group(3)) for m in MARKER_RE.finditer(text)]


# Splits `DB_PASSWORD`, `dbPassword` and `DBPassword` alike.
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Words that make a variable name secret-bearing on their own.
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "pass",
        "secret",
        "secrets",
        "token",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "sas",
        "pat",
        "privatekey",
        "accountkey",
        "accesskey",
        "connectionstring",
        "connstr",
        "signingkey",
        "masterkey",
        "clientsecret",
    }
)
# Two-word spellings (`API_KEY`, `private-key`, `connectionString`).
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("account", "key"),
        ("connection", "string"),
        ("conn", "str"),
        ("client", "secret"),
        ("shared", "key"),
        ("signing", "key"),
        ("master", "key"),
        ("primary", "key"),
        ("secondary", "key"),
        ("storage", "key"),
        ("encryption", "key"),
        ("app", "key"),
        ("hmac", "key"),
        ("jwt", "key"),
        ("auth", "key"),
        ("session", "key"),
    }
)
# A last word that names *about* a secret rather than holding one (`PASSWORD_FILE`).
_META_SUFFIXES = frozenset(
    {
        "file",
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "name",
        "id",
        "length",
        "policy",
        "enabled",
        "disabled",
        "provider",
        "issuer",
        "audience",
        "algorithm",
        "format",
        "required",
        "expiry",
        "expires",
        "ttl",
        "type",
        "mode",
        "header",
        "ref",
        "reference",
        "version",
        "count",
        "min",
        "max",
    }
)


@lru_cache(maxsize=65536)
def name_looks_secret(name: str) -> bool:
    """`DB_PASSWORD`, `apiKey`, `STORAGE_CONNECTION_STRING` yes; `PWD`, `TOKEN_URL` no."""
    words = [_singular(w.lower().rstrip("0123456789")) for w in _WORD_SPLIT.split(name) if w]
    words = [w for w in words if w]
    if not words or words[-1] in _META_SUFFIXES:
        return False
    if words == ["pwd"]:  # the shell's working directory
        return False
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in itertools.pairwise(words))


def _singular(word: str) -> str:
    """`PASSWORDS`, `SIGNING_KEYS`, `ConnectionStrings` read as their singular."""
    if word.endswith("s") and (word[:-1] in _SECRET_WORDS or word[:-1] in _PAIR_WORDS):
        return word[:-1]
    return word


_PAIR_WORDS = frozenset(w for pair in _SECRET_PAIRS for w in pair)
