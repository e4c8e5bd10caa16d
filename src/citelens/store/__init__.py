"""The SQLite store (sqlite-utils): the only stage that writes the database.

Takes and gives records: `save_article(Article)`, `load(id) -> StoredArticle`, `save_resolutions`,
`save_assessments`, `set_verdict`. Split by table group: `database` (connection, schema,
transactions), `articles` (articles, claims, references), `results` (verdicts of references,
works, claim assessments), `verdicts` (the reviewer's own verdicts, which nothing else writes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citelens.records import StoredArticle, StoredClaim, StoredReference, raw_key
from citelens.store.articles import ArticleTables
from citelens.store.database import SCHEMA_VERSION
from citelens.store.results import ResultColumns
from citelens.store.verdicts import VerdictTable


class Store(ArticleTables, ResultColumns, VerdictTable):
    """All reads and writes of the database go through here."""


class StoreOpener:
    """Opens the database at `path` when called (so that unusable inputs leave no file behind);
    `existing()` opens it at once if the file is already there (to reuse what it holds), else None."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._store: Store | None = None

    def __call__(self) -> Store:
        if self._store is None:
            self._store = Store(self.path)
        return self._store

    def existing(self) -> Store | None:
        return self() if self._store is not None or self.path.is_file() else None


def article_ids(store: Store, key: str | int | None = None) -> list[int]:
    return store.article_ids(key)


def article_summaries(store: Store) -> list[dict[str, Any]]:
    return store.summaries()


__all__ = ["SCHEMA_VERSION", "Store", "StoreOpener", "StoredArticle", "StoredClaim", "StoredReference", "article_ids",
           "article_summaries", "raw_key"]
