"""Reviewer verdicts: their own table, written only here, never by an ingest or a re-check."""

from __future__ import annotations

from citelens.errors import InputError
from citelens.records import REVIEWER_VERDICTS, Verdict
from citelens.store.database import Database, utc_now


class VerdictTable(Database):
    """The verdicts table."""

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
                "note": note if note is not None else current["note"], "updated_at": utc_now(),
            }
            self.db["verdicts"].upsert(record, pk=("article_id", "claim_id"))
        return Verdict(record["verdict"], record["note"] or "", record["updated_at"])

