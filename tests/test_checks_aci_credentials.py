"""Secrets and credentials in container groups: ACI-006 … ACI-008, ACI-010, ACI-027.

An engine-side snapshot never holds a secret: every value is already a marker
`redacted:v1:<detector>:<len>:<12 hex of SHA-256>`. The markers here are built from
planted fake secrets, and every test that builds one also proves that no piece of the
secret, and nothing but the fingerprint `<secret: detector, N chars, sha256:8hex>`,
reaches the evidence.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from fixtures import (
    ACI_API,
    ACI_OLD_API,
    clone,
    container_group,
    merge,
    registry,
    run_check,
    run_one,
)

from checks.catalogue import load_catalogue
from checks.model import Evidence, Result, Status

CG = "Microsoft.ContainerInstance/containerGroups"
SECRET_REF = (
    f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdateSecretReference.json"
)
MI_SHARE = f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json"
OLD_GET = f"Microsoft.ContainerInstance/{ACI_OLD_API}/ContainerGroupsGet_Failed.json"

# Planted fake secrets: upper-case and punctuation so no window of them can ever be
# mistaken for the lower-case hex a marker carries.
DB_PASSWORD = "QZX-Pw-Hunter2-7781!"
GH_TOKEN = "ghp_QZXFAKETOKENZYXWVUTSRQPONMLKJIHGFEDCB"
CLI_PASSWORD = "QZX-CliPass-S3cr3t"
STORAGE_KEY = "QZXSK" + "Zq9" * 27 + "=="
GIT_TOKEN = "QZX-GitTok-XYZ-999"
REG_PASSWORD = "QZX-RegPass-42"
BENIGN = "INFO"
PLANTED = (DB_PASSWORD, GH_TOKEN, CLI_PASSWORD, STORAGE_KEY, GIT_TOKEN, REG_PASSWORD)


def marker(secret: str, detector: str) -> str:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return f"redacted:v1:{detector}:{len(secret)}:{digest[:12]}"


def fingerprint(secret: str, detector: str) -> str:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return f"<secret: {detector}, {len(secret)} chars, sha256:{digest[:8]}>"


def test_marker_helper_matches_the_documented_format() -> None:
    assert marker("test", "none") == "redacted:v1:none:4:9f86d081884c"
    assert fingerprint("test", "none") == "<secret: none, 4 chars, sha256:9f86d081>"


def assert_no_leak(results: list[Result] | Result) -> None:
    """No 6-character window of a planted secret appears in any output of a result."""
    for res in results if isinstance(results, list) else [results]:
        text = res.message + json.dumps([ev.to_dict() for ev in res.evidence], default=str)
        for secret in PLANTED:
            for i in range(len(secret) - 5):
                window = secret[i : i + 6]
                assert window not in text, f"{res.check_id} leaks {window!r} of a planted secret"


def test_the_leak_guard_can_fail() -> None:
    leaked = Result(
        "ACI-006", "/x", Status.FAIL, "m", (Evidence("p", f"x{DB_PASSWORD[3:11]}", "e"),)
    )
    with pytest.raises(AssertionError):
        assert_no_leak(leaked)


def _example_container() -> dict[str, Any]:
    c = clone(container_group()["properties"]["containers"][0])
    c["properties"].pop("volumeMounts")
    return c


def ctr(name: str, **props: Any) -> dict[str, Any]:
    c = _example_container()
    c["name"] = name
    merge(c["properties"], props)
    return c


def env(name: str, value: str | None = None, **extra: Any) -> dict[str, Any]:
    var: dict[str, Any] = {"name": name}
    if value is not None:
        var["value"] = value
    var.update(extra)
    return var


def group(
    containers: list[dict[str, Any]],
    init: list[dict[str, Any]] | None = None,
    name: str = "app",
    **props: Any,
) -> dict[str, Any]:
    properties: dict[str, Any] = {"containers": containers, **props}
    if init is not None:
        properties["initContainers"] = init
    return container_group(name=name, properties=properties)


def by_path(result: Result) -> dict[str, Evidence]:
    return {ev.path: ev for ev in result.evidence}


def paths(result: Result) -> list[str]:
    """Evidence paths in order: a FAIL lists only (and every one of) its offenders."""
    return [ev.path for ev in result.evidence]


# --- ACI-006 ------------------------------------------------------------------------


def test_aci_006_secret_only_in_the_second_container() -> None:
    cg = group(
        [
            ctr("web", environmentVariables=[env("LOG_LEVEL", marker(BENIGN, "none"))]),
            ctr(
                "worker",
                environmentVariables=[
                    env("REGION", marker("westeurope", "none")),
                    env("DB_PASSWORD", marker(DB_PASSWORD, "keyword-name")),
                ],
            ),
        ]
    )
    res = run_one("ACI-006", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'app' holds secrets in plain environment variables: "
        "DB_PASSWORD in container 'worker'."
    )
    [ev] = res.evidence
    assert ev.path == "properties.containers[1].properties.environmentVariables[1].value"
    assert ev.observed == fingerprint(DB_PASSWORD, "keyword-name")
    assert ev.note == "DB_PASSWORD: detected as keyword-name"
    assert ev.expected == "secureValue or secureValueReference"
    assert_no_leak(res)


def test_aci_006_reports_every_container_and_init_container() -> None:
    cg = group(
        [
            ctr("web", environmentVariables=[env("GITHUB", marker(GH_TOKEN, "github-token"))]),
            ctr(
                "worker",
                environmentVariables=[env("DB_PASSWORD", marker(DB_PASSWORD, "keyword-name"))],
            ),
        ],
        init=[
            ctr(
                "migrate",
                environmentVariables=[
                    env("STORAGE", marker(STORAGE_KEY, "azure-storage-key")),
                ],
            )
        ],
    )
    res = run_one("ACI-006", cg)
    assert res.status is Status.FAIL
    for hit in (
        "GITHUB in container 'web'",
        "DB_PASSWORD in container 'worker'",
        "STORAGE in init container 'migrate'",
    ):
        assert hit in res.message
    assert paths(res) == [
        "properties.containers[0].properties.environmentVariables[0].value",
        "properties.containers[1].properties.environmentVariables[0].value",
        "properties.initContainers[0].properties.environmentVariables[0].value",
    ]
    evs = by_path(res)
    assert evs["properties.containers[0].properties.environmentVariables[0].value"].observed == (
        fingerprint(GH_TOKEN, "github-token")
    )
    assert evs[
        "properties.initContainers[0].properties.environmentVariables[0].value"
    ].observed == (fingerprint(STORAGE_KEY, "azure-storage-key"))
    assert_no_leak(res)


@pytest.mark.parametrize(
    ("variables", "plain"),
    [
        ([], 0),
        ([env("LOG_LEVEL", marker(BENIGN, "none"))], 1),
        ([env("TOKEN_URL", marker("https://login.example", "none"))], 1),
        # ARM never returns secureValue: a secure variable reads as name only, or null.
        ([env("DB_PASSWORD"), env("API_KEY", None, secureValue=None)], 0),
        ([env("envSecret", secureValueReference="envSecretRef")], 0),
    ],
    ids=["no-vars", "benign", "meta-name", "secure", "key-vault-reference"],
)
def test_aci_006_pass(variables: list[dict[str, Any]], plain: int) -> None:
    cg = group([ctr("web", environmentVariables=variables)])
    res = run_one("ACI-006", cg)
    assert res.status is Status.PASS
    assert res.message == (
        f"Container group 'app' has no secret among its {plain} plain environment variable(s)."
    )
    [ev] = res.evidence
    assert ev.path == "properties.containers[*].properties.environmentVariables[*].value"
    assert ev.observed == f"{plain} plain value(s), none secret-looking"


def test_aci_006_secret_reference_example_passes() -> None:
    res = run_one("ACI-006", container_group(base=SECRET_REF))
    assert res.status is Status.PASS
    assert "'demo1'" in res.message


def test_aci_006_secret_looking_name_fails_even_if_the_detector_said_none() -> None:
    cg = group(
        [
            ctr(
                "web",
                environmentVariables=[
                    env("REGION", marker("westeurope", "none")),
                    env("DB_PASSWORD", marker(DB_PASSWORD, "none")),
                ],
            )
        ]
    )
    res = run_one("ACI-006", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'app' holds secrets in plain environment variables: "
        "DB_PASSWORD in container 'web'."
    )
    [ev] = res.evidence
    assert ev.path == "properties.containers[0].properties.environmentVariables[1].value"
    # The marker is shown as it is; the note says why it counts as a secret.
    assert ev.observed == fingerprint(DB_PASSWORD, "none")
    assert ev.note == "DB_PASSWORD: detected as keyword-name"
    assert ev.expected == "secureValue or secureValueReference"
    assert_no_leak(res)


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("DB_PASSWORD", "true"),
        ("API_KEY", "0"),
        ("dbPassword", "12345"),  # 5 characters: still a switch or a length
        ("SECRET", "false"),
    ],
)
def test_aci_006_short_value_under_a_secret_name_passes(var: str, value: str) -> None:
    cg = group([ctr("web", environmentVariables=[env(var, marker(value, "none"))])])
    res = run_one("ACI-006", cg)
    assert res.status is Status.PASS
    assert res.message == (
        "Container group 'app' has no secret among its 1 plain environment variable(s)."
    )


@pytest.mark.parametrize("var", ["DB_PASSWORD", "API_KEY", "dbPassword", "TOKEN"])
def test_aci_006_six_characters_under_a_secret_name_fail(var: str) -> None:
    cg = group([ctr("web", environmentVariables=[env(var, marker("123456", "none"))])])
    res = run_one("ACI-006", cg)
    assert res.status is Status.FAIL
    [ev] = res.evidence
    assert ev.path == "properties.containers[0].properties.environmentVariables[0].value"
    assert ev.observed == fingerprint("123456", "none")
    assert ev.note == f"{var}: detected as keyword-name"


@pytest.mark.parametrize("var", ["LOG_LEVEL", "TOKEN_URL", "PASSWORD_FILE"])
def test_aci_006_long_unflagged_value_under_a_plain_name_passes(var: str) -> None:
    cg = group([ctr("web", environmentVariables=[env(var, marker("a-long-plain-value", "none"))])])
    assert run_one("ACI-006", cg).status is Status.PASS


# --- ACI-007 ------------------------------------------------------------------------


def test_aci_007_flag_marker_inside_an_argument() -> None:
    cmd = ["/app/server", "--user=admin", f"--password={marker(CLI_PASSWORD, 'cli-flag')}"]
    cg = group([ctr("web", command=cmd)])
    res = run_one("ACI-007", cg)
    assert res.status is Status.FAIL
    assert res.message == (
        "Container group 'app' passes secrets on the command line of container 'web'."
    )
    [ev] = res.evidence
    assert ev.path == "properties.containers[0].properties.command[2]"
    assert ev.observed == fingerprint(CLI_PASSWORD, "cli-flag")
    assert ev.note == "detected as cli-flag"
    assert_no_leak(res)


def test_aci_007_second_container_and_init_container_each_reported() -> None:
    conn = (
        "az storage blob list --connection-string "
        f"'DefaultEndpointsProtocol=https;AccountKey={marker(STORAGE_KEY, 'azure-storage-key')}'"
    )
    cg = group(
        [
            ctr("web", command=["python", "app.py"]),
            ctr("sync", command=["/bin/sh", "-c", conn]),
        ],
        init=[
            ctr(
                "migrate",
                command=[
                    "migrate",
                    f"--token={marker(GH_TOKEN, 'github-token')}",
                    f"--password={marker(CLI_PASSWORD, 'cli-flag')}",
                ],
            )
        ],
    )
    res = run_one("ACI-007", cg)
    assert res.status is Status.FAIL
    assert "container 'sync'" in res.message
    assert "init container 'migrate'" in res.message
    assert "'web'" not in res.message
    evs = by_path(res)
    assert set(evs) == {
        "properties.containers[1].properties.command[2]",
        "properties.initContainers[0].properties.command[1]",
        "properties.initContainers[0].properties.command[2]",
    }
    assert evs["properties.containers[1].properties.command[2]"].observed == fingerprint(
        STORAGE_KEY, "azure-storage-key"
    )
    assert_no_leak(res)


def test_aci_007_two_markers_in_one_argument() -> None:
    arg = f"login -u {marker('admin-user', 'keyword-name')} -p {marker(CLI_PASSWORD, 'cli-flag')}"
    res = run_one("ACI-007", group([ctr("web", command=["/bin/sh", "-c", arg])]))
    assert res.status is Status.FAIL
    assert [ev.observed for ev in res.evidence] == [
        fingerprint("admin-user", "keyword-name"),
        fingerprint(CLI_PASSWORD, "cli-flag"),
    ]
    assert res.message.count("container 'web'") == 1


@pytest.mark.parametrize(
    ("command", "overrides"),
    [
        (None, 0),
        ([], 0),
        (["python", "app.py"], 1),
        # A marker whose detector found nothing is not a finding.
        (["/app/run", f"--log-level={marker(BENIGN, 'none')}"], 1),
    ],
    ids=["absent", "empty", "benign", "none-marker"],
)
def test_aci_007_pass(command: list[str] | None, overrides: int) -> None:
    c = ctr("web") if command is None else ctr("web", command=command)
    if command is None:
        c["properties"].pop("command")
    res = run_one("ACI-007", group([c]))
    assert res.status is Status.PASS
    assert res.message == "Container group 'app' has no secret on its command lines."
    [ev] = res.evidence
    assert ev.path == "properties.containers[*].properties.command"
    assert ev.observed == f"{overrides} command override(s)"


# --- ACI-008 ------------------------------------------------------------------------


def git_volume(url: str, name: str = "src") -> dict[str, Any]:
    return {"name": name, "gitRepo": {"repository": url, "revision": "main"}}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"https://{marker(GIT_TOKEN, 'github-token')}@github.com/contoso/app.git",
            fingerprint(GIT_TOKEN, "github-token"),
        ),
        (
            f"https://deploy:{marker(GIT_TOKEN, 'url-userinfo')}@dev.azure.com/contoso/_git/app",
            fingerprint(GIT_TOKEN, "url-userinfo"),
        ),
        ("https://oauth2@gitlab.example.com/contoso/app.git", "<user info present>"),
    ],
    ids=["token-marker", "user-and-marker", "user-only"],
)
def test_aci_008_user_info_fails_and_shows_only_the_fingerprint(url: str, shown: str) -> None:
    vols = [{"name": "data", "emptyDir": {}}, git_volume(url)]
    res = run_one("ACI-008", group([ctr("web")], name="gitty", volumes=vols))
    assert res.status is Status.FAIL
    assert res.message == "Container group 'gitty' embeds credentials in 1 gitRepo URL(s)."
    [ev] = res.evidence
    assert ev.path == "properties.volumes[1].gitRepo.repository"
    # Nothing but the fingerprint: no host, no user name, no marker text.
    assert ev.observed == shown
    assert ev.note == ""
    assert "deploy" not in json.dumps(ev.to_dict())
    assert "redacted:v1" not in json.dumps(ev.to_dict())
    assert_no_leak(res)


def test_aci_008_reports_every_url_with_credentials() -> None:
    vols = [
        git_volume("https://github.com/contoso/public.git", "a"),
        git_volume(f"https://{marker(GIT_TOKEN, 'github-token')}@github.com/contoso/b.git", "b"),
        git_volume(f"https://x:{marker(GH_TOKEN, 'github-token')}@github.com/contoso/c.git", "c"),
    ]
    res = run_one("ACI-008", group([ctr("web")], name="gitty", volumes=vols))
    assert res.status is Status.FAIL
    assert res.message == "Container group 'gitty' embeds credentials in 2 gitRepo URL(s)."
    # Only the offenders: the clean URL of volume [0] is not evidence of a FAIL.
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        ("properties.volumes[1].gitRepo.repository", fingerprint(GIT_TOKEN, "github-token")),
        ("properties.volumes[2].gitRepo.repository", fingerprint(GH_TOKEN, "github-token")),
    ]
    assert "public.git" not in json.dumps([ev.to_dict() for ev in res.evidence])
    assert_no_leak(res)


def test_aci_008_pass_lists_every_git_repo_url() -> None:
    vols = [
        git_volume("https://github.com/contoso/a.git", "a"),
        {"name": "data", "emptyDir": {}},
        git_volume("https://github.com/contoso/b.git", "b"),
    ]
    res = run_one("ACI-008", group([ctr("web")], name="gitty", volumes=vols))
    assert res.status is Status.PASS
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        ("properties.volumes[0].gitRepo.repository", "https://github.com/contoso/a.git"),
        ("properties.volumes[2].gitRepo.repository", "https://github.com/contoso/b.git"),
    ]


def test_aci_008_clean_url_passes() -> None:
    url = "https://github.com/Azure-Samples/aci-helloworld.git"
    res = run_one("ACI-008", group([ctr("web")], name="gitty", volumes=[git_volume(url)]))
    assert res.status is Status.PASS
    assert "'gitty'" in res.message
    [ev] = res.evidence
    assert (ev.path, ev.observed) == ("properties.volumes[0].gitRepo.repository", url)


@pytest.mark.parametrize(
    "base",
    [
        f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsGet_Succeeded.json",
        SECRET_REF,
        OLD_GET,
    ],
)
def test_aci_008_without_git_repo_is_not_applicable(base: str) -> None:
    res = run_one("ACI-008", container_group(base=base))
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'demo1' has no gitRepo volume."


# --- ACI-010 ------------------------------------------------------------------------

# The Get_Succeeded example pulls from this server with a username only.
EXAMPLE_SERVER = "azcloudconsoleregistry.azurecr.io"


def example_registry(admin: bool) -> dict[str, Any]:
    reg = registry(name="azcloudconsoleregistry")
    # Estate registries may spell their login server in mixed case.
    reg["properties"]["loginServer"] = "AzCloudConsoleRegistry.azurecr.io"
    reg["properties"]["adminUserEnabled"] = admin
    return reg


@pytest.mark.parametrize(
    ("others", "note"),
    [
        ([], ""),
        ([example_registry(admin=False)], ""),
        (
            [example_registry(admin=True)],
            "the estate registry has its admin user enabled (ACR-001): likely the admin password",
        ),
    ],
    ids=["registry-not-in-snapshot", "admin-disabled", "admin-enabled"],
)
def test_aci_010_username_without_identity_fails(others: list[dict[str, Any]], note: str) -> None:
    cg = container_group()
    assert cg["properties"]["imageRegistryCredentials"] == [
        {"server": EXAMPLE_SERVER, "username": "azcloudconsoleregistry"}
    ]
    res = run_one("ACI-010", cg, others)
    assert res.status is Status.FAIL
    assert res.message == (
        f"Container group 'demo1' pulls with a username and password from {EXAMPLE_SERVER}."
    )
    [ev] = res.evidence
    assert ev.path == "properties.imageRegistryCredentials[0]"
    assert ev.observed == {"server": EXAMPLE_SERVER, "username": "azcloudconsoleregistry"}
    assert ev.note == note


def test_aci_010_password_reference_is_still_a_username() -> None:
    res = run_one("ACI-010", container_group(base=SECRET_REF))
    assert res.status is Status.FAIL
    [ev] = res.evidence
    assert ev.observed == {"server": "demoregistry.azurecr.io", "username": "registryUserName"}
    assert ev.note == "password comes from a Key Vault reference"


def test_aci_010_password_is_never_shown() -> None:
    cred = {
        "server": EXAMPLE_SERVER,
        "username": "azcloudconsoleregistry",
        "password": marker(REG_PASSWORD, "keyword-name"),
    }
    cg = container_group(properties={"imageRegistryCredentials": [cred]})
    res = run_one("ACI-010", cg)
    assert res.status is Status.FAIL
    assert "password" not in res.evidence[0].observed
    assert "redacted:v1" not in json.dumps(res.evidence[0].to_dict())
    assert_no_leak(res)


IDENTITY = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/"
    "providers/Microsoft.ManagedIdentity/userAssignedIdentities/identity-name"
)


def test_aci_010_identity_passes() -> None:
    creds = [{"server": "fabrikamprod.azurecr.io", "identity": IDENTITY}]
    cg = container_group(name="mi", properties={"imageRegistryCredentials": creds})
    res = run_one("ACI-010", cg)
    assert res.status is Status.PASS
    assert res.message == "Container group 'mi' pulls with managed identities."
    [ev] = res.evidence
    assert ev.observed == {"server": "fabrikamprod.azurecr.io", "identity": IDENTITY}


def test_aci_010_reports_only_and_every_password_credential() -> None:
    creds = [
        {"server": "fabrikamprod.azurecr.io", "identity": IDENTITY},
        {"server": "one.azurecr.io", "username": "one"},
        {"server": "index.docker.io", "username": "hubuser"},
    ]
    res = run_one("ACI-010", container_group(properties={"imageRegistryCredentials": creds}))
    assert res.status is Status.FAIL
    assert res.message.endswith("from one.azurecr.io, index.docker.io.")
    # Only the offenders: the identity credential [0] is not evidence of a FAIL.
    assert [(ev.path, ev.observed) for ev in res.evidence] == [
        (
            "properties.imageRegistryCredentials[1]",
            {"server": "one.azurecr.io", "username": "one"},
        ),
        (
            "properties.imageRegistryCredentials[2]",
            {"server": "index.docker.io", "username": "hubuser"},
        ),
    ]


def test_aci_010_pass_lists_every_credential() -> None:
    creds = [
        {"server": "fabrikamprod.azurecr.io", "identity": IDENTITY},
        {"server": "other.azurecr.io", "identity": IDENTITY},
    ]
    res = run_one("ACI-010", container_group(properties={"imageRegistryCredentials": creds}))
    assert res.status is Status.PASS
    assert paths(res) == [
        "properties.imageRegistryCredentials[0]",
        "properties.imageRegistryCredentials[1]",
    ]


@pytest.mark.parametrize(
    "base",
    [
        f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupCreateConfidential.json",  # []
        f"Microsoft.ContainerInstance/{ACI_API}/ContainerGroupsCreateOrUpdate.json",  # []
    ],
)
def test_aci_010_no_credentials_is_not_applicable(base: str) -> None:
    res = run_one("ACI-010", container_group(base=base, name="nocreds"))
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'nocreds' declares no registry credentials."


def test_aci_010_absent_credentials_is_not_applicable() -> None:
    cg = container_group(name="nocreds")
    cg["properties"].pop("imageRegistryCredentials")
    assert run_one("ACI-010", cg).status is Status.NOT_APPLICABLE


def test_aci_010_older_api_version_example() -> None:
    res = run_one("ACI-010", container_group(base=OLD_GET), api_versions={CG: ACI_OLD_API})
    assert res.status is Status.FAIL


# --- ACI-027 ------------------------------------------------------------------------


@pytest.mark.parametrize("api", [None, ACI_API], ids=["no-api", "2026"])
def test_aci_027_account_key_fails(api: str | None) -> None:
    kw: dict[str, Any] = {"api_versions": {CG: api}} if api else {}
    res = run_one("ACI-027", container_group(), **kw)
    assert res.status is Status.FAIL
    assert res.message == "Container group 'demo1' mounts share1 with a storage account key."
    [ev] = res.evidence
    assert ev.path == "properties.volumes[0].azureFile"
    assert ev.observed == {"shareName": "share1", "storageAccountName": "storage1"}
    assert ev.note == "account key"


def test_aci_027_key_value_is_never_shown() -> None:
    share = {
        "shareName": "share1",
        "storageAccountName": "storage1",
        "storageAccountKey": marker(STORAGE_KEY, "azure-storage-key"),
    }
    cg = container_group(properties={"volumes": [{"name": "volume1", "azureFile": share}]})
    res = run_one("ACI-027", cg)
    assert res.status is Status.FAIL
    assert "storageAccountKey" not in res.evidence[0].observed
    assert_no_leak(res)


@pytest.mark.parametrize(
    ("base", "note"),
    [(SECRET_REF, "key reference or identity"), (MI_SHARE, "key reference or identity")],
    ids=["storageAccountKeyReference", "userManagedIdentityClientId"],
)
def test_aci_027_reference_or_identity_passes(base: str, note: str) -> None:
    res = run_one("ACI-027", container_group(base=base), api_versions={CG: ACI_API})
    assert res.status is Status.PASS
    assert res.message == "Container group 'demo1' mounts its shares without account keys."
    [ev] = res.evidence
    assert ev.path == "properties.volumes[0].azureFile"
    assert ev.observed == {"shareName": "shareName", "storageAccountName": "accountName"}
    assert ev.note == note


def test_aci_027_at_2025_09_01_a_keyless_share_may_be_an_identity_mount() -> None:
    # Issue #12 item 5: userManagedIdentityClientId exists only from 2026-05-01.
    res = run_one("ACI-027", container_group(), api_versions={CG: "2025-09-01"})
    assert res.status is Status.NOT_ASSESSED
    assert "2025-09-01" in res.message and "2026-05-01" in res.message
    assert "userManagedIdentityClientId" in res.message


@pytest.mark.parametrize("base", [None, OLD_GET])
def test_aci_027_older_api_version_is_not_assessed(base: str | None) -> None:
    cg = container_group() if base is None else container_group(base=base)
    res = run_one("ACI-027", cg, api_versions={CG: ACI_OLD_API})
    assert res.status is Status.NOT_ASSESSED
    assert "'demo1'" in res.message
    assert "2023-05-01" in res.message
    assert "2025-09-01" in res.message
    assert res.evidence[0].path == "properties.volumes[0].azureFile"


def test_aci_027_older_api_version_with_a_reference_still_passes() -> None:
    res = run_one("ACI-027", container_group(base=MI_SHARE), api_versions={CG: ACI_OLD_API})
    assert res.status is Status.PASS


def mixed_shares() -> list[dict[str, Any]]:
    """A share mounted through a key reference, an emptyDir, and a keyed share."""
    return [
        {
            "name": "a",
            "azureFile": {
                "shareName": "safe",
                "storageAccountName": "st",
                "storageAccountKeyReference": "ref",
            },
        },
        {"name": "b", "emptyDir": {}},
        {"name": "c", "azureFile": {"shareName": "keyed", "storageAccountName": "st"}},
    ]


def test_aci_027_names_only_the_keyed_share() -> None:
    res = run_one("ACI-027", container_group(properties={"volumes": mixed_shares()}))
    assert res.status is Status.FAIL
    assert res.message == "Container group 'demo1' mounts keyed with a storage account key."
    # Only the offender: the share mounted through a key reference is not evidence.
    [ev] = res.evidence
    assert ev.path == "properties.volumes[2].azureFile"
    assert ev.observed == {"shareName": "keyed", "storageAccountName": "st"}
    assert ev.note == "account key"


def test_aci_027_older_api_version_lists_every_share() -> None:
    cg = container_group(properties={"volumes": mixed_shares()})
    res = run_one("ACI-027", cg, api_versions={CG: ACI_OLD_API})
    assert res.status is Status.NOT_ASSESSED
    assert [(ev.path, ev.note) for ev in res.evidence] == [
        ("properties.volumes[0].azureFile", "key reference or identity"),
        ("properties.volumes[2].azureFile", "account key"),
    ]


@pytest.mark.parametrize(
    "volumes",
    [[{"name": "v", "emptyDir": {}}], [{"name": "v", "secret": {}}], []],
    ids=["emptyDir", "secret", "none"],
)
def test_aci_027_without_azure_files_is_not_applicable(volumes: list[dict[str, Any]]) -> None:
    res = run_one("ACI-027", container_group(name="nofiles", properties={"volumes": volumes}))
    assert res.status is Status.NOT_APPLICABLE
    assert res.message == "Container group 'nofiles' mounts no Azure Files share."


# --- no leak across every ACI check ----------------------------------------------------


def leaky_group() -> dict[str, Any]:
    """Every place a secret can sit in a container group, each holding a marker."""
    return group(
        [
            ctr("web", environmentVariables=[env("LOG_LEVEL", marker(BENIGN, "none"))]),
            ctr(
                "worker",
                environmentVariables=[
                    env("DB_PASSWORD", marker(DB_PASSWORD, "keyword-name")),
                    env("GH", marker(GH_TOKEN, "github-token")),
                ],
                command=[
                    "/bin/sh",
                    "-c",
                    f"run --password={marker(CLI_PASSWORD, 'cli-flag')} && "
                    "curl -sSL https://get.example.com/install.sh | sh",
                ],
            ),
        ],
        init=[
            ctr("migrate", command=["migrate", f"--password={marker(CLI_PASSWORD, 'cli-flag')}"])
        ],
        name="leaky",
        imageRegistryCredentials=[
            {
                "server": EXAMPLE_SERVER,
                "username": "azcloudconsoleregistry",
                "password": marker(REG_PASSWORD, "keyword-name"),
            }
        ],
        volumes=[
            {
                "name": "volume1",
                "azureFile": {
                    "shareName": "share1",
                    "storageAccountName": "storage1",
                    "storageAccountKey": marker(STORAGE_KEY, "azure-storage-key"),
                },
            },
            git_volume(f"https://deploy:{marker(GIT_TOKEN, 'url-userinfo')}@github.com/c/app"),
        ],
    )


def test_leaky_group_carries_every_marker_and_no_secret() -> None:
    text = json.dumps(leaky_group())
    for secret in PLANTED:
        assert secret not in text
    assert text.count("redacted:v1:") == 8


@pytest.mark.parametrize("check_id", [c.id for c in load_catalogue() if c.id.startswith("ACI-")])
def test_no_check_shows_any_part_of_a_planted_secret(check_id: str) -> None:
    results = run_check(check_id, [leaky_group(), example_registry(admin=True)])
    assert results
    assert_no_leak(results)


@pytest.mark.parametrize(
    ("check_id", "expected"),
    [
        (
            "ACI-006",
            {
                fingerprint(DB_PASSWORD, "keyword-name"),
                fingerprint(GH_TOKEN, "github-token"),
            },
        ),
        ("ACI-007", {fingerprint(CLI_PASSWORD, "cli-flag")}),
        ("ACI-008", {fingerprint(GIT_TOKEN, "url-userinfo")}),
    ],
)
def test_secret_evidence_is_the_fingerprint(check_id: str, expected: set[str]) -> None:
    [res] = run_check(check_id, [leaky_group()])
    assert res.status is Status.FAIL
    shown = {ev.observed for ev in res.evidence if str(ev.observed).startswith("<secret:")}
    assert shown == expected
    for ev in res.evidence:
        if "secret" in ev.path or "command" in ev.path or "environment" in ev.path:
            assert str(ev.observed).startswith("<secret: ")
