"""Crossref through habanero: DOI lookups, DOI batches and bibliographic searches.

habanero 2.x makes each request itself with `httpx2.get` (no injectable client). To cache
the raw body, read the status and `Retry-After`/`x-rate-limit-*` headers, and add the
Metadata Plus token header, the module-level `httpx2` that habanero's request helper uses is
wrapped once by `_ObservedHttpx2`, which records the last response of each thread. The wrapper
sends habanero's requests through the calling CrossrefClient's own `httpx2.Client`: the module-level
`httpx2.get` builds a new client, with a new TLS context and connection, for every request (about
half of a cold run's CPU went there), where one client keeps its connections open.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import habanero
import habanero.request as _habanero_request
import habanero.request_class as _habanero_request_class
import httpx2
from habanero.exceptions import RequestError

from citelens import defaults
from citelens.errors import LookupFailed
from citelens.resolve.doi import normalise_doi
from citelens.resolve.http import (
    NOT_FOUND_MARK,
    Fetcher,
    NotFound,
    Rejected,
    Request,
    RequestRejected,
    Retryable,
    is_connection_error,
    parse_retry_after,
    rejected_body,
    rejected_reason,
)

_local = threading.local()


class _ObservedHttpx2:
    """Stands in for the `httpx2` module inside habanero.request: same calls, responses recorded."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def get(self, url: str, **kwargs: Any) -> Any:
        extra = getattr(_local, "headers", None)
        if extra:
            kwargs["headers"] = {**(kwargs.get("headers") or {}), **extra}
        _local.response = None
        client = getattr(_local, "client", None)
        response = client.get(url, **kwargs) if client is not None else self._real.get(url, **kwargs)
        _local.response = response
        return response


for _module in (_habanero_request, _habanero_request_class):  # DOI lookups use one, searches the other
    if not isinstance(_module.httpx2, _ObservedHttpx2):
        _module.httpx2 = _ObservedHttpx2(_module.httpx2)


def _validation_message(response: Any) -> str:
    """Crossref's 400 body: `{"status": "failed", "message-type": "validation-failure", "message": [...]}`."""
    try:
        data = json.loads(response.content)
        messages = [str(m.get("message") or m.get("type")) for m in data.get("message") or []]
        return "; ".join(messages)[:300] or "bad request"
    except (ValueError, AttributeError, TypeError):
        return "bad request"


def _valid_json(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and data.get("status") == "ok" and isinstance(data.get("message"), dict)


class CrossrefClient:
    """The Crossref REST API, polite pool when a mailto is configured."""

    def __init__(self, fetcher: Fetcher, *, base_url: str = defaults.DEFAULT_CROSSREF_URL, mailto: str | None = None,
                 plus_token: str | None = None, timeout: float = defaults.HTTP_TIMEOUT_S) -> None:
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.cr = habanero.Crossref(base_url=self.base_url, mailto=mailto,
                                    ua_string="citelens/0.1 (https://github.com/citelens)", timeout=timeout)
        self.headers = {"Crossref-Plus-API-Token": f"Bearer {plus_token}"} if plus_token else {}
        self.http = httpx2.Client(timeout=timeout)  # habanero's requests go through it (see _ObservedHttpx2)
        self.rejected: dict[str, str] = {}  # DOI -> why Crossref (or the syntax check) rejects it
        self.aliases: dict[str, str] = {}  # DOI as cited -> normalised

    def close(self) -> None:
        self.http.close()

    def _call(self, describe: str, **kwargs: Any) -> bytes:
        _local.headers = self.headers
        _local.client = self.http
        _local.response = None
        try:
            self.cr.works(**kwargs)
            response = _local.response
        except RequestError as exc:  # habanero's error for JSON error bodies
            self._raise_for(getattr(exc.__cause__, "response", None) or _local.response, describe, str(exc))
        except Exception as exc:  # httpx2 errors, RuntimeError wrappers, JSON decoding
            response = getattr(exc, "response", None) or getattr(exc.__cause__, "response", None) or _local.response
            if response is None:
                raise Retryable(f"network error: {type(exc).__name__}: {exc}",
                                connection=is_connection_error(exc)) from None
            self._raise_for(response, describe, str(exc))
        finally:
            _local.headers = None
            _local.client = None
        if response is None:
            raise Retryable("no response")
        if not 200 <= response.status_code < 300:
            self._raise_for(response, describe, f"HTTP {response.status_code}")
        self._observe(response)
        return response.content

    def _observe(self, response: Any) -> None:
        headers = {k.lower(): v for k, v in response.headers.items()}
        for kind in ("crossref-single", "crossref-list"):
            limiter = self.fetcher.limiters.get(kind)
            if limiter:
                limiter.follow_headers(headers)

    @staticmethod
    def _raise_for(response: Any, describe: str, message: str) -> None:
        if response is None:
            raise Retryable(f"network error: {message}")
        status = response.status_code
        if status == 404:
            raise NotFound(describe)
        if status == 429 or status >= 500:
            raise Retryable(f"HTTP {status}", parse_retry_after(response.headers.get("retry-after")),
                            rate_limited=status == 429)
        if 200 <= status < 300:
            raise Retryable(f"malformed response: {message}")
        if status == 400:
            raise Rejected(f"HTTP 400: {_validation_message(response)}")
        raise LookupFailed(f"{describe}: HTTP {status}: {message}")

    # --- the three kinds of request -----------------------------------------------------

    def work(self, doi: str) -> dict[str, Any] | None:
        """The Crossref record of one DOI, or None when Crossref has no such DOI."""
        req = Request(
            source="crossref", kind="crossref-single", cache_path=self._work_path(doi),
            call=lambda: self._call(f"Crossref DOI {doi}", ids=quote(doi, safe="/()._-;:<>")),
            validate=_valid_json, describe=f"Crossref DOI {doi}",
        )
        body = self.fetcher.get(req)
        return json.loads(body)["message"] if body is not None else None

    def _work_path(self, doi: str) -> Path:
        return self.fetcher.cache.path_for("crossref", "works", {"doi": doi.lower()}, "json", label=doi.lower())

    def works(self, dois: list[str]) -> tuple[dict[str, dict[str, Any] | None], dict[str, str]]:
        """Crossref records for many DOIs: doi -> message (None: not registered), and failures (doi -> reason).

        DOIs are normalised first (`doi.normalise_doi`); one that is not DOI syntax is a failure
        without a request. Cached DOIs are read from the cache; a few missing ones are looked up
        one by one (the DOI bucket), more are fetched 20 at a time with `filter=doi:A,doi:B` (the
        list bucket), which costs fewer requests and less time at the published limits. A batch
        that Crossref rejects (HTTP 400) is split in halves until the DOI it rejects is alone; that
        DOI is reported (`rejected`) and its rejection cached, the others resolve. Each answer is
        cached per DOI in the single-lookup shape, so any later grouping reuses it.
        """
        wanted: list[str] = []
        failures: dict[str, str] = {}
        for raw in sorted({d for d in dois if d}):
            doi = normalise_doi(raw)
            if doi is None:
                self.rejected[raw.lower()] = "not DOI syntax"
                failures[raw.lower()] = f"{raw} is not a valid DOI: not looked up"
            elif doi not in wanted:
                wanted.append(doi)
            if doi is not None and doi != raw.lower():
                self.aliases[raw.lower()] = doi
        wanted.sort()
        found: dict[str, dict[str, Any] | None] = {}
        missing = []
        for doi in wanted:
            body = self.fetcher.cache.read(self._work_path(doi))
            reason = rejected_reason(body) if body is not None else None
            if body == NOT_FOUND_MARK:
                self.fetcher.stats.add("cache_hits", "crossref")
                found[doi] = None
            elif reason is not None:
                self.fetcher.stats.add("cache_hits", "crossref")
                self.rejected[doi] = reason
                failures[doi] = f"Crossref rejects {doi} ({reason})"
            elif body is not None and _valid_json(body):
                self.fetcher.stats.add("cache_hits", "crossref")
                found[doi] = json.loads(body)["message"]
            else:
                missing.append(doi)
        if len(missing) < defaults.CROSSREF_DOI_BATCH_MIN or self.fetcher.cache.offline:
            for doi in missing:
                try:
                    found[doi] = self.work(doi)
                except RequestRejected as exc:
                    self.rejected[doi] = str(exc)
                    failures[doi] = str(exc)
                except LookupFailed as exc:
                    failures[doi] = str(exc)
            self._alias(found, failures)
            return found, failures
        for start in range(0, len(missing), defaults.CROSSREF_DOI_FILTER_BATCH):
            self._batch(missing[start: start + defaults.CROSSREF_DOI_FILTER_BATCH], found, failures)
        self._alias(found, failures)
        return found, failures

    def _alias(self, found: dict[str, dict[str, Any] | None], failures: dict[str, str]) -> None:
        """Answers under the DOI as the caller gave it too (before normalisation)."""
        for raw, doi in self.aliases.items():
            if doi in found:
                found.setdefault(raw, found[doi])
            if doi in failures:
                failures.setdefault(raw, failures[doi])

    def _batch(self, chunk: list[str], found: dict[str, dict[str, Any] | None], failures: dict[str, str],
               *, split: bool = False) -> None:
        """One `filter=doi:...` request; a rejected batch is split until the DOI Crossref rejects is alone."""
        if len(chunk) == 1 and split:
            doi = chunk[0]
            try:
                work = self.work(doi)
                if work is None:  # rejected in the batch, unknown alone: reported, and cached as rejected
                    reason = "HTTP 400 in a DOI batch, and no record of it on its own"
                    self.fetcher.cache.write(self._work_path(doi), rejected_body(reason))
                    self.rejected[doi] = reason
                    failures[doi] = f"Crossref rejects {doi} ({reason})"
                else:
                    found[doi] = work
            except RequestRejected as exc:
                self.rejected[doi] = str(exc)
                failures[doi] = str(exc)
            except LookupFailed as exc:
                failures[doi] = str(exc)
            return
        req = Request(
            source="crossref", kind="crossref-list", cache_path=None,
            call=lambda: self._call("Crossref DOI batch", filter={"doi": chunk}, limit=len(chunk)),
            validate=_valid_json, describe=f"Crossref DOI batch ({len(chunk)})",
        )
        try:
            body = self.fetcher.get(req)
        except RequestRejected:
            half = len(chunk) // 2
            self._batch(chunk[:half], found, failures, split=True)
            self._batch(chunk[half:], found, failures, split=True)
            return
        except LookupFailed as exc:
            failures.update({doi: str(exc) for doi in chunk})
            return
        items = json.loads(body)["message"].get("items") or [] if body else []
        by_doi = {str(item.get("DOI", "")).lower(): item for item in items}
        for doi in chunk:
            item = by_doi.get(doi)
            envelope = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": item}
            self.fetcher.cache.write(self._work_path(doi), json.dumps(envelope).encode() if item
                                     else NOT_FOUND_MARK)
            found[doi] = item

    def search(self, bibliographic: str, *, author: str | None = None, rows: int = defaults.SEARCH_ROWS
               ) -> list[dict[str, Any]]:
        """A bibliographic search: the top `rows` candidates, best first by Crossref's score."""
        query: dict[str, Any] = {"query_bibliographic": bibliographic}
        if author:
            query["query_author"] = author
        params = {**query, "rows": rows}
        req = Request(
            source="crossref", kind="crossref-list",
            cache_path=self.fetcher.cache.path_for("crossref", "search", params, "json", label=bibliographic[:40]),
            call=lambda: self._call("Crossref search", limit=rows, **query),
            validate=_valid_json, describe=f"Crossref search {bibliographic[:60]!r}",
        )
        body = self.fetcher.get(req)
        return list(json.loads(body)["message"].get("items") or []) if body is not None else []
