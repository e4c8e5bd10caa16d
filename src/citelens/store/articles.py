"""Articles with their claims and references: saved in place on re-ingest, loaded as stored records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citelens.errors import InputError
from citelens.records import (
    Article,
    Claim,
    Cue,
    Discrepancy,
    Evidence,
    ParsedReference,
    Reference,
    Resolution,
    StoredArticle,
    StoredClaim,
    StoredReference,
    Verdict,
    Work,
    raw_key,
)
from citelens.store.database import Database, to_json, utc_now


class ArticleTables(Database):
    """The articles, claims and references tables."""

    def save_article(self, article: Article) -> int:
        """Insert or update an article with its claims and references; return its id."""
        path = str(Path(article.path).resolve()) if not article.path.startswith("<") else article.path
        with self._transaction():
            rows = list(self.db.query("select id from articles where path = ?", [path]))
            if not rows:
                rows = list(self.db.query(
                    "select id from articles where sha256 = ? order by id limit 1", [article.sha256]
                ))
            values = {"path": path, "title": article.title, "sha256": article.sha256, "ingested_at": utc_now()}
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
                "text": c.text, "kind": c.kind, "table_headers": to_json(c.table_headers), "cells": to_json(c.cells),
                "cues": to_json([cue.to_dict() for cue in c.cues]), "line": c.line,
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
                "line": ref.line, "parsed": to_json(ref.parsed.to_dict()), "style": ref.parsed.style,
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

    def summaries(self) -> list[dict[str, Any]]:
        """One row per article: id, path, title, when ingested and checked, counts by status."""
        refs: dict[int, dict[str, int]] = {}
        for r in self.db.query("select article_id, coalesce(status, 'unchecked') as s, count(*) as n "
                               "from [references] group by article_id, s order by article_id, s"):
            refs.setdefault(r["article_id"], {})[r["s"]] = r["n"]
        claims: dict[int, dict[str, int]] = {}
        for r in self.db.query("select article_id, coalesce(status, 'unchecked') as s, count(*) as n "
                               "from claims group by article_id, s order by article_id, s"):
            claims.setdefault(r["article_id"], {})[r["s"]] = r["n"]
        return [{"id": a["id"], "path": a["path"], "title": a["title"], "ingested_at": a["ingested_at"],
                 "checked_at": a["checked_at"], "references": refs.get(a["id"], {}),
                 "claims": claims.get(a["id"], {})} for a in self.list_articles()]

    def article_ids(self, key: str | int | None = None) -> list[int]:
        """`find_article`, except that 'all' gives every article (an error when there is none)."""
        if key == "all":
            ids = [int(a["id"]) for a in self.list_articles()]
            if not ids:
                raise InputError("the database holds no article yet: run 'citelens check ARTICLE' first")
            return ids
        return [self.find_article(key)]

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

