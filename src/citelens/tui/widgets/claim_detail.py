"""The right pane of the main screen: one claim, its links, and the sources it cites."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from citelens.store import StoredClaim, StoredReference

from ..styling import (
    HEADING_STYLE,
    cited_as,
    claim_status_text,
    highlight_abstract,
    mark_terms,
    reference_status_text,
    reference_title,
    reference_urls,
    verdict_chip,
)
from .scroll_pane import ScrollPane


def _heading(text: str) -> Content:
    return Content.styled(text, HEADING_STYLE)


def _bullets(items: list[str], style: str = "") -> Content:
    return Content("\n").join(Content.styled(f"• {item}", style) for item in items)


def links_content(sc: StoredClaim, refs: dict[int, StoredReference]) -> Content:
    if not sc.links:
        return Content.assemble(_heading("Links"), "\n", Content.styled("no linked reference", "dim"))
    lines = [_heading("Links")]
    for link in sc.links:
        index = link["reference"]
        sr = refs.get(index)
        name = cited_as(sr.reference.parsed) if sr else "?"
        status = sr.resolution.status if sr and sr.resolution else None
        lines.append(Content.assemble(
            Content.styled(f"[{index}] ", "bold"), Content.styled(name, "bold"), "  ", reference_status_text(status),
            Content.styled(f"  score {link.get('score', 0):.2f}", "dim"),
        ))
        lines.append(Content.styled(f"    {link.get('reason', '')}", "italic"))
    return Content("\n").join(lines)


_SOURCE_SAYS_RE = re.compile(r'source says "([^"]+)"')


def reasons_for(notes: list[str], sentence: str) -> list[str]:
    """The automatic notes that quote this evidence sentence ('... source says "lower" (results sentence 4)')."""
    folded = sentence.lower()
    return [n for n in notes if any(q.lower() in folded for q in _SOURCE_SAYS_RE.findall(n))]


def source_content(sc: StoredClaim, sr: StoredReference) -> Content:
    """One linked reference: status, title, the evidence sentences and the highlighted abstract."""
    index = sr.reference.index
    res = sr.resolution
    parts: list[Content] = [Content.assemble(
        Content.styled(f"Source [{index}] ", HEADING_STYLE), Content.styled(cited_as(sr.reference.parsed), "bold"),
        " · ", reference_status_text(res.status if res else None),
    )]
    parts.append(Content(reference_title(sr)))
    work = res.match if res else None
    if work is not None:
        where = " ".join(str(x) for x in (work.container_abbrev or work.container_title, work.year) if x)
        if where:
            parts.append(Content.styled(where, "dim"))
    urls = reference_urls(sr)
    if urls:
        parts.append(Content.styled("  ".join(urls), "dim underline"))
    evidence = [e for e in sc.evidence if e.reference == index]
    terms = sorted({t for e in evidence for t in e.terms})
    if evidence:
        parts.append(Content.styled("Evidence", "bold"))
        for e in evidence:
            parts.append(Content.assemble(Content.styled(f"  {e.score:.2f}  ", "dim"),
                                          Content.styled(f"{e.part}  ", "italic") if e.part else "",
                                          mark_terms(Content(e.sentence), terms)))
            for reason in reasons_for(sc.notes, e.sentence):
                parts.append(Content.assemble("        ", claim_status_text(sc.status) if sc.status in (
                    "contradicted", "partial") else "", Content.styled(f" {reason}", "italic")))
    if work is None:
        parts.append(Content.styled("no record found, so no abstract to compare", "dim italic"))
    elif work.abstract:
        parts.append(Content.styled("Abstract", "bold"))
        parts.append(highlight_abstract(work.abstract, [e.sentence for e in evidence], terms))
    else:
        parts.append(Content.styled("the record has no abstract", "dim italic"))
    return Content("\n").join(parts)


class ClaimDetail(ScrollPane):
    """Scrollable; shows `show(claim, references)`."""

    def compose(self) -> ComposeResult:
        yield Static(id="claim-heading")
        yield Static(id="claim-text")
        yield Static(id="claim-meta")
        yield Static(id="claim-links")
        yield Static(id="claim-notes")
        yield Static(id="claim-sources")

    def show(self, sc: StoredClaim | None, refs: dict[int, StoredReference], article_path: str = "") -> None:
        self.claim_id = sc.claim.id if sc else None
        heading = self.query_one("#claim-heading", Static)
        text = self.query_one("#claim-text", Static)
        meta = self.query_one("#claim-meta", Static)
        links = self.query_one("#claim-links", Static)
        notes = self.query_one("#claim-notes", Static)
        sources = self.query_one("#claim-sources", Static)
        if sc is None:
            empty = "No claim matches the filters." if refs or not article_path else \
                "This file has no claims (a bibliography or a reference list): R shows its references."
            heading.update(Content.styled(empty, "dim italic"))
            for widget in (text, meta, links, notes, sources):
                widget.update("")
            return
        verdict = sc.verdict.verdict if sc.verdict else None
        heading.update(Content.assemble(
            Content.styled("Claim ", HEADING_STYLE), claim_status_text(sc.status), "   reviewer: ",
            verdict_chip(verdict, full=True) if verdict else Content.styled("none (1-5)", "dim"),
        ))
        text.update(Content(sc.claim.text))
        name = Path(article_path).name if article_path else "line"
        kind = "table row" if sc.claim.kind == "table_row" else f"{name}:{sc.claim.line}" if article_path \
            else f"line {sc.claim.line}"
        meta.update(Content.styled(f"{sc.claim.section or '(no section)'} · {kind}", "dim"))
        links.update(links_content(sc, refs))
        note_parts: list[Content] = []
        if sc.notes:
            note_parts += [_heading("Automatic notes"), _bullets(sc.notes)]
        if sc.verdict and sc.verdict.note:
            note_parts += [_heading("Reviewer's note"), Content(sc.verdict.note)]
        notes.update(Content("\n").join(note_parts))
        notes.display = bool(note_parts)
        blocks = [source_content(sc, refs[i]) for i in sc.references if i in refs]
        sources.update(Content("\n\n").join(blocks))
        sources.display = bool(blocks)
        self.scroll_home(animate=False)
