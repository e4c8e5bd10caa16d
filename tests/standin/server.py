"""The loopback HTTP server: Crossref REST API and NCBI E-utilities stand-ins on 127.0.0.1.

Usage::

    with StandIn() as s:
        Crossref(base_url=s.crossref_url).works(ids="10.1073/pnas.1113079108")
        httpx.get(f"{s.eutils_url}/efetch.fcgi", params={"db": "pubmed", "id": "22123970"})

Fault switches (``fail_429``, ``fail_5xx``, ``malformed``, ``drop``, ``drop_mid_body``, ``stall``) take ``0``/``None``/``False``
(off), ``True`` (every request), an ``int`` N (the next N requests after the switch is set) or a
``float`` in ``[0, 1)`` (that probability per request, from a RNG seeded with ``seed``).  They are
plain attributes and may be changed while the server runs; assigning restarts the count.
"""

from __future__ import annotations

import base64
import contextlib
import gzip as gzip_module
import heapq
import random
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from . import crossref_render as cr
from . import pubmed_render as pm
from .records import (
    Record,
    date_bounds,
    issued_date,
    load_records,
    merge_records,
    normalize_doi,
    online_date,
    parse_date,
    print_date,
)
from .search import CROSSREF_QUERY_FIELDS, CrossrefIndex, PubMedIndex

CROSSREF = "crossref"
EUTILS = "eutils"

_CROSSREF_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": (
        "X-Requested-With, Accept, Accept-Encoding, Accept-Charset, Accept-Language, Accept-Ranges, Cache-Control"
    ),
    "access-control-expose-headers": "Link",
    "permissions-policy": "interest-cohort=()",
}
_CROSSREF_JSON = "application/json"
_XML = "text/xml; charset=UTF-8"
_JSON_UTF8 = "application/json; charset=UTF-8"
_TEXT = "text/plain; charset=UTF-8"
_HTML = "text/html; charset=UTF-8"

_HAPROXY_PAGES = {
    429: "<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n"
    "</body></html>\n",
    500: "<html><body><h1>500 Internal Server Error</h1>\nAn internal server error occurred.\n</body></html>\n",
    502: "<html><body><h1>502 Bad Gateway</h1>\nThe server returned an invalid or incomplete response.\n"
    "</body></html>\n",
    503: "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n"
    "</body></html>\n",
    504: "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n",
}
_MALFORMED_HTML = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Service Temporarily Unavailable'
    "</title></head>\n<body><h1>Service Temporarily Unavailable</h1>\n<p>The server is temporarily unable to "
    "service your request due to maintenance downtime or capacity problems. Please try again later.</p>\n"
    "</body></html>\n"
)

_DOI_SYNTAX = re.compile(r"^10\.\d{4,9}/\S+$")

CROSSREF_FILTERS = frozenset(
    {
        "from-pub-date",
        "until-pub-date",
        "from-print-pub-date",
        "until-print-pub-date",
        "from-online-pub-date",
        "until-online-pub-date",
        "from-issued-date",
        "until-issued-date",
        "doi",
        "type",
        "issn",
        "prefix",
        "has-abstract",
        "container-title",
        "is-update",
        "update-type",
    }
)


class RequestRecord(NamedTuple):
    """One request as the stand-in saw it: ``api`` is ``"crossref"``, ``"eutils"`` or ``"other"``."""

    api: str
    route: str
    query: dict[str, str]


class LogEntry(NamedTuple):
    api: str
    route: str
    query: dict[str, str]
    method: str
    status: int | None  # None: connection dropped
    fault: str | None  # "drop", "429", "5xx", "rate-limit", "concurrency", "malformed" or None
    at: float


_CUT = "X-Standin-Cut"  # internal: send only half of the body, then close ("drop") or wait ("stall:S") first


class Response(NamedTuple):
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


class _Fault:
    """State of one fault switch."""

    def __init__(self, value: bool | int | float | None) -> None:
        self.value = value
        self.remaining = value if isinstance(value, int) and not isinstance(value, bool) else 0

    def fire(self, rng: random.Random) -> bool:
        v = self.value
        if v is None or v is False:
            return False
        if v is True:
            return True
        if isinstance(v, int):
            if self.remaining > 0:
                self.remaining -= 1
                return True
            return False
        return rng.random() < float(v)


def _fault_property(name: str) -> property:
    def getter(self: StandIn) -> bool | int | float | None:
        return self._faults[name].value

    def setter(self: StandIn, value: bool | int | float | None) -> None:
        with self._lock:
            self._faults[name] = _Fault(value)

    return property(getter, setter, doc=f"fault switch {name!r} (see module docstring)")


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"standin:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if cursor == "*":
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        return 0


class StandIn:
    """Loopback stand-in for api.crossref.org and eutils.ncbi.nlm.nih.gov.

    ``records``: list of record dicts or a path to a JSON Lines file (default: the packaged
    copy of ``seed-works.jsonl``).  ``extra_records`` are added on top and replace a record with
    the same DOI or PMID (e.g. a retracted variant).
    """

    fail_429 = _fault_property("fail_429")
    fail_5xx = _fault_property("fail_5xx")
    malformed = _fault_property("malformed")
    drop = _fault_property("drop")
    drop_mid_body = _fault_property("drop_mid_body")
    stall = _fault_property("stall")

    def __init__(
        self,
        records: Iterable[Mapping[str, Any]] | str | Path | None = None,
        extra_records: Iterable[Mapping[str, Any]] = (),
        latency: float | Mapping[str, float] = 0.0,
        *,
        fail_429: bool | int | float | None = 0,
        fail_5xx: bool | int | float | None = 0,
        malformed: bool | int | float | None = 0,
        drop: bool | int | float | None = 0,
        malformed_mode: str = "truncate",
        fail_5xx_status: int | Sequence[int] = (500, 502, 503),
        retry_after: int | float = 1,
        fault_api: str | None = None,
        crossref_rps: float | None = None,
        eutils_rps: float | None = None,
        eutils_rps_with_key: float | None = None,
        crossref_concurrency: int | None = None,
        crossref_rate_limit_header: int = 50,
        crossref_rate_interval_header: str = "1s",
        eutils_rate_limit_header: int = 3,
        gzip: bool = False,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        start: bool = True,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the stand-in only listens on the loopback interface")
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._faults: dict[str, _Fault] = {}
        self.fail_429 = fail_429
        self.fail_5xx = fail_5xx
        self.malformed = malformed
        self.drop = drop
        self.drop_mid_body = 0
        self.stall = 0
        self.stall_seconds = 2.0
        self.retry_after_date = False
        self._storm_until = 0.0
        self.latency = latency
        self.malformed_mode = malformed_mode
        self.fail_5xx_status = fail_5xx_status
        self.retry_after = retry_after
        self.fault_api = fault_api
        self.crossref_rps = crossref_rps
        self.eutils_rps = eutils_rps
        self.eutils_rps_with_key = eutils_rps_with_key
        self.crossref_concurrency = crossref_concurrency
        self.crossref_rate_limit_header = crossref_rate_limit_header
        self.crossref_rate_interval_header = crossref_rate_interval_header
        self.eutils_rate_limit_header = eutils_rate_limit_header
        self.gzip = gzip
        self.indexed = datetime.now(UTC).replace(microsecond=0)

        self.requests: list[RequestRecord] = []
        self.log: list[LogEntry] = []
        self.connections = 0  # TCP connections accepted (a client that keeps its connections open makes few)
        self._windows: dict[str, deque[float]] = {CROSSREF: deque(), EUTILS: deque()}
        self._inflight: Counter[str] = Counter()
        self._5xx_cycle = 0

        self._records: list[Record] = []
        self.set_records(merge_records(_initial_records(records), extra_records))

        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if start:
            self.start()

    # ------------------------------------------------------------------ records

    @property
    def records(self) -> list[Record]:
        return list(self._records)

    def set_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Replace all records (thread-safe)."""
        recs = merge_records([], records)
        by_doi = {r["doi"]: r for r in recs if r.get("doi")}
        by_pmid = {r["pmid"]: r for r in recs if r.get("pmid")}
        crossref_records = [r for r in recs if r.get("doi")]
        index = CrossrefIndex(crossref_records)
        pubmed_index = PubMedIndex(recs)
        with self._lock:
            self._records = recs
            self._by_doi = by_doi
            self._by_pmid = by_pmid
            self._crossref_records = crossref_records
            self._crossref_index = index
            self._pubmed_index = pubmed_index

    def add_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Add records; each replaces an existing record with the same DOI or PMID."""
        self.set_records(merge_records(self._records, records))

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> StandIn:
        if self._server is not None:
            return self
        handler = type("StandInHandler", (_Handler,), {"standin": self})
        server = _QuietServer((self._host, self._port), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="citelens-standin", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    stop = close

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("stand-in is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def crossref_url(self) -> str:
        return f"{self.url}/crossref"

    @property
    def eutils_url(self) -> str:
        return f"{self.url}/eutils"

    # ------------------------------------------------------------------ counting

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.log.clear()
            self.connections = 0

    def count(self, api: str | None = None, route: str | None = None) -> int:
        with self._lock:
            return sum(
                1 for r in self.requests if (api is None or r.api == api) and (route is None or r.route == route)
            )

    def counts(self) -> Counter[tuple[str, str]]:
        """``Counter`` of ``(api, route)``."""
        with self._lock:
            return Counter((r.api, r.route) for r in self.requests)

    def statuses(self, api: str | None = None) -> Counter[int | None]:
        with self._lock:
            return Counter(e.status for e in self.log if api is None or e.api == api)

    def reseed(self, seed: int) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def fault_remaining(self, name: str) -> int:
        return self._faults[name].remaining

    # ------------------------------------------------------------------ request handling

    def _record(self, rec: RequestRecord) -> None:
        with self._lock:
            self.requests.append(rec)

    def _log(self, rec: RequestRecord, method: str, status: int | None, fault: str | None) -> None:
        with self._lock:
            self.log.append(LogEntry(rec.api, rec.route, rec.query, method, status, fault, time.time()))

    def _fire(self, name: str, api: str) -> bool:
        if self.fault_api is not None and api != self.fault_api:
            return False
        with self._lock:
            return self._faults[name].fire(self._rng)

    def _latency_for(self, api: str) -> float:
        lat = self.latency
        if isinstance(lat, Mapping):
            return float(lat.get(api, 0.0))
        return float(lat or 0.0)

    def _retry_after(self) -> str:
        ra = self.retry_after
        if self.retry_after_date:  # an HTTP date (RFC 9110), rounded up to the next whole second
            from email.utils import formatdate

            return formatdate(time.time() + float(ra) + 1, usegmt=True)
        return str(int(ra)) if float(ra).is_integer() else str(ra)

    def start_429_storm(self, seconds: float) -> None:
        """Every Crossref and E-utilities request gets 429 (with Retry-After) for the next `seconds`."""
        self._storm_until = time.monotonic() + seconds

    @property
    def storming(self) -> bool:
        return time.monotonic() < self._storm_until

    def _rate_limited(self, api: str, query: Mapping[str, str]) -> tuple[bool, int, float]:
        """Sliding one-second window; returns (limited, requests in window, limit)."""
        if api == CROSSREF:
            limit = self.crossref_rps
        elif api == EUTILS:
            limit = self.eutils_rps_with_key if (query.get("api_key") and self.eutils_rps_with_key) else self.eutils_rps
        else:
            return False, 0, 0
        if not limit:
            return False, 0, 0
        now = time.monotonic()
        with self._lock:
            window = self._windows[api]
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limit:
                return True, len(window) + 1, limit
            window.append(now)
            return False, len(window), limit

    def _next_5xx(self) -> int:
        st = self.fail_5xx_status
        if isinstance(st, int):
            return st
        with self._lock:
            code = list(st)[self._5xx_cycle % len(st)]
            self._5xx_cycle += 1
        return int(code)

    def _api_headers(self, api: str, query: Mapping[str, str], user_agent: str) -> dict[str, str]:
        if api == CROSSREF:
            h = dict(_CROSSREF_HEADERS)
            polite = "mailto" in query or "mailto:" in user_agent
            h["x-api-pool"] = "polite" if polite else "public"
            if self.crossref_concurrency:
                h["x-concurrency-limit"] = str(self.crossref_concurrency)
            h["x-rate-limit-interval"] = self.crossref_rate_interval_header
            h["x-rate-limit-limit"] = str(self.crossref_rate_limit_header)
            return h
        if api == EUTILS:
            limit = self.eutils_rps or self.eutils_rate_limit_header
            return {"Server": "Finatra", "x-ratelimit-limit": str(int(limit))}
        return {}

    def handle(self, method: str, path: str, query: dict[str, str], headers: Mapping[str, str]) -> Response | None:
        """Produce the response for one request (``None`` means drop the connection)."""
        api, route, sub = _route(path)
        rec = RequestRecord(api, route, dict(query))
        self._record(rec)
        user_agent = headers.get("user-agent", "")
        extra = self._api_headers(api, query, user_agent)

        limited, n, limit = self._rate_limited(api, query)
        if limited:
            resp = self._too_many(api, extra, n, limit)
            self._log(rec, method, resp.status, "rate-limit")
            return resp

        concurrency_slot = False
        if api == CROSSREF and self.crossref_concurrency:
            with self._lock:
                if self._inflight[CROSSREF] >= self.crossref_concurrency:
                    resp = self._too_many(api, extra, self._inflight[CROSSREF] + 1, self.crossref_concurrency)
                    self._log(rec, method, resp.status, "concurrency")
                    return resp
                self._inflight[CROSSREF] += 1
                concurrency_slot = True
        try:
            delay = self._latency_for(api)
            if delay > 0:
                time.sleep(delay)
            if api in (CROSSREF, EUTILS) and self._fire("drop", api):
                self._log(rec, method, None, "drop")
                return None
            if api in (CROSSREF, EUTILS) and (self.storming or self._fire("fail_429", api)):
                resp = self._too_many(api, extra, 0, limit or self.eutils_rate_limit_header)
                self._log(rec, method, resp.status, "429")
                return resp
            if api in (CROSSREF, EUTILS) and self._fire("fail_5xx", api):
                code = self._next_5xx()
                body = _HAPROXY_PAGES.get(code, f"<html><body><h1>{code} Server Error</h1></body></html>\n")
                resp = Response(code, body.encode(), _HTML, extra)
                self._log(rec, method, code, "5xx")
                return resp

            if api == CROSSREF:
                resp = self._crossref(route, sub, query, extra)
            elif api == EUTILS:
                resp = self._eutils(route, query, extra, headers)
            else:
                resp = Response(404, b"Not found.", "text/plain", {})

            fault = None
            if resp.status == 200 and api in (CROSSREF, EUTILS) and self._fire("malformed", api):
                resp = self._malform(resp)
                fault = "malformed"
            elif resp.status == 200 and api in (CROSSREF, EUTILS) and self._fire("drop_mid_body", api):
                resp = Response(resp.status, resp.body, resp.content_type, {**resp.headers, _CUT: "drop"})
                fault = "drop-mid-body"
            elif resp.status == 200 and api in (CROSSREF, EUTILS) and self._fire("stall", api):
                resp = Response(resp.status, resp.body, resp.content_type,
                                {**resp.headers, _CUT: f"stall:{self.stall_seconds}"})
                fault = "stall"
            self._log(rec, method, resp.status, fault)
            return resp
        finally:
            if concurrency_slot:
                with self._lock:
                    self._inflight[CROSSREF] -= 1

    def _too_many(self, api: str, extra: dict[str, str], count: int, limit: float) -> Response:
        headers = dict(extra)
        headers["Retry-After"] = self._retry_after()
        if api == EUTILS:
            headers["x-ratelimit-remaining"] = "0"
            body = pm.ncbi_rate_limit_json("127.0.0.1", max(count, int(limit) + 1), int(limit or 3))
            return Response(429, body.encode(), _JSON_UTF8, headers)
        return Response(429, _HAPROXY_PAGES[429].encode(), "text/html", headers)

    def _malform(self, resp: Response) -> Response:
        mode = self.malformed_mode
        if mode == "html":
            return Response(200, _MALFORMED_HTML.encode(), _HTML, resp.headers)
        if mode == "empty":
            return Response(200, b"", resp.content_type, resp.headers)
        cut = max(1, len(resp.body) // 2)
        return Response(200, resp.body[:cut], resp.content_type, resp.headers)

    # ------------------------------------------------------------------ Crossref

    def _crossref(self, route: str, sub: str, query: dict[str, str], extra: dict[str, str]) -> Response:
        def js(status: int, obj: Any) -> Response:
            return Response(status, cr.dumps(obj).encode(), _CROSSREF_JSON, extra)

        if route in ("/works/{doi}", "/works/{doi}/agency"):
            if any(k.startswith("query.") for k in query):
                return js(400, cr.validation_failure([cr.FIELD_QUERY_NOT_ALLOWED]))
            doi = normalize_doi(unquote(sub))
            with self._lock:
                rec = self._by_doi.get(doi or "")
            if rec is None:
                return Response(404, cr.NOT_FOUND_BODY.encode(), "text/plain", extra)
            if route.endswith("/agency"):
                return js(200, cr.agency_envelope(rec["doi"]))
            return js(200, cr.work_envelope(cr.render_work(rec, score=1, indexed=self.indexed)))
        if route == "/works":
            return self._crossref_search(query, js)
        return Response(404, cr.NOT_FOUND_BODY.encode(), "text/plain", extra)

    def _crossref_search(self, query: dict[str, str], js: Any) -> Response:
        errors = []
        rows_s = query.get("rows", "20")
        offset_s = query.get("offset", "0")
        rows = offset = 0
        for name, value in (("rows", rows_s), ("offset", offset_s)):
            try:
                n = int(value)
                if n < 0 or (name == "rows" and n > 1000):
                    raise ValueError
            except ValueError:
                errors.append(
                    {
                        "type": "integer-not-valid",
                        "value": value,
                        "message": f"Integer specified as {value} but must be a positive integer less than or "
                        f"equal to {1000 if name == 'rows' else 10000}.",
                    }
                )
                continue
            if name == "rows":
                rows = n
            else:
                offset = n
        filters: list[tuple[str, str]] = []
        for part in (query.get("filter") or "").split(","):
            if not part.strip():
                continue
            name, _, value = part.partition(":")
            name = name.strip()
            if name not in CROSSREF_FILTERS:
                errors.append(
                    {
                        "type": "filter-not-available",
                        "value": name,
                        "message": f"Filter {name} specified but there is no such filter for this route. "
                        f"Valid filters for this route are: {', '.join(sorted(CROSSREF_FILTERS))}",
                    }
                )
                continue
            if name == "doi" and not _DOI_SYNTAX.match(normalize_doi(value) or ""):
                # no recorded sample of this answer: Crossref's documented validation-failure envelope
                errors.append(
                    {
                        "type": "doi-not-valid",
                        "value": value.strip(),
                        "message": f"DOI {value.strip()} is not a valid DOI",
                    }
                )
                continue
            filters.append((name, value.strip()))
        for key in query:
            if key.startswith("query.") and key not in CROSSREF_QUERY_FIELDS:
                errors.append(
                    {
                        "type": "unknown-parameter",
                        "value": key,
                        "message": f"Parameter {key} specified but there is no such parameter available on this route",
                    }
                )
        if errors:
            return js(400, cr.validation_failure(errors))

        cursor = query.get("cursor")
        if cursor:
            offset = _decode_cursor(cursor)

        with self._lock:
            records = self._crossref_records
            index = self._crossref_index
        positions = index.positions
        dois = [normalize_doi(v) for n, v in filters if n == "doi"]
        if dois:  # only the records with a filtered DOI can pass the filter
            pool: Iterable[int] = sorted({i for d in dois for i in index.by_doi.get(d or "", ())})
        else:
            pool = range(len(records))
        queries = {k: v for k, v in query.items() if (k == "query" or k.startswith("query.")) and v.strip()}
        if queries:
            scores = index.scores(queries)  # only the records sharing a token with the query score above 0
            if not dois:
                pool = sorted(scores)
            hits = [(scores[i], i) for i in pool if i in scores]
        else:
            hits = [(1.0, i) for i in pool]
        if filters:
            hits = [(sc, i) for sc, i in hits if _crossref_filters_match(records[i], filters)]
        total = len(hits)
        if (query.get("sort") or "score").lower() in ("score", "relevance"):
            # the page of `sorted` by (score, position): the smallest offset + rows keys, in order
            sign = -1.0 if (query.get("order") or "desc").lower() != "asc" else 1.0
            top = heapq.nsmallest(offset + rows, ((sign * sc, i) for sc, i in hits))
            page = [(sign * k, records[i]) for k, i in top][offset:]
        else:
            scored = _crossref_sort([(sc, records[i]) for sc, i in hits], query.get("sort"), query.get("order"),
                                    positions)
            page = scored[offset : offset + rows]
        items = [cr.render_work(r, score=float(s), indexed=self.indexed) for s, r in page]
        select = query.get("select")
        if select:
            fields = select.split(",")
            items = [cr.select_fields(it, fields) for it in items]
        next_cursor = _encode_cursor(offset + rows) if cursor else None
        body = cr.work_list_envelope(
            items,
            total=total,
            rows=rows,
            offset=offset,
            search_terms=query.get("query") or None,
            next_cursor=next_cursor,
        )
        return js(200, body)

    # ------------------------------------------------------------------ E-utilities

    def _eutils(self, route: str, query: dict[str, str], extra: dict[str, str], headers: Mapping[str, str]) -> Response:
        def out(status: int, body: str, ctype: str) -> Response:
            return Response(status, body.encode("utf-8"), ctype, extra)

        db = (query.get("db") or "pubmed").strip().lower()
        if route == "esearch.fcgi":
            json_mode = (query.get("retmode") or "").lower() == "json"
            if db != "pubmed":
                return out(200, pm.esearch_error_xml(f"Invalid db name specified: {db}"), _XML)
            term = query.get("term") or ""
            if not term.strip():
                return out(200, pm.esearch_error_xml("Empty term and query_key - nothing todo"), _XML)
            try:
                retmax = max(0, min(int(query.get("retmax") or 20), 10000))
                retstart = max(0, int(query.get("retstart") or 0))
            except ValueError:
                return out(200, pm.esearch_error_xml("Invalid retmax or retstart"), _XML)
            with self._lock:
                pubmed_index = self._pubmed_index
            hits, translation = pubmed_index.esearch(term)
            hits = _pubmed_sort(hits, (query.get("sort") or "").lower())
            ids = [r["pmid"] for r in hits[retstart : retstart + retmax]]
            kwargs = {"count": len(hits), "retstart": retstart, "ids": ids, "query_translation": translation}
            if json_mode:
                return out(200, pm.esearch_json(**kwargs), _JSON_UTF8)
            return out(200, pm.esearch_xml(**kwargs), _XML)
        if route == "efetch.fcgi":
            if db != "pubmed":
                return out(400, pm.efetch_error_xml(f"Invalid db name specified: {db}"), _XML)
            ids = [i.strip() for i in (query.get("id") or "").split(",") if i.strip()]
            if not ids:
                return out(400, pm.efetch_error_xml("Empty id list - nothing todo"), _XML)
            with self._lock:
                found = [self._by_pmid[i] for i in ids if i in self._by_pmid]
            rettype = (query.get("rettype") or "").lower()
            retmode = (query.get("retmode") or "xml").lower()
            if rettype == "medline" and retmode == "text":
                return out(200, pm.medline_text(found), _TEXT)
            return out(200, pm.efetch_xml(found), _XML)
        if route == "ecitmatch.cgi":
            bdata = query.get("bdata") or ""
            with self._lock:
                pubmed_index = self._pubmed_index
            raw_lines = bdata.replace("\r\n", "\r").replace("\n", "\r").split("\r")
            lines = [pubmed_index.ecitmatch_line(line) for line in raw_lines]
            return out(200, "".join(f"{line}\n" for line in lines if line is not None), _TEXT)
        return out(404, "Not found.", _TEXT)


def _initial_records(records: Iterable[Mapping[str, Any]] | str | Path | None) -> list[Record]:
    if records is None or isinstance(records, (str, Path)):
        return load_records(records)
    return [dict(r) for r in records]


def _route(path: str) -> tuple[str, str, str]:
    """Map a request path to ``(api, route template, DOI part)``."""
    if path == "/crossref" or path.startswith("/crossref/"):
        rest = path[len("/crossref") :].rstrip("/") or "/"
        if rest == "/works":
            return CROSSREF, "/works", ""
        if rest.startswith("/works/"):
            doi = rest[len("/works/") :]
            if doi.endswith("/agency"):
                return CROSSREF, "/works/{doi}/agency", doi[: -len("/agency")]
            return CROSSREF, "/works/{doi}", doi
        return CROSSREF, rest, ""
    for prefix in ("/eutils", "/entrez/eutils"):
        if path == prefix or path.startswith(prefix + "/"):
            return EUTILS, path[len(prefix) :].strip("/"), ""
    return "other", path, ""


def _crossref_filters_match(rec: Mapping[str, Any], filters: Sequence[tuple[str, str]]) -> bool:
    dois = [normalize_doi(v) for n, v in filters if n == "doi"]
    if dois and rec.get("doi") not in dois:
        return False
    by_name: dict[str, list[str]] = {}
    for name, value in filters:
        by_name.setdefault(name, []).append(value)
    for name, values in by_name.items():
        if name == "doi":
            continue
        if name.endswith("-date"):
            kind = name.split("-", 1)[1].rsplit("-date", 1)[0]  # pub / print-pub / online-pub / issued
            date = {"pub": issued_date, "issued": issued_date, "print-pub": print_date, "online-pub": online_date}[
                kind
            ](rec)
            for v in values:
                q = parse_date(v)
                if not q:
                    return False
                if date is None:
                    return False
                lo, hi = date_bounds(date)
                q_lo, q_hi = date_bounds(q)
                if name.startswith("from-") and hi < q_lo:
                    return False
                if name.startswith("until-") and lo > q_hi:
                    return False
        elif name == "type":
            if (rec.get("type") or "journal-article") not in values:
                return False
        elif name == "issn":
            if not set(v.lower() for v in values) & {i.lower() for i in rec.get("issn") or []}:
                return False
        elif name == "prefix":
            if str(rec.get("doi", "")).split("/", 1)[0] not in values:
                return False
        elif name == "has-abstract":
            want = values[-1].lower() in ("true", "t", "1", "yes")
            if bool(rec.get("abstract")) != want:
                return False
        elif name == "container-title":
            if (rec.get("container_title") or "").lower() not in {v.lower() for v in values}:
                return False
        elif name == "is-update":
            want = values[-1].lower() in ("true", "t", "1", "yes")
            if bool(rec.get("retraction_of")) != want:
                return False
        elif name == "update-type" and ("retraction" not in values or not rec.get("retraction_of")):
            return False
    return True


def _crossref_sort(
    scored: list[tuple[float, Record]], sort: str | None, order: str | None, positions: Mapping[int, int]
) -> list[tuple[float, Record]]:
    desc = (order or "desc").lower() != "asc"
    key = (sort or "score").lower()
    if key in ("score", "relevance"):
        return sorted(scored, key=lambda sr: (-sr[0] if desc else sr[0], positions[id(sr[1])]))
    if key in ("published", "issued", "published-print", "published-online"):

        def date_key(sr: tuple[float, Record]) -> tuple[int, int, int]:
            d = issued_date(sr[1])
            return date_bounds(d)[0] if d else (0, 0, 0)

        return sorted(scored, key=date_key, reverse=desc)
    if key == "is-referenced-by-count":
        return sorted(scored, key=lambda sr: int(sr[1].get("is_referenced_by_count") or 0), reverse=desc)
    return scored


def _pubmed_sort(hits: list[Record], sort: str) -> list[Record]:
    if sort in ("pub_date", "pub+date", "pub date", "date"):

        def key(r: Record) -> tuple[int, int, int]:
            d = print_date(r) or online_date(r)
            return date_bounds(d)[0] if d else (0, 0, 0)

        return sorted(hits, key=key, reverse=True)
    # default ("most recent"): newest PMID first
    return sorted(hits, key=lambda r: int(r["pmid"]) if str(r["pmid"]).isdigit() else 0, reverse=True)


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout, a test's fault) leaves a broken pipe: expected, not an error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    standin: StandIn
    protocol_version = "HTTP/1.1"
    server_version = "Jetty(9.4.40.v20210413)"
    sys_version = ""
    timeout = 60

    def setup(self) -> None:
        super().setup()
        with self.standin._lock:
            self.standin.connections += 1

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def version_string(self) -> str:
        return getattr(self, "_server_header", self.server_version)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("POST")

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("HEAD")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query: dict[str, str] = {}
        for k, v in parse_qsl(parts.query, keep_blank_values=True):
            query[k] = f"{query[k]},{v}" if k in query and k in ("id", "filter") else v
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            ctype = self.headers.get("Content-Type", "")
            if raw and ("form" in ctype or not ctype):
                for k, v in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
                    query[k] = f"{query[k]},{v}" if k in query and k == "id" else v
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = self.standin.handle(method, parts.path, query, headers)
        if resp is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        body = resp.body
        extra = dict(resp.headers)
        cut = extra.pop(_CUT, None)
        self._server_header = extra.pop("Server", self.server_version)
        if self.standin.gzip and body and "gzip" in headers.get("accept-encoding", ""):
            body = gzip_module.compress(body)
            extra["Content-Encoding"] = "gzip"
            extra["Vary"] = "Accept-Encoding"
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if cut is not None and method != "HEAD":
            # the headers promise the whole body; half of it comes, then the connection stalls or drops
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            if cut.startswith("stall:"):
                time.sleep(float(cut.split(":", 1)[1]))
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if method != "HEAD":
            self.wfile.write(body)


__all__ = ["CROSSREF", "EUTILS", "LogEntry", "RequestRecord", "Response", "StandIn"]
