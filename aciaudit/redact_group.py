"""Redaction of what a container group (or profile) holds: env values, commands that
mix types, volumes' secrets and git repository URLs. `aciaudit.redact` runs this pass on
each group before its walk over every string of every resource."""

from __future__ import annotations

import itertools
import re
from typing import Any

from aciaudit.redact_text import apply_spans, as_text, mark, redact_text
from aciaudit.secrets import (
    CLI_FLAG,
    URL_USERINFO,
    USER_FLAGS,
    detect,
    detect_named,
    find_secrets,
    is_secret_flag,
    looks_like_flag,
    make_marker,
)
from checks.secret_markers import KEYWORD_NAME, MARKER_PREFIX, MARKER_RE, parse_marker

JsonDict = dict[str, Any]
# `isinstance(item, str)` for every item of a list, in one `map`.
STR = itertools.repeat(str)


def redact_container_group(props: JsonDict) -> None:
    """Redact one group's `properties` (or the group itself, `az`'s flattened form) in
    place: what its containers and volumes hold by ARM's own shape."""
    # Written out rather than through helper lists: this runs for every container of
    # every group.
    for key in ("containers", "initContainers"):
        containers = props.get(key)
        if not isinstance(containers, list):
            continue
        for container in containers:
            if not isinstance(container, dict):
                continue
            inner = container.get("properties")
            # `properties` first, then the container itself (`az`'s flattened form).
            holders = (
                (inner, container)
                if isinstance(inner, dict) and inner is not container
                else (container,)
            )
            for holder in holders:
                env = holder.get("environmentVariables")
                if env:
                    _redact_env(env)
                command = holder.get("command")
                # A list of strings only is a command to the walk over every string too
                # (`redact._redact_secret_keys`): redacted there, once.
                if isinstance(command, list) and not all(map(isinstance, command, STR)):
                    holder["command"] = redact_command(command)
    volumes = props.get("volumes")
    if isinstance(volumes, list):
        for volume in volumes:
            if isinstance(volume, dict):
                _redact_volume(volume)
    # imageRegistryCredentials[].password and diagnostics.logAnalytics.workspaceKey are
    # caught by the secret-key walk that runs on every resource.


def _redact_env(env: object) -> None:
    if not isinstance(env, list):
        return
    for var in env:
        if not isinstance(var, dict):
            continue
        value = var.get("value")
        # ARM returns `value` only for plain variables: always a marker, whatever it holds,
        # so no reader of a snapshot ever sees one. A value is one marker or none: text
        # around a marker a third party left is hashed with it. `secureValue`: the key walk.
        if value is None or (
            isinstance(value, str)
            and value.startswith(MARKER_PREFIX)
            and parse_marker(value) is not None
        ):
            continue
        text = as_text(value)
        var["value"] = make_marker(text, detect_named(var.get("name"), text))


def redact_command(command: list[Any]) -> list[Any]:
    """A command's arguments redacted, each read with the one before it (`--password x`)."""
    out: list[Any] = []
    previous: object = None
    for arg in command:
        out.append(_redact_arg(arg, previous))
        previous = arg
    return out


def _redact_arg(arg: object, previous: object) -> object:
    if arg is None or parse_marker(arg) is not None:
        return arg
    text = arg if isinstance(arg, str) else as_text(arg)
    # `--password hunter2` as two arguments: the value is secret whole, spaces included.
    if isinstance(previous, str) and is_secret_flag(previous) and not looks_like_flag(text):
        return mark(text, detect(text) or CLI_FLAG)
    if not isinstance(arg, str):
        return arg
    if isinstance(previous, str) and (previous in USER_FLAGS or _SHORT_U.fullmatch(previous)):
        return _redact_after_flag(previous, arg)
    return redact_text(arg)


# `-fsSu` then `user:password`: `u` ending a group of short flags.
_SHORT_U = re.compile(r"-[A-Za-z]{0,8}u")


def _redact_after_flag(flag: str, arg: str) -> str:
    # `-u` then `user:password`: the password is only recognisable after the flag. Scan the
    # pair once the argument's own secrets are markers, and keep what falls in the argument.
    text = redact_text(arg)
    offset = len(flag) + 1
    spans = [
        (max(span.start, offset) - offset, span.end - offset, span.detector)
        for span in find_secrets(f"{flag} {text}")
        if span.end > offset
    ]
    return apply_spans(text, spans)


def _redact_volume(volume: JsonDict) -> None:
    repo = volume.get("gitRepo")
    if isinstance(repo, dict) and isinstance(repo.get("repository"), str):
        repo["repository"] = _redact_url_userinfo(repo["repository"])
    secret = volume.get("secret")
    if isinstance(secret, dict):
        for name, content in secret.items():
            if content is not None and parse_marker(content) is None:
                text = as_text(content)
                secret[name] = make_marker(text, detect(text) or KEYWORD_NAME)
    elif isinstance(secret, str) and parse_marker(secret) is None:
        volume["secret"] = make_marker(secret, detect(secret) or KEYWORD_NAME)
    # azureFile.storageAccountKey: the key walk.


# `scheme://` then the user info, up to the last `@` before the path.
_USERINFO = re.compile(r"^(\s*[A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")


def _redact_url_userinfo(url: str) -> str:
    """`https://user:token@host/x` → `https://<marker>@host/x`, whatever the user info is."""
    m = _USERINFO.match(url)
    if m is None:
        # No user info; still catch a secret elsewhere (`?sig=…` in a SAS URL).
        return redact_text(url)
    userinfo = m.group(2)
    parts: list[str] = []
    last = 0
    # Markers already there stay; whatever lies around them is user info to redact.
    for marker in MARKER_RE.finditer(userinfo):
        parts += [_mark_userinfo(userinfo[last : marker.start()]), marker.group(0)]
        last = marker.end()
    parts.append(_mark_userinfo(userinfo[last:]))
    return m.group(1) + "".join(parts) + "@" + redact_text(url[m.end() :])


def _mark_userinfo(piece: str) -> str:
    return mark(piece, URL_USERINFO) if piece.strip(":") else piece
