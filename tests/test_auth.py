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
