"""Shared fixtures: paths to the example and test articles, a CLI runner, database paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"
DATA = ROOT / "tests" / "data"


@pytest.fixture
def example_article() -> Path:
    return EXAMPLE


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "citelens.db"
