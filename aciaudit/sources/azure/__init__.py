"""Live Azure: read-only collection with the real SDKs into a snapshot v1.

Import from the submodules (`collector`, `options`, `clouds`): this package file stays
empty so that `aci-audit scan --demo` never pays for importing the Azure SDKs.
"""
