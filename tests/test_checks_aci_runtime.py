"""Runtime privileges of container groups: ACI-016 … ACI-026.

securityContext checks cover containers and init containers and name every offender;
ACI-016 … ACI-020 are NOT_ASSESSED when the group was read at an api-version that does
not carry securityContext.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fixtures import (
    ACI_API,
    ACI_OLD_API,
    CCE_POLICIES,
    DELETE,
    clone,
    container_group,
    merge,
    role_assignments,
    role_definition,
    run_one,
)

from checks.model import Evidence, Result, Status

CG = "Microsoft.ContainerInstance/containerGroups"
ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
GET = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsGet_Succeeded.json"
CONFIDENTIAL = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupCreateConfidential.json"
CREATE = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdate.json"
ENCRYPTED = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupEncryptionProperties.json"
MI_SHARE = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json"
OLD_GET = f"Microsoft.ContainerInstance/{ACI_OLD_API}/ContainerGroupsGet_Failed.json"
SECURITY_CHECKS = ["ACI-016", "ACI-017", "ACI-018", "ACI-019", "ACI-020"]


def by_path(result: Result) -> dict[str, Evidence]:
    return {ev.path: ev for ev in result.evidence}


def paths(result: Result) -> list[str]:
    """Evidence paths in order: a FAIL lists only (and every one of) its offenders."""
    return [ev.path for ev in result.evidence]


def _example_container() -> dict[str, Any]:
    c = clone(container_group()["properties"]["containers"][0])
    c["properties"].pop("volumeMounts")
    return c


def ctr(name: str, **props: Any) -> dict[str, Any]:
    """A container shaped like Get_Succeeded's, with properties merged in."""
    c = _example_container()
    c["name"] = name
    merge(c["properties"], props)
    return c


def sc(**context: Any) -> dict[str, Any]:
    return {"securityContext": context}


def group(
    containers: list[dict[str, Any]],
    init: list[dict[str, Any]] | None = None,
    name: str = "rt",
    base: str = GET,
    **props: Any,
) -> dict[str, Any]:
    properties: dict[str, Any] = {"containers": containers, **props}
    if init is not None:
        properties["initContainers"] = init
    return container_group(base=base, name=name, properties=properties)


def sc_path(kind: str, i: int, field: str) -> str:
    return f"properties.{kind}[{i}].properties.securityContext.{field}"


# --- ACI-016 / ACI-017: privileged, escalation --------------------------------------


def test_aci_016_confidential_example_is_not_privileged() -> None:
    res = run_one("ACI-016", container_group(base=CONFIDENTIAL))
    assert res.status is Status.PASS
    assert res.message == "Container group 'demo1': no container is privileged."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (sc_path("containers", 0, "privileged"), False)


@pytest.mark.parametrize(
    ("check_id", "field"), [("ACI-016", "privileged"), ("ACI-017", "allowPrivilegeEscalation")]
)
def test_absent_security_context_is_not_privileged(check_id: str, field: str) -> None:
    res = run_one(check_id, container_group())
    assert res.status is Status.PASS
    assert "'demo1'" in res.message
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (sc_path("containers", 0, field), "<absent>")


@pytest.mark.parametrize(
    ("check_id", "field", "text"),
    [
        ("ACI-016", "privileged", "privileged mode"),
        ("ACI-017", "allowPrivilegeEscalation", "privilege escalation allowed"),
    ],
)
def test_only_the_second_container_offends(check_id: str, field: str, text: str) -> None:
    cg = group([ctr("web", **sc(**{field: False})), ctr("sidecar", **sc(**{field: True}))])
    res = run_one(check_id, cg)
    assert res.status is Status.FAIL
    assert res.message == f"Container group 'rt': {text} in container 'sidecar'."
    # Only the offender: container 'web' (False) is not evidence of a FAIL.
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (sc_path("containers", 1, field), True)
    assert ev.expected == "false or absent"


@pytest.mark.parametrize(
    ("check_id", "field"), [("ACI-016", "privileged"), ("ACI-017", "allowPrivilegeEscalation")]
)
def test_pass_lists_every_container_examined(check_id: str, field: str) -> None:
    cg = group([ctr("web", **sc(**{field: False})), ctr("sidecar")], init=[ctr("setup")])
    res = run_one(check_id, cg)
    assert res.status is Status.PASS
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        (sc_path("containers", 0, field), False),
        (sc_path("containers", 1, field), "<absent>"),
        (sc_path("initContainers", 0, field), "<absent>"),
    ]


@pytest.mark.parametrize(
    ("check_id", "field", "text"),
    [
        ("ACI-016", "privileged", "privileged mode"),
        ("ACI-017", "allowPrivilegeEscalation", "privilege escalation allowed"),
    ],
)
def test_an_init_container_offends(check_id: str, field: str, text: str) -> None:
    cg = group([ctr("web")], init=[ctr("setup", **sc(**{field: True}))])
    res = run_one(check_id, cg)
    assert res.status is Status.FAIL
    assert res.message == f"Container group 'rt': {text} in init container 'setup'."
    # Only the offender: container 'web' (absent) is not evidence of a FAIL.
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (sc_path("initContainers", 0, field), True)


def test_aci_016_reports_every_privileged_container() -> None:
    cg = group(
        [ctr("a", **sc(privileged=True)), ctr("b"), ctr("c", **sc(privileged=True))],
        init=[ctr("i0", **sc(privileged=False)), ctr("i1", **sc(privileged=True))],
    )
    res = run_one("ACI-016", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'rt': privileged mode in container 'a', container 'c', "
        "init container 'i1'."
    )
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        (sc_path("containers", 0, "privileged"), True),
        (sc_path("containers", 2, "privileged"), True),
        (sc_path("initContainers", 1, "privileged"), True),
    ]


def test_aci_016_absent_privileged_is_not_privileged() -> None:
    res = run_one("ACI-016", group([ctr("web", **sc(privileged=None))]))
    assert res.status is Status.PASS


@pytest.mark.parametrize("value", ["true", 1, {}, "NaN"])
def test_aci_016_a_wrong_type_is_never_pass(value: Any) -> None:
    # Issue #13: typed reading (checks.fields) makes a non-boolean NOT_ASSESSED.
    res = run_one("ACI-016", group([ctr("web", **sc(privileged=value))]))
    assert res.status is Status.NOT_ASSESSED
    assert "unexpected type at privileged" in res.message


# --- ACI-018: capabilities ----------------------------------------------------------


def test_aci_018_confidential_example_names_net_admin() -> None:
    res = run_one("ACI-018", container_group(base=CONFIDENTIAL))
    assert res.status is Status.FAIL
    assert res.message == "Container group 'demo1': capabilities added in container 'accdemo'."
    [ev] = res.evidence
    assert ev.path == sc_path("containers", 0, "capabilities.add")
    assert ev.observed == ["CAP_NET_ADMIN"]
    assert ev.note == "dangerous: NET_ADMIN"


@pytest.mark.parametrize(
    ("caps", "status", "note"),
    [
        (["SYS_ADMIN", "sys_ptrace", "CHOWN"], Status.FAIL, "dangerous: SYS_ADMIN, SYS_PTRACE"),
        (
            ["CAP_SYS_MODULE", "CAP_DAC_READ_SEARCH"],
            Status.FAIL,
            "dangerous: DAC_READ_SEARCH, SYS_MODULE",
        ),
        (["CHOWN", "NET_BIND_SERVICE"], Status.FAIL, ""),
        ([], Status.PASS, ""),
    ],
)
def test_aci_018_capabilities(caps: list[str], status: Status, note: str) -> None:
    cg = group([ctr("web", **sc(capabilities={"add": caps, "drop": ["ALL"]}))])
    res = run_one("ACI-018", cg)
    assert res.status is status
    [ev] = res.evidence
    assert (ev.path, ev.observed, ev.note) == (
        sc_path("containers", 0, "capabilities.add"),
        caps,
        note,
    )


def test_aci_018_drop_only_passes() -> None:
    res = run_one("ACI-018", group([ctr("web", **sc(capabilities={"drop": ["ALL"]}))]))
    assert res.status is Status.PASS
    assert res.evidence[0].observed == "<absent>"


def test_aci_018_reports_every_container_with_its_own_dangerous_caps() -> None:
    cg = group(
        [ctr("web"), ctr("net", **sc(capabilities={"add": ["NET_ADMIN"]}))],
        init=[ctr("debug", **sc(capabilities={"add": ["SYS_PTRACE"]}))],
    )
    res = run_one("ACI-018", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'rt': capabilities added in container 'net', init container 'debug'."
    )
    # Only the offenders, each with its own dangerous capabilities; 'web' adds none.
    assert [(ev.path, ev.observed, ev.note) for ev in res.evidence] == [
        (sc_path("containers", 1, "capabilities.add"), ["NET_ADMIN"], "dangerous: NET_ADMIN"),
        (
            sc_path("initContainers", 0, "capabilities.add"),
            ["SYS_PTRACE"],
            "dangerous: SYS_PTRACE",
        ),
    ]


# --- ACI-019 / ACI-020: user --------------------------------------------------------


@pytest.mark.parametrize(
    ("users", "aci_019", "aci_020"),
    [
        ([1000], Status.PASS, Status.PASS),
        ([0], Status.FAIL, Status.PASS),
        ([None], Status.NOT_ASSESSED, Status.FAIL),
        ([1000, 0], Status.FAIL, Status.PASS),
        ([1000, None], Status.NOT_ASSESSED, Status.FAIL),
        ([0, None], Status.FAIL, Status.FAIL),
    ],
)
def test_aci_019_020_run_as_user(users: list[int | None], aci_019: Status, aci_020: Status) -> None:
    cs = [
        ctr(f"c{i}", **(sc() if uid is None else sc(runAsUser=uid))) for i, uid in enumerate(users)
    ]
    cg = group(cs)
    r19, r20 = run_one("ACI-019", cg), run_one("ACI-020", cg)
    assert (r19.status, r20.status) == (aci_019, aci_020)
    offends = {"ACI-019": lambda uid: uid == 0, "ACI-020": lambda uid: uid is None}
    for check_id, res in (("ACI-019", r19), ("ACI-020", r20)):
        assert "'rt'" in res.message
        # FAIL lists the offenders and nothing else; PASS / NOT_ASSESSED list every container.
        listed = [
            i
            for i, uid in enumerate(users)
            if res.status is not Status.FAIL or offends[check_id](uid)
        ]
        assert [(ev.path, ev.observed) for ev in res.evidence] == [
            (
                sc_path("containers", i, "runAsUser"),
                "<absent>" if users[i] is None else users[i],
            )
            for i in listed
        ]
    if aci_019 is Status.FAIL:
        roots = [f"container 'c{i}'" for i, uid in enumerate(users) if uid == 0]
        assert r19.message == f"Container group 'rt': runs as root (UID 0) in {', '.join(roots)}."
    if aci_019 is Status.NOT_ASSESSED:
        assert "runAsUser unset" in r19.message
    if aci_020 is Status.FAIL:
        unset = [f"container 'c{i}'" for i, uid in enumerate(users) if uid is None]
        assert r20.message == f"Container group 'rt': runAsUser not set in {', '.join(unset)}."


def test_aci_020_example_without_security_context_fails() -> None:
    res = run_one("ACI-020", container_group())
    assert res.status is Status.FAIL
    assert res.message == "Container group 'demo1': runAsUser not set in container 'demo1'."
    assert res.evidence[0].observed == "<absent>"


def test_aci_019_root_init_container() -> None:
    cg = group([ctr("web", **sc(runAsUser=1000))], init=[ctr("chown", **sc(runAsUser=0))])
    res = run_one("ACI-019", cg)
    assert res.status is Status.FAIL
    assert res.message == "Container group 'rt': runs as root (UID 0) in init container 'chown'."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (sc_path("initContainers", 0, "runAsUser"), 0)


@pytest.mark.parametrize("os_type", ["Windows", "windows"])
@pytest.mark.parametrize("check_id", ["ACI-019", "ACI-020"])
def test_aci_019_020_windows_is_not_applicable(check_id: str, os_type: str) -> None:
    cg = group([ctr("win", **sc(runAsUser=0))], osType=os_type)
    res = run_one(check_id, cg)
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'rt' runs Windows containers; runAsUser is Linux-only."


@pytest.mark.parametrize("check_id", ["ACI-019", "ACI-020"])
def test_aci_019_020_missing_os_type_is_linux(check_id: str) -> None:
    cg = group([ctr("c", **sc(runAsUser=0))], osType=DELETE)
    assert run_one(check_id, cg).status is not Status.NOT_APPLICABLE


# --- api-version and empty groups (ACI-016 … ACI-020) ---------------------------------


@pytest.mark.parametrize("check_id", SECURITY_CHECKS)
def test_security_context_checks_need_a_recent_api_version(check_id: str) -> None:
    cg = container_group(base=CONFIDENTIAL, name="old")
    coverage = [
        ("/subscriptions/00000000-0000-0000-0000-00000000", CG, "collected", None, "2021-10-01")
    ]
    res = run_one(check_id, cg, coverage=coverage)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == (
        "Container group 'old' was read at api-version 2021-10-01, which does not show "
        "securityContext."
    )
    assert res.evidence == ()


@pytest.mark.parametrize(
    ("check_id", "status"),
    [
        ("ACI-016", Status.PASS),
        ("ACI-017", Status.PASS),
        ("ACI-018", Status.PASS),
        # runAsUser unset and no scan report giving the image's user: root is unknown.
        ("ACI-019", Status.NOT_ASSESSED),
        ("ACI-020", Status.FAIL),
    ],
)
def test_security_context_checks_at_the_sdk_api_version_are_assessed(
    check_id: str, status: Status
) -> None:
    cg = container_group(base=OLD_GET)
    res = run_one(check_id, cg, api_versions={CG: ACI_OLD_API})
    assert res.status is status
    assert "api-version" not in res.message


@pytest.mark.parametrize("check_id", [*SECURITY_CHECKS, "ACI-024"])
def test_group_without_containers_is_not_assessed(check_id: str) -> None:
    res = run_one(check_id, container_group(name="hollow", properties={"containers": []}))
    assert res.status is Status.NOT_ASSESSED
    assert res.message == "Container group 'hollow' lists no container."


# --- ACI-021 / ACI-022: confidential groups --------------------------------------------


def test_aci_021_022_the_rest_example_policy_allows_all() -> None:
    # ContainerGroupCreateConfidential.json (2026-05-01) carries base64 of
    # {"allow_all": true, ...}: a policy that enforces nothing (issue #12 item 11).
    cg = container_group(base=CONFIDENTIAL)
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.FAIL
    assert (
        r21.message == "Container group 'demo1' has a CCE policy that allows everything: allow_all."
    )
    assert r21.evidence[0].observed == {"allowed unconditionally": ["allow_all"], "debug": []}
    r22 = run_one("ACI-022", cg)
    assert r22.status is Status.FAIL
    assert (r22.evidence[0].path, r22.evidence[0].observed) == ("properties.sku", "Confidential")


def _policy(key: str) -> str:
    text = json.loads(CCE_POLICIES.read_text(encoding="utf-8"))[key]
    return base64.b64encode(text.encode()).decode()


def test_aci_021_022_a_generated_policy_passes() -> None:
    policy = _policy("generated")
    cg = container_group(
        base=CONFIDENTIAL, properties={"confidentialComputeProperties": {"ccePolicy": policy}}
    )
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.PASS
    assert r21.message == "Container group 'demo1' enforces a CCE policy."
    [ev] = r21.evidence
    assert ev.path == "properties.confidentialComputeProperties.ccePolicy"
    assert ev.observed == f"<{len(policy)} characters>"
    assert run_one("ACI-022", cg).status is Status.PASS


def test_aci_021_the_documented_allow_all_rego_fails_naming_its_rules() -> None:
    cg = container_group(
        base=CONFIDENTIAL,
        properties={"confidentialComputeProperties": {"ccePolicy": _policy("allow_all")}},
    )
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.FAIL
    assert "allows everything" in r21.message
    allowed = r21.evidence[0].observed["allowed unconditionally"]
    assert {"create_container", "exec_in_container", "mount_device", "dump_stacks"} <= set(allowed)
    assert run_one("ACI-022", cg).status is Status.FAIL


def test_aci_021_a_debug_mode_policy_fails_naming_the_debug_features() -> None:
    cg = container_group(
        base=CONFIDENTIAL,
        properties={"confidentialComputeProperties": {"ccePolicy": _policy("debug_mode")}},
    )
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.FAIL
    assert "turns on debug features" in r21.message
    debug = r21.evidence[0].observed["debug"]
    assert debug == [
        "allow_dump_stacks := true",
        "allow_runtime_logging := true",
        "allow_stdio_access in nginx",
        "exec of /bin/sh in nginx",
    ]
    # Debug features do not widen what may run: the allowlist itself holds (ACI-022).
    assert run_one("ACI-022", cg).status is Status.PASS


@pytest.mark.parametrize("policy", ["not base64!", base64.b64encode(b"\xff\xfe\x00").decode()])
def test_aci_021_an_undecodable_policy_is_not_assessed(policy: str) -> None:
    cg = container_group(
        base=CONFIDENTIAL, properties={"confidentialComputeProperties": {"ccePolicy": policy}}
    )
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.NOT_ASSESSED
    assert "could not be read" in r21.message


@pytest.mark.parametrize(
    "compute",
    [DELETE, {"ccePolicy": DELETE}, {"ccePolicy": ""}, {"ccePolicy": "   "}],
    ids=["no-block", "no-policy", "empty", "blank"],
)
def test_aci_021_022_confidential_without_policy_fails(compute: Any) -> None:
    cg = container_group(
        base=CONFIDENTIAL, name="cc", properties={"confidentialComputeProperties": compute}
    )
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.FAIL
    assert r21.message == "Container group 'cc' is confidential but has no CCE policy."
    assert r21.evidence[0].path == "properties.confidentialComputeProperties.ccePolicy"
    assert run_one("ACI-022", cg).status is Status.FAIL


def test_aci_021_lowercase_confidential_sku() -> None:
    cg = container_group(
        base=CONFIDENTIAL,
        name="cc",
        properties={
            "sku": "confidential",
            "confidentialComputeProperties": {"ccePolicy": _policy("generated")},
        },
    )
    assert run_one("ACI-021", cg).status is Status.PASS
    assert run_one("ACI-022", cg).status is Status.PASS


@pytest.mark.parametrize(
    ("base", "sku"),
    [(ENCRYPTED, "Standard"), (GET, None), (OLD_GET, None), (CONFIDENTIAL, "Dedicated")],
)
def test_aci_021_022_non_confidential(base: str, sku: str | None) -> None:
    cg = container_group(base=base, name="std")
    if base == CONFIDENTIAL:
        cg["properties"]["sku"] = sku
    assert ("sku" in cg["properties"]) == (sku is not None)
    # Evidence never invents: a missing sku is shown absent, with Azure's default.
    shown = sku or "<absent> (Azure defaults it to Standard)"
    r21 = run_one("ACI-021", cg)
    assert r21.status is Status.NOT_APPLICABLE
    assert r21.message == f"Container group 'std' is not a confidential group (sku {shown})."
    r22 = run_one("ACI-022", cg)
    assert r22.status is Status.FAIL
    assert r22.message == "Container group 'std' enforces no executable allowlist."
    assert (r22.evidence[0].path, r22.evidence[0].observed) == ("properties.sku", shown)


# --- ACI-023: download and run ------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "status"),
    [
        (["/bin/sh", "-c", "curl -sSL https://x/install.sh | sh"], Status.FAIL),
        (["/bin/sh", "-c", "wget -O- https://x/i.sh | sudo bash"], Status.FAIL),
        (["bash", "-c", '"$(wget -qO- https://x)"'], Status.FAIL),
        (["bash", "-c", "$(curl -fsSL https://x/setup)"], Status.FAIL),
        (["/bin/bash", "-c", "sh <(curl -s https://x/run.sh)"], Status.FAIL),
        (["sh", "-c", "curl -s https://x/a.py | python3 -"], Status.FAIL),
        (["sh", "-c", "curl -o /tmp/i.sh https://x/i.sh && sh /tmp/i.sh"], Status.FAIL),
        (["CURL", "-sSL", "https://x", "|", "BASH"], Status.FAIL),
        (["python", "app.py"], Status.PASS),
        (["/bin/sh", "-c", "curl -fsS http://localhost/health || exit 1"], Status.PASS),
        (["/bin/sh", "-c", "wget -q https://x/data.csv -O /data/in.csv"], Status.PASS),
        (["nginx", "-g", "daemon off;"], Status.PASS),
    ],
)
def test_aci_023_commands(command: list[str], status: Status) -> None:
    res = run_one("ACI-023", group([ctr("web", command=command)]))
    assert res.status is status
    assert "'rt'" in res.message
    [ev] = res.evidence
    assert ev.path == "properties.containers[0].properties.command"
    assert ev.observed == " ".join(command)
    assert ev.note.startswith("matched: ") == (status is Status.FAIL)


def test_aci_023_reports_every_container_including_init() -> None:
    cg = group(
        [
            ctr("web", command=["python", "app.py"]),
            ctr("agent", command=["sh", "-c", "curl -s https://x | sh"]),
        ],
        init=[ctr("bootstrap", command=["bash", "-c", "$(wget -qO- https://x/boot)"])],
    )
    res = run_one("ACI-023", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'rt' downloads and runs code at start in container 'agent', "
        "init container 'bootstrap'."
    )
    # Only the offenders: container 'web' (python app.py) is not evidence of a FAIL.
    assert [(ev.path, ev.note) for ev in res.evidence] == [
        ("properties.containers[1].properties.command", "matched: curl -s https://x | sh"),
        ("properties.initContainers[0].properties.command", "matched: bash -c $(wget"),
    ]


def test_aci_023_pass_lists_every_command_examined() -> None:
    cg = group(
        [ctr("web", command=["python", "app.py"]), ctr("side")],
        init=[ctr("seed", command=["/bin/sh", "-c", "cp -r /seed /data"])],
    )
    cg["properties"]["containers"][1]["properties"].pop("command")
    res = run_one("ACI-023", cg)
    assert res.status is Status.PASS
    assert res.message == "Container group 'rt' runs no downloaded code at start."
    assert [(ev.path, ev.observed, ev.note) for ev in res.evidence] == [
        ("properties.containers[0].properties.command", "python app.py", ""),
        ("properties.initContainers[0].properties.command", "/bin/sh -c cp -r /seed /data", ""),
    ]


@pytest.mark.parametrize("base", [GET, CONFIDENTIAL, OLD_GET])
def test_aci_023_no_command_override_passes(base: str) -> None:
    res = run_one("ACI-023", container_group(base=base))  # every example has command: []
    assert res.status is Status.PASS
    assert res.message == (
        "Container group 'demo1' overrides no command; images run their own entrypoints."
    )
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.containers[*].properties.command", "<absent>")


@pytest.mark.parametrize(
    "script",
    [
        "cat /etc/app/confirm.txt | python3 /app/main.py",  # conf-irm
        "cat /srv/firmware.bin | python3 /app/flash.py",  # f-irm-ware
        "echo swiftwget | sh",  # … wget inside a word
        "cat /app/uncurled.txt | sh",  # … curl inside a word
    ],
)
def test_aci_023_a_fetch_word_inside_another_word_is_not_a_download(script: str) -> None:
    cmd = ["/bin/sh", "-c", script]
    res = run_one("ACI-023", group([ctr("web", command=cmd)]))
    assert res.status is Status.PASS
    [ev] = res.evidence
    assert (ev.observed, ev.note) == (" ".join(cmd), "")


@pytest.mark.parametrize(
    ("script", "matched"),
    [
        (
            "curl -o /tmp/i.sh https://x/i.sh; sh /tmp/i.sh",
            "curl -o /tmp/i.sh https://x/i.sh; sh /tmp/i.sh",
        ),
        ("wget -qO /tmp/i https://x/i ;bash /tmp/i", "wget -qO /tmp/i https://x/i ;bash /tmp/i"),
        (
            "curl -o /usr/local/bin/t https://x/t; chmod +x /usr/local/bin/t",
            "curl -o /usr/local/bin/t https://x/t; chmod +x /usr/local/bin/t",
        ),
        (
            "curl --output=/tmp/i.sh https://x/i.sh && sh /tmp/i.sh",
            "curl --output=/tmp/i.sh https://x/i.sh && sh /tmp/i.sh",
        ),
        ("wget https://x/get.sh && sh get.sh", "wget https://x/get.sh && sh get.sh"),
        ("curl -O https://x/agent; ./agent --run", "curl -O https://x/agent; ./agent"),
    ],
)
def test_aci_023_download_then_run_with_a_semicolon(script: str, matched: str) -> None:
    cmd = ["/bin/sh", "-c", script]
    res = run_one("ACI-023", group([ctr("web", command=cmd)]))
    assert res.status is Status.FAIL
    assert (
        res.message == "Container group 'rt' downloads and runs code at start in container 'web'."
    )
    [ev] = res.evidence
    assert (ev.path, ev.note) == (
        "properties.containers[0].properties.command",
        f"matched: {matched}",
    )


@pytest.mark.parametrize(
    "script",
    [
        "curl -fsS http://localhost/health; bash /app/run.sh",
        "wget -q -O /data/in.csv https://x/in.csv && python3 /app/load.py",
        "curl -o /tmp/a.sh https://x/a.sh; sh /tmp/a.sh.bak",
    ],
)
def test_aci_023_a_fetch_then_an_unrelated_command_is_not_download_and_run(script: str) -> None:
    res = run_one("ACI-023", group([ctr("web", command=["/bin/sh", "-c", script])]))
    assert res.status is Status.PASS


# --- ACI-024: limits ----------------------------------------------------------------

LIMITS = {"cpu": 1, "memoryInGB": 1.5}


def test_aci_024_example_without_limits_fails() -> None:
    res = run_one("ACI-024", container_group())
    assert res.status is Status.FAIL
    assert res.message == "Container group 'demo1' sets no resource limits on container 'demo1'."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == (
        "properties.containers[0].properties.resources.limits",
        "<absent>",
    )


def test_aci_024_limits_everywhere_pass() -> None:
    cg = group(
        [ctr("a", resources={"limits": LIMITS}), ctr("b", resources={"limits": {"cpu": 0.5}})],
        init=[ctr("i", resources={"limits": LIMITS})],
    )
    res = run_one("ACI-024", cg)
    assert res.status is Status.PASS
    assert res.message == "Container group 'rt' limits the resources of every container."
    assert by_path(res)["properties.containers[0].properties.resources.limits"].observed == LIMITS


def test_aci_024_reports_every_unlimited_container() -> None:
    cg = group(
        [ctr("a", resources={"limits": LIMITS}), ctr("b"), ctr("c", resources={"limits": {}})],
        init=[ctr("i")],
    )
    res = run_one("ACI-024", cg)
    assert res.status is Status.FAIL
    # ARM's init-container schema has no `resources`: init container 'i' is not an offender.
    assert res.message == (
        "Container group 'rt' sets no resource limits on container 'b', container 'c'."
    )
    # Only the offenders: container 'a' (limited) is not evidence of a FAIL.
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        ("properties.containers[1].properties.resources.limits", "<absent>"),
        ("properties.containers[2].properties.resources.limits", {}),
    ]


def test_aci_024_init_containers_are_not_examined() -> None:
    cg = group([ctr("a", resources={"limits": LIMITS})], init=[ctr("i")])
    res = run_one("ACI-024", cg)
    assert res.status is Status.PASS
    assert paths(res) == ["properties.containers[0].properties.resources.limits"]


# --- ACI-025: managed identity roles --------------------------------------------------

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
KV_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
CUSTOM = "11111111-2222-4333-8444-555555555555"
SYSTEM_PRINCIPAL = "aaaaaaaa-0000-4000-8000-000000000001"
USER_PRINCIPAL = "bbbbbbbb-0000-4000-8000-000000000002"
SUB_SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG_SCOPE = f"{SUB_SCOPE}/resourceGroups/test-rg"


def assignment(
    principal: str, role_guid: str, scope: str = SUB_SCOPE, n: int = 1
) -> dict[str, Any]:
    """RoleAssignments_ListForScope value[0], re-pointed at a principal and a role."""
    ra = role_assignments()[0]
    ra["properties"].update(
        principalId=principal,
        principalType="ServicePrincipal",
        scope=scope,
        roleDefinitionId=f"{SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}",
    )
    ra["name"] = f"{n:08d}-0000-4000-8000-000000000000"
    ra["id"] = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{ra['name']}"
    return ra


def definition(guid: str, role_name: str, actions: list[str]) -> dict[str, Any]:
    """GetRoleDefinitionById.json, re-keyed to `guid`."""
    rd = role_definition()
    rd["id"] = f"{SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    rd["name"] = guid
    rd["properties"]["roleName"] = role_name
    rd["properties"]["permissions"][0]["actions"] = actions
    return rd


def system_identity_group(name: str = "mi") -> dict[str, Any]:
    identity = {
        "type": "SystemAssigned",
        "principalId": SYSTEM_PRINCIPAL.upper(),  # principal ids compare case-insensitively
        "tenantId": "00000000-0000-0000-0000-000000000000",
        "userAssignedIdentities": DELETE,
    }
    return container_group(base=ENCRYPTED, name=name, identity=identity)


def user_identity_group(name: str = "umi") -> dict[str, Any]:
    """The encryption example: a user-assigned identity (its principalId made real)."""
    cg = container_group(base=ENCRYPTED, name=name)
    [info] = cg["identity"]["userAssignedIdentities"].values()
    info["principalId"] = USER_PRINCIPAL
    return cg


@pytest.mark.parametrize(
    ("role", "role_name"),
    [
        (OWNER, "Owner"),
        (CONTRIBUTOR, "Contributor"),
        (UAA, "User Access Administrator"),
        (RBAC_ADMIN, "Role Based Access Control Administrator"),
    ],
)
def test_aci_025_privileged_builtin_by_guid_fails(role: str, role_name: str) -> None:
    cg = system_identity_group()
    res = run_one("ACI-025", cg, [assignment(SYSTEM_PRINCIPAL, role, RG_SCOPE)])
    assert res.status is Status.FAIL
    assert res.message == (
        f"Container group 'mi' runs with privileged roles: system-assigned identity: "
        f"{role_name} at {RG_SCOPE}."
    )
    [ev] = res.evidence
    assert ev.path == "roleAssignments"
    assert ev.observed == {
        "identity": "system-assigned identity",
        "role": role_name,
        "scope": RG_SCOPE,
    }


def test_aci_025_acr_pull_passes() -> None:
    cg = system_identity_group()
    others = [
        assignment(SYSTEM_PRINCIPAL, ACR_PULL),
        definition(ACR_PULL, "AcrPull", ["Microsoft.ContainerRegistry/registries/pull/read"]),
    ]
    res = run_one("ACI-025", cg, others)
    assert res.status is Status.PASS
    assert res.message == "Container group 'mi' identities hold no privileged role."
    [ev] = res.evidence
    assert ev.observed == {
        "identity": "system-assigned identity",
        "role": "AcrPull",
        "scope": SUB_SCOPE,
    }


@pytest.mark.parametrize(
    ("role_name", "actions", "shown"),
    [
        ("Everything Operator", ["*"], "Everything Operator (actions: *)"),
        ("Owner", ["Microsoft.Storage/*"], "Owner"),  # a custom role named like a built-in
    ],
)
def test_aci_025_custom_privileged_role_fails(
    role_name: str, actions: list[str], shown: str
) -> None:
    cg = system_identity_group()
    others = [assignment(SYSTEM_PRINCIPAL, CUSTOM), definition(CUSTOM, role_name, actions)]
    res = run_one("ACI-025", cg, others)
    assert res.status is Status.FAIL
    assert f"system-assigned identity: {role_name} at {SUB_SCOPE}" in res.message
    assert res.evidence[0].observed["role"] == shown


def test_aci_025_unknown_role_definition_is_not_assessed() -> None:
    cg = system_identity_group()
    res = run_one("ACI-025", cg, [assignment(SYSTEM_PRINCIPAL, CUSTOM)])
    assert res.status is Status.NOT_ASSESSED
    assert res.message == (
        "Container group 'mi': some role definitions of its identities were not collected."
    )
    assert res.evidence[0].observed["role"] == f"unknown role {CUSTOM} (definition not collected)"


@pytest.mark.parametrize(
    ("role", "role_name"),
    [
        (READER, "Reader"),
        (ACR_PULL, "AcrPull"),
        (ACR_PUSH, "AcrPush"),
        (KV_SECRETS_USER, "Key Vault Secrets User"),
    ],
)
def test_aci_025_narrow_builtin_without_definition_passes(role: str, role_name: str) -> None:
    # A few narrow built-ins are known by GUID: no role definition is needed for them.
    cg = system_identity_group()
    res = run_one("ACI-025", cg, [assignment(SYSTEM_PRINCIPAL, role.upper())])
    assert res.status is Status.PASS
    assert res.message == "Container group 'mi' identities hold no privileged role."
    [ev] = res.evidence
    assert ev.path == "roleAssignments"
    assert ev.observed == {
        "identity": "system-assigned identity",
        "role": role_name,
        "scope": SUB_SCOPE,
    }


def test_aci_025_not_assessed_lists_every_assignment() -> None:
    cg = system_identity_group()
    others = [
        assignment(SYSTEM_PRINCIPAL, ACR_PULL, n=1),
        assignment(SYSTEM_PRINCIPAL, CUSTOM, n=2),
    ]
    res = run_one("ACI-025", cg, others)
    assert res.status is Status.NOT_ASSESSED
    assert [ev.observed["role"] for ev in res.evidence] == [
        "AcrPull",
        f"unknown role {CUSTOM} (definition not collected)",
    ]


def test_aci_025_privileged_wins_over_unknown() -> None:
    cg = system_identity_group()
    others = [
        assignment(SYSTEM_PRINCIPAL, CUSTOM, n=1),
        assignment(SYSTEM_PRINCIPAL, OWNER, n=2),
        assignment(SYSTEM_PRINCIPAL, ACR_PULL, n=3),
    ]
    res = run_one("ACI-025", cg, others)
    assert res.status is Status.FAIL
    assert res.message == (
        f"Container group 'mi' runs with privileged roles: system-assigned identity: "
        f"Owner at {SUB_SCOPE}."
    )
    # Only the offending assignment: the unknown and the AcrPull ones are not evidence.
    [ev] = res.evidence
    assert ev.observed == {
        "identity": "system-assigned identity",
        "role": "Owner",
        "scope": SUB_SCOPE,
    }


def test_aci_025_user_assigned_identity_principal_is_matched() -> None:
    cg = user_identity_group()
    others = [
        assignment(USER_PRINCIPAL.upper(), CONTRIBUTOR, RG_SCOPE),
        assignment("cccccccc-0000-4000-8000-000000000003", OWNER, n=2),  # someone else
    ]
    res = run_one("ACI-025", cg, others)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'umi' runs with privileged roles: user-assigned identity "
        f"container-group-identity: Contributor at {RG_SCOPE}."
    )
    assert len(res.evidence) == 1


def test_aci_025_system_and_user_identities_both_reported() -> None:
    cg = user_identity_group()
    cg["identity"].update(type="SystemAssigned, UserAssigned", principalId=SYSTEM_PRINCIPAL)
    others = [
        assignment(SYSTEM_PRINCIPAL, OWNER, n=1),
        assignment(USER_PRINCIPAL, CONTRIBUTOR, n=2),
    ]
    res = run_one("ACI-025", cg, others)
    assert res.status is Status.FAIL
    assert f"system-assigned identity: Owner at {SUB_SCOPE}" in res.message
    assert (
        f"user-assigned identity container-group-identity: Contributor at {SUB_SCOPE}"
        in res.message
    )
    assert [(ev.observed["identity"], ev.observed["role"]) for ev in res.evidence] == [
        ("system-assigned identity", "Owner"),
        ("user-assigned identity container-group-identity", "Contributor"),
    ]


def test_aci_025_identity_without_assignments_passes() -> None:
    res = run_one("ACI-025", user_identity_group())
    assert res.status is Status.PASS
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("roleAssignments", "none")
    assert ev.note == "1 identity(ies) with no role assignment"


@pytest.mark.parametrize("status", ["denied", "failed"])
def test_aci_025_unread_role_assignments_are_not_assessed(status: str) -> None:
    cg = system_identity_group()
    cov = [
        (
            "/subscriptions/00000000-0000-0000-0000-000000000000",
            ROLE_ASSIGNMENTS,
            status,
            "AuthorizationFailed",
        )
    ]
    res = run_one("ACI-025", cg, [assignment(SYSTEM_PRINCIPAL, OWNER)], coverage=cov)
    assert res.status is Status.NOT_ASSESSED
    assert res.message == (
        f"Container group 'mi' has a managed identity but {ROLE_ASSIGNMENTS} {status} "
        "(AuthorizationFailed)."
    )
    assert res.evidence == ()


def test_aci_025_not_collected_role_assignments_are_not_assessed() -> None:
    res = run_one("ACI-025", system_identity_group(), omit=[ROLE_ASSIGNMENTS])
    assert res.status is Status.NOT_ASSESSED
    assert res.message == (
        f"Container group 'mi' has a managed identity but {ROLE_ASSIGNMENTS} "
        "was not collected for this scope."
    )
    assert res.evidence == ()


@pytest.mark.parametrize("base", [GET, CREATE, CONFIDENTIAL])
def test_aci_025_no_identity_is_not_applicable(base: str) -> None:
    res = run_one("ACI-025", container_group(base=base, name="anon"))
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'anon' has no managed identity."


def test_aci_025_identity_type_none_is_not_applicable() -> None:
    cg = container_group(name="anon", identity={"type": "None"})
    assert run_one("ACI-025", cg).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("status", ["denied", "failed"])
def test_aci_025_no_identity_is_not_applicable_even_when_assignments_are_unread(
    status: str,
) -> None:
    cov = [("/subscriptions/subid", ROLE_ASSIGNMENTS, status, "AuthorizationFailed")]
    res = run_one("ACI-025", container_group(name="anon"), coverage=cov)
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'anon' has no managed identity."


def test_aci_025_no_identity_is_not_applicable_when_assignments_were_not_collected() -> None:
    res = run_one("ACI-025", container_group(name="anon"), omit=[ROLE_ASSIGNMENTS])
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'anon' has no managed identity."


# --- ACI-026: writable Azure Files --------------------------------------------------


def test_aci_026_example_writable_share_fails() -> None:
    res = run_one("ACI-026", container_group())
    assert res.status is Status.FAIL
    assert (
        res.message
        == "Container group 'demo1' mounts Azure Files writable: container 'demo1' → volume1."
    )
    [ev] = res.evidence
    assert ev.path == "properties.containers[0].properties.volumeMounts[0].readOnly"
    assert ev.observed is False
    assert ev.note == "share volume1 at /mnt/volume1"


@pytest.mark.parametrize("base", [CREATE, MI_SHARE])
def test_aci_026_examples_report_only_the_azure_files_mount(base: str) -> None:
    res = run_one("ACI-026", container_group(base=base))
    assert res.status is Status.FAIL
    # volume2 (emptyDir) and volume3 (secret) are not Azure Files.
    [ev] = res.evidence
    assert ev.path == "properties.containers[0].properties.volumeMounts[0].readOnly"


@pytest.mark.parametrize(
    ("mount_ro", "share_ro", "status", "shown"),
    [
        (True, False, Status.PASS, True),
        (DELETE, True, Status.PASS, "<absent>"),  # read-only at the volume
        (False, DELETE, Status.FAIL, False),
        (DELETE, DELETE, Status.FAIL, "<absent>"),
    ],
)
def test_aci_026_read_only(mount_ro: Any, share_ro: Any, status: Status, shown: Any) -> None:
    cg = container_group(name="files")
    cg["properties"]["volumes"][0]["azureFile"]["readOnly"] = share_ro
    cg["properties"]["containers"][0]["properties"]["volumeMounts"][0]["readOnly"] = mount_ro
    for node in (
        cg["properties"]["volumes"][0]["azureFile"],
        cg["properties"]["containers"][0]["properties"]["volumeMounts"][0],
    ):
        if node["readOnly"] is DELETE:
            node.pop("readOnly")
    res = run_one("ACI-026", cg)
    assert res.status is status
    assert "'files'" in res.message
    [ev] = res.evidence
    assert ev.observed == shown


def test_aci_026_reports_every_writable_mount() -> None:
    mount = {"name": "volume1", "mountPath": "/mnt/share", "readOnly": False}
    cg = group(
        [
            ctr("ro", volumeMounts=[{**mount, "readOnly": True}]),
            ctr("rw", volumeMounts=[{"name": "scratch", "mountPath": "/tmp/x"}, mount]),
        ],
        init=[ctr("seed", volumeMounts=[mount])],
        name="files",
        volumes=[
            {"name": "volume1", "azureFile": {"shareName": "share1", "storageAccountName": "st"}},
            {"name": "scratch", "emptyDir": {}},
        ],
    )
    res = run_one("ACI-026", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'files' mounts Azure Files writable: container 'rw' → volume1, "
        "init container 'seed' → volume1."
    )
    # Only the offenders: the read-only mount of 'ro' and the emptyDir are not evidence.
    assert [(ev.path, ev.observed, ev.note) for ev in res.evidence] == [
        (
            "properties.containers[1].properties.volumeMounts[1].readOnly",
            False,
            "share volume1 at /mnt/share",
        ),
        (
            "properties.initContainers[0].properties.volumeMounts[0].readOnly",
            False,
            "share volume1 at /mnt/share",
        ),
    ]


def test_aci_026_pass_lists_every_azure_files_mount() -> None:
    mount = {"name": "volume1", "mountPath": "/mnt/share", "readOnly": True}
    cg = group(
        [ctr("a", volumeMounts=[mount]), ctr("b", volumeMounts=[{"name": "scratch"}, mount])],
        name="files",
        volumes=[
            {"name": "volume1", "azureFile": {"shareName": "share1", "storageAccountName": "st"}},
            {"name": "scratch", "emptyDir": {}},
        ],
    )
    res = run_one("ACI-026", cg)
    assert res.status is Status.PASS
    assert paths(res) == [
        "properties.containers[0].properties.volumeMounts[0].readOnly",
        "properties.containers[1].properties.volumeMounts[1].readOnly",
    ]


def test_aci_026_declared_but_unmounted_share_passes() -> None:
    cg = group([ctr("web")], name="files")  # keeps the example's azureFile volume1
    res = run_one("ACI-026", cg)
    assert res.status is Status.PASS
    assert res.message == "Container group 'files' declares Azure Files volumes but mounts none."
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.volumes", ["volume1"])


@pytest.mark.parametrize(
    "volumes",
    [[{"name": "v", "emptyDir": {}}], [{"name": "v", "secret": {}}], DELETE],
    ids=["emptyDir", "secret", "none"],
)
def test_aci_026_without_azure_files_is_not_applicable(volumes: Any) -> None:
    cg = container_group(name="nofiles", properties={"volumes": volumes})
    res = run_one("ACI-026", cg)
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'nofiles' mounts no Azure Files share."


OTHER_SUB = "/subscriptions/99999999-0000-4000-8000-000000000009"


@pytest.mark.xfail(
    strict=True,
    reason="known wrong PASS (found in review 2026-12-03): ACI-025 reads only the group's "
    "own subscription's role assignments; the fix (NOT_ASSESSED while any audited "
    "subscription's are unread) turns the demo's ACI-025 PASSes to NOT_ASSESSED and is "
    "left to the next session",
)
@pytest.mark.parametrize("status", ["denied", "failed", "not_collected"])
def test_aci_025_is_not_assessed_while_another_subscription_s_roles_are_unread(
    status: str,
) -> None:
    # An identity can hold Owner in any subscription: no PASS while one audited
    # subscription's role assignments could not be read.
    cg = system_identity_group()
    others = [assignment(SYSTEM_PRINCIPAL, ACR_PULL)]
    res = run_one(
        "ACI-025",
        cg,
        others,
        subscriptions=[OTHER_SUB],
        coverage=[(OTHER_SUB, ROLE_ASSIGNMENTS, status, "AuthorizationFailed: no read")],
    )
    assert res.status is Status.NOT_ASSESSED
    assert "no privileged role among the role assignments read" in res.message
    assert "99999999-0000-4000-8000-000000000009" in res.message
    assert [ev.observed["role"] for ev in res.evidence] == ["AcrPull"]
    # Read there too: a PASS.
    res = run_one("ACI-025", cg, others, subscriptions=[OTHER_SUB])
    assert res.status is Status.PASS


def test_aci_025_a_privileged_role_read_fails_whatever_is_unread_elsewhere() -> None:
    cg = system_identity_group()
    res = run_one(
        "ACI-025",
        cg,
        [assignment(SYSTEM_PRINCIPAL, OWNER)],
        subscriptions=[OTHER_SUB],
        coverage=[(OTHER_SUB, ROLE_ASSIGNMENTS, "denied", "AuthorizationFailed")],
    )
    assert res.status is Status.FAIL
