"""Azure clouds: where to sign in, where ARM lives, and which token audience ARM wants."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cloud:
    name: str
    authority_host: str
    arm_endpoint: str
    audience: str
    # Sovereign and custom authorities are not in Microsoft's public instance list:
    # MSAL must not ask login.microsoftonline.com about them.
    known_authority: bool = True

    @property
    def scope(self) -> str:
        return self.audience.rstrip("/") + "/.default"


CLOUDS: dict[str, Cloud] = {
    "AzureCloud": Cloud(
        "AzureCloud",
        "https://login.microsoftonline.com",
        "https://management.azure.com",
        "https://management.azure.com",
    ),
    "AzureChinaCloud": Cloud(
        "AzureChinaCloud",
        "https://login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn",
        "https://management.chinacloudapi.cn",
    ),
    "AzureUSGovernment": Cloud(
        "AzureUSGovernment",
        "https://login.microsoftonline.us",
        "https://management.usgovcloudapi.net",
        "https://management.usgovcloudapi.net",
    ),
}


def resolve_cloud(
    name: str = "AzureCloud",
    arm_endpoint: str | None = None,
    authority_host: str | None = None,
    audience: str | None = None,
) -> Cloud:
    """A named cloud, or a custom one (Azure Stack Hub, tests) from explicit endpoints."""
    if arm_endpoint or authority_host:
        if not (arm_endpoint and authority_host):
            raise ValueError("a custom cloud needs both --arm-endpoint and --authority-host")
        for url, flag in ((arm_endpoint, "--arm-endpoint"), (authority_host, "--authority-host")):
            if not url.lower().startswith("https://"):
                raise ValueError(f"{flag} must be an https:// URL (tokens never travel over http)")
        arm = arm_endpoint.rstrip("/")
        return Cloud("custom", authority_host.rstrip("/"), arm, audience or arm, False)
    try:
        return CLOUDS[name]
    except KeyError:
        raise ValueError(f"unknown cloud {name!r}; expected one of {', '.join(CLOUDS)}") from None
