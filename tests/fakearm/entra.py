"""The Entra ID (v2.0 endpoint) side: OpenID discovery and client-credential tokens.

MSAL, with `disable_instance_discovery=True`, fetches
`/{tenant}/v2.0/.well-known/openid-configuration` and then POSTs the form
`grant_type=client_credentials&client_id=..&client_secret=..&scope=..` to the token
endpoint it names. That form carries the secret, so nothing here records it.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from fakearm.errors import Reply

Json = dict[str, Any]

OPENID = re.compile(r"^/([^/]+)/v2\.0/\.well-known/openid-configuration$", re.I)
TOKEN = re.compile(r"^/([^/]+)/oauth2/v2\.0/token$", re.I)
DEVICE_CODE = re.compile(r"^/([^/]+)/oauth2/v2\.0/devicecode$", re.I)
INSTANCE_DISCOVERY = re.compile(r"^/([^/]+)/discovery/instance$", re.I)
KEYS = re.compile(r"^/([^/]+)/discovery/v2\.0/keys$", re.I)
ENTRA_PATHS = (OPENID, TOKEN, DEVICE_CODE, INSTANCE_DISCOVERY, KEYS)
# Tenant aliases MSAL may put in an authority; only the real tenant issues app tokens.
ALIASES = ("common", "organizations", "consumers")


def is_entra(path: str) -> bool:
    return any(p.match(path) for p in ENTRA_PATHS)


@dataclass(frozen=True, slots=True)
class Issued:
    """What the fake remembers about a token it issued (never the secret)."""

    audience: str
    expires_on: int
    claims: Json


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(claims: Json) -> str:
    """Three base64url parts like a real RS256 token; the signature is random bytes (no
    one verifies it: the collector only decodes the payload to say who signed in)."""
    header = {"typ": "JWT", "alg": "RS256", "x5t": "fakearm", "kid": "fakearm"}
    parts = [json.dumps(header).encode(), json.dumps(claims).encode(), secrets.token_bytes(64)]
    return ".".join(b64url(p) for p in parts)


class Entra:
    def __init__(
        self, base_url: str, tenant_id: str, client_id: str, client_secret: str, object_id: str
    ) -> None:
        self.base_url = base_url
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.object_id = object_id  # the service principal's object id (`oid`)
        self.token_lifetime = 3600
        self.token_requests = 0
        self.issued: dict[str, Issued] = {}
        self._lock = threading.Lock()

    # -- dispatch ---------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes) -> Reply:
        if m := OPENID.match(path):
            return self._openid(m.group(1)) if method == "GET" else _method_not_allowed()
        if m := TOKEN.match(path):
            if method != "POST":
                return _method_not_allowed()
            with self._lock:
                self.token_requests += 1
            return self._token(m.group(1), body)
        if INSTANCE_DISCOVERY.match(path):
            return self._instance_discovery(query)
        if KEYS.match(path):
            return Reply(200, {"keys": []})
        # Device code and the other interactive flows are not part of this fake.
        return self._aad_error(
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type 'device_code' (fakearm serves "
            "client credentials only).",
        )

    # -- endpoints --------------------------------------------------------------------

    def _authority(self, tenant: str) -> str:
        return f"{self.base_url}/{tenant}"

    def _known_tenant(self, tenant: str) -> bool:
        return tenant.lower() in (self.tenant_id.lower(), *ALIASES)

    def _openid(self, tenant: str) -> Reply:
        if not self._known_tenant(tenant):
            return self._tenant_not_found(tenant)
        # Shape of the real v2.0 document; every URL points back at this server so no
        # client follows one off loopback. Aliases get the `{tenantid}` issuer template.
        issuer_tenant = self.tenant_id if tenant.lower() not in ALIASES else "{tenantid}"
        auth = self._authority(tenant)
        return Reply(
            200,
            {
                "token_endpoint": f"{auth}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{auth}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{self.base_url}/{issuer_tenant}/v2.0",
                "request_uri_parameter_supported": False,
                "userinfo_endpoint": f"{self.base_url}/oidc/userinfo",
                "authorization_endpoint": f"{auth}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{auth}/oauth2/v2.0/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{auth}/oauth2/v2.0/logout",
                "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "oid"],
                "kerberos_endpoint": f"{auth}/kerberos",
                "tenant_region_scope": "NA",
                "cloud_instance_name": "microsoftonline.com",
                "cloud_graph_host_name": "graph.windows.net",
                "msgraph_host": "graph.microsoft.com",
                "rbac_url": "https://pas.windows.net",
            },
        )

    def _instance_discovery(self, query: dict[str, str]) -> Reply:
        host = self.base_url.split("://", 1)[1]
        return Reply(
            200,
            {
                "tenant_discovery_endpoint": (
                    f"{self.base_url}/{self.tenant_id}/v2.0/.well-known/openid-configuration"
                ),
                "api-version": query.get("api-version", "1.1"),
                "metadata": [
                    {"preferred_network": host, "preferred_cache": host, "aliases": [host]}
                ],
            },
        )

    def _token(self, tenant: str, body: bytes) -> Reply:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if tenant.lower() != self.tenant_id.lower():
            return self._tenant_not_found(tenant)
        grant = form.get("grant_type", "")
        if grant != "client_credentials":
            return self._aad_error(
                400,
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant}'.",
            )
        client_id = form.get("client_id", "")
        if client_id != self.client_id:
            return self._aad_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{self.tenant_id}'. This can happen if the application has not been "
                "installed by the administrator of the tenant or consented to by any user in "
                "the tenant. You may have sent your authentication request to the wrong tenant.",
            )
        if "client_assertion" in form or form.get("client_secret") != self.client_secret:
            return self._aad_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is "
                "the client secret value, not the client secret ID, for a secret added to app "
                f"'{self.client_id}'.",
            )
        scopes = form.get("scope", "").split()
        resource = next((s[: -len("/.default")] for s in scopes if s.endswith("/.default")), None)
        if resource is None:
            return self._aad_error(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {' '.join(scopes)} is not valid. Client "
                "credential flows must have a scope value with /.default suffixed to the "
                "resource identifier (application ID URI).",
            )
        token = self.issue(resource)
        return Reply(
            200,
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            },
        )

    # -- tokens -----------------------------------------------------------------------

    def issue(self, audience: str) -> str:
        now = int(time.time())
        claims: Json = {
            # A v1 app-only token as ARM receives them: `appid`, not `azp`; no `upn`.
            "aud": audience,
            "iss": f"https://sts.windows.net/{self.tenant_id}/",
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "aio": b64url(secrets.token_bytes(24)),
            "appid": self.client_id,
            "appidacr": "1",
            "idp": f"https://sts.windows.net/{self.tenant_id}/",
            "idtyp": "app",
            "oid": self.object_id,
            "rh": "0.fake.",
            "sub": self.object_id,
            "tid": self.tenant_id,
            "uti": b64url(secrets.token_bytes(16)),
            "ver": "1.0",
        }
        token = make_jwt(claims)
        with self._lock:
            self.issued[token] = Issued(audience, claims["exp"], claims)
        return token

    def lookup(self, token: str) -> Issued | None:
        with self._lock:
            return self.issued.get(token)

    # -- errors -----------------------------------------------------------------------

    def _tenant_not_found(self, tenant: str) -> Reply:
        return self._aad_error(
            400,
            "invalid_tenant",
            90002,
            f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
            "are signing into the correct cloud. Check with your subscription administrator, "
            "this may happen if there are no active subscriptions for the tenant.",
        )

    def _aad_error(self, status: int, error: str, number: int, text: str) -> Reply:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        return Reply(
            status,
            {
                "error": error,
                "error_description": (
                    # Real descriptions are multi-line (CRLF), which callers must flatten.
                    f"AADSTS{number}: {text}\r\nTrace ID: {trace}\r\n"
                    f"Correlation ID: {correlation}\r\nTimestamp: {stamp}"
                ),
                "error_codes": [number],
                "timestamp": stamp,
                "trace_id": trace,
                "correlation_id": correlation,
                "error_uri": f"{self.base_url}/error?code={number}",
            },
        )


def _method_not_allowed() -> Reply:
    return Reply(405, {"error": "invalid_request", "error_description": "method not allowed"})
