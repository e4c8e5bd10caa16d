"""PubMed through NCBI E-utilities over httpx: ESearch, EFetch (batched) and ECitMatch.

Bodies are fetched (and cached) by the fetcher and parsed with Bio.Entrez.read, which
reads any file handle and checks each document against the DTDs that Biopython ships.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from Bio import Entrez

from citelens import defaults
from citelens.errors import LookupFailed
from citelens.resolve.http import NOT_FOUND_MARK, Fetcher, Request, Retryable, is_connection_error, parse_retry_after


def _parse_xml(body: bytes) -> Any:
    return Entrez.read(io.BytesIO(body), validate=True)


def _valid_xml(body: bytes) -> bool:
    if not body.lstrip().startswith(b"<?xml") and not body.lstrip().startswith(b"<"):
        return False
    try:
        parsed = _parse_xml(body)
    except Exception:  # Bio.Entrez raises several parser errors; any of them means malformed
        return False
    return not (isinstance(parsed, dict) and "ERROR" in parsed and not parsed.get("IdList"))


def _valid_ecitmatch(body: bytes) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    return all(line.count("|") >= 6 for line in lines) and "<" not in text


@dataclass(frozen=True)
class CitationQuery:
    """One ECitMatch line: journal|year|volume|first_page|author|key|."""

    journal: str
    year: str
    volume: str
    first_page: str
    author: str
    key: str

    def line(self) -> str:
        fields = [self.journal, self.year, self.volume, self.first_page, self.author, self.key]
        return "|".join(f.replace("|", " ").strip() for f in fields) + "|"


class PubMedClient:
    def __init__(self, fetcher: Fetcher, *, base_url: str = defaults.DEFAULT_EUTILS_URL, email: str | None = None,
                 api_key: str | None = None, timeout: float = defaults.HTTP_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.identity = {"tool": defaults.NCBI_TOOL, "email": email, "api_key": api_key}
        self.http = httpx.Client(timeout=timeout, transport=transport,
                                 headers={"User-Agent": "citelens/0.1"}, follow_redirects=True)

    def close(self) -> None:
        self.http.close()

    def _call(self, endpoint: str, params: dict[str, Any], *, post: bool = False) -> bytes:
        url = f"{self.base_url}/{endpoint}"
        data = {k: v for k, v in {**params, **self.identity}.items() if v is not None}
        try:
            response = self.http.post(url, data=data) if post else self.http.get(url, params=data)
        except httpx.TimeoutException as exc:
            raise Retryable(f"timeout: {exc}") from None
        except httpx.TransportError as exc:
            raise Retryable(f"network error: {type(exc).__name__}: {exc}",
                                connection=is_connection_error(exc)) from None
        limiter = self.fetcher.limiters.get("eutils")
        if limiter is not None:  # NCBI's X-RateLimit-Limit / X-RateLimit-Remaining
            limiter.follow_headers({k.lower(): v for k, v in response.headers.items()})
        status = response.status_code
        if status == 429 or status >= 500:
            raise Retryable(f"HTTP {status}", parse_retry_after(response.headers.get("retry-after")),
                            rate_limited=status == 429)
        if status >= 400:
            raise LookupFailed(f"E-utilities {endpoint}: HTTP {status}")
        return response.content

    def _request(self, endpoint: str, params: dict[str, Any], validate: Any, ext: str, label: str,
                 *, post: bool = False, cached: bool = True) -> bytes:
        req = Request(
            source="pubmed", kind="eutils",
            cache_path=self.fetcher.cache.path_for("pubmed", endpoint.split(".")[0], params, ext, label=label)
            if cached else None,
            call=lambda: self._call(endpoint, params, post=post), validate=validate,
            describe=f"PubMed {endpoint.split('.')[0]} {label}",
        )
        body = self.fetcher.get(req)
        if body is None:
            raise LookupFailed(f"PubMed {endpoint}: not found")
        return body

    def _cached_item(self, path: Path, validate: Any) -> bytes | None:
        body = self.fetcher.cache.read(path)
        if body is None:
            return None
        if body == NOT_FOUND_MARK or validate(body):
            self.fetcher.stats.add("cache_hits", "pubmed")
            return body
        self.fetcher.cache.discard(path)  # corrupted: fetch it again
        return None

    def esearch(self, term: str, *, retmax: int = 5) -> list[str]:
        """PMIDs matching a PubMed query, best match first."""
        params = {"db": "pubmed", "term": term, "retmax": retmax, "retmode": "xml"}
        body = self._request("esearch.fcgi", params, _valid_xml, "xml", label=term[:40])
        return [str(i) for i in _parse_xml(body).get("IdList", [])]

    def efetch(self, pmids: list[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Full PubMed records (with abstracts) and the ids that could not be fetched (id -> reason).

        Each record is cached on its own, so any later grouping of ids reuses it; only the ids
        not in the cache are fetched, EFETCH_BATCH a request.
        """
        records: dict[str, dict[str, Any]] = {}
        failures: dict[str, str] = {}
        missing: list[str] = []
        ids = sorted(set(pmids), key=lambda x: int(x) if x.isdigit() else 0)
        cached: dict[str, bytes] = {}
        for pmid in ids:
            body = self.fetcher.cache.read(self._efetch_path(pmid))
            if body is None:
                missing.append(pmid)
            elif body != NOT_FOUND_MARK:
                cached[pmid] = body
            else:
                self.fetcher.stats.add("cache_hits", "pubmed")
        parsed, corrupted = self._parse_cached(cached)
        records.update(parsed)
        for pmid in corrupted:  # a half-written or damaged file: never parsed into a record, fetched again
            self.fetcher.cache.discard(self._efetch_path(pmid))
            missing.append(pmid)
        if missing and self.fetcher.cache.offline:
            failures.update({pmid: f"offline and not in the cache: PubMed record {pmid}" for pmid in missing})
            missing = []
        for start in range(0, len(missing), defaults.EFETCH_BATCH):
            chunk = missing[start: start + defaults.EFETCH_BATCH]
            params = {"db": "pubmed", "id": ",".join(chunk), "retmode": "xml"}
            try:
                body = self._request("efetch.fcgi", params, _valid_xml, "xml", label=f"{chunk[0]}-n{len(chunk)}",
                                     post=len(chunk) > 20, cached=False)
            except LookupFailed as exc:
                failures.update({pmid: str(exc) for pmid in chunk})
                continue
            for pmid, item in split_pubmed_set(body).items():
                self.fetcher.cache.write(self._efetch_path(pmid), item)
            for article in _parse_xml(body).get("PubmedArticle", []):
                records[str(article["MedlineCitation"]["PMID"])] = article
            for pmid in chunk:
                if pmid not in records:  # PubMed has no such id: an answer, cached as such
                    self.fetcher.cache.write(self._efetch_path(pmid), NOT_FOUND_MARK)
        return [records[p] for p in ids if p in records], failures

    def _parse_cached(self, cached: dict[str, bytes]) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """Parse cached records in one document (one DTD load instead of one per record)."""
        if not cached:
            return {}, []
        blocks = {pmid: _ARTICLE_RE.search(body) for pmid, body in cached.items()}
        good = {pmid: m.group(0) for pmid, m in blocks.items()
                if m and _PMID_RE.search(m.group(0)) and _PMID_RE.search(m.group(0)).group(1).decode() == pmid}
        corrupted = [pmid for pmid in cached if pmid not in good]
        header = next(iter(cached.values()))
        header = header[: header.find(b">", header.find(b"<PubmedArticleSet")) + 1]
        document = header + b"\n" + b"\n".join(good.values()) + b"\n</PubmedArticleSet>\n"
        try:
            articles = _parse_xml(document)["PubmedArticle"]
        except Exception:  # one damaged record spoils the document: find it record by record
            articles = []
            for pmid in list(good):
                try:
                    articles.extend(_parse_xml(cached[pmid])["PubmedArticle"])
                except Exception:
                    corrupted.append(pmid)
                    del good[pmid]
        out = {}
        for article in articles:
            pmid = str(article["MedlineCitation"]["PMID"])
            out[pmid] = article
            self.fetcher.stats.add("cache_hits", "pubmed")
        corrupted += [pmid for pmid in good if pmid not in out]
        return out, corrupted

    def _efetch_path(self, pmid: str) -> Path:
        return self.fetcher.cache.path_for("pubmed", "efetch", {"db": "pubmed", "id": pmid, "retmode": "xml"}, "xml",
                                           label=pmid)

    def ecitmatch(self, citations: list[CitationQuery]) -> tuple[dict[str, str], dict[str, str]]:
        """PMIDs for citations (key -> PMID) and the keys whose lookup failed (key -> reason).

        Each citation's answer line is cached on its own (keyed without the caller's key).
        """
        found: dict[str, str] = {}
        failures: dict[str, str] = {}
        missing: list[CitationQuery] = []
        for c in citations:
            body = self._cached_item(self._ecitmatch_path(c), _valid_ecitmatch)
            if body is None:
                missing.append(c)
            else:
                pmid = _ecitmatch_pmid(body.decode("utf-8"))
                if pmid:
                    found[c.key] = pmid
        if missing and self.fetcher.cache.offline:
            failures.update({c.key: "offline and not in the cache: PubMed ECitMatch" for c in missing})
            missing = []
        for start in range(0, len(missing), defaults.ECITMATCH_BATCH):
            chunk = missing[start: start + defaults.ECITMATCH_BATCH]
            bdata = "\r".join(c.line() for c in chunk)
            params = {"db": "pubmed", "retmode": "xref", "bdata": bdata}
            try:
                body = self._request("ecitmatch.cgi", params, _valid_ecitmatch, "txt", label=chunk[0].key,
                                     cached=False)
            except LookupFailed as exc:
                failures.update({c.key: str(exc) for c in chunk})
                continue
            answers = {}
            for line in body.decode("utf-8").splitlines():
                parts = line.strip().split("|")
                if len(parts) >= 7:
                    answers[parts[5].strip()] = line.strip()
            for c in chunk:
                line = answers.get(c.key)
                if line is None:
                    failures[c.key] = "PubMed ECitMatch gave no answer for this citation"
                    continue
                self.fetcher.cache.write(self._ecitmatch_path(c), (line + "\n").encode("utf-8"))
                pmid = _ecitmatch_pmid(line)
                if pmid:
                    found[c.key] = pmid
        return found, failures

    def _ecitmatch_path(self, c: CitationQuery) -> Path:
        fields = {"journal": c.journal.lower(), "year": c.year, "volume": c.volume, "page": c.first_page,
                  "author": c.author.lower()}
        return self.fetcher.cache.path_for("pubmed", "ecitmatch", fields, "txt", label=c.journal[:24])


def _ecitmatch_pmid(line: str) -> str | None:
    parts = line.strip().split("|")
    return parts[6].strip() if len(parts) >= 7 and parts[6].strip().isdigit() else None


_ARTICLE_RE = re.compile(rb"<PubmedArticle(?:\s[^>]*)?>.*?</PubmedArticle>", re.S)
_PMID_RE = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")


def split_pubmed_set(body: bytes) -> dict[str, bytes]:
    """One PubmedArticleSet per PMID, each with the original XML declaration and DOCTYPE."""
    open_tag = body.find(b"<PubmedArticleSet")
    head_end = body.find(b">", open_tag) + 1 if open_tag != -1 else 0
    header = body[:head_end]
    items: dict[str, bytes] = {}
    for m in _ARTICLE_RE.finditer(body):
        pmid = _PMID_RE.search(m.group(0))
        if pmid:
            items[pmid.group(1).decode()] = header + b"\n" + m.group(0) + b"\n</PubmedArticleSet>\n"
    return items
