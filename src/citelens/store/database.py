"""The database: connection (WAL, locks, busy timeout), schema and transactions.

Re-ingesting an article updates it in place: the article keeps its id, claims keep their
content-derived ids, references keep their index. Reviewer verdicts live in their own
table, which only `set_verdict` writes: no ingest or re-check touches them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from citelens.errors import InputError, StoreError

SCHEMA_VERSION = 1
ARTICLE_EXTRA_COLUMNS = (
    "read_key",  # fingerprint of the code that read the stored claims and references (None: re-read)
    "read_info",  # JSON: what reading the input gave besides them (kind, warnings, sections)
    "assessed_key",  # fingerprint of the claims, the verdicts and the code behind the stored assessments
)


def _set_wal(conn: sqlite3.Connection, attempts: int = 50) -> None:
    """Switch to WAL; another process doing the same at that moment makes SQLite answer 'locked' at once."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Database:
    """The connection, the schema and transactions; the tables are read and written by the mixins."""

    def __init__(self, path: str | Path | None = None, *, db: sqlite_utils.Database | None = None) -> None:
        if db is None:
            if path is None:
                raise ValueError("Store needs a path or a Database")
            p = Path(path)
            if p.exists() and p.is_dir():
                raise InputError(f"{path}: is a directory, not a database file")
            # The file is never opened with open(): closing another descriptor of a database file
            # drops this process's SQLite locks on it, which can corrupt it (sqlite.org/howtocorrupt.html).
            try:
                conn = sqlite3.connect(str(p), timeout=30, isolation_level=None)
            except sqlite3.Error as exc:
                raise StoreError(f"{path}: cannot open the database: {exc}") from None
            try:
                conn.execute("PRAGMA schema_version").fetchone()  # reads the header, writes nothing
            except sqlite3.DatabaseError:
                conn.close()
                raise InputError(f"{path}: not a citelens database (not an SQLite file)") from None
            try:
                db = sqlite_utils.Database(conn)
                _set_wal(conn)
                db.execute("PRAGMA busy_timeout=30000")
                db.execute("PRAGMA synchronous=NORMAL")  # WAL: consistent after any crash, fewer fsyncs
            except sqlite3.Error as exc:
                raise StoreError(f"{path}: cannot open the database: {exc}") from None
        self.db = db
        self._ensure_schema()

    # --- schema -------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        db = self.db
        try:
            if {"articles", "claims", "references", "works", "verdicts", "meta"} <= set(db.table_names()):
                self._add_columns()
                return
            with self._transaction():  # two first runs at once: one creates, the other waits
                self._create_tables()
            self._add_columns()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the database is not usable: {exc}") from None

    def _add_columns(self) -> None:
        """Columns added after schema version 1 (nullable, so older databases read as before)."""
        have = {c.name for c in self.db["articles"].columns}
        missing = [c for c in ARTICLE_EXTRA_COLUMNS if c not in have]
        if not missing:
            return
        try:
            with self._transaction():
                have = {c.name for c in self.db["articles"].columns}  # another process may have added them
                for column in missing:
                    if column not in have:
                        self.db.execute(f"alter table articles add column [{column}] text")
        except (StoreError, sqlite3.OperationalError):
            pass  # a read-only database: it is read as before, and nothing is reused from it

    def _create_tables(self) -> None:
        db = self.db
        if "articles" not in db.table_names():
            db["articles"].create(
                {"id": int, "path": str, "title": str, "sha256": str, "ingested_at": str, "checked_at": str},
                pk="id",
            )
            db["articles"].create_index(["path"], unique=True)
        if "claims" not in db.table_names():
            db["claims"].create(
                {"article_id": int, "id": str, "position": int, "section": str, "text": str, "kind": str,
                 "table_headers": str, "cells": str, "cues": str, "line": int,
                 "status": str, "links": str, "evidence": str, "notes": str},
                pk=("article_id", "id"), foreign_keys=[("article_id", "articles", "id")],
            )
        if "references" not in db.table_names():
            db["references"].create(
                {"article_id": int, "ref_index": int, "raw": str, "raw_key": str, "line": int,
                 "parsed": str, "style": str, "status": str, "confidence": float, "match": str,
                 "discrepancies": str, "notes": str, "candidates": str, "checked_at": str},
                pk=("article_id", "ref_index"), foreign_keys=[("article_id", "articles", "id")],
            )
            db["references"].create_index(["raw_key"])
        if "works" not in db.table_names():
            db["works"].create(
                {"key": str, "doi": str, "pmid": str, "record": str, "updated_at": str}, pk="key"
            )
        if "verdicts" not in db.table_names():
            db["verdicts"].create(
                {"article_id": int, "claim_id": str, "verdict": str, "note": str, "updated_at": str},
                pk=("article_id", "claim_id"),
            )
        if "meta" not in db.table_names():
            db["meta"].insert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the database is busy or read-only: {exc}") from None
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
