"""The pipeline policies every request of a collection goes through, SDK pagers included:
the bearer token goes to the ARM endpoint and nowhere else, retries are bounded, and a
server's `Retry-After` is honoured only up to a cap.

Both are installed on every client of an `ArmSession` (`custom_hook_policy`, which runs
after authentication on each try, and `retry_policy`); redirects are not followed at all
(`permit_redirects=False`): ARM does not redirect reads, and a 3xx becomes a failed read.
"""

from __future__ import annotations

import json
import random
import re
import threading
from typing import Any
from urllib.parse import urlsplit

from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy

from aciaudit.sources.azure.progress import Cancelled
from checks.snapshot import CoverageStatus

GRAPH_QUERY_PATH = "/providers/microsoft.resourcegraph/resources"
# A read gives up after this many pages: a pager that never ends is a fault, not an estate.
MAX_PAGES = 10_000


class ArmFailure(Exception):
    """A read that failed, triaged for coverage: denied, failed, or gone."""

    def __init__(self, status: CoverageStatus, detail: str, not_found: bool = False) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.not_found = not_found


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = 443 if scheme == "https" else 80 if scheme == "http" else -1
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


class ArmOnly(SansIOHTTPPolicy[Any, Any]):
    """Refuses, before anything is sent, a request to any origin but the ARM endpoint's:
    a `nextLink` (ours or an SDK pager's) that points elsewhere would carry the token."""

    def __init__(self, arm_endpoint: str) -> None:
        self._arm = origin(arm_endpoint)
        self._endpoint = arm_endpoint

    def on_request(self, request: PipelineRequest[Any]) -> None:
        url = request.http_request.url
        if origin(url) != self._arm:
            scheme, host, port = origin(url)
            raise ArmFailure(
                CoverageStatus.FAILED,
                f"nextLink to another host refused: {scheme}://{host}:{port} is not "
                f"{self._endpoint}; nothing was sent there",
            )


def wait_or_cancel(seconds: float, cancel: threading.Event | None) -> None:
    """Sleep, waking at once when the collection is cancelled."""
    if seconds <= 0:
        return
    if cancel is None:
        threading.Event().wait(seconds)
        return
    if cancel.wait(seconds):
        raise Cancelled()


class BoundedRetry(RetryPolicy):
    """azure-core's retries (429, 408, 5xx; `retry_total` of them at most) with three
    changes: a `Retry-After` beyond `max_wait` fails the read instead of waiting; backoff
    without `Retry-After` is exponential with jitter; the Resource Graph query POST (a
    read) is retried like a GET. Every wait ends early on cancel."""

    def __init__(self, max_wait: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_wait = max_wait
        self.cancel: threading.Event | None = None

    def _is_method_retryable(
        self, settings: dict[str, Any], request: Any, response: Any = None
    ) -> bool:
        if request.method.upper() == "POST" and urlsplit(request.url).path.rstrip(
            "/"
        ).lower().endswith(GRAPH_QUERY_PATH):
            return True
        return bool(super()._is_method_retryable(settings, request, response))

    def get_backoff_time(self, settings: dict[str, Any]) -> float:
        tries = len(settings["history"])
        if tries < 1:
            return 0.0
        base = settings["backoff"] * (2 ** (tries - 1))
        return float(min(settings["max_backoff"], base * random.uniform(0.5, 1.5)))

    def sleep(self, settings: dict[str, Any], transport: Any, response: Any = None) -> None:
        retry_after = self.get_retry_after(response) if response is not None else None
        if retry_after is not None and retry_after > self.max_wait:
            status = response.http_response.status_code
            raise ArmFailure(
                CoverageStatus.FAILED,
                f"HTTP {status} asked to retry after {retry_after:g} s, more than "
                f"--max-retry-wait {self.max_wait:g} s: not retried",
            )
        if retry_after:
            wait_or_cancel(retry_after, self.cancel)
            return
        wait_or_cancel(self.get_backoff_time(settings), self.cancel)


# What a token endpoint's answer may carry that must never reach a message.
_TOKEN_SHAPES = (
    re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"),  # a JWT
    re.compile(
        r"(?i)[\"']?(access_token|refresh_token|id_token|client_secret|assertion|"
        r"client_assertion|code|device_code)[\"']?\s*[:=]\s*[\"']?[^\"'&,\s}]+"
    ),
)
_ERROR_BODY = re.compile(r"\{.*\}", re.S)


def credential_message(exc: BaseException) -> str:
    """What azure-identity said, reduced to an OAuth error's code and description when it
    quotes a token endpoint's answer, and with anything token-shaped removed."""
    text = str(exc).strip()
    reduced = _oauth_error(text)
    if reduced is None:
        lines = text.splitlines()
        reduced = lines[0] if lines else type(exc).__name__
    for shape in _TOKEN_SHAPES:
        reduced = shape.sub("[removed]", reduced)
    return reduced[:300]


def _oauth_error(text: str) -> str | None:
    """`error: first line of error_description` from a quoted JSON answer, if any."""
    found = _ERROR_BODY.search(text)
    if found is None:
        return None
    try:
        body = json.loads(found.group(0), strict=False)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    description = str(body.get("error_description") or "").strip().splitlines()
    return f"{body['error']}: {description[0]}" if description else body["error"]
