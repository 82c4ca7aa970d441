"""The one base class for failures a user can act on.

Kept free of imports on purpose: the TUI checks errors against it on start-up paths
that must not pull in azure-core (the demo runs without it).
"""


class UserError(Exception):
    """A failure whose message is one actionable line for the user (what went wrong and
    what to do); shown as is, without a traceback or the exception's class name."""
