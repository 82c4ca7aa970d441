"""One ARM session: the SDK clients, raw reads on their pipeline, and error triage.

Every request goes through azure-core pipelines configured once here (retries that honour
Retry-After, timeouts, TLS trust, the cloud's token scope). Only GETs are sent, plus the
Resource Graph query POST: this module has no code path that writes.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import getproxies_environment

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.core.rest import HttpRequest
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.security import SecurityCenter

from aciaudit.sources.azure.clouds import Cloud
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import Cancelled
from checks.snapshot import CoverageStatus

Json = dict[str, Any]

__all__ = ["ArmFailure", "ArmSession", "Cancelled", "triage"]


class ArmFailure(Exception):
    """A read that failed, triaged for coverage: denied, failed, or gone."""

    def __init__(self, status: CoverageStatus, detail: str, not_found: bool = False) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.not_found = not_found


def triage(exc: Exception) -> ArmFailure:
    """Turn an SDK exception into a coverage status and a one-line detail."""
    if isinstance(exc, ArmFailure):
        return exc
    if isinstance(exc, ResourceNotFoundError):
        return ArmFailure(CoverageStatus.FAILED, _detail(exc), not_found=True)
    if isinstance(exc, HttpResponseError):
        status = CoverageStatus.DENIED if exc.status_code == 403 else CoverageStatus.FAILED
        return ArmFailure(status, _detail(exc))
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return ArmFailure(CoverageStatus.FAILED, f"network error: {_one_line(str(exc))}")
    return ArmFailure(CoverageStatus.FAILED, f"{type(exc).__name__}: {_one_line(str(exc))}")


def _detail(exc: HttpResponseError) -> str:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) or (f"HTTP {exc.status_code}" if exc.status_code else "")
    message = getattr(error, "message", None) or exc.reason or str(exc)
    return _one_line(f"{code}: {message}" if code else message)


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _environment_settings(options: LiveOptions) -> dict[str, Any]:
    """TLS trust and proxies, read from the environment once rather than per request.

    With `trust_env`, requests scans the whole environment and ~/.netrc on every call:
    about a sixth of the collector's CPU. Without a proxy variable set, nothing is lost
    by reading the CA bundle variables here and turning that off; with one, requests
    keeps reading the environment so that NO_PROXY is honoured exactly.
    """
    out: dict[str, Any] = {}
    verify = (
        options.ca_bundle
        or os.environ.get("REQUESTS_CA_BUNDLE")
        or os.environ.get("CURL_CA_BUNDLE")
    )
    if verify:
        out["connection_verify"] = verify
    if not getproxies_environment():
        out["use_env_settings"] = False
    return out


class ArmSession:
    """SDK clients sharing one configuration; raw GETs ride the Resource Graph client's
    pipeline (any mgmt client's pipeline would do: same policies, same credential)."""

    def __init__(self, credential: TokenCredential, cloud: Cloud, options: LiveOptions) -> None:
        self.cloud = cloud
        self.options = options
        self._credential = credential
        self._kwargs: dict[str, Any] = {
            "base_url": cloud.arm_endpoint,
            "credential_scopes": [cloud.scope],
            "retry_total": options.retries,
            "retry_backoff_factor": options.backoff,
            "connection_timeout": options.timeout,
            "read_timeout": options.timeout,
        }
        self._kwargs |= _environment_settings(options)
        self.subscriptions = SubscriptionClient(credential, **self._kwargs)
        self.graph = ResourceGraphClient(credential, **self._kwargs)
        self._per_sub: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def _client(self, kind: str, subscription_id: str) -> Any:
        key = (kind, subscription_id)
        with self._lock:
            if key not in self._per_sub:
                factory = {
                    "acr": ContainerRegistryManagementClient,
                    "security": SecurityCenter,
                }[kind]
                self._per_sub[key] = factory(self._credential, subscription_id, **self._kwargs)
            return self._per_sub[key]

    def acr(self, subscription_id: str) -> ContainerRegistryManagementClient:
        return self._client("acr", subscription_id)

    def security(self, subscription_id: str) -> SecurityCenter:
        return self._client("security", subscription_id)

    # -- raw reads ------------------------------------------------------------------

    def get(self, path_or_url: str, api_version: str, params: dict[str, str] | None = None) -> Json:
        """GET one ARM object (or list body) exactly as ARM returns it."""
        query = {"api-version": api_version, **(params or {})}
        request = HttpRequest("GET", path_or_url, params=query)
        response = self.graph._send_request(request)
        if response.status_code == 404:
            raise ResourceNotFoundError(response=response, error_format=ARMErrorFormat)
        if response.status_code >= 400:
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        body = json.loads(response.text() or "{}")
        return body if isinstance(body, dict) else {"value": body}

    def list(
        self,
        path: str,
        api_version: str,
        params: dict[str, str] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[Json]:
        """Every item of an ARM list, following `nextLink` exactly as given."""
        body = self.get(path, api_version, params)
        while True:
            for item in body.get("value") or []:
                if isinstance(item, dict):
                    yield item
            link = body.get("nextLink")
            if not link:
                return
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            request = HttpRequest("GET", self._next_link(link, api_version))
            response = self.graph._send_request(request)
            if response.status_code >= 400:
                raise HttpResponseError(response=response, error_format=ARMErrorFormat)
            body = json.loads(response.text() or "{}")

    def _next_link(self, link: str, api_version: str) -> str:
        """The link as given, with our api-version (the SDK convention), and only ever on
        the ARM host: the bearer token travels with the request."""
        parts = urlsplit(link)
        arm = urlsplit(self.cloud.arm_endpoint)
        if (parts.scheme, parts.netloc.lower()) != (arm.scheme, arm.netloc.lower()):
            raise ArmFailure(
                CoverageStatus.FAILED,
                f"refused to follow a nextLink to {parts.scheme}://{parts.netloc} "
                f"(outside {self.cloud.arm_endpoint})",
            )
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() != "api-version"
        ]
        query.append(("api-version", api_version))
        return urlunsplit(parts._replace(query=urlencode(query)))

    def raw_body(self) -> Any:
        """A `cls=` hook for SDK operations: ARM's JSON, not the SDK's re-serialisation."""
        return lambda pipeline_response, _deserialized, _headers: json.loads(
            pipeline_response.http_response.text() or "{}"
        )
