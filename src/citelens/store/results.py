"""What the later stages found: reference verdicts with their matched works, claim assessments."""

from __future__ import annotations

from citelens.records import Assessment, Resolution
from citelens.store.database import Database, to_json, utc_now


class ResultColumns(Database):
    """Resolutions (references and works tables) and assessments (claims table)."""

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
                                     "record": to_json(match.to_dict()), "updated_at": utc_now()}, pk="key")
        self.db["references"].update((article_id, index), {
            "status": resolution.status, "confidence": resolution.confidence,
            "match": to_json(match.to_dict()) if match else None,
            "discrepancies": to_json([d.to_dict() for d in resolution.discrepancies]),
            "notes": to_json(resolution.notes), "candidates": to_json(resolution.candidates),
            "checked_at": utc_now(),
        })

    def mark_checked(self, article_id: int) -> None:
        self.db["articles"].update(article_id, {"checked_at": utc_now()})

    def save_assessments(self, article_id: int, assessments: dict[str, Assessment], *,
                         key: str | None = None) -> None:
        """Write each claim's automatic status, links and evidence (never the reviewer's verdict), and `key`
        (what they were computed from: see `ArticleTables.assessed_key`), in one transaction."""
        with self._transaction():
            self.db["articles"].update(article_id, {"assessed_key": key})
            for claim_id, a in assessments.items():
                self.db["claims"].update((article_id, claim_id), {
                    "status": a.status, "links": to_json(a.links), "notes": to_json(a.notes),
                    "evidence": to_json([e.to_dict() for e in a.evidence]),
                }, alter=True)
