"""A fake Azure Resource Manager + Entra ID over HTTPS on loopback, for the real SDKs.

Start it with `with FakeAzure() as fake:`, seed it with `add_subscription` and `add`, point
clients at `fake.url` (both ARM endpoint and authority host) trusting `fake.ca_path`, and
read back `fake.requests` and `fake.violations`. See server.FakeAzure for every knob.
"""

from fakearm.errors import FailRule
from fakearm.examples import load_example
from fakearm.server import EntraRequest, FakeAzure, Request, Violation

__all__ = [
    "EntraRequest",
    "FailRule",
    "FakeAzure",
    "Request",
    "Violation",
    "load_example",
]
