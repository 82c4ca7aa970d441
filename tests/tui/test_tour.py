"""The screens tour (scripts/screens_tour.py) cleans up after itself: each picture gets a
fresh config folder, and that folder is removed again (it used to stay in /tmp, one per
scenario per run)."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import pytest

from tui.prefs import ENV

ROOT = Path(__file__).resolve().parents[2]


def _tour():
    name = "screens_tour"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts/screens_tour.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_a_tour_picture_leaves_no_config_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tour = _tour()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = os.environ.get(ENV)
    scenario = next(s for s in tour.SCENARIOS if s.name == "error")
    picture = tour.svg(scenario)
    assert picture.lstrip().startswith("<svg")
    assert (
        sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("aci-audit-config-")) == []
    )
    # The variable the test session set is back: the tour does not repoint later tests.
    assert os.environ.get(ENV) == before
