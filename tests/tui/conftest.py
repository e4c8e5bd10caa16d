"""Fixtures for the TUI tests: the example article checked once (offline, from the committed
cache), then a fresh copy of its database for every test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tui_helpers import EXAMPLE, ROOT, copy_database

from citelens.pipeline import check_article
from citelens.settings import Settings
from citelens.store import Store


@pytest.fixture(scope="session")
def offline_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    cache = tmp_path_factory.mktemp("tui-cache") / "cache"
    shutil.copytree(ROOT / "cache", cache)
    return Settings(cache_dir=cache, offline=True)


@pytest.fixture(scope="session")
def checked_db(tmp_path_factory: pytest.TempPathFactory, offline_settings: Settings) -> Path:
    """The example article, checked once for the whole session."""
    path = tmp_path_factory.mktemp("tui-db") / "checked.db"
    store = Store(path)
    result = check_article(EXAMPLE, store, offline_settings)
    assert result.article_id == 1
    store.db.conn.close()
    return path


@pytest.fixture
def db_path(tmp_path: Path, checked_db: Path) -> Path:
    return copy_database(checked_db, tmp_path / "citelens.db")


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path)


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`e` writes into the working directory: keep it inside the test's folder."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
