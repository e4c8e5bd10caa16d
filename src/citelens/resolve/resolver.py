"""Resolve references against Crossref and PubMed and give each one a verdict with its evidence.

Lookups go from the cheapest and surest to the scarcest, in batches:

1. cited DOIs: Crossref DOI lookups; cited PMIDs: PubMed EFetch;
2. ECitMatch (many citations a request) for references with journal, year, volume, page, author;
3. EFetch in batches for every PMID found;
4. Crossref bibliographic searches, only for references still without an accepted candidate;
5. PubMed ESearch by title words, only for references still without one;
6. the cross-walk: PMIDs for DOIs (one ESearch for many DOIs) and Crossref records for DOIs
   that PubMed gave, so each matched work ends with both identifiers and the retraction
   metadata of both sources.

A candidate becomes the match only through `matching.compare`; a failed lookup makes a
reference `unresolved`, never `not_found`.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from citelens import defaults
from citelens.errors import LookupFailed
from citelens.read import strip_list_marker
from citelens.records import ParsedReference, Resolution
from citelens.resolve.crossref import CrossrefClient
from citelens.resolve.doi import normalise_doi
from citelens.resolve.matching import clear_caches, fold
from citelens.resolve.pubmed import CitationQuery, PubMedClient
from citelens.resolve.state import ReferenceState, verdict
from citelens.resolve.works import from_crossref, from_pubmed

Progress = Callable[[str, Any, int], None]
"""`progress(stage, done, total)`: stage `done` of `total` stages, or ("searching", searches done, searches)."""

# share of a `resolve_all` call's work done at each stage (the searches take most of the time)
_STAGE_SPAN = {"identifiers": (0.0, 0.05), "citation match": (0.05, 0.15), "records": (0.15, 0.25),
               "searching": (0.25, 0.9), "searches": (0.9, 0.9), "search records": (0.9, 0.95),
               "cross-walk": (0.95, 1.0)}


def stage_fraction(stage: str, done: float, total: int) -> float:
    """How far a `resolve_all` call is (0..1) when it reports `stage` with `done` of `total` (stage
    "references": `done` references of `total`, when the call looks up several chunks at a time)."""
    if stage == "references":
        return min(1.0, done / total) if total else 1.0
    low, high = _STAGE_SPAN.get(stage, (0.0, 0.0))
    if stage == "searching" and total:
        return low + (high - low) * min(1.0, done / total)
    return high

_NON_SCHOLARLY_RE = re.compile(
    r"\b(?:personal\s+communication|pers\.\s*comm|unpublished\s+(?:data|observations)|press\s+release|"
    r"blog|podcast|interview|tweet|retrieved\s+from|accessed)\b",
    re.I,
)



_ARXIV_RE = re.compile(
    r"(?:\barxiv\s*(?:preprint\s*)?:?\s*|arxiv\.org/(?:abs|pdf)/)((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?)"
    r"|\b((?:astro-ph|cond-mat|gr-qc|hep-(?:ex|lat|ph|th)|math-ph|nucl-(?:ex|th)|quant-ph|physics|math|cs)"
    r"(?:\.[A-Z]{2})?/\d{7})\b",
    re.I,
)
# a journal version printed next to the arXiv id: "Phys. Rev. D 54, 1234", "108(50):19937", "vol. 3, pp. 1-9"
_JOURNAL_VERSION_RE = re.compile(r"\b\d{1,4}\s*(?:\([^()]{1,12}\))?\s*[,:]\s*[A-Za-z]?\d{1,7}\b|\bpp?\.\s*\d|\bvol\.",
                                 re.I)
_YEAR_ONLY_RE = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b")


def arxiv_id(raw: str) -> str | None:
    """The arXiv identifier printed in a reference ("arXiv:1706.03762", "hep-th/9601001"), or None."""
    m = _ARXIV_RE.search(raw)
    return (m.group(1) or m.group(2)) if m else None


def datacite_repository(doi: str | None) -> str | None:
    """The repository of a DOI registered with DataCite (Zenodo, figshare, arXiv...), or None."""
    if not doi:
        return None
    return defaults.DATACITE_PREFIXES.get(doi.lower().split("/", 1)[0])


_WORD_RE = re.compile(r"[^\W\d_]{3,}")


def skip_reason(ref: ParsedReference, raw: str) -> str | None:
    """Why a reference is not a scholarly work that Crossref or PubMed index, or None."""
    repository = datacite_repository(ref.doi)
    if repository and not ref.pmid:
        return (f"a dataset, software or preprint with a DataCite DOI ({repository}, {ref.doi}): "
                "Crossref and PubMed do not index it")
    if ref.doi or ref.pmid:
        return None
    arxiv = arxiv_id(raw)
    if arxiv:
        rest = _YEAR_ONLY_RE.sub(" ", _ARXIV_RE.sub(" ", raw))
        if not _JOURNAL_VERSION_RE.search(rest):
            return (f"an arXiv preprint (arXiv:{arxiv}) cited without a journal version: Crossref and PubMed "
                    "do not index arXiv")
    if _NON_SCHOLARLY_RE.search(raw) and not (ref.volume or ref.first_page):
        return "not a scholarly publication (web page, personal communication or similar)"
    if ref.url and not (ref.container_title or ref.volume or ref.first_page):
        return "a web page (URL only, no journal or book): Crossref and PubMed do not index it"
    if (not ref.title and not ref.authors and not ref.container_title and not (ref.volume or ref.first_page)
            and len(_WORD_RE.findall(raw)) < defaults.MIN_SEARCHABLE_WORDS):
        # the printed string itself is the bibliographic query: a string the parser could not read
        # is still looked up when it has words enough to search with
        return "nothing to look up: no title, authors or journal could be read"
    return None


def _clean_doi(ref: ParsedReference) -> ParsedReference:
    """The reference with its DOI normalised (printed trailings stripped) when that leaves a valid DOI."""
    doi = normalise_doi(ref.doi) if ref.doi else None
    return replace(ref, doi=doi) if doi and doi != ref.doi else ref


def bibliographic_query(raw: str) -> str:
    """The printed reference as Crossref's `query.bibliographic` (Crossref matches raw citation strings).

    Only the list marker and the line breaks go; nothing is rebuilt from the parsed fields, so a
    misread field cannot spoil the search.
    """
    text = " ".join(strip_list_marker(raw).split())
    return text[: defaults.BIBLIOGRAPHIC_QUERY_MAX_CHARS]


_TITLE_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{3,}")
_PUBMED_STOP = {"with", "from", "that", "this", "their", "between", "among", "into", "through", "than",
                "what", "when", "where", "which", "does", "have", "human", "study", "review", "role"}


def _esearch_term(ref: ParsedReference) -> str | None:
    words = [w for w in _TITLE_WORD_RE.findall(fold(ref.title)) if w not in _PUBMED_STOP]
    if len(words) < 2:
        return None
    words = sorted(set(words), key=lambda w: (-len(w), w))[:6]
    return " AND ".join(f"{w}[ti]" for w in sorted(words))


class Resolver:
    """Resolves many references at once through one Crossref and one PubMed client."""

    def __init__(self, crossref: CrossrefClient, pubmed: PubMedClient, *, jobs: int = 6) -> None:
        self.crossref = crossref
        self.pubmed = pubmed
        self.jobs = max(1, jobs)

    def close(self) -> None:
        """Close the clients and let go of what matching remembered (tens of MB after 10,000 references,
        of no use to the stages that follow)."""
        self.pubmed.close()
        self.crossref.close()
        clear_caches()

    # --- helpers --------------------------------------------------------------------------

    def _parallel(self, func: Callable[[Any], None], items: Iterable[Any]) -> None:
        items = list(items)
        if not items:
            return
        if self.jobs == 1 or len(items) == 1:
            for item in items:
                func(item)
            return
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            list(pool.map(func, items))

    def _efetch(self, wanted: dict[str, list[ReferenceState]], what: str) -> None:
        """EFetch every wanted PMID in batches and give each record to the references that asked."""
        if not wanted:
            return
        records, failed = self.pubmed.efetch(list(wanted))
        for pmid, reason in failed.items():
            for st in wanted.get(pmid, []):
                st.failures.append(f"PubMed EFetch failed ({what}): {reason}")
        for record in records:
            work = from_pubmed(record)
            for st in wanted.get(work.pmid or "", []):
                st.add(work)

    # --- the run ----------------------------------------------------------------------------

    def resolve_all(self, refs: list[tuple[str, ParsedReference]], progress: Progress | None = None
                    ) -> list[Resolution]:
        """One Resolution per (raw, parsed) reference, in order; identical references are looked up once."""
        first_of: dict[str, int] = {}
        unique: list[tuple[str, ParsedReference]] = []
        position: list[int] = []
        for raw, parsed in refs:
            key = " ".join(raw.lower().split())
            if key not in first_of:
                first_of[key] = len(unique)
                unique.append((raw, parsed))
            position.append(first_of[key])
        chunk = defaults.RESOLVE_CHUNK
        if len(unique) <= chunk:
            resolved = self._resolve_unique(unique, progress)
        else:
            def done(n: float) -> None:
                if progress:
                    progress("references", n, len(unique))

            pieces = [unique[i: i + chunk] for i in range(0, len(unique), chunk)]
            resolved = [r for piece in self.resolve_chunks(pieces, done) for r in piece]
        out = []
        seen: set[int] = set()
        for u in position:
            if u in seen:
                r = resolved[u]
                out.append(Resolution(status=r.status, confidence=r.confidence, match=r.match,
                                      discrepancies=list(r.discrepancies), candidates=list(r.candidates),
                                      notes=[*r.notes, "Identical to an earlier reference: looked up once."]))
            else:
                seen.add(u)
                out.append(resolved[u])
        return out

    def resolve_chunks(self, chunks: Iterable[list[tuple[str, ParsedReference]]],
                       progress: Callable[[float], None] | None = None) -> Iterator[list[Resolution]]:
        """The resolutions of each chunk of distinct references, chunk by chunk in order, with
        `defaults.CHUNKS_IN_FLIGHT` chunks looked up at a time: one chunk's DOI lookups, ECitMatch and
        EFetch run while another's Crossref searches do, so that each API is kept busy at its own
        limit instead of waiting for the other's stages. `progress(n)`: n references done (fractional)."""
        lock = threading.Lock()
        share: dict[int, float] = {}  # chunk number -> references of it done

        def tracker(number: int, size: int) -> Progress:
            def follow(stage: str, done: Any, total: int) -> None:
                with lock:
                    share[number] = size * stage_fraction(stage, done, total)
                    n = sum(share.values())
                if progress:
                    progress(n)
            return follow

        with ThreadPoolExecutor(max_workers=defaults.CHUNKS_IN_FLIGHT) as pool:
            running: deque[Future[list[Resolution]]] = deque()
            for number, chunk in enumerate(chunks):
                running.append(pool.submit(self._resolve_unique, chunk, tracker(number, len(chunk))))
                if len(running) >= defaults.CHUNKS_IN_FLIGHT:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()

    def _resolve_unique(self, refs: list[tuple[str, ParsedReference]], progress: Progress | None = None
                        ) -> list[Resolution]:
        report = progress or (lambda stage, done, total: None)
        states = [ReferenceState(_clean_doi(ref), raw=raw) for raw, ref in refs]
        results: list[Resolution | None] = [None] * len(refs)
        active: list[ReferenceState] = []
        for i, ((raw, ref), st) in enumerate(zip(refs, states, strict=True)):
            reason = skip_reason(ref, raw)
            if reason:
                results[i] = Resolution(status="skipped", confidence=1.0, notes=[f"Skipped: {reason}."])
            else:
                active.append(st)

        # 1. cited identifiers
        self._crossref_records({st.ref.doi: [st] for st in active if st.ref.doi}, cited=True)
        report("identifiers", 1, 6)
        wanted: dict[str, list[ReferenceState]] = {}
        for st in active:
            if st.ref.pmid:
                st.consult("PubMed EFetch")
                wanted.setdefault(st.ref.pmid, []).append(st)

        # 2. ECitMatch
        for st in active:
            st.evaluate()
        cit_states = {}
        queries = []
        for n, st in enumerate(active):
            r = st.ref
            if st.best is None and r.container_title and r.year and r.volume and r.first_page and r.authors:
                key = f"ref{n}"
                cit_states[key] = st
                author = f"{r.authors[0].family} {re.sub(r'[^A-Z]', '', r.authors[0].given)[:2]}".strip()
                queries.append(CitationQuery(r.container_title, str(r.year), r.volume, r.first_page, author, key))
        if queries:
            for st in cit_states.values():
                st.consult("PubMed ECitMatch")
            found, failed = self.pubmed.ecitmatch(queries)
            for key, reason in failed.items():
                cit_states[key].failures.append(f"PubMed ECitMatch failed: {reason}")
            for key, pmid in found.items():
                wanted.setdefault(pmid, []).append(cit_states[key])
        report("citation match", 2, 6)

        # 3. EFetch what identifiers and ECitMatch gave
        self._efetch(wanted, "cited PMIDs and citation matches")
        for st in active:
            st.evaluate()
        report("records", 3, 6)

        # 4-5. searches for the rest: Crossref first, PubMed when Crossref has no match; the two APIs
        # work at the same time for different references, each at its own rate limit
        esearch_wanted: dict[str, list[ReferenceState]] = {}
        lock = threading.Lock()

        def search(st: ReferenceState) -> None:
            st.consult("Crossref bibliographic search")
            try:
                items = self.crossref.search(bibliographic_query(st.raw))
            except LookupFailed as exc:
                st.failures.append(f"Crossref search failed: {exc}")
                items = []
            for item in items:
                st.add(from_crossref(item))
            st.evaluate()
            if st.best is not None:
                return
            term = _esearch_term(st.ref)
            if term is None:
                return
            st.consult("PubMed ESearch")
            try:
                pmids = self.pubmed.esearch(term, retmax=defaults.SEARCH_ROWS)
            except LookupFailed as exc:
                st.failures.append(f"PubMed ESearch failed: {exc}")
                return
            with lock:
                for pmid in pmids:
                    esearch_wanted.setdefault(pmid, []).append(st)

        to_search = [st for st in active if st.best is None]
        searched = [0]

        def search_and_report(st: ReferenceState) -> None:
            try:
                search(st)
            finally:
                with lock:
                    searched[0] += 1
                    done = searched[0]
                report("searching", done, len(to_search))

        self._parallel(search_and_report, to_search)
        report("searches", 4, 6)
        self._efetch(esearch_wanted, "search results")
        for st in active:
            st.evaluate()
        report("search records", 5, 6)

        # 6. cross-walk DOI <-> PMID for the matches
        self._crosswalk([st for st in active if st.best is not None])
        report("cross-walk", 6, 6)

        for i, st in enumerate(states):
            if results[i] is None:
                results[i] = verdict(st)
        return [r for r in results if r is not None]

    def _crosswalk(self, matched: list[ReferenceState]) -> None:
        need_pmid: dict[str, list[ReferenceState]] = {}
        for st in matched:
            if st.best and st.best.work.doi and not st.best.work.pmid:
                need_pmid.setdefault(st.best.work.doi, []).append(st)
        dois = sorted(need_pmid)
        for start in range(0, len(dois), defaults.ESEARCH_DOI_BATCH):
            chunk = dois[start: start + defaults.ESEARCH_DOI_BATCH]
            states = [st for doi in chunk for st in need_pmid[doi]]
            for st in states:
                st.consult("PubMed ESearch (DOI)")
            try:
                pmids = self.pubmed.esearch(" OR ".join(f"{doi}[doi]" for doi in chunk), retmax=len(chunk) * 2)
            except LookupFailed as exc:
                for st in states:
                    st.notes.append(f"The PubMed cross-walk failed: {exc}")
                continue
            if not pmids:
                continue
            records, failed = self.pubmed.efetch(pmids)
            if failed:
                for st in states:
                    st.notes.append("The PubMed cross-walk failed for some records: " + "; ".join(
                        sorted(set(failed.values()))))
            for record in records:
                work = from_pubmed(record)
                for st in need_pmid.get(work.doi or "", []):
                    st.add(work)
                    st.evaluate()

        need_crossref: dict[str, list[ReferenceState]] = {}
        for st in matched:
            if st.best and st.best.work.doi and "crossref" not in st.best.work.sources:
                need_crossref.setdefault(st.best.work.doi, []).append(st)
        self._crossref_records(need_crossref, cited=False)

    def _crossref_records(self, wanted: dict[str, list[ReferenceState]], *, cited: bool) -> None:
        """Crossref records for DOIs (cited ones, or DOIs that PubMed gave), given to the references."""
        if not wanted:
            return
        for states in wanted.values():
            for st in states:
                st.consult("Crossref DOI lookup")
        records, failed = self.crossref.works(list(wanted))
        for doi, states in wanted.items():
            key = doi.lower()
            for st in states:
                if key in failed and key in self.crossref.rejected:  # an answer: the DOI is malformed
                    st.notes.append(f"The {'cited ' if cited else ''}DOI {doi} cannot be looked up: "
                                    f"{self.crossref.rejected[key]}.")
                elif key in failed:
                    (st.failures if cited else st.notes).append(f"Crossref lookup of {doi} failed: {failed[key]}")
                elif records.get(key) is None:
                    if cited:
                        st.notes.append(f"The cited DOI {doi} is not registered with Crossref.")
                else:
                    st.add(from_crossref(records[key]))
                    st.evaluate()

