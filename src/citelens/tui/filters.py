"""Which claims the list shows: status, section, reference and free-text search."""

from __future__ import annotations

from dataclasses import dataclass, replace

from citelens.store import StoredClaim

from ..records import CLAIM_STATUSES

STATUS_CYCLE: tuple[str | None, ...] = (None, *CLAIM_STATUSES)


@dataclass(frozen=True)
class ClaimFilter:
    status: str | None = None
    section: str | None = None
    reference: int | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.status or self.section or self.reference is not None or self.text.strip())

    def matches(self, sc: StoredClaim) -> bool:
        if self.status and sc.status != self.status:
            return False
        if self.section and sc.claim.section != self.section:
            return False
        if self.reference is not None and self.reference not in sc.references:
            return False
        words = self.text.casefold().split()
        if words:
            haystack = f"{sc.claim.text} {sc.claim.section}".casefold()
            if sc.verdict and sc.verdict.note:
                haystack += " " + sc.verdict.note.casefold()
            if not all(word in haystack for word in words):
                return False
        return True

    def next_status(self) -> ClaimFilter:
        """The same filter with the next claim status (all, supported, partial, ..., all)."""
        position = STATUS_CYCLE.index(self.status) if self.status in STATUS_CYCLE else 0
        return replace(self, status=STATUS_CYCLE[(position + 1) % len(STATUS_CYCLE)])

    def with_text(self, text: str) -> ClaimFilter:
        return replace(self, text=text)

    def describe(self) -> str:
        """A short summary for the pane's border: 'status partial · ref 1 · "cortisol"'."""
        parts = []
        if self.status:
            parts.append(self.status.replace("_", " "))
        if self.section:
            parts.append(self.section if len(self.section) <= 24 else self.section[:23] + "…")
        if self.reference is not None:
            parts.append(f"ref {self.reference}")
        if self.text.strip():
            parts.append(f'"{self.text.strip()}"')
        return " · ".join(parts) if parts else "all"
