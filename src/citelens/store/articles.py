"""Articles with their claims and references: saved in place on re-ingest, loaded as stored records."""

from __future__ import annotations

import hashlib
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


def _stored_path(path: str) -> str:
    return str(Path(path).resolve()) if not path.startswith("<") else path


_CHECKED = "status is not null and status != 'unresolved'"  # a reference with a verdict


class ArticleTables(Database):
    """The articles, claims and references tables."""

    def save_article(self, article: Article, *, read_key: str | None = None,
                     read_info: dict[str, Any] | None = None) -> int:
        """Insert or update an article with its claims and references; return its id.

        `read_key` names the code that read it (see `stored_input`), `read_info` what else reading gave.
        """
        path = _stored_path(article.path)
        with self._transaction():
            rows = list(self.db.query("select id from articles where path = ?", [path]))
            if not rows:
                rows = list(self.db.query(
                    "select id from articles where sha256 = ? order by id limit 1", [article.sha256]
                ))
            values = {"path": path, "title": article.title, "sha256": article.sha256, "ingested_at": utc_now(),
                      "read_key": read_key, "read_info": to_json(read_info) if read_info is not None else None}
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
        same: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for ref in references:
            key = raw_key(ref.raw)
            row: dict[str, Any] = {
                "article_id": article_id, "ref_index": ref.index, "raw": ref.raw, "raw_key": key,
                "line": ref.line, "parsed": to_json(ref.parsed.to_dict()), "style": ref.parsed.style,
            }
            if old.get(ref.index) != key:  # a changed reference loses its old verdict
                row.update({"status": None, "confidence": None, "match": None, "discrepancies": None,
                            "notes": None, "candidates": None, "checked_at": None})
                changed.append(row)
            else:
                same.append(row)
        # two bulk upserts, each of rows with the same columns (an unchanged reference keeps its verdict)
        for rows in (same, changed):
            if rows:
                self.db["references"].upsert_all(rows, pk=("article_id", "ref_index"), alter=True)
        self.db.execute("delete from [references] where article_id = ? and ref_index > ?",
                        [article_id, len(references)])

    def stored_input(self, path: str, sha256: str, read_key: str) -> tuple[int, Article, dict[str, Any]] | None:
        """The article stored for the file `path` if it was read from the same bytes (`sha256`) by the same
        code (`read_key`): its id, the `Article` as reading would give it again, and its `read_info`.
        None when it must be read again. Marks it ingested now."""
        rows = list(self.db.query("select * from articles where path = ? and sha256 = ?", [_stored_path(path), sha256]))
        if not rows or rows[0].get("read_key") != read_key or not rows[0].get("read_info"):
            return None
        row = rows[0]
        info = json.loads(row["read_info"])
        claims = [self._claim_from_row(r, None).claim for r in self.db.query(
            "select * from claims where article_id = ? order by position", [row["id"]])]
        refs = [Reference(index=r["ref_index"], raw=r["raw"], parsed=ParsedReference.from_dict(json.loads(r["parsed"])),
                          line=r["line"] or 0)
                for r in self.db.query("select ref_index, raw, parsed, line from [references] where article_id = ? "
                                       "order by ref_index", [row["id"]])]
        article = Article(path=path, title=row["title"], sha256=sha256, claims=claims, references=refs,
                          sections=list(info.get("sections", [])))
        with self._transaction():
            self.db["articles"].update(row["id"], {"ingested_at": utc_now()})
        return int(row["id"]), article, info

    def assessment_inputs(self, article_id: int) -> str:
        """A digest of everything the claim assessments of an article are computed from in the database:
        its claims, and its references with their verdicts and matched works."""
        digest = hashlib.sha256()
        for row in self.db.conn.execute(
                "select id, position, section, text, kind, table_headers, cells, cues from claims "
                "where article_id = ? order by position, id", [article_id]):
            digest.update(to_json(list(row)).encode())
        digest.update(b"\x00references\x00")
        for row in self.db.conn.execute(
                "select ref_index, raw, parsed, status, confidence, match, discrepancies, notes, candidates "
                "from [references] where article_id = ? order by ref_index", [article_id]):
            digest.update(to_json(list(row)).encode())
        return digest.hexdigest()

    def assessed_key(self, article_id: int) -> str | None:
        """The key stored with the article's claim assessments (`save_assessments`), if all claims have one."""
        rows = list(self.db.query("select assessed_key from articles where id = ?", [article_id]))
        if not rows or not rows[0].get("assessed_key"):
            return None
        unassessed = self.db.conn.execute("select count(*) from claims where article_id = ? and status is null",
                                          [article_id]).fetchone()[0]
        return None if unassessed else str(rows[0]["assessed_key"])

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

    def load_references(self, article_id: int) -> list[StoredReference]:
        """The article's references with their verdicts (what `load` gives, without the claims)."""
        return [self._reference_from_row(r) for r in self.db.query(
            "select * from [references] where article_id = ? order by ref_index", [article_id])]

    def checked_raw_keys(self) -> set[str]:
        """The normalised strings of every stored reference that has a verdict (not `unresolved`)."""
        return {row["raw_key"] for row in self.db.query(f"select distinct raw_key from [references] where {_CHECKED}")}

    def resolution_of(self, key: str) -> Resolution | None:
        """The verdict (not `unresolved`) of some stored reference whose normalised string is `key`."""
        rows = list(self.db.query(f"select * from [references] where raw_key = ? and {_CHECKED} limit 1", [key]))
        return self._reference_from_row(rows[0]).resolution if rows else None

    def load(self, article_id: int, *, candidates: bool = True) -> StoredArticle:
        """The article with its claims and references as stored; without the references' other
        candidates when `candidates` is false (the report does not show them, the TUI does: they are
        the larger part of a 10,000-reference article in memory)."""
        row = self.db["articles"].get(article_id)
        verdicts = {v["claim_id"]: Verdict(v["verdict"], v["note"] or "", v["updated_at"] or "")
                    for v in self.db.query("select * from verdicts where article_id = ?", [article_id])}
        claims = [self._claim_from_row(r, verdicts.get(r["id"])) for r in self.db.query(
            "select * from claims where article_id = ? order by position", [article_id])]
        columns = "*" if candidates else ", ".join(f"[{c.name}]" for c in self.db["references"].columns
                                                   if c.name != "candidates")
        refs = [self._reference_from_row(r) for r in self.db.query(
            f"select {columns} from [references] where article_id = ? order by ref_index", [article_id])]
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
                notes=json.loads(r["notes"] or "[]"), candidates=json.loads(r.get("candidates") or "[]"),
            )
        return StoredReference(reference=ref, resolution=resolution)

