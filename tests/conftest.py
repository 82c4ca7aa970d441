"""Test setup: import the project from the checkout, and `from fixtures import ...`.

The repository root goes on sys.path so `checks` and `aciaudit` import without an
install; the tests directory so the shared builders in tests/fixtures.py import the
same way in every pytest import mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parent
for _path in (str(_TESTS.parent), str(_TESTS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
