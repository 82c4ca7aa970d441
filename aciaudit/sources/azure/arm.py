"""One ARM session: the SDK clients, raw reads on their pipeline, and error triage.

Every request goes through azure-core pipelines configured once here (retries that honour
Retry-After, timeouts, TLS trust, the cloud's token scope). Only GETs are sent, plus the
Resource Graph query POST: this module has no code path that writes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.request import getproxies_environment

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
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

from aciaudit import jsonin
from aciaudit.sources.azure.clouds import Cloud
from aciaudit.sources.azure.guard import (
    MAX_PAGES,
    ArmFailure,
    ArmOnly,
    BoundedRetry,
    credential_message,
    origin,
)
from aciaudit.sources.azure.options import LiveOptions
from aciaudit.sources.azure.progress import Cancelled
from checks.snapshot import CoverageStatus

Json = dict[str, Any]

__all__ = ["ArmFailure", "ArmSession", "Cancelled", "triage"]

# Resource Graph's stable api-version (the one azure-mgmt-resourcegraph 8 speaks).
GRAPH_API = "2021-03-01"


def triage(exc: Exception) -> ArmFailure:
    """Turn an SDK exception into a coverage status and a one-line detail."""
    if isinstance(exc, ArmFailure):
        return exc
    if isinstance(exc, ClientAuthenticationError):
        # A token that could not be had: its error may quote the token endpoint's answer.
        return ArmFailure(CoverageStatus.FAILED, f"sign-in failed: {credential_message(exc)}")
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
            # Every client, SDK pagers included: the token goes to ARM only, no redirect
            # is followed, and Retry-After is honoured up to --max-retry-wait.
            "custom_hook_policy": ArmOnly(cloud.arm_endpoint),
            "permit_redirects": False,
        }
        self.retry = BoundedRetry(
            options.max_retry_wait,
            retry_total=options.retries,
            retry_backoff_factor=options.backoff,
        )
        self._kwargs["retry_policy"] = self.retry
        self._kwargs |= _environment_settings(options)
        self.subscriptions = SubscriptionClient(credential, **self._kwargs)
        self.graph = ResourceGraphClient(credential, **self._kwargs)
        self._per_sub: dict[tuple[str, str], Any] = {}
        self.graph_quota: Any = None  # graph._Quota, set on the first query
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

    def watch(self, cancel: threading.Event) -> None:
        """Waits between retries end when `cancel` is set."""
        self.retry.cancel = cancel

    def acr(self, subscription_id: str) -> ContainerRegistryManagementClient:
        return self._client("acr", subscription_id)

    def security(self, subscription_id: str) -> SecurityCenter:
        return self._client("security", subscription_id)

    # -- raw reads ------------------------------------------------------------------

    def get(self, path_or_url: str, api_version: str, params: dict[str, str] | None = None) -> Json:
        """GET one ARM object (or list body) exactly as ARM returns it."""
        query = {"api-version": api_version, **(params or {})}
        request = HttpRequest("GET", path_or_url, params=query)
        return _json_object(self.graph._send_request(request))

    def post_graph(self, body: Json) -> tuple[Any, dict[str, str]]:
        """One Resource Graph query (a read sent as POST): ARM's JSON and the headers
        (quota). The answer is not judged here: see graph.graph_rows."""
        request = HttpRequest(
            "POST",
            "/providers/Microsoft.ResourceGraph/resources",
            params={"api-version": GRAPH_API},
            json=body,
        )
        response = self.graph._send_request(request)
        _raise_for_status(response)
        return _parse(response), {k.lower(): v for k, v in response.headers.items()}

    def pages(self, pager: Any, what: str) -> Iterator[Any]:
        """An SDK pager's items, page by page, stopping on a continuation seen before or
        after MAX_PAGES pages (its nextLinks are checked by the ArmOnly policy)."""
        by_page = pager.by_page()
        seen: set[str] = set()
        for count, page in enumerate(by_page, start=1):
            yield from page
            token = getattr(by_page, "continuation_token", None)
            if not token:
                continue
            if token in seen:
                raise ArmFailure(CoverageStatus.FAILED, f"{what}: nextLink seen before (a loop)")
            if count >= MAX_PAGES:
                raise ArmFailure(CoverageStatus.FAILED, f"{what}: more than {MAX_PAGES} pages")
            seen.add(token)

    def list(
        self,
        path: str,
        api_version: str,
        params: dict[str, str] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[Json]:
        """Every item of an ARM list, following `nextLink` exactly as given."""
        body = self.get(path, api_version, params)
        seen: set[str] = set()
        while True:
            for item in body.get("value") or []:
                if isinstance(item, dict):
                    yield item
            link = body.get("nextLink")
            if not link:
                return
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if not isinstance(link, str) or link in seen:
                raise ArmFailure(CoverageStatus.FAILED, "nextLink seen before (a paging loop)")
            if len(seen) + 1 >= MAX_PAGES:
                raise ArmFailure(CoverageStatus.FAILED, f"more than {MAX_PAGES} pages")
            seen.add(link)
            request = HttpRequest("GET", self._next_link(link, api_version))
            body = _json_object(self.graph._send_request(request))

    def _next_link(self, link: str, api_version: str) -> str:
        """The link as given, with our api-version (the SDK convention), and only ever on
        the ARM host: the bearer token travels with the request."""
        parts = urlsplit(link)
        if origin(link) != origin(self.cloud.arm_endpoint):
            raise ArmFailure(
                CoverageStatus.FAILED,
                f"nextLink to another host refused: {parts.scheme}://{parts.netloc} is "
                f"not {self.cloud.arm_endpoint}; nothing was sent there",
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
        return lambda pipeline_response, _deserialized, _headers: jsonin.loads(
            pipeline_response.http_response.text() or "{}"
        )


def _raise_for_status(response: Any) -> None:
    """Any answer but 2xx is a failed read: 404 gone, 3xx never followed, 4xx/5xx."""
    status = response.status_code
    if status == 404:
        raise ResourceNotFoundError(response=response, error_format=ARMErrorFormat)
    if not 200 <= status < 300:
        raise HttpResponseError(response=response, error_format=ARMErrorFormat)


def _parse(response: Any) -> Any:
    try:
        return jsonin.loads(response.text() or "{}")
    except ValueError:
        raise ArmFailure(CoverageStatus.FAILED, "the answer is not JSON") from None


def _json_object(response: Any) -> Json:
    _raise_for_status(response)
    body = _parse(response)
    return body if isinstance(body, dict) else {"value": body}
