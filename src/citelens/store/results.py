"""What the later stages found: reference verdicts with their matched works, claim assessments."""

from __future__ import annotations

from typing import Any

from citelens.records import Assessment, Resolution
from citelens.store.database import Database, to_json, utc_now


class ResultColumns(Database):
    """Resolutions (references and works tables) and assessments (claims table)."""

    def save_resolution(self, article_id: int, index: int, resolution: Resolution) -> None:
        self.save_resolutions([(article_id, index, resolution)])

    def save_resolutions(self, items: list[tuple[int, int, Resolution]]) -> None:
        """Write many verdicts in one transaction (all or none)."""
        now = utc_now()
        works: dict[str, tuple[Any, ...]] = {}
        rows = []
        for article_id, index, resolution in items:
            match = resolution.match
            record = to_json(match.to_dict()) if match is not None else None
            if match is not None:
                key = f"doi:{match.doi}" if match.doi else f"pmid:{match.pmid}"
                works[key] = (key, match.doi, match.pmid, record, now)
            rows.append((resolution.status, resolution.confidence, record,
                         to_json([d.to_dict() for d in resolution.discrepancies]), to_json(resolution.notes),
                         to_json(resolution.candidates), now, article_id, index))
        with self._transaction():
            conn = self.db.conn
            conn.executemany("insert into works (key, doi, pmid, record, updated_at) values (?, ?, ?, ?, ?) "
                             "on conflict(key) do update set doi = excluded.doi, pmid = excluded.pmid, "
                             "record = excluded.record, updated_at = excluded.updated_at", list(works.values()))
            conn.executemany("update [references] set status = ?, confidence = ?, match = ?, discrepancies = ?, "
                             "notes = ?, candidates = ?, checked_at = ? where article_id = ? and ref_index = ?", rows)

    def mark_checked(self, article_id: int) -> None:
        self.db["articles"].update(article_id, {"checked_at": utc_now()})

    def save_assessments(self, article_id: int, assessments: dict[str, Assessment], *,
                         key: str | None = None) -> None:
        """Write each claim's automatic status, links and evidence (never the reviewer's verdict), and `key`
        (what they were computed from: see `ArticleTables.assessed_key`), in one transaction."""
        with self._transaction():
            self.db["articles"].update(article_id, {"assessed_key": key})
            self.db.conn.executemany(
                "update claims set status = ?, links = ?, notes = ?, evidence = ? where article_id = ? and id = ?",
                [(a.status, to_json(a.links), to_json(a.notes), to_json([e.to_dict() for e in a.evidence]),
                  article_id, claim_id) for claim_id, a in assessments.items()])
