"""The real ARM example bodies in shared/arm-examples, for seeding the fake.

The examples live beside the repository (CI clones the repo with `shared/` next to it),
not inside it, so the directory is found relative to this file, not the working directory.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def examples_dir() -> Path:
    """shared/arm-examples: first the expected spot, then any parent that has one."""
    here = Path(__file__).resolve()
    expected = here.parents[3] / "shared" / "arm-examples"
    if expected.is_dir():
        return expected
    for parent in here.parents:
        candidate = parent / "shared" / "arm-examples"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no shared/arm-examples directory above {here}")


def load_example(relpath: str, status: str = "200") -> Any:
    """`responses[status].body` of an example file, freshly parsed (safe to edit)."""
    path = examples_dir() / relpath
    document = json.loads(path.read_text(encoding="utf-8"))
    try:
        return document["responses"][str(status)]["body"]
    except KeyError:
        raise KeyError(f"{relpath} has no body for status {status}") from None
