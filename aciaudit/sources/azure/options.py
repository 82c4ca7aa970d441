"""What a live collection is asked to do: one value object shared by CLI and TUI."""

from __future__ import annotations

from dataclasses import dataclass

AUTH_MODES = ("cli", "device-code", "env", "managed-identity")


@dataclass(frozen=True)
class LiveOptions:
    cloud: str = "AzureCloud"
    arm_endpoint: str | None = None
    authority_host: str | None = None
    audience: str | None = None
    tenant: str | None = None
    # None: DefaultAzureCredential's chain; else one of AUTH_MODES.
    auth: str | None = None
    # Subscription ids or display names; empty: every Enabled subscription.
    subscriptions: tuple[str, ...] = ()
    management_group: str | None = None
    use_resource_graph: bool = True
    concurrency: int = 8
    # Seconds per request (connect and read).
    timeout: float = 60.0
    # azure-core retries: 429 with Retry-After and transient 5xx, exponential backoff.
    retries: int = 4
    backoff: float = 0.8
    # The longest Retry-After honoured (seconds); a longer one fails the read.
    max_retry_wait: float = 60.0
    # A CA bundle for TLS interception proxies (and the tests' fake ARM).
    ca_bundle: str | None = None
