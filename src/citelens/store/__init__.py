"""The SQLite store (sqlite-utils): the only stage that writes the database."""

from __future__ import annotations

from citelens.store.database import Store, StoredArticle, StoredClaim, StoredReference, raw_key

__all__ = ["Store", "StoredArticle", "StoredClaim", "StoredReference", "raw_key"]
