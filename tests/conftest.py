"""Shared paths and fixtures for the test-suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# The seed guide exactly as it arrived; shared/ sits beside the clone, a copy sits in fixtures.
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "segment-data-engineer.md"
SEED = FIXTURES / "seed" / "segment-data-engineer.md"
SEED_YAML = ROOT / "data" / "guides" / "segment-data-engineer.yaml"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run with `tmp_path` as the working directory, so relative paths in messages are short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
