"""SVG snapshots of every screen, from the scenarios that also draw the README's pictures.

Update after looking at the change: `pytest tests/tui/test_snapshots.py --snapshot-update`,
then `python scripts/screens_tour.py --png` and open the PNGs before committing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tour() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screens_tour", ROOT / "scripts/screens_tour.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["screens_tour"] = module
    spec.loader.exec_module(module)
    return module


tour = _tour()


@pytest.mark.parametrize("scenario", tour.SCENARIOS, ids=lambda s: s.name)
def test_screen(scenario: Any, snap_compare: Any) -> None:
    tour._halfway.clear()
    assert snap_compare(scenario.app(), terminal_size=scenario.size, run_before=scenario.run_before)
