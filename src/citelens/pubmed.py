"""PubMed through NCBI E-utilities over httpx: ESearch, EFetch (batched) and ECitMatch.

Bodies are fetched (and cached) by the fetcher and parsed with Bio.Entrez.read, which
reads any file handle and checks each document against the DTDs that Biopython ships.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import httpx
from Bio import Entrez

from . import config
from .errors import LookupFailed
from .fetch import Fetcher, Request, Retryable, parse_retry_after


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
    def __init__(self, fetcher: Fetcher, *, base_url: str = config.DEFAULT_EUTILS_URL, email: str | None = None,
                 api_key: str | None = None, timeout: float = config.HTTP_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.identity = {"tool": config.NCBI_TOOL, "email": email, "api_key": api_key}
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
            raise Retryable(f"network error: {type(exc).__name__}: {exc}") from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise Retryable(f"HTTP {status}", parse_retry_after(response.headers.get("retry-after")))
        if status >= 400:
            raise LookupFailed(f"E-utilities {endpoint}: HTTP {status}")
        return response.content

    def _request(self, endpoint: str, params: dict[str, Any], validate: Any, ext: str, label: str,
                 *, post: bool = False) -> bytes:
        req = Request(
            source="pubmed", kind="eutils",
            cache_path=self.fetcher.cache.path_for("pubmed", endpoint.split(".")[0], params, ext, label=label),
            call=lambda: self._call(endpoint, params, post=post), validate=validate,
            describe=f"PubMed {endpoint.split('.')[0]} {label}",
        )
        body = self.fetcher.get(req)
        if body is None:
            raise LookupFailed(f"PubMed {endpoint}: not found")
        return body

    def esearch(self, term: str, *, retmax: int = 5) -> list[str]:
        """PMIDs matching a PubMed query, best match first."""
        params = {"db": "pubmed", "term": term, "retmax": retmax, "retmode": "xml"}
        body = self._request("esearch.fcgi", params, _valid_xml, "xml", label=term[:40])
        return [str(i) for i in _parse_xml(body).get("IdList", [])]

    def efetch(self, pmids: list[str]) -> list[dict[str, Any]]:
        """Full PubMed records (with abstracts), fetched up to EFETCH_BATCH ids a request."""
        records: list[dict[str, Any]] = []
        ids = sorted(set(pmids), key=int)
        for start in range(0, len(ids), config.EFETCH_BATCH):
            chunk = ids[start: start + config.EFETCH_BATCH]
            params = {"db": "pubmed", "id": ",".join(chunk), "retmode": "xml"}
            body = self._request("efetch.fcgi", params, _valid_xml, "xml", label=f"{chunk[0]}-n{len(chunk)}",
                                 post=len(chunk) > 20)
            records.extend(_parse_xml(body).get("PubmedArticle", []))
        return records

    def ecitmatch(self, citations: list[CitationQuery]) -> dict[str, str]:
        """PMIDs for citations (key -> PMID), ECITMATCH_BATCH citations a request."""
        found: dict[str, str] = {}
        for start in range(0, len(citations), config.ECITMATCH_BATCH):
            chunk = citations[start: start + config.ECITMATCH_BATCH]
            bdata = "\r".join(c.line() for c in chunk)
            params = {"db": "pubmed", "retmode": "xref", "bdata": bdata}
            body = self._request("ecitmatch.cgi", params, _valid_ecitmatch, "txt", label=chunk[0].key)
            for line in body.decode("utf-8").splitlines():
                parts = line.strip().split("|")
                if len(parts) >= 7 and parts[6].strip().isdigit():
                    found[parts[5].strip()] = parts[6].strip()
        return found
