"""Labels, badges and highlighted text shared by the screens.

Colours are theme variables (`$cl-supported`, ... set in `CitelensApp.get_css_variables`), so
the same Content reads well in the dark and the light theme.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from textual.content import Content

from citelens.store import StoredClaim, StoredReference

from ..records import ParsedReference, Verdict, Work

CLAIM_LINES = 2  # the claim list shows each claim on at most this many lines

CLAIM_STATUS_STYLES = {
    "supported": "$cl-supported",
    "partial": "$cl-partial",
    "contradicted": "$cl-contradicted",
    "no_evidence": "$cl-no-evidence",
    "source_problem": "$cl-source-problem",
    "uncited": "dim",
}
CLAIM_BADGES = {
    "supported": "sup ",
    "partial": "part",
    "contradicted": "con!",
    "no_evidence": "none",
    "source_problem": "src!",
    "uncited": "  · ",
}
REFERENCE_STATUS_STYLES = {
    "verified": "$cl-supported",
    "discrepant": "$cl-partial",
    "ambiguous": "$cl-no-evidence",
    "not_found": "$cl-source-problem",
    "retracted": "$cl-source-problem",
    "unresolved": "dim",
    "skipped": "$text-primary",
}
REFERENCE_BADGES = {
    "verified": "ok  ",
    "discrepant": "diff",
    "ambiguous": "ambi",
    "not_found": "miss",
    "retracted": "retr",
    "unresolved": "fail",
    "skipped": "skip",
}
VERDICT_KEYS = {"1": "supported", "2": "partly", "3": "not_supported", "4": "contradicted", "5": "unclear"}
VERDICT_BADGES = {
    "supported": "ok",
    "partly": "partly",
    "not_supported": "not",
    "contradicted": "contra",
    "unclear": "?",
}
VERDICT_STYLES = {
    "supported": "$cl-supported",
    "partly": "$cl-partial",
    "not_supported": "$cl-source-problem",
    "contradicted": "$cl-source-problem",
    "unclear": "$text-primary",
}
EVIDENCE_STYLE = "on $primary-muted"
TERM_STYLE = "bold"
HEADING_STYLE = "bold $text-primary"
DIFF_STYLE = "bold $cl-partial"

_WORD_RE = re.compile(r"[\w'’-]+")


def words(value: str) -> str:
    return value.replace("_", " ")


def claim_status_text(status: str | None) -> Content:
    status = status or "uncited"
    return Content.styled(words(status), f"bold {CLAIM_STATUS_STYLES.get(status, 'dim')}")


def reference_status_text(status: str | None) -> Content:
    if status is None:
        return Content.styled("not checked", "dim")
    return Content.styled(words(status), f"bold {REFERENCE_STATUS_STYLES.get(status, 'dim')}")


def verdict_chip(verdict: str, *, full: bool = False) -> Content:
    """The reviewer's verdict as a coloured chip: ' ok ' (or ' supported ' when `full`)."""
    label = words(verdict) if full else VERDICT_BADGES.get(verdict, "?")
    return Content.styled(f" {label} ", f"bold reverse {VERDICT_STYLES.get(verdict, '$text-primary')}")


def verdict_badge(verdict: Verdict | None) -> Content:
    if verdict is None or verdict.verdict is None:
        return Content("")
    return verdict_chip(verdict.verdict)


def claim_prompt(sc: StoredClaim, width: int = 0, lines: int = CLAIM_LINES) -> Content:
    """The claim list's entry: status badge, reviewer badge, the claim's text, cut with an ellipsis to fit
    `lines` lines of `width` cells (0: not cut)."""
    status = sc.status or "uncited"
    parts: list[Content] = [Content.styled(CLAIM_BADGES.get(status, "  ? "), f"bold {CLAIM_STATUS_STYLES[status]}"),
                            Content(" ")]
    badge = verdict_badge(sc.verdict)
    if badge.plain:
        parts += [badge, Content(" ")]
    text = " ".join(sc.claim.text.split())
    if width > 0:
        text = fit_lines(text, width, lines, sum(p.cell_length for p in parts))
    parts.append(Content(text))
    return Content.assemble(*parts)


def fit_lines(text: str, width: int, lines: int, indent: int = 0) -> str:
    """`text` cut (with an ellipsis) so that, after `indent` cells, it wraps to at most `lines` lines."""
    wrapped = textwrap.wrap("\x00" * indent + text, width=max(width, indent + 8), break_on_hyphens=False)
    if len(wrapped) <= lines:
        return text
    kept = wrapped[:lines]
    kept[-1] = kept[-1][: max(0, width - 1)].rstrip() + "…"
    return " ".join(kept).replace("\x00", "")


def section_prompt(section: str, count: int) -> Content:
    return Content.assemble(Content.styled(section or "(no section)", HEADING_STYLE),
                            Content.styled(f"  {count}", "dim"))


def cited_as(parsed: ParsedReference) -> str:
    """'Chen et al. 2011': how the article names the work."""
    names = [a.family for a in parsed.authors[:2]]
    if not names:
        who = "?"
    elif len(parsed.authors) > 2 or parsed.et_al:
        who = f"{names[0]} et al."
    else:
        who = " & ".join(names)
    return f"{who} {parsed.year or 'n.d.'}"


def reference_prompt(sr: StoredReference) -> Content:
    """One line of the reference list: index, status badge, author and year, title."""
    res = sr.resolution
    status = res.status if res else None
    badge = REFERENCE_BADGES.get(status or "", "----")
    style = f"bold {REFERENCE_STATUS_STYLES.get(status or '', 'dim')}"
    parsed = sr.reference.parsed
    return Content.assemble(
        Content.styled(f"{sr.reference.index:>2} ", "dim"), Content.styled(badge, style), Content(" "),
        Content.styled(parsed.key or cited_as(parsed), "bold"), Content(" "), Content(parsed.title or sr.reference.raw),
    )


def reference_location(sr: StoredReference, article_path: str) -> str:
    """`key chen2011 · refs.bib:12`: the user's key (from a .bib or .ris) and where the entry is."""
    parts = []
    if sr.reference.parsed.key:
        parts.append(f"key {sr.reference.parsed.key}")
    if article_path:
        name = Path(article_path).name
        parts.append(f"{name}:{sr.reference.line}" if sr.reference.line else name)
    return " · ".join(parts)


def reference_title(sr: StoredReference) -> str:
    """The title to show: the real record's when there is one, else the cited one."""
    res = sr.resolution
    if res and res.match and res.match.title:
        return res.match.title
    return sr.reference.parsed.title or sr.reference.raw


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def reference_urls(sr: StoredReference) -> list[str]:
    """DOI and PubMed links of the real record (or of the cited identifiers when unresolved)."""
    res = sr.resolution
    work: Work | None = res.match if res else None
    parsed = sr.reference.parsed
    doi = (work.doi if work else None) or parsed.doi
    pmid = (work.pmid if work else None) or parsed.pmid
    urls = []
    if doi:
        urls.append(doi_url(doi))
    if pmid:
        urls.append(pubmed_url(pmid))
    return urls


def _find(text: str, sentence: str) -> tuple[int, int] | None:
    start = text.find(sentence)
    if start >= 0:
        return start, start + len(sentence)
    tokens = sentence.split()
    if not tokens:
        return None
    match = re.search(r"\s+".join(map(re.escape, tokens)), text)
    return (match.start(), match.end()) if match else None


def usable_terms(terms: list[str]) -> list[str]:
    """Stemmed terms that can mark words: lower case, no internal tokens such as 'gt_gg'."""
    return sorted({t.lower() for t in terms if len(t) >= 2 and "_" not in t})


def mark_terms(content: Content, terms: list[str], style: str = TERM_STYLE) -> Content:
    """Bold every word whose lower-case form starts with one of the (stemmed) terms."""
    stems = tuple(usable_terms(terms))
    if not stems:
        return content
    for match in _WORD_RE.finditer(content.plain):
        if match.group().lower().startswith(stems):
            content = content.stylize(style, match.start(), match.end())
    return content


def highlight_abstract(abstract: str, sentences: list[str], terms: list[str]) -> Content:
    """The abstract with the evidence sentences highlighted and the matched terms in bold."""
    content = Content(abstract)
    for sentence in sentences:
        found = _find(abstract, sentence)
        if found:
            content = content.stylize(EVIDENCE_STYLE, *found)
    return mark_terms(content, terms)
