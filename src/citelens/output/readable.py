"""Report values as people read them: field labels in words, author lists as names, never Python reprs.

Shared by the Markdown, CSV and HTML reports and by `fix`'s comments.
"""

from __future__ import annotations

from typing import Any

#: The report's field names (`discrepancies[].field`) as a reader calls them.
FIELD_LABELS = {
    "authors": "authors", "first_author": "first author", "title": "title", "container_title": "journal",
    "volume": "volume", "issue": "issue", "pages": "pages", "year": "year", "doi": "DOI", "pmid": "PMID",
}

#: The rows of a cited-versus-record table: label, the `parsed`/`match` key, the discrepancy fields.
FIELD_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("authors", "authors", ("authors", "first_author")),
    ("title", "title", ("title",)),
    ("journal", "container_title", ("container_title",)),
    ("year", "year", ("year",)),
    ("volume", "volume", ("volume",)),
    ("issue", "issue", ("issue",)),
    ("pages", "pages", ("pages",)),
    ("DOI", "doi", ("doi",)),
    ("PMID", "pmid", ("pmid",)),
)

EMPTY = "—"


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def author_name(author: Any) -> str:
    if isinstance(author, dict):
        given = author.get("given") or ""
        return f"{author.get('family') or ''} {given}".strip()
    return str(author)


def readable(value: Any, *, limit: int = 6) -> str:
    """One value as text: lists joined with commas (authors as "Family Given", the first `limit`),
    None as a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, (list, tuple)):
        names = [author_name(v) for v in value]
        text = ", ".join(names[:limit])
        if len(names) > limit:
            text += f", … ({len(names)} in all)"
        return text or EMPTY
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def discrepancy_text(d: dict[str, Any]) -> str:
    """`year: cited 2017, actual 2018`."""
    return f"{field_label(d['field'])}: cited {readable(d['cited'])}, actual {readable(d['actual'])}"


def discrepancies_text(ref: dict[str, Any], sep: str = "; ") -> str:
    return sep.join(discrepancy_text(d) for d in ref.get("discrepancies") or [])


def authors_short(authors: list[Any], et_al: bool = False) -> str:
    names = [a.get("family") if isinstance(a, dict) else str(a) for a in authors]
    if not names:
        return ""
    if len(names) > 2 or et_al:
        return f"{names[0]} et al."
    return " & ".join(n or "" for n in names)


def cited_as(ref: dict[str, Any]) -> str:
    """`Chen et al. (2011)` from a report's reference."""
    parsed = ref.get("parsed") or {}
    who = authors_short(parsed.get("authors") or [], bool(parsed.get("et_al"))) or "?"
    return f"{who} ({parsed.get('year') or 'n.d.'})"


def field_rows(ref: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(label, cited, record, differs) for each field that either side has."""
    parsed = ref.get("parsed") or {}
    match = ref.get("match") or {}
    wrong = {d["field"] for d in ref.get("discrepancies") or []}
    rows = []
    for label, key, fields in FIELD_ROWS:
        cited, actual = parsed.get(key), match.get(key)
        if cited in (None, "", []) and actual in (None, "", []):
            continue
        cited_text = readable(cited)
        if key == "authors" and parsed.get("et_al") and cited:
            cited_text += " et al."
        rows.append((label, cited_text, readable(actual) if match else EMPTY, bool(wrong & set(fields))))
    return rows


def doi_url(doi: str | None) -> str | None:
    return f"https://doi.org/{doi}" if doi else None


def pubmed_url(pmid: str | None) -> str | None:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None
