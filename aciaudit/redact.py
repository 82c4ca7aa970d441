"""Redaction applied to every resource when a snapshot is collected or loaded.

Resources are redacted **in place**: a snapshot of 10,000 container groups is not copied
just to drop its secrets, and nothing should keep the unredacted original around anyway.
Every secret becomes a marker (`checks.secret_markers`) so the ARM shape survives, checks
still know a secret was there and of which kind, and no output can show it.

Redaction is idempotent: a marker is never redacted again and a string that already holds
markers keeps them, so loading a snapshot we wrote (or a third party's, with raw values) is
always safe. Unexpected shapes (None, lists where dicts belong, numbers) are skipped quietly.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from aciaudit.redact_group import STR, redact_command, redact_container_group
from aciaudit.redact_text import apply_spans, as_text, redact_text
from aciaudit.secret_detector import AUTH_HEADER, TOKEN_USERNAME
from aciaudit.secret_patterns import SECRET_HEADERS, trivially_not_secret
from aciaudit.secrets import detect, find_in_value, find_secrets, forget_paths, make_marker
from checks.secret_markers import (
    KEYWORD_NAME,
    MARKER_PREFIX,
    MARKER_RE,
    name_looks_secret,
    parse_marker,
)

__all__ = ["redact_in_place", "redact_resources", "redact_text"]

CONTAINER_GROUP_TYPE = "microsoft.containerinstance/containergroups"
# A container group profile carries the same containers, env, credentials and volumes.
CONTAINER_GROUP_TYPES = frozenset(
    {CONTAINER_GROUP_TYPE, "microsoft.containerinstance/containergroupprofiles"}
)
# Keys whose scalar value is a secret on any resource type, compared case-insensitively.
SECRET_KEYS = frozenset(
    key.lower()
    for key in (
        "password",
        "secureValue",
        "storageAccountKey",
        "workspaceKey",
        "primaryKey",
        "secondaryKey",
        "accountKey",
        "clientSecret",
        "sasToken",
    )
)
# Keys whose whole subtree is secret (ACI extensions' write-only settings).
SECRET_TREES = frozenset({"protectedsettings"})

JsonDict = dict[str, Any]


class Seen(dict[str | tuple[str, ...], Any]):
    """What one run already redacted: a plain string -> its result, a command (the tuple
    of its strings) -> its result. Keys of both kinds never compare equal. Bounded: a
    command weighs one entry per item, so 262,144 distinct 64-item commands cannot hold
    300 MB (they did: a hostile snapshot of distinct commands)."""

    weight = 0  # entries plus the items of the commands held

    def keep(self, key: str | tuple[str, ...], done: Any) -> None:
        size = len(key) if type(key) is tuple else 1
        if self.weight + size > _SEEN_LIMIT:  # bounded: memory, not speed
            self.clear()
            self.weight = 0
        self[key] = done
        self.weight += size


# How many resources between two progress reports of a bulk redaction.
PROGRESS_EVERY = 2000


def redact_resources(
    resources: Iterable[Any], on_progress: Callable[[int], None] | None = None
) -> None:
    """Redact every resource of a snapshot in place: every string of every resource is
    looked at (a secret needs no secret-named key to sit under). `on_progress(n)` is told
    each time `n` more resources are done."""
    done = 0
    # Most strings of an estate repeat (locations, states, images, ids of shared things):
    # each distinct one is scanned once per run, and this memory is dropped with the run
    # (the detectors' own bounded caches and the pair-name cache live on).
    seen = Seen()
    try:
        for resource in resources:
            if isinstance(resource, dict):
                redact_in_place(resource, seen=seen)
            done += 1
            if on_progress is not None and done == PROGRESS_EVERY:
                on_progress(done)
                done = 0
    finally:
        forget_paths()
    if on_progress is not None and done:
        on_progress(done)


def redact_in_place(resource: JsonDict, deep: bool = True, seen: Seen | None = None) -> None:
    """Replace every secret in one ARM object (or its `az` flattened form) by a marker.

    `deep=False` skips the walk over every string, which also redacts commands made of
    strings only (tests of the other container-group rules use it); everything that
    reads input leaves it on. `seen` maps plain strings already redacted to their result
    (shared by the resources of one snapshot).
    """
    if not isinstance(resource, dict):
        return
    kind = resource.get("type")
    if isinstance(kind, str) and kind.lower() in CONTAINER_GROUP_TYPES:
        # ARM nests under `properties`; `az` output and some exports are flattened.
        for holder in _dicts(resource.get("properties"), resource):
            redact_container_group(holder)
    if deep:
        _redact_secret_keys(resource, Seen() if seen is None else seen)


# --- every resource -------------------------------------------------------------------------


def _redact_secret_keys(root: JsonDict, seen: Seen) -> None:
    """Every string of the resource, wherever it sits (a field Azure adds next year
    included): decided by its key (SECRET_KEYS, SECRET_TREES, a secret-looking name, a
    name/value pair naming a secret header or variable), by the argument before it in a
    list (`--password`, `-u`), and by its content (`find_secrets`: detectors, flags,
    `KEY=value`, URL and image-reference user info). Non-finite numbers become strings.
    `seen`: what this run already redacted (`Seen`).
    """
    # Iterative: ARM objects can nest deeply and recursion would cost a frame per level.
    stack: list[Any] = [root]
    pop, push = stack.pop, stack.append
    plain = _plain_keys
    remembered = seen.get
    while stack:
        node = pop()
        if isinstance(node, dict):
            secret_pair = "value" in node and _is_secret_pair(node)
            for key, value in node.items():
                # The common cases first, by exact type and with `in` (no call): a plain
                # string under a plain key, then switches and nulls, then containers;
                # anything else in `_redact_entry`.
                vtype = type(value)
                if vtype is str:
                    if (key in plain or _key_kind(key) is _PLAIN) and not (
                        secret_pair and key == "value"
                    ):
                        done = remembered(value)
                        if done is None:
                            done = _redact_plain(value)
                            seen.keep(value, done)
                        if done is not value:
                            node[key] = done
                        continue
                elif value is None or vtype is bool:
                    continue
                elif vtype is int or vtype is float:
                    # A number under a plain key (`port`, `cpu`) stays, unless it is not finite.
                    if key in plain and not (secret_pair and key == "value"):
                        if vtype is float and not math.isfinite(value):
                            node[key] = str(value)
                        continue
                elif vtype is dict or vtype is list or isinstance(value, (dict, list)):
                    if key not in plain and _key_kind(key) is _TREE:
                        node[key] = _redact_tree(value)
                    else:
                        push(value)
                    continue
                _redact_entry(node, key, value, _key_kind(key), secret_pair)
        elif node and all(map(isinstance, node, STR)):
            # A list of strings reads like a command: `--password` then its value. The
            # same commands recur across groups: each short one is redacted once per run.
            if len(node) > _SEEN_COMMAND:
                node[:] = redact_command(node)
                continue
            command = tuple(node)
            done = remembered(command)
            if done is None:
                done = redact_command(node)
                seen.keep(command, done)
            node[:] = done
        else:
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    push(item)
                elif isinstance(item, str):
                    node[i] = redact_text(item)
                elif isinstance(item, float) and not math.isfinite(item):
                    node[i] = str(item)


# Distinct plain strings and command items remembered per run before starting afresh
# (~30 MB at most), and the longest command remembered.
_SEEN_LIMIT, _SEEN_COMMAND = 1 << 18, 64


def _redact_entry(node: JsonDict, key: str, value: object, kind: str, secret_pair: bool) -> None:
    """`node[key]` redacted by its key's kind, for what the walk's common cases leave
    (never a container)."""
    if kind is _PLAIN and isinstance(value, str) and not (secret_pair and key == "value"):
        node[key] = _redact_plain(value)
    elif value is None or isinstance(value, bool):
        return
    elif kind is _SECRET or kind is _TREE or (secret_pair and key == "value"):
        # A scalar under a secret tree's key (`protectedSettings: "…"`) is that whole
        # tree: secret whole, as under a secret key.
        if _is_secret_scalar(value):
            node[key] = _mark_secret(value, secret_pair)
    elif isinstance(value, str):
        if kind == _PLAIN:
            node[key] = _redact_plain(value)
        elif kind == _ENCODED:
            node[key] = _redact_encoded(value)
        elif kind == _USER:
            node[key] = _redact_user(value)
        else:  # a secret-looking name
            node[key] = _redact_string(value, True)
    elif isinstance(value, float) and not math.isfinite(value):
        node[key] = str(value)


def _is_secret_pair(node: JsonDict) -> bool:
    """`{"name": "Authorization", "value": …}` (probe headers, env-like settings): the
    value is secret when the name is a credential header or looks secret."""
    name = node.get("name")
    if not isinstance(name, str) or "value" not in node:
        return False
    # Variable and header names repeat (every group has its LOG_LEVEL): decided once each.
    secret = _secret_pair_names.get(name)
    if secret is None:
        secret = name.strip().lower() in SECRET_HEADERS or name_looks_secret(name)
        if len(name) <= 256:
            if len(_secret_pair_names) >= 4096:
                _secret_pair_names.clear()
            _secret_pair_names[name] = secret
    return secret


_secret_pair_names: dict[str, bool] = {}


# Keys whose value is base64 of text a check decodes (a confidential group's CCE policy):
# random-looking as a whole, so the text inside is what is scanned.
ENCODED_KEYS = frozenset({"ccePolicy"})


def _redact_encoded(value: str) -> str:
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return redact_text(value)
    if parse_marker(value) is None and find_secrets(text):
        return make_marker(value, detect(text) or KEYWORD_NAME)
    return value


# A user name can be a token (ACR tokens, `ghp_…` as the user of a registry credential).
USER_KEYS = frozenset({"username", "user", "login", "userid"})
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_]{16,}")


def _redact_user(value: str) -> str:
    """A user name is kept unless a long random-looking run (letters and digits mixed, 16
    characters or more) shows it is a token, or its content is a secret."""
    if parse_marker(value) is not None:
        return value
    for m in _TOKEN_RUN.finditer(value):
        run = m.group(0)
        mixed = any(c.isdigit() for c in run) and any(c.isupper() for c in run)
        if mixed and any(c.islower() for c in run):
            return make_marker(value, detect(value) or TOKEN_USERNAME)
    return redact_text(value)


def _redact_string(value: str, named_secret: bool) -> str:
    if parse_marker(value) is not None:
        return value
    if named_secret and not trivially_not_secret(value):
        return make_marker(value, detect(value) or KEYWORD_NAME)
    return redact_text(value)


_PLAIN, _SECRET, _TREE, _NAMED = "plain", "secret", "tree", "named"
_ENCODED, _USER = "encoded", "user"
# Property names repeat across thousands of resources: classify each spelling once. The
# plain ones are also kept in a set, which the walk asks with `in`.
_key_kinds: dict[object, str] = {}
_plain_keys: set[object] = set()


def _key_kind(key: object) -> str:
    kind = _key_kinds.get(key)
    if kind is None:
        lowered = key.lower() if isinstance(key, str) else ""
        if lowered in SECRET_KEYS:
            kind = _SECRET
        elif lowered in SECRET_TREES:
            kind = _TREE
        elif key in ENCODED_KEYS:
            kind = _ENCODED
        elif lowered in USER_KEYS:
            kind = _USER
        elif isinstance(key, str) and name_looks_secret(key):
            kind = _NAMED
        else:
            kind = _PLAIN
        if len(_key_kinds) < 4096:  # bounded: a hostile file could hold endless keys
            _key_kinds[key] = kind
            if kind is _PLAIN:
                _plain_keys.add(key)
    return kind


def _redact_plain(value: str) -> str:
    """A string under a plain key: what `redact_text` makes of it (uncached: the walk
    remembers each distinct one)."""
    if value.startswith(MARKER_PREFIX) and MARKER_RE.fullmatch(value) is not None:
        return value
    spans = find_in_value(value)
    if not spans:
        return value
    return apply_spans(value, [(span.start, span.end, span.detector) for span in spans])


def _redact_tree(value: object) -> object:
    if isinstance(value, dict):
        return {k: _redact_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_tree(v) for v in value]
    return _mark_secret(value) if _is_secret_scalar(value) else value


def _is_secret_scalar(value: object) -> bool:
    # Booleans are switches (`passwordEnabled`-like), not secrets; None is "not set".
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        # `parse_marker(value) is None`, without building the Marker (each is new here).
        return not value.startswith(MARKER_PREFIX) or MARKER_RE.fullmatch(value) is None
    return isinstance(value, int | float)


def _mark_secret(value: object, header: bool = False) -> str:
    text = as_text(value)
    return make_marker(text, detect(text) or (AUTH_HEADER if header else KEYWORD_NAME))


# --- helpers --------------------------------------------------------------------------------


def _dicts(*candidates: object) -> list[JsonDict]:
    out: list[JsonDict] = []
    for c in candidates:
        if isinstance(c, dict) and all(c is not seen for seen in out):
            out.append(c)
    return out
