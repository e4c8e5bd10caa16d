"""The records citelens works on: an article, its claims and its parsed references.

Every stage takes and returns these dataclasses; only the store turns them into rows
and the report turns them into the JSON shape that other tools read.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CitationStyle = Literal[
    "mla", "apa", "vancouver", "ama", "harvard", "chicago", "nature", "ieee", "unknown"
]
ClaimKind = Literal["sentence", "table_row"]
CueKind = Literal["author", "year", "journal", "published_in", "marker", "study"]


@dataclass(frozen=True)
class Author:
    family: str
    given: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"family": self.family, "given": self.given}


@dataclass
class ParsedReference:
    """The fields of one reference string, as the article prints them."""

    authors: list[Author] = field(default_factory=list)
    et_al: bool = False
    title: str | None = None
    container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    style: CitationStyle = "unknown"
    key: str | None = None  # the entry's own key (BibTeX key, JATS ref id, cite key), when the input has one
    # the labeller's reading: (label, start, end) character spans into the raw string
    spans: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def pages(self) -> str | None:
        if self.first_page and self.last_page and self.last_page != self.first_page:
            return f"{self.first_page}-{self.last_page}"
        return self.first_page

    def to_dict(self) -> dict[str, Any]:
        """The `parsed` object of the JSON report."""
        return {
            "authors": [a.to_dict() for a in self.authors],
            "et_al": self.et_al,
            "title": self.title,
            "container_title": self.container_title,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "year": self.year,
            "doi": self.doi,
            "pmid": self.pmid,
            "pmcid": self.pmcid,
            "url": self.url,
            "style": self.style,
            "key": self.key,
            "spans": [{"label": lab, "start": start, "end": end} for lab, start, end in self.spans],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedReference:
        pages = data.get("pages")
        first, _, last = (pages or "").partition("-")
        return cls(
            authors=[Author(a["family"], a.get("given", "")) for a in data.get("authors") or []],
            et_al=bool(data.get("et_al")),
            title=data.get("title"),
            container_title=data.get("container_title"),
            volume=data.get("volume"),
            issue=data.get("issue"),
            first_page=first or None,
            last_page=last or None,
            year=data.get("year"),
            doi=data.get("doi"),
            pmid=data.get("pmid"),
            pmcid=data.get("pmcid"),
            url=data.get("url"),
            style=data.get("style") or "unknown",
            key=data.get("key"),
            # the few labels shared, not one string per span (10,000 references hold ~200,000 spans)
            spans=[(sys.intern(s["label"]), int(s["start"]), int(s["end"])) for s in data.get("spans") or []],
        )


@dataclass
class Reference:
    """One entry of an article's reference list."""

    index: int
    raw: str
    parsed: ParsedReference
    line: int = 0


@dataclass(frozen=True)
class Cue:
    """An attribution cue inside a claim: who, when, where it says the finding comes from."""

    kind: CueKind
    text: str
    value: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Claim:
    """A sentence (or table row) of the article that asserts something."""

    id: str
    position: int
    section: str
    text: str
    kind: ClaimKind = "sentence"
    table_headers: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    line: int = 0


@dataclass
class Article:
    """An article as read from disk: its text, its claims and its reference list."""

    path: str
    title: str
    sha256: str
    claims: list[Claim] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


# --- resolution (filled by the resolver; empty until an article is checked) ----------------

ReferenceStatus = Literal["verified", "discrepant", "ambiguous", "not_found", "retracted", "unresolved", "skipped"]
ClaimStatus = Literal["supported", "partial", "contradicted", "no_evidence", "source_problem", "uncited"]
ReviewerVerdict = Literal["supported", "partly", "not_supported", "contradicted", "unclear"]
REFERENCE_STATUSES: tuple[str, ...] = (
    "verified", "discrepant", "ambiguous", "not_found", "retracted", "unresolved", "skipped")
CLAIM_STATUSES: tuple[str, ...] = ("supported", "partial", "contradicted", "no_evidence", "source_problem", "uncited")
REVIEWER_VERDICTS: tuple[str, ...] = ("supported", "partly", "not_supported", "contradicted", "unclear")


@dataclass
class Work:
    """A real published work as Crossref or PubMed describes it."""

    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    title: str | None = None
    authors: list[Author] = field(default_factory=list)
    container_title: str | None = None
    container_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    month: int | None = None  # of the issue, when a source gives it
    other_years: list[int] = field(default_factory=list)  # online-first, print, issue: any may be cited
    abstract: str | None = None
    type: str | None = None
    retracted: bool = False
    sources: list[str] = field(default_factory=list)

    def to_match_dict(self) -> dict[str, Any]:
        """The `match` object of the JSON report."""
        return {
            "doi": self.doi, "pmid": self.pmid, "title": self.title,
            "authors": [a.to_dict() for a in self.authors], "container_title": self.container_title,
            "volume": self.volume, "issue": self.issue, "pages": self.pages, "year": self.year,
            "abstract": self.abstract,
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authors"] = [a.to_dict() for a in self.authors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Work:
        values = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        values["authors"] = [Author(a["family"], a.get("given") or "") for a in data.get("authors") or []]
        values["retracted"] = bool(data.get("retracted"))
        values["sources"] = list(data.get("sources") or [])
        values["other_years"] = list(data.get("other_years") or [])
        return cls(**values)


@dataclass(frozen=True)
class Discrepancy:
    field: str
    cited: Any
    actual: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "cited": self.cited, "actual": self.actual}


@dataclass
class Resolution:
    """The verdict on one reference, with its evidence."""

    status: ReferenceStatus
    confidence: float = 0.0
    match: Work | None = None
    discrepancies: list[Discrepancy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Evidence:
    reference: int
    sentence: str
    score: float
    terms: list[str] = field(default_factory=list)
    part: str | None = None  # where in the abstract: background, methods, results, conclusions

    def to_dict(self) -> dict[str, Any]:
        return {"reference": self.reference, "sentence": self.sentence, "score": round(self.score, 3),
                "terms": self.terms, "part": self.part}


@dataclass
class Verdict:
    """A reviewer's own verdict on a claim, stored beside the automatic status."""

    verdict: ReviewerVerdict | None
    note: str = ""
    updated_at: str = ""


@dataclass
class Assessment:
    """The automatic verdict on one claim: its links (with reasons), status, evidence and notes."""

    status: ClaimStatus
    links: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- as stored: a record with what the later stages found --------------------------------

def raw_key(raw: str) -> str:
    """A key for a reference string that ignores spacing and case: identical references share it."""
    return hashlib.sha1(" ".join(raw.lower().split()).encode("utf-8")).hexdigest()


@dataclass
class StoredReference:
    reference: Reference
    resolution: Resolution | None = None


@dataclass
class StoredClaim:
    claim: Claim
    references: list[int] = field(default_factory=list)
    status: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verdict: Verdict | None = None


@dataclass
class StoredArticle:
    id: int
    path: str
    title: str
    sha256: str
    ingested_at: str
    checked_at: str | None
    claims: list[StoredClaim]
    references: list[StoredReference]
