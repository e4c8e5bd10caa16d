"""Loading and normalising bibliographic work records (see ``data/seed-works.jsonl``).

A record is a plain dict following ``/work/shared/records/SCHEMA.md``.  Besides the
schema fields, a few optional keys are understood (all of them only ever come from a
test's synthetic records, never from the seed file):

``retraction_notice_doi``
    DOI of the retraction notice (Crossref ``updated-by[].DOI``).
``retraction_date``
    ``YYYY[-MM[-DD]]`` date of the retraction (Crossref ``updated-by[].updated``).
``retraction_notice_pmid`` / ``retraction_notice_source``
    PMID and ``RefSource`` text of the notice (PubMed ``CommentsCorrections``).
``retraction_of``
    For a retraction *notice* record: DOI of the retracted work (Crossref
    ``update-to``); ``retraction_of_pmid`` likewise for PubMed ``RetractionOf``.
``is_referenced_by_count`` / ``reference_count``
    Integers for the Crossref counters (default 0).
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

Record = dict[str, Any]
DateParts = list[int]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_RECORDS_PATH = DATA_DIR / "seed-works.jsonl"

_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def normalize_doi(doi: str | None) -> str | None:
    """Lower-case a DOI and strip URL / ``doi:`` prefixes; ``None`` stays ``None``."""
    if doi is None:
        return None
    d = doi.strip()
    low = d.lower()
    for prefix in _DOI_PREFIXES:
        if low.startswith(prefix):
            d = d[len(prefix) :]
            break
    d = d.strip().lower()
    return d or None


def normalize_record(rec: Mapping[str, Any]) -> Record:
    """Return a copy of ``rec`` with the identifiers in canonical form."""
    out: Record = dict(rec)
    out["doi"] = normalize_doi(out.get("doi"))
    pmid = out.get("pmid")
    out["pmid"] = str(pmid).strip() if pmid not in (None, "") else None
    pmcid = out.get("pmcid")
    out["pmcid"] = str(pmcid).strip() if pmcid not in (None, "") else None
    out["authors"] = [dict(a) for a in (out.get("authors") or [])]
    for key in ("publication_types", "keywords", "issn", "sources"):
        value = out.get(key)
        out[key] = list(value) if value else []
    out["retracted"] = bool(out.get("retracted", False))
    if not out.get("type"):
        out["type"] = "journal-article"
    return out


def load_records(path: str | Path | None = None) -> list[Record]:
    """Read a JSON Lines file of records (default: the packaged seed copy)."""
    p = Path(path) if path is not None else DEFAULT_RECORDS_PATH
    records: list[Record] = []
    with p.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                records.append(normalize_record(json.loads(line)))
    return records


def merge_records(base: Iterable[Mapping[str, Any]], extra: Iterable[Mapping[str, Any]]) -> list[Record]:
    """``base`` + ``extra``; an extra record replaces a base record with the same DOI or PMID.

    Records are kept by insertion number with an index by DOI and by PMID, so merging many
    records costs linear time (the order is that of removing and appending one by one).
    """
    alive: dict[int, Record] = {}
    by_doi: dict[str, list[int]] = {}
    by_pmid: dict[str, list[int]] = {}

    numbers = itertools.count()

    def keep(rec: Record) -> None:
        n = next(numbers)
        alive[n] = rec
        if rec["doi"]:
            by_doi.setdefault(rec["doi"], []).append(n)
        if rec["pmid"]:
            by_pmid.setdefault(rec["pmid"], []).append(n)

    for raw in base:
        keep(normalize_record(raw))
    for raw in extra:
        rec = normalize_record(raw)
        for n in (by_doi.pop(rec["doi"], []) if rec["doi"] else []) + (
            by_pmid.pop(rec["pmid"], []) if rec["pmid"] else []
        ):
            alive.pop(n, None)
        keep(rec)
    return list(alive.values())


# ---------------------------------------------------------------------------
# small text helpers shared by the renderers and the search code


def fold(text: str) -> str:
    """ASCII-fold and lower-case (``"Oláh"`` -> ``"olah"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def initials(given: str | None) -> str:
    """PubMed-style initials: ``"Frances S"`` -> ``"FS"``, ``"DH"`` -> ``"DH"``."""
    if not given:
        return ""
    out = []
    for part in re.split(r"[\s.\-]+", given.strip()):
        if not part:
            continue
        if part.isupper() and len(part) <= 3:
            out.append(part)
        else:
            out.append(part[0].upper())
    return "".join(out)


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    """``"19937-19942"`` -> ``("19937", "19942")``; ``"2156"`` -> ``("2156", None)``."""
    if not pages:
        return None, None
    parts = re.split(r"\s*[-\u2013\u2014]\s*", pages.strip(), maxsplit=1)
    first = parts[0] or None
    last = parts[1] if len(parts) > 1 and parts[1] else None
    return first, last


def medline_pages(pages: str | None) -> str:
    """MEDLINE abbreviated page range: ``"19937-19942"`` -> ``"19937-42"``."""
    first, last = split_pages(pages)
    if not first:
        return ""
    if not last or last == first:
        return first
    m1 = re.fullmatch(r"([A-Za-z]*)(\d+)", first)
    m2 = re.fullmatch(r"([A-Za-z]*)(\d+)", last)
    if not (m1 and m2) or m1.group(1).lower() != m2.group(1).lower():
        return f"{first}-{last}"
    d1, d2 = m1.group(2), m2.group(2)
    if len(d1) != len(d2):
        return f"{first}-{d2}"
    i = 0
    while i < len(d1) - 1 and d1[i] == d2[i]:
        i += 1
    return f"{first}-{d2[i:]}"


# ---------------------------------------------------------------------------
# dates


def parse_date(value: str | int | None) -> DateParts | None:
    """``"2011-12-13"`` -> ``[2011, 12, 13]``; ``"2011-12"`` -> ``[2011, 12]``; ``2011`` -> ``[2011]``."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return [value]
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*", str(value))
    if not m:
        return None
    return [int(g) for g in m.groups() if g is not None]


def _sort_key(parts: DateParts) -> tuple[int, int, int]:
    # A less precise date sorts *after* a precise one inside the same period, so
    # that the more precise of two same-year dates wins "earliest".
    y = parts[0]
    mo = parts[1] if len(parts) > 1 else 13
    d = parts[2] if len(parts) > 2 else 32
    return (y, mo, d)


def earliest(*dates: DateParts | None) -> DateParts | None:
    present = [d for d in dates if d]
    if not present:
        return None
    return min(present, key=_sort_key)


def print_date(rec: Mapping[str, Any]) -> DateParts | None:
    """Date of the printed issue (Crossref ``published-print``, PubMed ``PubDate``)."""
    published = parse_date(rec.get("published"))
    year = rec.get("year")
    if published and (year is None or published[0] == year):
        return published
    if year is not None:
        return [int(year)]
    return None


def online_date(rec: Mapping[str, Any]) -> DateParts | None:
    """Electronic publication date (Crossref ``published-online``, PubMed ``ArticleDate``)."""
    epub = parse_date(rec.get("epub"))
    if epub:
        return epub
    published = parse_date(rec.get("published"))
    year = rec.get("year")
    # "published" disagreeing with the issue year and no epub: it is the online date.
    if published and year is not None and published[0] != year:
        return published
    return None


def issued_date(rec: Mapping[str, Any]) -> DateParts | None:
    """Crossref ``issued`` / ``published``: the earliest of print and online."""
    return earliest(print_date(rec), online_date(rec))


def date_bounds(parts: DateParts) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """First and last day covered by a partial date."""
    y = parts[0]
    if len(parts) == 1:
        return (y, 1, 1), (y, 12, 31)
    if len(parts) == 2:
        return (y, parts[1], 1), (y, parts[1], 31)
    return (y, parts[1], parts[2]), (y, parts[1], parts[2])
