"""aci-auditor: sources, reports and the command line around the pure `checks` engine."""

__version__ = "0.1.0"
TOOL_NAME = "aci-auditor"
