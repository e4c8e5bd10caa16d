"""The right pane of the references screen: cited fields beside the real record, and why."""

from __future__ import annotations

import re
from typing import Any

from rich import box
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from citelens.store import StoredReference

from ...records import Author, ParsedReference, Work
from ..styling import DIFF_STYLE, HEADING_STYLE, cited_as, reference_location, reference_status_text, reference_urls
from .scroll_pane import ScrollPane

# row label, discrepancy fields that mark the row, cited value, record value
FIELD_ROWS: tuple[tuple[str, frozenset[str]], ...] = (
    ("authors", frozenset({"first_author", "authors"})),
    ("title", frozenset({"title"})),
    ("journal", frozenset({"container_title"})),
    ("year", frozenset({"year"})),
    ("volume", frozenset({"volume"})),
    ("issue", frozenset({"issue"})),
    ("pages", frozenset({"pages"})),
    ("DOI", frozenset({"doi"})),
    ("PMID", frozenset({"pmid"})),
)


def _initials(given: str) -> str:
    parts = given.replace(".", " ").replace("-", " ").split()
    return " ".join(f"{p[0]}." for p in parts if p)


def format_authors(authors: list[Author], et_al: bool = False, limit: int = 3) -> str:
    names = [f"{a.family} {_initials(a.given)}".strip() for a in authors[:limit]]
    text = ", ".join(names)
    if len(authors) > limit:
        text += f" … ({len(authors)} authors)"
    elif et_al:
        text += " et al."
    return text


def cited_values(p: ParsedReference) -> dict[str, str]:
    return {"authors": format_authors(p.authors, p.et_al), "title": p.title or "", "journal": p.container_title or "",
            "year": str(p.year or ""), "volume": p.volume or "", "issue": p.issue or "", "pages": p.pages or "",
            "DOI": p.doi or "", "PMID": p.pmid or ""}


def record_values(w: Work) -> dict[str, str]:
    journal = w.container_title or ""
    if w.container_abbrev and w.container_abbrev != journal:
        journal = f"{journal} ({w.container_abbrev})" if journal else w.container_abbrev
    year = str(w.year or "")
    if w.other_years:
        year += " (also " + ", ".join(str(y) for y in w.other_years) + ")"
    return {"authors": format_authors(w.authors), "title": w.title or "", "journal": journal, "year": year,
            "volume": w.volume or "", "issue": w.issue or "", "pages": w.pages or "", "DOI": w.doi or "",
            "PMID": w.pmid or ""}


def _fold(value: str) -> str:
    return re.sub(r"[\W_]+", " ", value.casefold()).strip()


def differing_rows(sr: StoredReference) -> set[str]:
    """The field rows that the resolution reports as discrepant."""
    fields = {d.field for d in sr.resolution.discrepancies} if sr.resolution else set()
    return {label for label, keys in FIELD_ROWS if keys & fields}


def fields_table(sr: StoredReference, colours: dict[str, str]) -> Table:
    """Cited fields beside the record's; discrepant rows marked and coloured."""
    warn = Style(color=colours.get("text-warning"), bold=True)
    bad = Style(color=colours.get("text-error"))
    good = Style(color=colours.get("text-success"))
    res = sr.resolution
    work = res.match if res else None
    cited = cited_values(sr.reference.parsed)
    actual = record_values(work) if work else {}
    differ = differing_rows(sr)
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("", width=1, no_wrap=True)
    table.add_column("field", no_wrap=True)
    # one line per field: a long title ends in an ellipsis (the whole string is under "As printed")
    table.add_column("cited", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("record" if work else "record (none)", ratio=1, no_wrap=True, overflow="ellipsis")
    for label, _ in FIELD_ROWS:
        if not cited[label] and not actual.get(label):
            continue
        if label in differ:
            table.add_row(Text("≠", style=warn), Text(label, style=warn), Text(cited[label] or "—", style=bad),
                          Text(actual.get(label) or "—", style=good))
        elif work and cited[label] and _fold(cited[label]) == _fold(actual.get(label) or ""):
            table.add_row("", label, cited[label], Text("same", style="dim"))
        else:
            table.add_row("", label, cited[label] or "—", Text(actual.get(label) or "—", style="" if work else "dim"))
    return table


def differences_content(sr: StoredReference) -> Content:
    """One line per discrepancy: 'first author: cited Krol, record Oláh'."""
    found = sr.resolution.discrepancies if sr.resolution else []
    lines = [Content.assemble(Content.styled("≠ ", DIFF_STYLE), Content.styled(d.field.replace("_", " "), DIFF_STYLE),
                              ": cited ", Content.styled(_show(d.cited), "bold $cl-source-problem"),
                              ", record ", Content.styled(_show(d.actual), "bold $cl-supported"))
             for d in found]
    return Content("\n").join(lines)


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value[:3]) + (" …" if len(value) > 3 else "")
    return str(value)


def candidate_content(candidate: dict[str, Any]) -> Content:
    accepted = bool(candidate.get("accepted"))
    mark = Content.styled("✓ accepted" if accepted else "✗ rejected",
                          "bold $cl-supported" if accepted else "bold $cl-source-problem")
    where = ", ".join(str(x) for x in (
        candidate.get("first_author"), candidate.get("year"), candidate.get("container_title"),
        ":".join(str(x) for x in (candidate.get("volume"), candidate.get("pages")) if x),
    ) if x)
    lines = [Content.assemble(mark, Content.styled(f"  {float(candidate.get('confidence') or 0):.2f}  ", "dim"),
                              Content.styled(candidate.get("title") or "(no title)", "bold"))]
    if where:
        lines.append(Content(f"    {where}"))
    ids = "  ".join(x for x in (f"doi {candidate['doi']}" if candidate.get("doi") else "",
                                f"pmid {candidate['pmid']}" if candidate.get("pmid") else "") if x)
    if ids:
        lines.append(Content.styled(f"    {ids}", "dim"))
    for reason in candidate.get("reasons") or []:
        lines.append(Content.styled(f"    - {reason}", "italic"))
    return Content("\n").join(lines)


class ReferenceDetail(ScrollPane):

    def compose(self) -> ComposeResult:
        yield Static(id="ref-heading")
        yield Static(id="ref-differences")
        yield Static(id="ref-fields")
        yield Static(id="ref-ids")
        yield Static(id="ref-notes")
        yield Static(id="ref-raw")
        yield Static(id="ref-candidates")

    def on_mount(self) -> None:
        self._shown: tuple[StoredReference | None, int] = (None, 0)
        self._article_path = ""
        self.watch(self.app, "theme", lambda _: self._render_shown(), init=False)

    def show(self, sr: StoredReference | None, citing: int = 0, article_path: str = "") -> None:
        self._shown = (sr, citing)
        self._article_path = article_path
        self._render_shown()
        self.scroll_home(animate=False)

    def _render_shown(self) -> None:
        sr, citing = self._shown
        statics = {name: self.query_one(f"#ref-{name}", Static)
                   for name in ("heading", "differences", "raw", "fields", "ids", "notes", "candidates")}
        if sr is None:
            statics["heading"].update(Content.styled("No reference.", "dim italic"))
            for name in ("differences", "raw", "fields", "ids", "notes", "candidates"):
                statics[name].update("")
            return
        res = sr.resolution
        heading = [Content.styled(f"Reference [{sr.reference.index}] ", HEADING_STYLE),
                   Content.styled(cited_as(sr.reference.parsed), "bold"), " · ",
                   reference_status_text(res.status if res else None)]
        if res:
            heading.append(Content.styled(f"  confidence {res.confidence:.2f}", "dim"))
        heading.append(Content.styled(f"  cited by {citing} claim{'s' if citing != 1 else ''}", "dim"))
        where = reference_location(sr, self._article_path)
        if where:
            heading.append(Content.assemble("\n", Content.styled(where, "dim")))
        statics["heading"].update(Content.assemble(*heading))
        differences = differences_content(sr)
        statics["differences"].update(differences)
        statics["differences"].display = bool(differences.plain)
        statics["raw"].update(Content.assemble(Content.styled("As printed", HEADING_STYLE), "\n",
                                               Content.styled(sr.reference.raw, "italic")))
        statics["fields"].update(fields_table(sr, self.app.theme_variables))
        work = res.match if res else None
        ids = []
        if work is not None or sr.reference.parsed.doi or sr.reference.parsed.pmid:
            doi = (work.doi if work else None) or sr.reference.parsed.doi
            pmid = (work.pmid if work else None) or sr.reference.parsed.pmid
            ids.append(Content.assemble(Content.styled("DOI ", "bold"), doi or "—", Content.styled("   PMID ", "bold"),
                                        pmid or "—"))
        ids += [Content.styled(url, "underline") for url in reference_urls(sr)]
        statics["ids"].update(Content("\n").join(ids))
        statics["ids"].display = bool(ids)
        notes = res.notes if res else ["Not checked yet: press r to check it."]
        statics["notes"].update(Content("\n").join(
            [Content.styled("Notes", HEADING_STYLE), *(Content(f"• {n}") for n in notes)]))
        candidates = res.candidates if res else []
        rejected = [c for c in candidates if not c.get("accepted")]
        if candidates:
            title = f"Candidates ({len(candidates)}, {len(rejected)} rejected)"
            body = Content("\n\n").join(candidate_content(c) for c in candidates)
            statics["candidates"].update(Content.assemble(Content.styled(title, HEADING_STYLE), "\n", body))
        else:
            statics["candidates"].update(Content.styled("No candidates were found.", "dim"))
