"""Where device-code sign-in instructions go. Kept apart from auth.py so the app can
route them without importing azure-identity at start-up."""

from __future__ import annotations

from collections.abc import Callable

DevicePrompt = Callable[[str], None]

# None: stderr (the command line). The app sets its own: its screen hides stderr.
route: DevicePrompt | None = None


def show_device_prompts(show: DevicePrompt | None) -> None:
    global route
    route = show
