"""What the UI shows and changes: one article as the store holds it, and the reviewer's edits.

Plain Python (no Textual), so the screens stay thin and this is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from citelens.store import Store, StoredArticle, StoredClaim, StoredReference

from ..records import REVIEWER_VERDICTS, Verdict


@dataclass
class Session:
    """An article loaded from the store; verdicts and notes go straight back to it."""

    store: Store
    article_id: int
    article: StoredArticle

    @classmethod
    def open(cls, store: Store, article_id: int | None) -> Session:
        """The article `article_id`, or the latest one when it is None."""
        resolved = store.find_article(article_id)
        return cls(store, resolved, store.load(resolved))

    def reload(self) -> None:
        self.article = self.store.load(self.article_id)

    @property
    def claims(self) -> list[StoredClaim]:
        return self.article.claims

    @property
    def references(self) -> list[StoredReference]:
        return self.article.references

    def claim(self, claim_id: str) -> StoredClaim | None:
        return next((c for c in self.article.claims if c.claim.id == claim_id), None)

    def reference(self, index: int) -> StoredReference | None:
        return next((r for r in self.article.references if r.reference.index == index), None)

    def sections(self) -> list[str]:
        """Section names in the order the article has them."""
        return list(dict.fromkeys(c.claim.section for c in self.article.claims))

    def citing(self, index: int) -> list[StoredClaim]:
        """The claims linked to reference `index`."""
        return [c for c in self.article.claims if index in c.references]

    def set_verdict(self, claim_id: str, verdict: str) -> Verdict:
        """Record the reviewer's verdict (one of REVIEWER_VERDICTS) at once; keep the note."""
        if verdict not in REVIEWER_VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        return self._write(claim_id, verdict, None)

    def set_note(self, claim_id: str, note: str) -> Verdict:
        """Record the reviewer's note at once; keep the verdict."""
        return self._write(claim_id, None, note)

    def _write(self, claim_id: str, verdict: str | None, note: str | None) -> Verdict:
        saved = self.store.set_verdict(self.article_id, claim_id, verdict, note)
        claim = self.claim(claim_id)
        if claim is not None:
            claim.verdict = saved
        return saved
