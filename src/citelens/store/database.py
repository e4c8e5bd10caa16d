"""The SQLite store (sqlite-utils): articles, claims, references, works, reviewer verdicts.

Re-ingesting an article updates it in place: the article keeps its id, claims keep their
content-derived ids, references keep their index. Reviewer verdicts live in their own
table, which only `set_verdict` writes: no ingest or re-check touches them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from citelens.errors import InputError, StoreError
from citelens.records import (
    REVIEWER_VERDICTS,
    Article,
    Assessment,
    Claim,
    Cue,
    Discrepancy,
    Evidence,
    ParsedReference,
    Reference,
    Resolution,
    Verdict,
    Work,
)

SCHEMA_VERSION = 1


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def raw_key(raw: str) -> str:
    """A key for a reference string that ignores spacing and case: identical references share it."""
    return hashlib.sha1(" ".join(raw.lower().split()).encode("utf-8")).hexdigest()


@dataclass
class StoredReference:
    reference: Reference
    resolution: Resolution | None = None


@dataclass
class StoredClaim:
    claim: Claim
    references: list[int] = field(default_factory=list)
    status: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verdict: Verdict | None = None


@dataclass
class StoredArticle:
    id: int
    path: str
    title: str
    sha256: str
    ingested_at: str
    checked_at: str | None
    claims: list[StoredClaim]
    references: list[StoredReference]


class Store:
    """All reads and writes of the database go through here."""

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
                return
            with self._transaction():  # two first runs at once: one creates, the other waits
                self._create_tables()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the database is not usable: {exc}") from None

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

    # --- articles -----------------------------------------------------------------------

    def save_article(self, article: Article) -> int:
        """Insert or update an article with its claims and references; return its id."""
        path = str(Path(article.path).resolve()) if not article.path.startswith("<") else article.path
        with self._transaction():
            rows = list(self.db.query("select id from articles where path = ?", [path]))
            if not rows:
                rows = list(self.db.query(
                    "select id from articles where sha256 = ? order by id limit 1", [article.sha256]
                ))
            values = {"path": path, "title": article.title, "sha256": article.sha256, "ingested_at": _now()}
            if rows:
                article_id = rows[0]["id"]
                self.db["articles"].update(article_id, values)
            else:
                article_id = self.db["articles"].insert({**values, "checked_at": None}).last_pk
            self._save_claims(article_id, article.claims)
            self._save_references(article_id, article.references)
        return int(article_id)

    def _save_claims(self, article_id: int, claims: list[Claim]) -> None:
        existing = {r["id"] for r in self.db.query("select id from claims where article_id = ?", [article_id])}
        rows = []
        for c in claims:
            rows.append({
                "article_id": article_id, "id": c.id, "position": c.position, "section": c.section,
                "text": c.text, "kind": c.kind, "table_headers": _json(c.table_headers), "cells": _json(c.cells),
                "cues": _json([cue.to_dict() for cue in c.cues]), "line": c.line,
            })
        # upsert keeps the assessment columns of claims that are still there
        self.db["claims"].upsert_all(rows, pk=("article_id", "id"), alter=True)
        gone = existing - {c.id for c in claims}
        for claim_id in gone:
            self.db.execute("delete from claims where article_id = ? and id = ?", [article_id, claim_id])

    def _save_references(self, article_id: int, references: list[Reference]) -> None:
        old = {r["ref_index"]: r["raw_key"] for r in self.db.query(
            "select ref_index, raw_key from [references] where article_id = ?", [article_id])}
        for ref in references:
            key = raw_key(ref.raw)
            row: dict[str, Any] = {
                "article_id": article_id, "ref_index": ref.index, "raw": ref.raw, "raw_key": key,
                "line": ref.line, "parsed": _json(ref.parsed.to_dict()), "style": ref.parsed.style,
            }
            if old.get(ref.index) != key:  # a changed reference loses its old verdict
                row.update({"status": None, "confidence": None, "match": None, "discrepancies": None,
                            "notes": None, "candidates": None, "checked_at": None})
            self.db["references"].upsert(row, pk=("article_id", "ref_index"), alter=True)
        self.db.execute("delete from [references] where article_id = ? and ref_index > ?",
                        [article_id, len(references)])

    def list_articles(self) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select a.id, a.path, a.title, a.ingested_at, a.checked_at, "
            "(select count(*) from claims c where c.article_id = a.id) as claims, "
            "(select count(*) from [references] r where r.article_id = a.id) as refs "
            "from articles a order by a.id"
        ))

    def find_article(self, key: str | int | None = None) -> int:
        """An article id from an id, a path, or None (the only or the latest article)."""
        if key is None:
            rows = list(self.db.query("select id from articles order by ingested_at desc, id desc limit 1"))
            if not rows:
                raise InputError("the database holds no article yet: run 'citelens ingest ARTICLE' first")
            return int(rows[0]["id"])
        text = str(key)
        if text.isdigit():
            rows = list(self.db.query("select id from articles where id = ?", [int(text)]))
        else:
            rows = list(self.db.query("select id from articles where path = ?", [str(Path(text).resolve())]))
        if not rows:
            raise InputError(f"no article {text!r} in the database")
        return int(rows[0]["id"])

    def load(self, article_id: int) -> StoredArticle:
        row = self.db["articles"].get(article_id)
        verdicts = {v["claim_id"]: Verdict(v["verdict"], v["note"] or "", v["updated_at"] or "")
                    for v in self.db.query("select * from verdicts where article_id = ?", [article_id])}
        claims = [self._claim_from_row(r, verdicts.get(r["id"])) for r in self.db.query(
            "select * from claims where article_id = ? order by position", [article_id])]
        refs = [self._reference_from_row(r) for r in self.db.query(
            "select * from [references] where article_id = ? order by ref_index", [article_id])]
        return StoredArticle(
            id=article_id, path=row["path"], title=row["title"], sha256=row["sha256"],
            ingested_at=row["ingested_at"], checked_at=row["checked_at"], claims=claims, references=refs,
        )

    @staticmethod
    def _claim_from_row(r: dict[str, Any], verdict: Verdict | None) -> StoredClaim:
        claim = Claim(
            id=r["id"], position=r["position"], section=r["section"], text=r["text"], kind=r["kind"],
            table_headers=json.loads(r["table_headers"] or "[]"), cells=json.loads(r["cells"] or "[]"),
            cues=[Cue(**c) for c in json.loads(r["cues"] or "[]")], line=r["line"] or 0,
        )
        links = json.loads(r.get("links") or "[]")
        evidence = [Evidence(**e) for e in json.loads(r.get("evidence") or "[]")]
        return StoredClaim(claim=claim, references=sorted({link["reference"] for link in links}),
                           status=r.get("status"), evidence=evidence, links=links,
                           notes=json.loads(r.get("notes") or "[]"), verdict=verdict)

    @staticmethod
    def _reference_from_row(r: dict[str, Any]) -> StoredReference:
        parsed = ParsedReference.from_dict(json.loads(r["parsed"]))
        ref = Reference(index=r["ref_index"], raw=r["raw"], parsed=parsed, line=r["line"] or 0)
        resolution = None
        if r.get("status"):
            match = json.loads(r["match"]) if r.get("match") else None
            resolution = Resolution(
                status=r["status"], confidence=r["confidence"] or 0.0,
                match=Work.from_dict(match) if match else None,
                discrepancies=[Discrepancy(**d) for d in json.loads(r["discrepancies"] or "[]")],
                notes=json.loads(r["notes"] or "[]"), candidates=json.loads(r["candidates"] or "[]"),
            )
        return StoredReference(reference=ref, resolution=resolution)

    # --- verdicts -----------------------------------------------------------------------

    def set_verdict(self, article_id: int, claim_id: str, verdict: str | None, note: str | None = None) -> Verdict:
        """Record a reviewer's verdict (and/or note) on a claim, at once and durably."""
        if verdict is not None and verdict not in REVIEWER_VERDICTS:
            raise InputError(f"unknown verdict {verdict!r}: use one of {', '.join(REVIEWER_VERDICTS)}")
        with self._transaction():
            exists = list(self.db.query("select 1 from claims where article_id = ? and id = ?",
                                        [article_id, claim_id]))
            if not exists:
                raise InputError(f"no claim {claim_id!r} in article {article_id}")
            rows = list(self.db.query("select * from verdicts where article_id = ? and claim_id = ?",
                                      [article_id, claim_id]))
            current = rows[0] if rows else {"verdict": None, "note": ""}
            record = {
                "article_id": article_id, "claim_id": claim_id,
                "verdict": verdict if verdict is not None else current["verdict"],
                "note": note if note is not None else current["note"], "updated_at": _now(),
            }
            self.db["verdicts"].upsert(record, pk=("article_id", "claim_id"))
        return Verdict(record["verdict"], record["note"] or "", record["updated_at"])

    # --- works (resolved records) --------------------------------------------------------

    def save_resolution(self, article_id: int, index: int, resolution: Resolution) -> None:
        self.save_resolutions([(article_id, index, resolution)])

    def save_resolutions(self, items: list[tuple[int, int, Resolution]]) -> None:
        """Write many verdicts in one transaction (all or none)."""
        with self._transaction():
            for article_id, index, resolution in items:
                self._write_resolution(article_id, index, resolution)

    def _write_resolution(self, article_id: int, index: int, resolution: Resolution) -> None:
        match = resolution.match
        if match is not None:
            key = f"doi:{match.doi}" if match.doi else f"pmid:{match.pmid}"
            self.db["works"].upsert({"key": key, "doi": match.doi, "pmid": match.pmid,
                                     "record": _json(match.to_dict()), "updated_at": _now()}, pk="key")
        self.db["references"].update((article_id, index), {
            "status": resolution.status, "confidence": resolution.confidence,
            "match": _json(match.to_dict()) if match else None,
            "discrepancies": _json([d.to_dict() for d in resolution.discrepancies]),
            "notes": _json(resolution.notes), "candidates": _json(resolution.candidates),
            "checked_at": _now(),
        })

    def mark_checked(self, article_id: int) -> None:
        self.db["articles"].update(article_id, {"checked_at": _now()})

    def save_assessments(self, article_id: int, assessments: dict[str, Assessment]) -> None:
        """Write each claim's automatic status, links and evidence (never the reviewer's verdict)."""
        with self._transaction():
            for claim_id, a in assessments.items():
                self.db["claims"].update((article_id, claim_id), {
                    "status": a.status, "links": _json(a.links), "notes": _json(a.notes),
                    "evidence": _json([e.to_dict() for e in a.evidence]),
                }, alter=True)
