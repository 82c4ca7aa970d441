"""The shape every secret detector has, and the names of the ones the tool defines.

Shared by our own patterns (`secret_patterns`) and the detect-secrets plugins
(`secret_plugins`); `secrets` puts them in order and runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

AZURE_STORAGE_KEY = "azure-storage-key"
AZURE_SHARED_ACCESS_KEY = "azure-shared-access-key"
AZURE_SAS = "azure-sas"
CLI_FLAG = "cli-flag"
AUTH_HEADER = "auth-header"
URL_USERINFO = "url-userinfo"
PRIVATE_KEY = "private-key"
GITHUB_TOKEN = "github-token"
HIGH_ENTROPY = "base64-high-entropy"
TOKEN_USERNAME = "token-username"  # a user name that is a token (mixed-case, digits, long)
USER_PASSWORD = "user-password"  # `user:pass:uid` lists (SFTP_USERS)

# Where in a text a detector sees secrets: (start, end) pairs.
Finder = Callable[[str], Iterator[tuple[int, int]]]
# A cheap test that must hold wherever the detector can find anything, given an ASCII text
# and its lower-cased form: False means "nothing here", so the finder is not run. Only
# consulted for ASCII text, where `str.lower` and a regex's IGNORECASE agree.
Hint = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Detector:
    name: str
    find: Finder
    # Runs only when the text matches the gate: one regex standing for all plugin regexes.
    gated: bool = False
    hint: Hint | None = None


def group_finder(regex: re.Pattern[str], group: int = 0) -> Finder:
    """Every match of `regex`, or of one of its groups."""

    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in regex.finditer(text):
            yield m.span(group)

    return find
