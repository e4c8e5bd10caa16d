"""Matching and ranking for the stand-in: Crossref relevance, PubMed ESearch terms, ECitMatch.

Nothing here tries to reproduce Crossref's Elasticsearch scoring or PubMed's Best Match;
it is a small, deterministic approximation that ranks a work first for its own citation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import (
    DateParts,
    Record,
    date_bounds,
    fold,
    initials,
    medline_pages,
    normalize_doi,
    online_date,
    parse_date,
    print_date,
    split_pages,
)

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    }
)

_TOKEN_RE = re.compile(r"[a-z0-9]+")


def tokenize(text: str | None) -> list[str]:
    """Lower-case, ASCII-folded word tokens without stopwords."""
    if not text:
        return []
    return [t for t in _TOKEN_RE.findall(fold(text)) if t not in STOPWORDS]


def norm_phrase(text: str) -> str:
    """Normalised phrase for equality tests (journal names, author names)."""
    return " ".join(_TOKEN_RE.findall(fold(text)))


# ---------------------------------------------------------------------------
# Crossref


# weight of each record field for each kind of Crossref query parameter
_FIELD_WEIGHTS: dict[str, dict[str, float]] = {
    "query": {"title": 1.0, "author": 1.0, "container": 0.6, "numbers": 0.8, "abstract": 0.3, "publisher": 0.3},
    "query.bibliographic": {"title": 1.0, "author": 1.0, "container": 0.6, "numbers": 0.8},
    "query.author": {"author": 1.0},
    "query.contributor": {"author": 1.0},
    "query.container-title": {"container": 1.0},
    "query.publisher-name": {"publisher": 1.0},
    "query.editor": {},
    "query.chair": {},
    "query.translator": {},
    "query.affiliation": {},
    "query.funder-name": {},
    "query.event-name": {},
    "query.event-location": {},
    "query.event-sponsor": {},
    "query.event-acronym": {},
    "query.event-theme": {},
    "query.standards-body-name": {},
    "query.standards-body-acronym": {},
    "query.degree": {},
    "query.description": {},
}

CROSSREF_QUERY_FIELDS = frozenset(_FIELD_WEIGHTS)


def _record_fields(rec: Mapping[str, Any]) -> dict[str, set[str]]:
    authors = rec.get("authors") or []
    first, last = split_pages(rec.get("pages"))
    numbers = [str(rec.get("year") or ""), rec.get("volume") or "", rec.get("issue") or "", first or "", last or ""]
    return {
        "title": set(tokenize(rec.get("title"))) | set(tokenize(rec.get("subtitle"))),
        "author": {t for a in authors for t in tokenize(f"{a.get('given') or ''} {a.get('family') or ''}")},
        "container": set(tokenize(rec.get("container_title"))) | set(tokenize(rec.get("container_abbrev"))),
        "numbers": {t for n in numbers for t in tokenize(n)},
        "abstract": set(tokenize(rec.get("abstract"))),
        "publisher": set(tokenize(rec.get("publisher"))),
    }


class CrossrefIndex:
    """Token index over the records that Crossref serves (those with a DOI).

    Besides the per-record token sets it keeps an inverted index (field -> token -> record
    positions) and the positions by DOI, so that a search touches only the records that share a
    token with the query (or carry a filtered DOI) instead of scanning every record.
    """

    def __init__(self, records: Sequence[Record]) -> None:
        self.records = list(records)
        self._fields = [_record_fields(r) for r in self.records]
        df: dict[str, int] = {}
        postings: dict[str, dict[str, list[int]]] = {}
        for i, fields in enumerate(self._fields):
            for tok in set().union(*fields.values()):
                df[tok] = df.get(tok, 0) + 1
            for name, toks in fields.items():
                by_tok = postings.setdefault(name, {})
                for tok in toks:
                    by_tok.setdefault(tok, []).append(i)
        self._postings = postings
        n = max(len(self.records), 1)
        self._idf = {t: math.log(1.0 + n / c) for t, c in df.items()}
        self._default_idf = math.log(1.0 + n)
        self.positions = {id(r): i for i, r in enumerate(self.records)}
        self.by_doi: dict[str, list[int]] = {}
        for i, r in enumerate(self.records):
            if r.get("doi"):
                self.by_doi.setdefault(r["doi"], []).append(i)

    def score(self, i: int, queries: Mapping[str, str]) -> float:
        fields = self._fields[i]
        total = 0.0
        for param, text in queries.items():
            weights = _FIELD_WEIGHTS.get(param, {})
            for tok in set(tokenize(text)):
                best = max((w for f, w in weights.items() if tok in fields[f]), default=0.0)
                total += best * self._idf.get(tok, self._default_idf)
        return round(total * 2.0, 6)

    def scores(self, queries: Mapping[str, str]) -> dict[int, float]:
        """``{position: score}`` for every record whose score is above 0 (the same numbers as `score`).

        Each record's total is summed in the same order as `score` sums it (parameter by
        parameter, token by token), leaving out only the zero terms, so the floats are identical.
        """
        totals: dict[int, float] = {}
        for param, text in queries.items():
            weights = _FIELD_WEIGHTS.get(param, {})
            if not weights:
                continue
            for tok in set(tokenize(text)):
                best: dict[int, float] = {}
                for name, w in weights.items():
                    for i in self._postings.get(name, {}).get(tok, ()):
                        if w > best.get(i, 0.0):
                            best[i] = w
                if not best:
                    continue
                idf = self._idf.get(tok, self._default_idf)
                for i, w in best.items():
                    totals[i] = totals.get(i, 0.0) + w * idf
        out = {i: round(t * 2.0, 6) for i, t in totals.items()}
        return {i: v for i, v in out.items() if v > 0}


# ---------------------------------------------------------------------------
# names and journals


def author_matches(author: Mapping[str, Any], term: str) -> bool:
    """PubMed-style author term (``"chen fs"``, ``"chen"``, ``"chen frances s"``, ``"chen, f"``)."""
    family = norm_phrase(author.get("family") or "")
    if not family:
        return False
    q = norm_phrase(term.replace(",", " "))
    if not q:
        return False
    if q == family:
        return True
    if not q.startswith(family + " "):
        return False
    rest = q[len(family) + 1 :]
    inits = initials(author.get("given")).lower()
    compact = rest.replace(" ", "")
    if len(compact) <= 3 and inits.startswith(compact):
        return True
    given = norm_phrase(author.get("given") or "")
    return bool(given) and (given == rest or given.startswith(rest + " "))


def journal_names(rec: Mapping[str, Any]) -> set[str]:
    names = set()
    for key in ("container_title", "container_abbrev"):
        value = rec.get(key)
        if value:
            n = norm_phrase(value)
            names.add(n)
            if n.startswith("the "):
                names.add(n[4:])
    return names


def journal_matches(rec: Mapping[str, Any], name: str) -> bool:
    n = norm_phrase(name)
    if not n:
        return False
    if n in journal_names(rec) or (n.startswith("the ") and n[4:] in journal_names(rec)):
        return True
    issn = name.strip().lower()
    return any(issn == str(i).lower() for i in rec.get("issn") or [])


def page_matches(rec: Mapping[str, Any], page: str) -> bool:
    p = page.strip().lower()
    if not p:
        return False
    first, _ = split_pages(rec.get("pages"))
    candidates = {(first or "").lower(), (rec.get("pages") or "").lower(), medline_pages(rec.get("pages")).lower()}
    return p in candidates


# ---------------------------------------------------------------------------
# PubMed ESearch terms

_AUTHOR_TAGS = {"au", "author", "auth", "full author name", "fau", "1au", "first author", "lastau", "last author"}
_TAG_NAMES = {
    "doi": "doi",
    "aid": "doi",
    "lid": "doi",
    "location id": "doi",
    "article identifier": "doi",
    "pmid": "pmid",
    "uid": "pmid",
    "ti": "title",
    "title": "title",
    "tiab": "tiab",
    "title/abstract": "tiab",
    "tw": "tiab",
    "text word": "tiab",
    "ab": "abstract",
    "abstract": "abstract",
    "dp": "date",
    "pdat": "date",
    "publication date": "date",
    "date - publication": "date",
    "ppdat": "date",
    "epdat": "date",
    "edat": "date",
    "crdt": "date",
    "ta": "journal",
    "journal": "journal",
    "jour": "journal",
    "jt": "journal",
    "is": "journal",
    "issn": "journal",
    "vi": "volume",
    "volume": "volume",
    "ip": "issue",
    "issue": "issue",
    "pg": "page",
    "page": "page",
    "pagination": "page",
    "pt": "pubtype",
    "publication type": "pubtype",
    "ptyp": "pubtype",
    "mh": "keyword",
    "mesh": "keyword",
    "mesh terms": "keyword",
    "majr": "keyword",
    "ot": "keyword",
    "kw": "keyword",
    "keyword": "keyword",
    "other term": "keyword",
    "all": "all",
    "all fields": "all",
}
_TRANSLATION_NAMES = {
    "doi": "Location ID",
    "pmid": "UID",
    "title": "Title",
    "tiab": "Title/Abstract",
    "abstract": "Abstract",
    "date": "Date - Publication",
    "journal": "Journal",
    "volume": "Volume",
    "issue": "Issue",
    "page": "Pagination",
    "pubtype": "Publication Type",
    "keyword": "MeSH Terms",
    "all": "All Fields",
    "author": "Author",
    "1au": "Author - First",
    "lastau": "Author - Last",
}


@dataclass
class Term:
    text: str
    field: str  # one of the values of _TAG_NAMES, or "author" / "1au" / "lastau"
    phrase: bool = False

    def translation(self) -> str:
        name = _TRANSLATION_NAMES.get(self.field, "All Fields")
        return f'"{self.text.lower()}"[{name}]' if (self.phrase or " " in self.text) else f"{self.text.lower()}[{name}]"


@dataclass
class Node:
    op: str  # "AND", "OR", "NOT"
    children: list[Node | Term] = field(default_factory=list)


_LEX_RE = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|"(?P<q>[^"]*)"|(?P<tag>\[[^\]]*\])|(?P<word>[^\s()\[\]"]+))')
_DOI_TAG_RE = re.compile(r"\s*\(?\s*(?P<doi>10\.[^\s\"\[\]]+)\[(?:doi|aid|lid|location id)\]", re.I)


def _lex(term: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(term):
        m = _DOI_TAG_RE.match(term, pos)
        if m:
            tokens.append(("q", m.group("doi")))
            tokens.append(("tag", "[doi]"))
            pos = m.end()
            continue
        m = _LEX_RE.match(term, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind) if kind in ("q", "tag", "word") else kind))
    return tokens


def _tag_field(tag: str) -> str:
    t = tag.strip("[]").strip().lower()
    if t in {"au", "author", "auth", "full author name", "fau"}:
        return "author"
    if t in {"1au", "first author"}:
        return "1au"
    if t in {"lastau", "last author"}:
        return "lastau"
    return _TAG_NAMES.get(t, "all")


def parse_term(term: str) -> Node:
    """Parse an ESearch ``term`` into a boolean tree (AND binds tighter than OR)."""
    tokens = _lex(term)
    pos = 0

    def parse_or() -> Node:
        nonlocal pos
        node = Node("OR", [parse_and()])
        while pos < len(tokens) and tokens[pos] == ("word", "OR"):
            pos += 1
            node.children.append(parse_and())
        return node

    def parse_and() -> Node:
        nonlocal pos
        node = Node("AND")
        negate_next = False
        while pos < len(tokens):
            kind, value = tokens[pos]
            if kind == "rp" or (kind == "word" and value == "OR"):
                break
            if kind == "word" and value == "AND":
                pos += 1
                continue
            if kind == "word" and value == "NOT":
                pos += 1
                negate_next = True
                continue
            if kind == "lp":
                pos += 1
                child: Node | Term = parse_or()
                if pos < len(tokens) and tokens[pos][0] == "rp":
                    pos += 1
                items: list[Node | Term] = [child]
            else:
                items = list(parse_group())
            for item in items:
                node.children.append(Node("NOT", [item]) if negate_next else item)
                negate_next = False
        return node

    def parse_group() -> list[Term]:
        """A run of bare words and/or one quoted phrase, optionally followed by a [tag]."""
        nonlocal pos
        words: list[str] = []
        quoted: str | None = None
        if tokens[pos][0] == "q":
            quoted = tokens[pos][1]
            pos += 1
        else:
            while pos < len(tokens):
                kind, value = tokens[pos]
                if kind != "word" or value in ("AND", "OR", "NOT"):
                    break
                words.append(value)
                pos += 1
        tag = None
        if pos < len(tokens) and tokens[pos][0] == "tag":
            tag = tokens[pos][1]
            pos += 1
        if quoted is not None:
            return [Term(quoted, _tag_field(tag) if tag else "all", phrase=True)]
        if not words:
            if tag is None and pos < len(tokens):
                pos += 1  # skip a stray token
            return []
        if tag is None:
            return [Term(w, "all") for w in words]
        fld = _tag_field(tag)
        if fld in {"author", "1au", "lastau", "journal", "date", "doi", "page", "pubtype"}:
            return [Term(" ".join(words), fld)]
        return [Term(w, fld) for w in words]

    return parse_or()


def translation(node: Node | Term) -> str:
    if isinstance(node, Term):
        return node.translation()
    if node.op == "NOT":
        return f"NOT {translation(node.children[0])}"
    parts = [translation(c) for c in node.children]
    parts = [p for p in parts if p]
    joined = f" {node.op} ".join(parts).replace("AND NOT", "NOT")
    return f"({joined})" if len(parts) > 1 and node.op == "OR" else joined


def _contains(haystack: list[str], needle: list[str], phrase: bool) -> bool:
    if not needle:
        return False
    if not phrase:
        hs = set(haystack)
        return all(t in hs for t in needle)
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _date_term_matches(rec: Mapping[str, Any], text: str) -> bool:
    def to_parts(s: str) -> DateParts | None:
        return parse_date(s.strip().replace("/", "-"))

    if ":" in text:
        lo_s, hi_s = text.split(":", 1)
        lo, hi = to_parts(lo_s), to_parts(hi_s)
        if not lo or not hi:
            return False
        q_lo, q_hi = date_bounds(lo)[0], date_bounds(hi)[1]
    else:
        q = to_parts(text)
        if not q:
            return False
        q_lo, q_hi = date_bounds(q)
    for d in (print_date(rec), online_date(rec)):
        if d:
            lo_d, hi_d = date_bounds(d)
            if lo_d <= q_hi and hi_d >= q_lo:
                return True
    return False


def pubmed_publication_types(rec: Mapping[str, Any]) -> list[str]:
    """Publication types as PubMed lists them (alphabetical, with Journal Article)."""
    types = {t for t in rec.get("publication_types") or [] if t}
    if rec.get("type", "journal-article") == "journal-article":
        types.add("Journal Article")
    if rec.get("retracted"):
        types.add("Retracted Publication")
    if rec.get("retraction_of") or rec.get("retraction_of_pmid"):
        types.add("Retraction of Publication")
    return sorted(types, key=str.lower)


def term_matches(rec: Mapping[str, Any], t: Term) -> bool:
    text = t.text.strip()
    f = t.field
    authors = rec.get("authors") or []
    if f == "doi":
        return normalize_doi(text) == rec.get("doi")
    if f == "pmid":
        return text == (rec.get("pmid") or "")
    if f == "author":
        return any(author_matches(a, text) for a in authors)
    if f == "1au":
        return bool(authors) and author_matches(authors[0], text)
    if f == "lastau":
        return bool(authors) and author_matches(authors[-1], text)
    if f == "date":
        return _date_term_matches(rec, text)
    if f == "journal":
        return journal_matches(rec, text)
    if f == "volume":
        return text.lower() == str(rec.get("volume") or "").lower()
    if f == "issue":
        return text.lower() == str(rec.get("issue") or "").lower()
    if f == "page":
        return page_matches(rec, text)
    if f == "pubtype":
        return norm_phrase(text) in {norm_phrase(p) for p in pubmed_publication_types(rec)}
    needle = tokenize(text)
    title = tokenize(rec.get("title"))
    abstract = tokenize(rec.get("abstract"))
    keywords = [tok for k in rec.get("keywords") or [] for tok in tokenize(k)]
    if f == "title":
        return _contains(title, needle, t.phrase)
    if f == "abstract":
        return _contains(abstract, needle, t.phrase)
    if f == "tiab":
        return (
            _contains(title, needle, t.phrase)
            or _contains(abstract, needle, t.phrase)
            or _contains(keywords, needle, t.phrase)
        )
    if f == "keyword":
        return _contains(keywords, needle, t.phrase)
    # All Fields
    if _contains(title, needle, t.phrase) or _contains(abstract, needle, t.phrase):
        return True
    if _contains(keywords, needle, t.phrase):
        return True
    if any(author_matches(a, text) for a in authors):
        return True
    if journal_matches(rec, text):
        return True
    return text == (rec.get("pmid") or "") or normalize_doi(text) == rec.get("doi")


def evaluate(rec: Mapping[str, Any], node: Node | Term) -> bool:
    if isinstance(node, Term):
        return term_matches(rec, node)
    if node.op == "NOT":
        return not evaluate(rec, node.children[0])
    if not node.children:
        return False
    if node.op == "OR":
        return any(evaluate(rec, c) for c in node.children)
    positives = [c for c in node.children if not (isinstance(c, Node) and c.op == "NOT")]
    if not positives:
        return False
    return all(evaluate(rec, c) for c in node.children)


def esearch(records: Sequence[Record], term: str) -> tuple[list[Record], str]:
    """Records matching ``term`` (PubMed records only) and the query translation."""
    tree = parse_term(term)
    hits = [r for r in records if r.get("pmid") and evaluate(r, tree)]
    return hits, translation(tree)


class PubMedIndex:
    """Inverted indexes over the PubMed records (those with a PMID) for ESearch and ECitMatch.

    A query is first narrowed to the records that can possibly match it (by DOI, PMID, title,
    abstract and keyword tokens, author surnames, journal names, volume), then every narrowed
    record is checked with the same `evaluate` / ECitMatch rules as a full scan, in record order,
    so the answers are exactly those of `esearch` and `ecitmatch_line` over all records.
    """

    def __init__(self, records: Sequence[Record]) -> None:
        self.records = list(records)
        self.pubmed = [i for i, r in enumerate(self.records) if r.get("pmid")]
        self._doi: dict[str, set[int]] = {}
        self._pmid: dict[str, set[int]] = {}
        self._title: dict[str, set[int]] = {}
        self._abstract: dict[str, set[int]] = {}
        self._keyword: dict[str, set[int]] = {}
        self._text: dict[str, set[int]] = {}
        self._family: dict[str, set[int]] = {}
        self._journal: dict[str, set[int]] = {}
        self._volume: dict[str, set[int]] = {}
        for i in self.pubmed:
            r = self.records[i]
            if r.get("doi"):
                self._doi.setdefault(r["doi"], set()).add(i)
            self._pmid.setdefault(str(r["pmid"]), set()).add(i)
            for index, text in ((self._title, r.get("title")), (self._abstract, r.get("abstract"))):
                for tok in tokenize(text):
                    index.setdefault(tok, set()).add(i)
                    self._text.setdefault(tok, set()).add(i)
            for keyword in r.get("keywords") or []:
                for tok in tokenize(keyword):
                    self._keyword.setdefault(tok, set()).add(i)
                    self._text.setdefault(tok, set()).add(i)
            for a in r.get("authors") or []:
                family = norm_phrase(a.get("family") or "")
                if family:
                    self._family.setdefault(family, set()).add(i)
            for name in journal_names(r):
                self._journal.setdefault(name, set()).add(i)
            for issn in r.get("issn") or []:
                self._journal.setdefault(str(issn).lower(), set()).add(i)
            self._volume.setdefault(str(r.get("volume") or "").lower(), set()).add(i)

    # -- narrowing: a superset of the records that match, or None for "cannot narrow"

    @staticmethod
    def _lookup(index: Mapping[str, set[int]], key: str) -> set[int]:
        return set(index.get(key, ()))

    @staticmethod
    def _all_tokens(index: Mapping[str, set[int]], needle: list[str]) -> set[int]:
        if not needle:
            return set()
        sets = sorted((index.get(t, set()) for t in set(needle)), key=len)
        out = set(sets[0])
        for other in sets[1:]:
            out &= other
        return out

    def _authors(self, text: str) -> set[int]:
        q = norm_phrase(text.replace(",", " "))
        words = q.split()
        out: set[int] = set()
        for n in range(1, len(words) + 1):
            out |= self._family.get(" ".join(words[:n]), set())
        return out

    def _journals(self, name: str) -> set[int]:
        n = norm_phrase(name)
        out: set[int] = set()
        if n:
            out |= self._journal.get(n, set())
            if n.startswith("the "):
                out |= self._journal.get(n[4:], set())
        out |= self._journal.get(name.strip().lower(), set())
        return out

    def _term_candidates(self, t: Term) -> set[int] | None:
        text = t.text.strip()
        f = t.field
        if f == "doi":
            return self._lookup(self._doi, normalize_doi(text) or "")
        if f == "pmid":
            return self._lookup(self._pmid, text)
        if f in ("author", "1au", "lastau"):
            return self._authors(text)
        if f == "journal":
            return self._journals(text)
        if f == "volume":
            return self._lookup(self._volume, text.lower())
        if f in ("date", "issue", "page", "pubtype"):
            return None
        needle = tokenize(text)
        if f == "title":
            return self._all_tokens(self._title, needle)
        if f == "abstract":
            return self._all_tokens(self._abstract, needle)
        if f == "keyword":
            return self._all_tokens(self._keyword, needle)
        if f == "tiab":
            return self._all_tokens(self._text, needle)
        # All Fields
        out = self._all_tokens(self._text, needle)
        out |= self._authors(text)
        out |= self._journals(text)
        out |= self._lookup(self._pmid, text)
        out |= self._lookup(self._doi, normalize_doi(text) or "")
        return out

    def _candidates(self, node: Node | Term) -> set[int] | None:
        if isinstance(node, Term):
            return self._term_candidates(node)
        if node.op == "NOT":
            return None
        if not node.children:
            return set()
        if node.op == "OR":
            out: set[int] = set()
            for child in node.children:
                sub = self._candidates(child)
                if sub is None:
                    return None
                out |= sub
            return out
        positives = [c for c in node.children if not (isinstance(c, Node) and c.op == "NOT")]
        if not positives:
            return set()
        narrowed: set[int] | None = None
        for child in positives:
            sub = self._candidates(child)
            if sub is not None:
                narrowed = sub if narrowed is None else narrowed & sub
                if not narrowed:
                    return narrowed
        return narrowed

    # -- the two services

    def esearch(self, term: str) -> tuple[list[Record], str]:
        """The same answer as `esearch` over all records, from the indexes."""
        tree = parse_term(term)
        narrowed = self._candidates(tree)
        positions = self.pubmed if narrowed is None else sorted(narrowed)
        hits = [self.records[i] for i in positions if self.records[i].get("pmid") and evaluate(self.records[i], tree)]
        return hits, translation(tree)

    def ecitmatch_line(self, line: str) -> str | None:
        """The same answer as `ecitmatch_line` over all records, from the indexes."""
        if not line.strip():
            return None
        journal, year, volume, page, author, key = ecitmatch_fields(line)
        echo = "|".join([journal, year, volume, page, author, key])
        sets: list[set[int]] = []
        if journal:
            # the journal index holds exactly the names and ISSNs that `journal_matches` compares
            in_journal = self._journals(journal) if norm_phrase(journal) else set()
            if not in_journal:
                return f"{echo}|NOT_FOUND;INVALID_JOURNAL"
            sets.append(in_journal)
        if volume:
            sets.append(self._volume.get(volume.lower(), set()))
        if author:
            sets.append(self._authors(author))
        pool: set[int] | None = None
        for sub in sorted(sets, key=len):
            pool = set(sub) if pool is None else pool & sub
        if pool is not None and not pool:
            return f"{echo}|NOT_FOUND"
        positions = self.pubmed if pool is None else sorted(pool)
        return ecitmatch_line([self.records[i] for i in positions], line)


# ---------------------------------------------------------------------------
# ECitMatch


def ecitmatch_fields(line: str) -> tuple[str, str, str, str, str, str]:
    """The six fields of one ``journal|year|volume|first_page|author|key|`` line, stripped."""
    fields = line.split("|")
    fields += [""] * (6 - len(fields))
    journal, year, volume, page, author, key = (f.strip() for f in fields[:6])
    return journal, year, volume, page, author, key


def ecitmatch_line(records: Sequence[Record], line: str) -> str | None:
    """Answer one ``journal|year|volume|first_page|author|key|`` line (``None`` for a blank line)."""
    if not line.strip():
        return None
    journal, year, volume, page, author, key = ecitmatch_fields(line)
    echo = "|".join([journal, year, volume, page, author, key])
    pubmed = [r for r in records if r.get("pmid")]
    if journal:
        in_journal = [r for r in pubmed if journal_matches(r, journal)]
        if not in_journal:
            return f"{echo}|NOT_FOUND;INVALID_JOURNAL"
    else:
        in_journal = pubmed
    candidates = []
    for r in in_journal:
        if year and str(r.get("year") or "") != year:
            dates = [d for d in (print_date(r), online_date(r)) if d]
            if not any(str(d[0]) == year for d in dates):
                continue
        if volume and str(r.get("volume") or "").lower() != volume.lower():
            continue
        if page and not page_matches(r, page):
            continue
        if author and not any(author_matches(a, author) for a in r.get("authors") or []):
            continue
        candidates.append(r)
    if not (year or volume or page or author):
        candidates = []
    if len(candidates) == 1:
        return f"{echo}|{candidates[0]['pmid']}"
    if len(candidates) > 1:
        return f"{echo}|AMBIGUOUS"
    return f"{echo}|NOT_FOUND"
