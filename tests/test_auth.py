"""Credential building: what each --auth gives, and no second device-code prompt."""

from __future__ import annotations

from azure.identity import DeviceCodeCredential, EnvironmentCredential

from aciaudit.sources.azure.auth import build_credential
from aciaudit.sources.azure.clouds import resolve_cloud
from aciaudit.sources.azure.options import LiveOptions


def test_device_code_credential_is_reused_for_the_same_cloud_and_tenant() -> None:
    cloud = resolve_cloud("AzureCloud", None, None, None)
    first = build_credential(LiveOptions(auth="device-code", tenant="t1"), cloud)
    again = build_credential(LiveOptions(auth="device-code", tenant="t1"), cloud)
    other = build_credential(LiveOptions(auth="device-code", tenant="t2"), cloud)
    gov = build_credential(
        LiveOptions(auth="device-code", tenant="t1"),
        resolve_cloud("AzureUSGovernment", None, None, None),
    )
    assert isinstance(first, DeviceCodeCredential)
    assert again is first  # the connect screen's sign-in carries over to the collection
    assert other is not first and gov is not first


def test_other_credentials_are_built_fresh() -> None:
    cloud = resolve_cloud("AzureCloud", None, None, None)
    a = build_credential(LiveOptions(auth="env"), cloud)
    b = build_credential(LiveOptions(auth="env"), cloud)
    assert isinstance(a, EnvironmentCredential) and a is not b


def test_sign_in_and_collection_failures_are_user_errors() -> None:
    # The TUI shows a UserError's message alone, so these must be one of them.
    from aciaudit.errors import UserError
    from aciaudit.sources.azure.auth import AuthError
    from aciaudit.sources.azure.collector import CollectionError

    assert issubclass(AuthError, UserError) and issubclass(CollectionError, UserError)


def test_the_user_error_base_imports_no_azure_package() -> None:
    # The TUI imports it on start-up, and the demo must start without azure-core.
    import subprocess
    import sys

    code = "import sys, aciaudit.errors; print(sorted(m for m in sys.modules if m.startswith('azure')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
