"""The real ARM example bodies in tests/data/arm-examples, for seeding the fake.

Read through tests/fixtures.py, the one place tests find their data files.
"""

from __future__ import annotations

from typing import Any

from fixtures import load_example_file


def load_example(relpath: str, status: str = "200") -> Any:
    """`responses[status].body` of an example file, freshly parsed (safe to edit)."""
    document = load_example_file(relpath)
    try:
        return document["responses"][str(status)]["body"]
    except KeyError:
        raise KeyError(f"{relpath} has no body for status {status}") from None
