"""Secrets and credentials in container groups: ACI-006 … ACI-008, ACI-010, ACI-027.

Values arrive already redacted: a secret is a marker naming its detector, length and
hash prefix. Evidence shows the marker's fingerprint, never more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from sys import intern  # evidence paths recur on every group: one string each
from typing import Any
from urllib.parse import urlsplit

import orjson

from checks.catalogue.aci_parts import containers, kind_of, noun, volumes
from checks.catalogue.common import Resource, api_version_before, get, name
from checks.context import Context
from checks.model import (
    Evidence,
    Outcome,
    Target,
    fail,
    not_applicable,
    not_assessed,
    passed,
)
from checks.registry import check
from checks.secret_markers import (
    KEYWORD_NAME,
    MARKER_PREFIX,
    NO_DETECTOR,
    Marker,
    markers_in,
    name_looks_secret,
    parse_marker,
)

GROUPS = Target.CONTAINER_GROUP
# The first stable api-version known to carry Key Vault references and identity mounts.
KEY_REFERENCE_API = "2025-09-01"
# `azureFile.userManagedIdentityClientId` (a share mounted with a managed identity).
IDENTITY_MOUNT_API = "2026-05-01"


def _is_secret(marker: Marker, var_name: str) -> bool:
    """A detector fired, or the name says secret and the value is more than a flag.

    Short values (`true`, `0`, `12345`) under a secret-looking name are switches or
    lengths, not secrets; the redactor marks those `none` for the same reason.
    """
    return marker.flagged or (name_looks_secret(var_name) and marker.length > 5)


# How a marker no detector flagged starts: its detector is exactly `none` (the regex's
# detector group stops at the first ':').
_UNFLAGGED_PREFIX = f"{MARKER_PREFIX}{NO_DETECTOR}:"


@check("ACI-006")
def aci_006(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    hits: list[str] = []
    evidence: list[Evidence] = []
    plain = 0
    for c in ctx.memo(containers, group):
        env = c.props.get("environmentVariables")
        for i, var in enumerate(env if isinstance(env, list) else ()):
            value = var.get("value") if isinstance(var, dict) else None
            if value is None:
                continue
            plain += 1
            var_name = var.get("name")
            var_name = f"#{i}" if var_name is None else str(var_name)
            if (
                type(value) is str
                and value.startswith(_UNFLAGGED_PREFIX)
                and not name_looks_secret(var_name)
            ):
                # Most values: marked `none` under a plain name. Whether or not the rest
                # parses, _is_secret would say no (a `none` marker is never flagged).
                continue
            marker = parse_marker(value)
            if marker is None:
                continue
            if _is_secret(marker, var_name):
                hits.append(f"{var_name} in {c.label}")
                evidence.append(
                    Evidence(
                        intern(f"{c.path}.properties.environmentVariables[{i}].value"),
                        marker.fingerprint,
                        "secureValue or secureValueReference",
                        f"{var_name}: detected as "
                        f"{marker.detector if marker.flagged else KEYWORD_NAME}",
                    )
                )
    elsewhere = list(secrets_elsewhere(group))
    for path, marker in elsewhere:
        evidence.append(
            Evidence(
                path,
                marker.fingerprint,
                "no credential in plain text (secureValue, a Key Vault reference)",
                f"detected as {marker.detector}",
            )
        )
    if hits or elsewhere:
        said = []
        if hits:
            said.append(f"in plain environment variables: {', '.join(hits)}")
        if elsewhere:
            places = ", ".join(dict.fromkeys(path for path, _ in elsewhere))
            said.append(f"in plain text at {places}")
        return fail(f"{noun(group)} '{n}' holds secrets {'; and '.join(said)}.", *evidence)
    return passed(
        f"{noun(group)} '{n}' has no secret among its {plain} plain environment variable(s).",
        Evidence(
            "properties.containers[*].properties.environmentVariables[*].value",
            f"{plain} plain value(s), none secret-looking",
            "no plain secret",
        ),
    )


# Where a secret is meant to sit, or another check reports it: write-only values, the
# registry password (ACI-010), extension protected settings, secret volumes, account
# keys (ACI-027), the Log Analytics key, command lines (ACI-007), gitRepo URLs (ACI-008)
# and environment variables (above).
_OWN_PLACE_KEYS = frozenset(
    {
        "securevalue",
        "password",
        "protectedsettings",
        "secret",
        "storageaccountkey",
        "workspacekey",
        "gitrepo",
        "environmentvariables",
    }
)


def secrets_elsewhere(group: Resource) -> Iterator[tuple[str, Marker]]:
    """Every flagged marker in the group outside the places above: probe commands and
    headers, tags, image references, extension settings, any field at all."""
    if _flagged_only_in_env(group):
        return
    # Depth first, in document order. Only what can hold a marker is stacked: objects,
    # arrays and strings holding the marker prefix (every marker starts with it), so
    # the paths of the many plain leaves are never spelled out.
    stack: list[tuple[str, Any]] = [("", group)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            items = [
                (f"{path}.{k}" if path else str(k), v)
                for k, v in node.items()
                if (isinstance(v, dict | list) or (isinstance(v, str) and MARKER_PREFIX in v))
                and str(k).lower() not in _OWN_PLACE_KEYS
                and not (k == "command" and _CONTAINER_PROPS.fullmatch(path))
            ]
        elif isinstance(node, list):
            items = [
                (f"{path}[{i}]", v)
                for i, v in enumerate(node)
                if isinstance(v, dict | list) or (isinstance(v, str) and MARKER_PREFIX in v)
            ]
        else:
            for marker in markers_in(node):
                if marker.flagged:
                    yield path, marker
            continue
        items.reverse()
        stack.extend(items)


# Where a flagged marker may start: the marker prefix not followed by the `none`
# detector. Every flagged marker `markers_in` finds matches this in the JSON text of its
# string, as none of the characters involved is ever escaped in JSON.
_FLAGGED_START = re.compile(
    re.escape(MARKER_PREFIX).encode() + b"(?!" + NO_DETECTOR.encode() + b":)"
)


def _flagged_only_in_env(group: Resource) -> bool:
    """True when every possible flagged marker of the group lies in its containers'
    environment variables or command lines or in its gitRepo volumes, which the walk
    skips (the usual case: a secret-named variable). Counted on orjson's text of the
    group and of those values, which the group's text holds verbatim: equal counts leave
    none for the walk to find. Any doubt (orjson refuses a value) answers False, and the
    walk decides."""
    try:
        total = len(_FLAGGED_START.findall(orjson.dumps(group)))
        if not total:
            return True
        props = group.get("properties")
        if not isinstance(props, dict):
            return False
        skipped = _flagged_in_containers(props, "environmentVariables")
        if skipped == total:
            return True
        # The other places the walk skips where a group's marker usually is: a
        # container's command line (ACI-007's) and a gitRepo volume (ACI-008's).
        skipped += _flagged_in_containers(props, "command")
        vols = props.get("volumes")
        for vol in vols if isinstance(vols, list) else ():
            if isinstance(vol, dict) and "gitRepo" in vol:
                skipped += len(_FLAGGED_START.findall(orjson.dumps(vol["gitRepo"])))
    except (orjson.JSONEncodeError, TypeError):
        return False
    return total == skipped


def _flagged_in_containers(props: dict[str, Any], key: str) -> int:
    """Possible flagged markers under `key` of every container's and init container's
    properties (the walk skips both keys there), counted in orjson's text."""
    count = 0
    for list_key in ("containers", "initContainers"):
        items = props.get(list_key)
        for item in items if isinstance(items, list) else ():
            cprops = item.get("properties") if isinstance(item, dict) else None
            if isinstance(cprops, dict) and key in cprops:
                count += len(_FLAGGED_START.findall(orjson.dumps(cprops[key])))
    return count


_CONTAINER_PROPS = re.compile(r"properties\.(?:init)?[cC]ontainers\[\d+\]\.properties")


@check("ACI-007")
def aci_007(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    hits, evidence = [], []
    with_command = 0
    for c in ctx.memo(containers, group):
        cmd = c.props.get("command")
        if not isinstance(cmd, list) or not cmd:
            continue
        with_command += 1
        for i, arg in enumerate(cmd):
            for marker in markers_in(str(arg)):
                if marker.flagged:
                    hits.append(c.label)
                    evidence.append(
                        Evidence(
                            intern(f"{c.path}.properties.command[{i}]"),
                            marker.fingerprint,
                            "no credential on the command line",
                            f"detected as {marker.detector}",
                        )
                    )
    if hits:
        labels = ", ".join(dict.fromkeys(hits))
        return fail(
            f"{noun(group)} '{n}' passes secrets on the command line of {labels}.", *evidence
        )
    return passed(
        f"{noun(group)} '{n}' has no secret on its command lines.",
        Evidence(
            "properties.containers[*].properties.command",
            f"{with_command} command override(s)",
            "no credential on the command line",
        ),
    )


@check("ACI-008")
def aci_008(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    repos = [(p, v["gitRepo"]) for p, v in volumes(group) if isinstance(v.get("gitRepo"), dict)]
    if not repos:
        return not_applicable(f"{noun(group)} '{n}' has no gitRepo volume.")
    bad, evidence, offending = [], [], []
    for path, repo in repos:
        url = str(repo.get("repository", ""))
        netloc = urlsplit(url).netloc if "://" in url else ""
        userinfo = netloc.rpartition("@")[0] if "@" in netloc else ""
        if userinfo:
            markers = markers_in(userinfo)
            shown = markers[0].fingerprint if markers else "<user info present>"
            evidence.append(
                Evidence(f"{path}.gitRepo.repository", shown, "a URL without user info")
            )
            bad.append(path)
            offending.append(evidence[-1])
        else:
            evidence.append(Evidence(f"{path}.gitRepo.repository", url, "a URL without user info"))
    if bad:
        return fail(
            f"{noun(group)} '{n}' embeds credentials in {len(bad)} gitRepo URL(s).", *offending
        )
    return passed(f"{noun(group)} '{n}' has no credential in its gitRepo URLs.", *evidence)


@check("ACI-010")
def aci_010(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    creds = get(group, "properties.imageRegistryCredentials")
    creds = [c for c in creds if isinstance(c, dict)] if isinstance(creds, list) else []
    if not creds:
        return not_applicable(f"{noun(group)} '{n}' declares no registry credentials.")
    bad, evidence, offending = [], [], []
    for i, cred in enumerate(creds):
        server = str(cred.get("server", ""))
        path = f"properties.imageRegistryCredentials[{i}]"
        if cred.get("username") and not cred.get("identity"):
            registry = ctx.registries_by_login_server.get(server.lower())
            notes = []
            if registry is not None and get(registry, "properties.adminUserEnabled") is True:
                notes.append(
                    "the estate registry has its admin user enabled (ACR-001): likely the admin password"
                )
            if cred.get("passwordReference"):
                notes.append("password comes from a Key Vault reference")
            evidence.append(
                Evidence(
                    path,
                    {"server": server, "username": cred["username"]},
                    "identity instead of username",
                    "; ".join(notes),
                )
            )
            bad.append(server)
            offending.append(evidence[-1])
        else:
            evidence.append(
                Evidence(
                    path,
                    {"server": server, "identity": cred.get("identity")},
                    "identity instead of username",
                )
            )
    if bad:
        return fail(
            f"{noun(group)} '{n}' pulls with a username and password from {', '.join(bad)}.",
            *offending,
        )
    return passed(f"{noun(group)} '{n}' pulls with managed identities.", *evidence)


@check("ACI-027")
def aci_027(group: Resource, ctx: Context) -> Outcome:
    n = name(group)
    shares = [
        (p, v["azureFile"]) for p, v in volumes(group) if isinstance(v.get("azureFile"), dict)
    ]
    if not shares:
        return not_applicable(f"{noun(group)} '{n}' mounts no Azure Files share.")
    keyed, evidence, offending = [], [], []
    for path, share in shares:
        safe = share.get("storageAccountKeyReference") or share.get("userManagedIdentityClientId")
        evidence.append(
            Evidence(
                f"{path}.azureFile",
                {k: share.get(k) for k in ("shareName", "storageAccountName")},
                "storageAccountKeyReference or userManagedIdentityClientId",
                "key reference or identity" if safe else "account key",
            )
        )
        if not safe:
            keyed.append(str(share.get("shareName", path)))
            offending.append(evidence[-1])
    if keyed:
        api = ctx.index.api_version(kind_of(group), group["id"])
        if api_version_before(api, KEY_REFERENCE_API):
            return not_assessed(
                f"{noun(group)} '{n}' was read at api-version {api}, which does not show key "
                f"references (from {KEY_REFERENCE_API}) or identity mounts (from "
                f"{IDENTITY_MOUNT_API}).",
                *evidence,
            )
        if api_version_before(api, IDENTITY_MOUNT_API):
            # The share may be mounted with a managed identity this version cannot show.
            return not_assessed(
                f"{noun(group)} '{n}' was read at api-version {api}, which shows key "
                f"references but not identity mounts (userManagedIdentityClientId needs "
                f"{IDENTITY_MOUNT_API} or later).",
                *evidence,
            )
        return fail(
            f"{noun(group)} '{n}' mounts {', '.join(keyed)} with a storage account key.", *offending
        )
    return passed(f"{noun(group)} '{n}' mounts its shares without account keys.", *evidence)
