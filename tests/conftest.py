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


@pytest.fixture(scope="session")
def standin():
    """The loopback Crossref + E-utilities stand-in, one per test session."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from standin import StandIn

    # this stand-in enforces no rate limit, and its NCBI X-RateLimit-Limit says so (citelens honours
    # the header), so the tests run at the limits they set
    with StandIn(eutils_rate_limit_header=1000) as server:
        yield server


@pytest.fixture
def standin_env(standin, monkeypatch, tmp_path):
    """Point citelens at the stand-in with a fresh cache; reset the fault switches afterwards."""
    monkeypatch.setenv("CITELENS_CROSSREF_URL", standin.crossref_url)
    monkeypatch.setenv("CITELENS_EUTILS_URL", standin.eutils_url)
    monkeypatch.setenv("CITELENS_MAILTO", "tests@example.org")
    monkeypatch.setenv("CITELENS_CROSSREF_RPS", "200")
    monkeypatch.setenv("CITELENS_EUTILS_RPS", "200")
    monkeypatch.setenv("CITELENS_CACHE_DIR", str(tmp_path / "cache"))
    standin.reset_counts()
    yield standin
    standin.fail_429 = 0
    standin.fail_5xx = 0
    standin.malformed = 0
    standin.drop = 0
    standin.drop_mid_body = 0
    standin.stall = 0
    standin.retry_after_date = False
    standin.start_429_storm(0)
    standin.fault_api = None
    standin.malformed_mode = "truncate"
    standin.latency = 0.0
