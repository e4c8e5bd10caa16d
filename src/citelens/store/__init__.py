"""The SQLite store (sqlite-utils): the only stage that writes the database.

Takes and gives records: `save_article(Article)`, `load(id) -> StoredArticle`, `save_resolutions`,
`save_assessments`, `set_verdict`. Split by table group: `database` (connection, schema,
transactions), `articles` (articles, claims, references), `results` (verdicts of references,
works, claim assessments), `verdicts` (the reviewer's own verdicts, which nothing else writes).
"""

from __future__ import annotations

from typing import Any

from citelens.records import StoredArticle, StoredClaim, StoredReference, raw_key
from citelens.store.articles import ArticleTables
from citelens.store.database import SCHEMA_VERSION
from citelens.store.results import ResultColumns
from citelens.store.verdicts import VerdictTable


class Store(ArticleTables, ResultColumns, VerdictTable):
    """All reads and writes of the database go through here."""


def article_ids(store: Store, key: str | int | None = None) -> list[int]:
    return store.article_ids(key)


def article_summaries(store: Store) -> list[dict[str, Any]]:
    return store.summaries()


__all__ = ["SCHEMA_VERSION", "Store", "StoredArticle", "StoredClaim", "StoredReference", "article_ids",
           "article_summaries", "raw_key"]
