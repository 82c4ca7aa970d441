"""Our own detectors, for what detect-secrets lacks in Azure estates: storage and Service
Bus keys in connection strings, SAS signatures, secret command-line flags, URL user info,
`NAME=value` assignments whose name looks secret, and long random base64 runs."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from detect_secrets.filters.heuristic import is_potential_uuid, is_sequential_string
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

from checks.secret_markers import name_looks_secret

# Base64 runs at or above this Shannon entropy (bits per char) look random. detect-secrets'
# default; it only applies it itself in `analyze_line`, which we do not call.
ENTROPY_LIMIT = 4.5

# A whole PEM private key, to its END line or the end of the string: detect-secrets only
# matches the `BEGIN … PRIVATE KEY` words, which would leave the key body in clear.
PEM_BLOCK = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
# An .npmrc auth token (detect-secrets' NpmDetector, rewritten to run in linear time).
NPM_TOKEN = re.compile(r":_authToken=\s*(npm_[^\s\"']+|[A-Fa-f0-9-]{36})")


# Hints (secret_detector.Hint): what each pattern above needs in an ASCII text.
def pem_hint(text: str, lowered: str) -> bool:
    return "-----BEGIN" in text


def npm_hint(text: str, lowered: str) -> bool:
    return ":_authToken=" in text


def github_pat_hint(text: str, lowered: str) -> bool:
    return "github_pat_" in text


def account_key_hint(text: str, lowered: str) -> bool:
    return "accountkey" in lowered


def shared_access_key_hint(text: str, lowered: str) -> bool:
    return "sharedaccesskey" in lowered


def sas_hint(text: str, lowered: str) -> bool:
    return "sig=" in lowered


# Fine-grained personal access tokens, which detect-secrets 1.5.0 does not know.
GITHUB_FINE_GRAINED = re.compile(r"github_pat_[A-Za-z0-9_]{22,}")
ACCOUNT_KEY = re.compile(r"AccountKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})", re.IGNORECASE)
# Service Bus, Event Hubs, IoT Hub; `SharedAccessKeyName=` is not followed by `=` directly.
SHARED_ACCESS_KEY = re.compile(r"SharedAccessKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})", re.IGNORECASE)
# The signature is the secret; the other SAS fields (expiry, permissions) stay readable.
SAS_SIG = re.compile(r"(?:^|[?&;\s\"'])sig=([A-Za-z0-9%+/_=-]{10,})", re.IGNORECASE)

# Header names whose value is a credential, compared case-insensitively: in a name/value
# pair (`{"name": "X-Api-Key", "value": …}`, redact.py) and in text (`-H "Cookie: …"`).
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "apikey",
        "x-auth-token",
        "x-access-token",
        "ocp-apim-subscription-key",
        "x-functions-key",
        "cookie",
        "set-cookie",
        "x-vault-token",
        "private-token",
        "x-gitlab-token",
        "x-ms-client-secret",
    }
)
_COOKIES = {"cookie", "set-cookie"}
_OTHER_HEADERS = sorted(
    SECRET_HEADERS - {"authorization", "proxy-authorization"} - _COOKIES, key=len
)
# `Authorization: Bearer x`, `-H "X-Api-Key: x"`, `Bearer x`: the credential. A name that
# ends a longer one counts too (`X-Custom-Api-Key:`), as `\b` lets it.
_AUTH_HEADER = re.compile(
    r"(?:\b(?:Proxy-)?Authorization\s*:\s*(?:(?:Bearer|Basic|Token|Bot|Digest|SharedKey)\s+)?"
    r"|\b(?:" + "|".join(re.escape(h) for h in reversed(_OTHER_HEADERS)) + r")\s*:\s*"
    r"|\bBearer\s+)([^\s\"',;]{6,})",
    re.IGNORECASE,
)
# `Cookie: a=b; c=d`: every `name=value` pair of the list, and nothing after it (the next
# shell word after a `;` is a command, not a cookie).
_COOKIE_HEADER = re.compile(
    r"\b(?:Set-)?Cookie\s*:\s*"
    r"([^\s\"',;=]+=[^\s\"',;]*(?:;[ \t]*[^\s\"',;=]+=[^\s\"',;]*)*)",
    re.IGNORECASE,
)


# Every name of SECRET_HEADERS holds one of these (a test checks): where none is, no name is.
HEADER_STEMS = ("auth", "key", "token", "cookie", "secret")


def auth_header_hint(text: str, lowered: str) -> bool:
    if "bearer" in lowered:
        return True
    if ":" not in text:
        return False
    for stem in HEADER_STEMS:
        if stem in lowered:
            return any(name in lowered for name in SECRET_HEADERS)
    return False


def find_auth_headers(text: str) -> Iterator[tuple[int, int]]:
    for regex in (_AUTH_HEADER, _COOKIE_HEADER):
        for m in regex.finditer(text):
            if not _REFERENCE.fullmatch(m.group(1)) and not m.group(1).startswith("$("):
                yield m.span(1)


# Everything between `://` and the last `@` of the authority. The scheme starts where a
# scheme character does not precede it: one attempt per word, so linear on any text.
_URL_USERINFO = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://([^\s/?#\"'<>]+)@")
# `$TOKEN`, `${TOKEN}`: a reference to a secret, not one.
_REFERENCE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def url_userinfo_hint(text: str, lowered: str) -> bool:
    return "://" in text and "@" in text


def find_url_userinfo(text: str) -> Iterator[tuple[int, int]]:
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


# An image reference with user info and no scheme: `user:pw@registry.io/repo:tag`. It
# starts after a separator (one attempt per word) and its host must look like a host.
_IMAGE_USERINFO = re.compile(
    r"(?<![^\s\"'=,;(\[{])([^\s/@:\"']+:[^\s/@\"']+)@"
    r"(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]+)?/)"
)


def image_userinfo_hint(text: str, lowered: str) -> bool:
    return "@" in text and ":" in text


def find_image_userinfo(text: str) -> Iterator[tuple[int, int]]:
    if "@" not in text:
        return
    for m in _IMAGE_USERINFO.finditer(text):
        password = m.group(1).partition(":")[2]
        if not _REFERENCE.fullmatch(password):
            yield m.span(1)


# `user:pass:uid[:gid[:dirs]]` (atmoz/sftp's SFTP_USERS, chpasswd-like lists): the
# password. Not `/etc/passwd` lines (`x` or `*` as password) or `uid:gid:x` numbers.
_TRIPLE = re.compile(
    r"(?<![^\s,;\"'=])[A-Za-z_][A-Za-z0-9_.-]{0,31}:([^\s:,;\"'/@]+):(?:e:)?[0-9]{1,10}"
    r"(?=$|[\s,;\"':])"
)


def user_password_hint(text: str, lowered: str) -> bool:
    # What `find_user_password_triples` asks first, as a hint: no generator where it fails.
    return text.count(":") >= 2


def find_user_password_triples(text: str) -> Iterator[tuple[int, int]]:
    if text.count(":") < 2:
        return
    for m in _TRIPLE.finditer(text):
        password = m.group(1)
        placeholder = password in ("x", "*", "!", "!!") or password.isdigit()
        if not placeholder and not _REFERENCE.fullmatch(password):
            yield m.span(1)


# `mysql -pPASSWORD`, `mysqldump -uroot -pPASSWORD`: the password is glued to `-p`.
_MYSQL = re.compile(r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump)\b")
_GLUED_P = re.compile(r"(?<![\w-])-p([^\s\"';&|]+)")


def glued_password_hint(text: str, lowered: str) -> bool:
    return "-p" in text


def find_glued_passwords(text: str) -> Iterator[tuple[int, int]]:
    if "-p" not in text or _MYSQL.search(text) is None:
        return
    for m in _GLUED_P.finditer(text):
        if not _REFERENCE.fullmatch(m.group(1)) and not m.group(1).startswith("$("):
            yield m.span(1)


def _is_random_looking(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


# `--password=x`, `--password x`, `-Dspring.datasource.password=x`, `--password "a b"`:
# the flag, then its value read apart (see `find_cli_flags`). A name is at most 128
# characters and never given back (possessive): each try costs a bounded number of steps.
_FLAG = re.compile(r"(?<![\w-])--?([A-Za-z][A-Za-z0-9_.-]{0,127}+)(=|[ \t]+)")
_QUOTED_VALUE = re.compile(r"\"[^\"]*\"|'[^']*'")
_VALUE_RUN = re.compile(r"[^\s\"';&|]+")
_BARE_FLAG = re.compile(r"--?([A-Za-z][A-Za-z0-9_.-]*)")
_FLAG_LIKE = re.compile(r"--?[A-Za-z][A-Za-z0-9_.-]*(?:=.*)?", re.DOTALL)
# `curl -u user:password`, `--user=user:password`: the part after the colon.
USER_FLAGS = frozenset({"-u", "--user"})
# `-fsSu user:pw` too: `u` ending a group of short flags.
_USER_FLAG = re.compile(
    r"(?<![\w-])(?:-[A-Za-z]{0,8}u|--user)(?:=|[ \t]+)[^\s:\"']{1,256}+:([^\s\"';&|]+)"
)
_NAME_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def is_secret_flag(arg: str) -> bool:
    """True for a bare flag whose value is the next argument: `--password`, `--client-secret`."""
    m = _BARE_FLAG.fullmatch(arg)
    return m is not None and _flag_name_is_secret(m.group(1))


def looks_like_flag(arg: str) -> bool:
    """`--verbose`, `-v`, `--mode=x`: not the value of a preceding flag."""
    return _FLAG_LIKE.fullmatch(arg) is not None


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


def cli_flag_hint(text: str, lowered: str) -> bool:
    # Both flag forms need a dash, then `=` or a blank before their value.
    return "-" in text and ("=" in text or " " in text or "\t" in text)


def find_cli_flags(text: str) -> Iterator[tuple[int, int]]:
    # Every flag, those inside another's value too (`--token --password=x`: the value of
    # `--token` is the next flag). An unquoted value runs to a separator, so the flags of
    # one run share its end: it is found once per run, and a flag inside a value already
    # found adds nothing (its span lies within). Linear in the text.
    covered = 0
    run_start = run_end = -1
    for m in _FLAG.finditer(text):
        if m.start() < covered or not _flag_name_is_secret(m.group(1)):
            continue
        pos = m.end()
        quoted = _QUOTED_VALUE.match(text, pos)
        if quoted is not None:
            start, end = pos + 1, quoted.end() - 1
        else:
            if not run_start <= pos < run_end:
                run = _VALUE_RUN.match(text, pos)
                if run is None:
                    continue
                run_start, run_end = pos, run.end()
            start, end = pos, run_end
        value = text[start:end]
        if not value or _REFERENCE.fullmatch(value) or value.startswith("$("):
            continue
        # `--no-password --verbose`: the next word is another flag, not a value.
        if m.group(2) != "=" and looks_like_flag(value):
            continue
        covered = end
        yield start, end
    for m in _USER_FLAG.finditer(text):
        password = m.group(1)
        # `-u 1000:1000` is a uid:gid pair.
        if not password.isdigit() and not _REFERENCE.fullmatch(password):
            yield m.span(1)


# `DB_PASSWORD=x`, `Password=x;` (connection strings), `?token=x&`, `"apiKey": "x"`.
_ASSIGNMENT = re.compile(
    r"(?<![\w.-])([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(\"[^\"]*\"|'[^']*'|[^\s\"';&|,]+)"
)
_JSON_PAIR = re.compile(r"\"([A-Za-z_][A-Za-z0-9_.-]*)\"\s*:\s*\"((?:[^\"\\]|\\.)*)\"")


def assignment_hint(text: str, lowered: str) -> bool:
    return "=" in text or '"' in text


def find_assignments(text: str) -> Iterator[tuple[int, int]]:
    for regex, needed in ((_ASSIGNMENT, "="), (_JSON_PAIR, '"')):
        if needed not in text:
            continue
        for m in regex.finditer(text):
            if not assignment_name_is_secret(m.group(1)):
                continue
            start, end = m.span(2)
            value = m.group(2)
            if regex is _ASSIGNMENT and value[:1] in "\"'":
                start, end, value = start + 1, end - 1, value[1:-1]
            if trivially_not_secret(value) or value.startswith("$("):
                continue
            yield start, end


# `PGPASSWORD`, `MYSQLPASSWORD`, `APPSECRET`: a secret word glued to a prefix.
_GLUED_SECRET_WORD = re.compile(r"(?:password|passwd|secret)$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def assignment_name_is_secret(name: str) -> bool:
    return name_looks_secret(name) or _GLUED_SECRET_WORD.search(name) is not None


_ENTROPY_PLUGIN = Base64HighEntropyString(limit=ENTROPY_LIMIT)
# Base64 (standard and url-safe) runs long enough to reach the limit; `=` only as padding,
# so `name=value` splits into its name and its value.
_BASE64_RUN = re.compile("[" + re.escape(_ENTROPY_PLUGIN.charset.replace("=", "")) + "]{20,}={0,2}")


# Shannon entropy is at most log2 of the number of distinct characters: with 22 or fewer
# (log2 22 = 4.46) no run can reach the limit, whatever its length.
_MIN_DISTINCT = 23
ENTROPY_MIN_DISTINCT = _MIN_DISTINCT


def find_high_entropy(text: str) -> Iterator[tuple[int, int]]:
    for m in _BASE64_RUN.finditer(text):
        run = m.group(0)
        if (
            len(run) >= _MIN_DISTINCT
            and len(set(run)) >= _MIN_DISTINCT
            and shannon_entropy(run) >= ENTROPY_LIMIT
            # detect-secrets' own false-positive filters: resource ids carry GUIDs.
            and not is_potential_uuid(run)
            and not is_sequential_string(run)
            and not _is_path(run)
        ):
            yield m.span()


def shannon_entropy(run: str) -> float:
    """detect-secrets' `calculate_shannon_entropy`, bit for bit (the same terms summed in
    the same order), counting the run once instead of once per charset character."""
    counts = Counter(run)
    size = len(run)
    entropy = 0.0
    for char in _ENTROPY_PLUGIN.charset:
        count = counts.get(char)
        if count:
            p_x = float(count) / size
            entropy += -p_x * math.log(p_x, 2)
    return entropy


_PATH_SEGMENT = re.compile(
    r"[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*(?:[-_.][A-Za-z0-9]+)*|[0-9]{1,8}|"
)


def _is_path(run: str) -> bool:
    # `/providers/Microsoft.Web/…` or `org/team-platform/backend`: every segment a word.
    if "/" not in run:
        return False
    return all(_PATH_SEGMENT.fullmatch(segment) for segment in run.split("/"))


_FALSY_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil"})


def trivially_not_secret(value: str) -> bool:
    """What a secret-named variable holds when it is configuration, not a credential:
    flags, small numbers (ports, lengths, days) and references to the real secret.
    Anything else, however weak (`changeme`, `123456`), counts as a possible secret."""
    stripped = value.strip()
    return (
        not stripped
        or stripped.lower() in _FALSY_WORDS
        or (stripped.isascii() and stripped.isdigit() and len(stripped) <= 5)
        or _REFERENCE.fullmatch(stripped) is not None
    )
