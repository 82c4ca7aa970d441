"""What a confidential container group's CCE policy allows (ACI-021, ACI-022).

`confidentialComputeProperties.ccePolicy` is base64 of a Rego document (what
`az confcom acipolicygen` writes; older tooling wrote a JSON policy). Two shapes are
permissive:

* **allow all**: the enforcement points defined unconditionally as allowed
  (`create_container := {"allowed": true}` …), the policy Microsoft's confidential
  containers docs give for development, or a JSON policy with `"allow_all": true`;
* **debug**: what `acipolicygen --debug-mode` turns on — `allow_dump_stacks`,
  `allow_runtime_logging`, `"allow_stdio_access": true` on a container, and a shell in a
  container's `exec_processes` (exec into any container).

Only the text is read; nothing is evaluated. A policy that does not decode is None.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field

from checks.catalogue.common import Resource, get

# Enforcement points of the confidential containers policy (the framework's rule names).
ENFORCEMENT_POINTS = (
    "mount_device",
    "unmount_device",
    "mount_overlay",
    "unmount_overlay",
    "create_container",
    "exec_in_container",
    "exec_external",
    "shutdown_container",
    "signal_container_process",
    "plan9_mount",
    "plan9_unmount",
    "get_properties",
    "dump_stacks",
    "runtime_logging",
    "load_fragment",
    "scratch_mount",
    "scratch_unmount",
)
# Allowed unconditionally, any one of these lets arbitrary code or data in.
_OPENING = frozenset(
    {"create_container", "exec_in_container", "exec_external", "mount_device", "mount_overlay"}
)
_DEBUG_FLAGS = ("allow_dump_stacks", "allow_runtime_logging")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox", "pwsh", "cmd"})

# `name := {"allowed": true, ...}` as a whole rule: nothing after the object on its line.
_UNCONDITIONAL = re.compile(
    r'^[ \t]*(?:default[ \t]+)?(\w+)[ \t]*:?=[ \t]*\{[^{}\n]*"allowed"[ \t]*:[ \t]*true'
    r"[^{}\n]*\}[ \t]*(?:#.*)?$",
    re.MULTILINE,
)
_FLAG = re.compile(r"^[ \t]*(\w+)[ \t]*:?=[ \t]*true[ \t]*(?:#.*)?$", re.MULTILINE)
_CONTAINERS = re.compile(r"^[ \t]*containers[ \t]*:?=[ \t]*\[", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PolicyReading:
    allow_all: tuple[str, ...] = ()  # rules allowed unconditionally (or "allow_all")
    debug: tuple[str, ...] = field(default=())  # debug features turned on, named

    @property
    def permissive(self) -> tuple[str, ...]:
        return self.allow_all + self.debug


def decode(policy: str) -> str | None:
    """The policy's text, or None when it is not base64 of UTF-8."""
    try:
        raw = base64.b64decode("".join(policy.split()), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def read_policy(text: str) -> PolicyReading:
    as_json = _json(text)
    if isinstance(as_json, dict):
        allow = ("allow_all",) if as_json.get("allow_all") is True else ()
        return PolicyReading(allow, ())
    unconditional = [m.group(1) for m in _UNCONDITIONAL.finditer(text)]
    opening = [r for r in unconditional if r in _OPENING]
    allow_all = tuple(sorted(set(unconditional) & set(ENFORCEMENT_POINTS))) if opening else ()
    debug = [f"{m.group(1)} := true" for m in _FLAG.finditer(text) if m.group(1) in _DEBUG_FLAGS]
    if not allow_all:
        # dump_stacks / runtime_logging allowed outright are debug features too.
        debug += [f"{r} allowed" for r in unconditional if r in ("dump_stacks", "runtime_logging")]
    debug += _container_debug(text)
    return PolicyReading(allow_all, tuple(dict.fromkeys(debug)))


def _container_debug(text: str) -> list[str]:
    out: list[str] = []
    for container in _containers(text):
        label = str(container.get("name") or container.get("id") or "a container")
        if container.get("allow_stdio_access") is True:
            out.append(f"allow_stdio_access in {label}")
        processes = container.get("exec_processes")
        for process in processes if isinstance(processes, list) else ():
            command = process.get("command") if isinstance(process, dict) else None
            first = command[0] if isinstance(command, list) and command else None
            if isinstance(first, str) and first.rsplit("/", 1)[-1].lower() in _SHELLS:
                out.append(f"exec of {first} in {label}")
    if not out and re.search(r'"allow_stdio_access"\s*:\s*true', text):
        out.append("allow_stdio_access in a container")  # containers not parsed as JSON
    return out


def _containers(text: str) -> list[dict[str, object]]:
    """The `containers := [...]` array, when it is JSON (as acipolicygen writes it)."""
    found = _CONTAINERS.search(text)
    if found is None:
        return []
    start = found.end() - 1
    depth, quote, escape = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                parsed = _json(text[start : i + 1])
                return (
                    [c for c in parsed if isinstance(c, dict)] if isinstance(parsed, list) else []
                )
    return []


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def sku_observed(group: Resource) -> str:
    """Evidence never invents: an absent `sku` is shown absent, with Azure's default."""
    value = get(group, "properties.sku")
    if isinstance(value, str):
        return value
    return "<absent> (Azure defaults it to Standard)"
