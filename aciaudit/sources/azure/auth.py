"""Credentials from azure-identity, and who they sign in as.

Only the token's *claims* are ever read (to tell the user who is signed in); the token
itself is never printed, logged or stored.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (
    AzureCliCredential,
    CredentialUnavailableError,
    DefaultAzureCredential,
    DeviceCodeCredential,
    EnvironmentCredential,
    ManagedIdentityCredential,
)

from aciaudit.errors import UserError
from aciaudit.sources.azure import prompts
from aciaudit.sources.azure.clouds import Cloud
from aciaudit.sources.azure.guard import credential_message
from aciaudit.sources.azure.options import LiveOptions

NO_CREDENTIAL_HINT = (
    "run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, "
    "or use --auth device-code"
)


class AuthError(UserError):
    """No credential worked; the message is one line and says what to do."""


@dataclass(frozen=True, slots=True)
class Identity:
    tenant_id: str
    object_id: str
    account: str  # a user's UPN, or "app <appid>" for a service principal or identity

    def describe(self) -> str:
        return f"{self.account} (object {self.object_id or 'unknown'}) in tenant {self.tenant_id}"


# Device-code credentials by (cloud endpoints, tenant, CA bundle): the connect screen
# signs in to list subscriptions and the collection that follows must not ask the user
# for a second code. The credential keeps its tokens in memory only.
_DEVICE_CODE: dict[tuple[str | None, ...], TokenCredential] = {}
_DEVICE_CODE_LOCK = threading.Lock()


def build_credential(options: LiveOptions, cloud: Cloud) -> TokenCredential:
    if options.auth == "device-code":
        key = (cloud.authority_host, cloud.arm_endpoint, options.tenant, options.ca_bundle)
        with _DEVICE_CODE_LOCK:
            if key not in _DEVICE_CODE:
                _DEVICE_CODE[key] = _build(options, cloud)
            return _DEVICE_CODE[key]
    return _build(options, cloud)


def _build(options: LiveOptions, cloud: Cloud) -> TokenCredential:
    common: dict[str, Any] = {"authority": cloud.authority_host}
    if not cloud.known_authority:
        common["disable_instance_discovery"] = True
    if options.ca_bundle:
        common["connection_verify"] = options.ca_bundle
    tenant: dict[str, Any] = {"tenant_id": options.tenant} if options.tenant else {}
    mode = options.auth
    if mode == "cli":
        return AzureCliCredential(**tenant)
    if mode == "device-code":
        return DeviceCodeCredential(prompt_callback=_device_prompt, **tenant, **common)
    if mode == "env":
        return EnvironmentCredential(**common)
    if mode == "managed-identity":
        return ManagedIdentityCredential(**_without_authority(common))
    if mode is not None:
        raise AuthError(f"unknown --auth {mode!r}")
    # The default chain, minus anything that opens a browser: this is a terminal tool.
    # DefaultAzureCredential takes no tenant_id; each member that can use one gets it.
    tenant_kwargs = (
        {
            f"{member}_tenant_id": options.tenant
            for member in ("shared_cache", "visual_studio_code", "workload_identity", "broker")
        }
        if options.tenant
        else {}
    )
    return DefaultAzureCredential(
        exclude_interactive_browser_credential=True, **tenant_kwargs, **common
    )


def sign_in(credential: TokenCredential, cloud: Cloud) -> Identity:
    """Get one token for ARM and read who it belongs to; one-line AuthError otherwise."""
    try:
        token = credential.get_token(cloud.scope)
    except (ClientAuthenticationError, CredentialUnavailableError, ValueError) as exc:
        raise AuthError(
            f"no Azure credential worked: {NO_CREDENTIAL_HINT} ({_first_line(exc)})"
        ) from None
    claims = _claims(token.token)
    account = (
        claims.get("upn")
        or claims.get("unique_name")
        or claims.get("preferred_username")
        or (f"app {claims['appid']}" if claims.get("appid") else "")
        or (f"app {claims['azp']}" if claims.get("azp") else "unknown account")
    )
    return Identity(str(claims.get("tid", "")), str(claims.get("oid", "")), str(account))


def _claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified: only for display, never for a decision."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return data if isinstance(data, dict) else {}
    except (IndexError, ValueError):
        return {}


def _first_line(exc: BaseException) -> str:
    return credential_message(exc)


def _without_authority(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k not in ("authority", "disable_instance_discovery")}


def _device_prompt(verification_uri: str, user_code: str, expires_on: Any) -> None:
    message = f"to sign in, open {verification_uri} and enter the code {user_code}"
    if prompts.route is not None:
        prompts.route(message)
        return
    sys.stderr.write(f"aci-audit: {message}\n")
    sys.stderr.flush()
