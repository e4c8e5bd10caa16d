"""Render records as Crossref REST API JSON (``/works/{doi}`` and ``/works`` bodies).

Shapes follow the recorded 2026 responses in ``/work/shared/formats/crossref``: key order
of the ``message``, ``{"date-parts": [[y, m, d]]}`` dates at the precision known, JATS
abstracts, ``\\/``-escaped slashes and ``\\uXXXX``-escaped non-ASCII characters.

Only facts held in the record are rendered.  Crossref-internal fields that a record
cannot supply (``created``, ``deposited``, ``member``, ``link``, ``resource``, ``license``,
``reference``, ``language``, ``issn-type``) are left out rather than invented.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .records import DateParts, issued_date, online_date, parse_date, print_date

NOT_FOUND_BODY = "Resource not found."

_LABEL_RE = re.compile(r"^([A-Z][A-Za-z /&-]{1,40}?):\s+(.*)$", re.S)


def abstract_sections(abstract: str | None) -> list[tuple[str | None, str]]:
    """Split a record abstract into ``(label, text)`` paragraphs (label ``None`` if unlabelled)."""
    if not abstract:
        return []
    out: list[tuple[str | None, str]] = []
    for para in abstract.split("\n"):
        para = para.strip()
        if not para:
            continue
        m = _LABEL_RE.match(para)
        if m:
            out.append((m.group(1).strip(), m.group(2).strip()))
        else:
            out.append((None, para))
    return out


def jats_abstract(abstract: str | None) -> str | None:
    """JATS abstract; ``"Background: x"`` paragraphs become ``<jats:sec><jats:title>Background</jats:title>...``."""
    sections = abstract_sections(abstract)
    if not sections:
        return None
    parts = []
    for label, text in sections:
        p = f"<jats:p>{html.escape(text, quote=False)}</jats:p>"
        if label:
            parts.append(f"<jats:sec><jats:title>{html.escape(label, quote=False)}</jats:title>{p}</jats:sec>")
        else:
            parts.append(p)
    return "".join(parts)


def date_obj(parts: DateParts) -> dict[str, Any]:
    return {"date-parts": [list(parts)]}


def timestamp_obj(parts: DateParts | datetime) -> dict[str, Any]:
    """A dated object with ``date-time`` and ``timestamp`` (as ``indexed`` / ``updated``)."""
    if isinstance(parts, datetime):
        dt = parts.astimezone(UTC).replace(microsecond=0)
        dp = [dt.year, dt.month, dt.day]
    else:
        y = parts[0]
        m = parts[1] if len(parts) > 1 else 1
        d = parts[2] if len(parts) > 2 else 1
        dt = datetime(y, m, d, tzinfo=UTC)
        dp = [y, m, d]
    return {
        "date-parts": [dp],
        "date-time": dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timestamp": int(dt.timestamp() * 1000),
    }


def _author(a: Mapping[str, Any], first: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    given = a.get("given")
    if given:
        out["given"] = given
    out["family"] = a.get("family") or ""
    out["sequence"] = "first" if first else "additional"
    out["affiliation"] = []
    out["role"] = [{"role": "author", "vocabulary": "crossref"}]
    return out


def _update(doi: str, kind: str, label: str, source: str, when: DateParts | None) -> dict[str, Any]:
    out: dict[str, Any] = {"DOI": doi, "type": kind, "label": label, "source": source}
    if when:
        out["updated"] = timestamp_obj(when)
    return out


def retraction_notice_doi(rec: Mapping[str, Any]) -> str:
    notice = rec.get("retraction_notice_doi")
    return str(notice).lower() if notice else f"{rec['doi']}.retraction"


def render_work(
    rec: Mapping[str, Any],
    *,
    score: float | int = 1,
    indexed: datetime | None = None,
) -> dict[str, Any]:
    """One Crossref work ``message`` (or list item) for a record with a DOI."""
    doi = rec["doi"]
    pprint = print_date(rec)
    ponline = online_date(rec)
    issued = issued_date(rec)
    msg: dict[str, Any] = {}
    msg["indexed"] = timestamp_obj(indexed or datetime.now(UTC))
    if rec.get("retraction_of"):
        when = parse_date(rec.get("retraction_date")) or issued
        msg["update-to"] = [_update(str(rec["retraction_of"]).lower(), "retraction", "Retraction", "publisher", when)]
    msg["reference-count"] = int(rec.get("reference_count") or 0)
    if rec.get("publisher"):
        msg["publisher"] = rec["publisher"]
    if rec.get("issue"):
        msg["issue"] = str(rec["issue"])
    msg["content-domain"] = {"domain": [], "crossmark-restriction": False}
    msg["short-container-title"] = [rec["container_abbrev"]] if rec.get("container_abbrev") else []
    if pprint:
        msg["published-print"] = date_obj(pprint)
    abstract = jats_abstract(rec.get("abstract"))
    if abstract:
        msg["abstract"] = abstract
    msg["DOI"] = doi
    msg["type"] = rec.get("type") or "journal-article"
    if rec.get("pages"):
        msg["page"] = rec["pages"]
    msg["source"] = "Crossref"
    msg["is-referenced-by-count"] = int(rec.get("is_referenced_by_count") or 0)
    msg["title"] = [rec["title"]] if rec.get("title") else []
    msg["prefix"] = doi.split("/", 1)[0]
    if rec.get("volume"):
        msg["volume"] = str(rec["volume"])
    authors = rec.get("authors") or []
    if authors:
        msg["author"] = [_author(a, i == 0) for i, a in enumerate(authors)]
    if ponline:
        msg["published-online"] = date_obj(ponline)
    if rec.get("retracted"):
        when = parse_date(rec.get("retraction_date")) or issued
        msg["updated-by"] = [_update(retraction_notice_doi(rec), "retraction", "Retraction", "retraction-watch", when)]
    msg["container-title"] = [rec["container_title"]] if rec.get("container_title") else []
    msg["original-title"] = []
    msg["score"] = score
    msg["subtitle"] = [rec["subtitle"]] if rec.get("subtitle") else []
    msg["short-title"] = []
    msg["issued"] = date_obj(issued) if issued else {"date-parts": [[None]]}
    msg["references-count"] = msg["reference-count"]
    if rec.get("issue") and (pprint or ponline):
        ji: dict[str, Any] = {"issue": str(rec["issue"])}
        if pprint:
            ji["published-print"] = date_obj(pprint)
        else:
            ji["published-online"] = date_obj(ponline or [])
        msg["journal-issue"] = ji
    msg["URL"] = f"https://doi.org/{doi}"
    msg["relation"] = {}
    if rec.get("issn"):
        msg["ISSN"] = list(rec["issn"])
    msg["subject"] = []
    if issued:
        msg["published"] = date_obj(issued)
    return msg


def select_fields(item: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    wanted = {f.strip() for f in fields if f.strip()}
    return {k: v for k, v in item.items() if k in wanted}


def work_envelope(message: Mapping[str, Any]) -> dict[str, Any]:
    return {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}


def agency_envelope(doi: str) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": "work-agency",
        "message-version": "1.0.0",
        "message": {"DOI": doi, "agency": {"id": "crossref", "label": "Crossref"}},
    }


def work_list_envelope(
    items: Sequence[Mapping[str, Any]],
    *,
    total: int,
    rows: int,
    offset: int,
    search_terms: str | None,
    next_cursor: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"facets": {}}
    if next_cursor is not None:
        message["next-cursor"] = next_cursor
    message["total-results"] = total
    message["items"] = list(items)
    message["items-per-page"] = rows
    message["query"] = {"start-index": offset, "search-terms": search_terms}
    return {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": message}


def validation_failure(errors: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """Crossref's 400 envelope (``message`` is a list of ``{type, value, message}``)."""
    return {"status": "failed", "message-type": "validation-failure", "message": [dict(e) for e in errors]}


FIELD_QUERY_NOT_ALLOWED = {
    "type": "parameter-not-allowed",
    "value": "query.*",
    "message": "This route does not support field query parameters",
}


def dumps(obj: Any) -> str:
    """Serialise as Crossref does: compact, ASCII with ``\\uXXXX``, and ``/`` written ``\\/``."""
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


__all__ = [
    "FIELD_QUERY_NOT_ALLOWED",
    "NOT_FOUND_BODY",
    "abstract_sections",
    "agency_envelope",
    "dumps",
    "jats_abstract",
    "render_work",
    "select_fields",
    "validation_failure",
    "work_envelope",
    "work_list_envelope",
]
