"""ACI-006's walk over a whole group finds the same markers, at the same paths and in the
same order, as the plain walk it replaced (which stacked every node and spelled out
every path): generated groups with markers anywhere, own-place keys, and container
command lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.catalogue.aci_credentials import (
    _CONTAINER_PROPS,
    _OWN_PLACE_KEYS,
    _flagged_only_in_env,
    secrets_elsewhere,
)
from checks.secret_markers import Marker, markers_in

FLAGGED = "redacted:v1:jwt:120:0123456789ab"
UNFLAGGED = "redacted:v1:none:4:abcdefabcdef"


def plain_walk(group: Any) -> Iterator[tuple[str, Marker]]:
    stack: list[tuple[str, Any]] = [("", group)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            items = [
                (f"{path}.{k}" if path else str(k), v)
                for k, v in node.items()
                if str(k).lower() not in _OWN_PLACE_KEYS
                and not (k == "command" and _CONTAINER_PROPS.fullmatch(path))
            ]
        elif isinstance(node, list):
            items = [(f"{path}[{i}]", v) for i, v in enumerate(node)]
        else:
            if isinstance(node, str):
                for marker in markers_in(node):
                    if marker.flagged:
                        yield path, marker
            continue
        stack.extend(reversed(items))


texts = st.sampled_from(
    ["", "plain", FLAGGED, UNFLAGGED, f"Bearer {FLAGGED}", f"a {UNFLAGGED} b {FLAGGED}"]
)
keys = st.sampled_from(
    ["tags", "command", "value", "password", "secureValue", "Secret", "gitRepo", "x", "x.y"]
)
leaves = st.one_of(texts, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
trees = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)


def group_with(body: Any, command: Any, env: Any = None) -> dict[str, Any]:
    props = {"command": command, "image": FLAGGED}
    if env is not None:
        props["environmentVariables"] = env
    container = {"name": "c", "properties": props}
    return {
        "id": "/subscriptions/s/resourceGroups/rg/providers/x/containerGroups/g",
        "properties": {"containers": [container], "initContainers": [container], "x": body},
        "tags": body,
    }


@settings(max_examples=300, deadline=None)
@given(body=trees, command=trees, env=trees)
def test_same_markers_paths_and_order_as_the_plain_walk(body: Any, command: Any, env: Any) -> None:
    group = group_with(body, command, env)
    assert list(secrets_elsewhere(group)) == list(plain_walk(group))


@settings(max_examples=300, deadline=None)
@given(env=trees, tags=trees, key=keys)
def test_markers_only_in_environment_variables_are_never_walked_into(
    env: Any, tags: Any, key: str
) -> None:
    """The shortcut (counting markers in the group's text and in its containers'
    variables) agrees with the walk, wherever else markers sit."""
    container = {"name": "c", "properties": {"environmentVariables": env}}
    group = {"properties": {"containers": [container]}, "tags": {key: tags}}
    assert list(secrets_elsewhere(group)) == list(plain_walk(group))


def test_a_marker_hidden_after_an_escaped_character_is_still_found() -> None:
    # In JSON text the marker follows `\n`, not a line break: the count must not miss it.
    env = [{"name": "DB_PASSWORD", "value": FLAGGED}]
    for tag in (f"line\n{FLAGGED}", f'"{FLAGGED}"', f"\t{FLAGGED}", f"\\{FLAGGED}"):
        group = {
            "properties": {
                "containers": [{"name": "c", "properties": {"environmentVariables": env}}]
            },
            "tags": {"note": tag},
        }
        assert [path for path, _ in secrets_elsewhere(group)] == ["tags.note"]
        assert list(secrets_elsewhere(group)) == list(plain_walk(group))
        # Only the variables hold one: nothing to report, as the walk says too.
        del group["tags"]
        assert list(secrets_elsewhere(group)) == [] == list(plain_walk(group))


@settings(max_examples=300, deadline=None)
@given(env=trees, command=trees, git=trees, vol_key=keys, tags=trees, key=keys)
def test_markers_in_commands_and_git_volumes_agree_with_the_walk(
    env: Any, command: Any, git: Any, vol_key: str, tags: Any, key: str
) -> None:
    """The shortcut also counts container command lines and gitRepo volumes (which the
    walk skips): wherever else markers sit, the answer is the walk's."""
    container = {"name": "c", "properties": {"environmentVariables": env, "command": command}}
    group = {
        "properties": {
            "initContainers": [container],
            "volumes": [{"name": "v", "gitRepo": git}, {"name": "w", vol_key: git}],
        },
        "tags": {key: tags},
    }
    assert list(secrets_elsewhere(group)) == list(plain_walk(group))


def test_markers_only_in_commands_and_git_volumes_skip_the_walk() -> None:
    container = {
        "name": "c",
        "properties": {"command": ["sh", "-c", f"curl -H {FLAGGED}"], "image": "x"},
    }
    group = {
        "properties": {
            "containers": [container],
            "volumes": [{"name": "v", "gitRepo": {"repository": f"https://{FLAGGED}@h/r"}}],
        },
        "tags": {"note": UNFLAGGED},
    }
    assert _flagged_only_in_env(group)
    assert list(secrets_elsewhere(group)) == [] == list(plain_walk(group))
    # One more flagged marker where the walk looks: the shortcut must not answer.
    group["tags"] = {"note": FLAGGED}
    assert not _flagged_only_in_env(group)
    assert [path for path, _ in secrets_elsewhere(group)] == ["tags.note"]
