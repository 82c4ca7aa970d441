"""ARM's error answers: the body shape, the real message texts, and injected failures.

Texts follow real ARM answers quoted in public issues (see tests/data/arm-examples/README.md,
"Error body"), so a collector that shows `code: message` shows what a user would see.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakearm.estate import parse, resource_group_of, split, subscription_of

Json = dict[str, Any]


@dataclass(slots=True)
class Reply:
    """One HTTP answer; `body` None means an empty body."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def arm_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> Reply:
    error: Json = {"code": code, "message": message, **extra}
    return Reply(status, {"error": error}, dict(headers or {}))


# The codes ARM uses for each status when a test names only the status.
DEFAULT_CODES = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    409: "Conflict",
    429: "SubscriptionRequestsThrottled",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


def action_and_scope(method: str, path: str) -> tuple[str, str]:
    """The RBAC action and scope ARM names in AuthorizationFailed / throttling messages:
    a list is `{type}/read` over its parent scope, a GET of one object is over its id."""
    verb = "read" if method in ("GET", "HEAD") else "write" if method != "DELETE" else "delete"
    parsed = parse(path)
    if parsed is None:
        segments = split(path)
        if len(segments) >= 3 and segments[2].lower() == "resourcegroups":
            return f"Microsoft.Resources/subscriptions/resourceGroups/{verb}", path
        return f"Microsoft.Resources/subscriptions/{verb}", path or "/"
    if method == "POST" and parsed.is_collection and len(parsed.types) == 1:
        # Resource Graph's `/providers/Microsoft.ResourceGraph/resources` is a read.
        return f"{parsed.full_type}/read", parsed.scope or "/"
    if method == "POST":
        # `.../registries/x/listCredentials`: the action is the last segment.
        return f"{parsed.full_type}/action", path.rsplit("/", 1)[0]
    if parsed.is_collection:
        parent = path.rsplit("/", 1)[0]
        if len(parsed.types) == 1:
            parent = parsed.scope or "/"
        return f"{parsed.full_type}/{verb}", parent
    return f"{parsed.full_type}/{verb}", path


def default_message(
    code: str,
    method: str,
    path: str,
    *,
    client_id: str,
    object_id: str,
    api_version: str | None,
    retry_after: int | None,
) -> str:
    action, scope = action_and_scope(method, path)
    sub = subscription_of(path) or ""
    rg = resource_group_of(path) or ""
    parsed = parse(path)
    if code == "AuthorizationFailed":
        return (
            f"The client '{client_id}' with object id '{object_id}' does not have authorization "
            f"to perform action '{action}' over scope '{scope}' or the scope is invalid. If "
            "access was recently granted, please refresh your credentials."
        )
    if code in ("SubscriptionRequestsThrottled", "ResourceRequestsThrottled", "TooManyRequests"):
        wait = retry_after if retry_after is not None else 372
        return (
            f"Number of requests for action '{action}' exceeded the limit of '50' for time "
            f"interval '00:05:00'. Please try again after '{wait}' seconds."
        )
    if code == "ResourceNotFound":
        return not_found_message(path)
    if code == "ResourceGroupNotFound":
        return f"Resource group '{rg}' could not be found."
    if code == "SubscriptionNotFound":
        return f"The subscription '{sub}' could not be found."
    if code == "NoRegisteredProviderFound":
        return no_provider_message(parsed.types[-1] if parsed else "unknown", api_version)
    if code == "InternalServerError":
        return (
            "Encountered internal server error. Diagnostic information: timestamp "
            f"'{_stamp()}', subscription id '{sub}', tracking id '{uuid.uuid4()}', request "
            f"correlation id '{uuid.uuid4()}'."
        )
    if code == "GatewayTimeout":
        provider = parsed.namespace if parsed else "Microsoft.Resources"
        return (
            f"The gateway did not receive a response from '{provider}' within the specified "
            "time period."
        )
    if code == "InvalidAuthenticationToken":
        return "The access token is invalid."
    return f"fakearm injected {code}."


def no_provider_message(
    kind: str, api_version: str | None, supported: list[str] | None = None
) -> str:
    # ARM's answer for an api-version the provider does not serve (e.g. a sovereign cloud
    # that lags behind); note "api-versions" in the second sentence.
    versions = ", ".join(supported or ["2017-08-01-preview", "2021-09-01", "2023-05-01"])
    return (
        f"No registered resource provider found for location 'westus' and API version "
        f"'{api_version}' for type '{kind}'. The supported api-versions are '{versions}'. "
        "The supported locations are 'westus, eastus, westeurope'."
    )


def not_found_message(path: str) -> str:
    parsed = parse(path)
    what = parsed.type_and_names if parsed else path
    rg = resource_group_of(path) or ""
    return (
        f"The Resource '{what}' under resource group '{rg}' was not found. For more details "
        "please go to https://aka.ms/ARMResourceNotFoundFix"
    )


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(slots=True)
class FailRule:
    """One `fake.fail(...)`: requests whose path matches answer with this ARM error."""

    pattern: re.Pattern[str]
    status: int
    code: str
    message: str | None
    method: str | None
    times: int | None
    retry_after: int | None
    headers: dict[str, str]
    api_version: str | None = None
    hits: int = 0
    # The first `after` matching requests pass through (a fault on page 2, not page 1).
    after: int = 0
    passed: int = 0
    # Seconds the answer waits before it is sent (a server that hangs).
    stall: float = 0.0

    def matches(self, method: str, path: str, api_version: str | None) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        if self.api_version is not None and self.api_version != api_version:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        if self.pattern.search(path) is None:
            return False
        if self.passed < self.after:
            self.passed += 1
            return False
        return True
