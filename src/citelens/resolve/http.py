"""Requests to the public APIs: per-host rate limits, retries, and the on-disk response cache.

Every request citelens makes goes through `Fetcher.get`: the cache first (a readable file per
normalised request, one folder per source), then the rate limiter of the request's kind,
then the call itself with bounded retries on 429, 5xx, timeouts and malformed bodies,
honouring Retry-After. A lookup that still fails raises LookupFailed: the caller reports the
reference as `unresolved`, never as a verdict.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citelens import defaults
from citelens.errors import LookupFailed


@dataclass
class RateLimit:
    rps: float
    concurrency: int


class RateLimiter:
    """Spaces requests at most `rps` a second with at most `concurrency` in flight.

    Requests are spaced one interval apart, each gap jittered a little either way (on average
    the interval itself), so that they do not all fall on the edge of the server's one-second
    window; the limit is kept by a sliding window: no second (`defaults.RATE_WINDOW_S`, plus a
    small margin for the way to the server) ever holds more requests than the rate allows. A 429 slows the limiter
    (`slow_down`); each answer that follows brings it back a little towards its ceiling (the
    configured rate, or the server's own if that is lower).
    """

    def __init__(self, limit: RateLimit, *, jitter: float = defaults.RATE_JITTER,
                 rng: random.Random | None = None) -> None:
        self.limit = limit
        self.ceiling = limit.rps
        self.jitter = jitter
        self._rng = rng or random.Random()
        self._sem = threading.BoundedSemaphore(max(1, limit.concurrency))
        self._lock = threading.Lock()
        self._next = 0.0  # the schedule's next turn
        self._starts: deque[float] = deque()  # the turns given within the last window

    def _window(self) -> tuple[float, int]:
        """The sliding window and how many requests it may hold at the current rate."""
        rps = self.limit.rps
        if rps >= 1:
            return defaults.RATE_WINDOW_S, max(1, int(rps * defaults.RATE_WINDOW_S + 1e-9))
        return 1.0 / rps, 1

    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self.limit.rps <= 0:
                return
            interval = 1.0 / self.limit.rps
            window, allowed = self._window()
            start = max(now, self._next)
            while self._starts and self._starts[0] <= start - window - defaults.RATE_WINDOW_MARGIN_S:
                self._starts.popleft()
            if len(self._starts) >= allowed:
                start = max(start, self._starts[-allowed] + window + defaults.RATE_WINDOW_MARGIN_S)
            self._starts.append(start)
            self._next = start + interval * (1.0 + self.jitter * (2.0 * self._rng.random() - 1.0))
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def acquire(self) -> None:
        self._sem.acquire()
        self._wait_turn()

    def release(self) -> None:
        self._sem.release()

    def pause(self, seconds: float) -> None:
        """Hold every request of this kind back for `seconds` (a 429 with Retry-After)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)

    def slow_down(self) -> None:
        """A 429: the server wants fewer requests than this limiter lets through."""
        with self._lock:
            floor = self.ceiling * defaults.RATE_SLOWDOWN_FLOOR
            self.limit = RateLimit(max(floor, self.limit.rps * defaults.RATE_SLOWDOWN), self.limit.concurrency)

    def recover(self) -> None:
        """An answer: move back a step towards the ceiling after a slow-down."""
        if self.limit.rps >= self.ceiling:
            return
        with self._lock:
            rps = self.limit.rps + (self.ceiling - self.limit.rps) * defaults.RATE_RECOVERY
            self.limit = RateLimit(min(self.ceiling, rps), self.limit.concurrency)

    def _lower_ceiling(self, server_rps: float) -> None:
        if 0 < server_rps < self.ceiling:
            with self._lock:
                self.ceiling = server_rps
                if self.limit.rps > server_rps:
                    self.limit = RateLimit(server_rps, self.limit.concurrency)

    def follow_headers(self, headers: dict[str, str]) -> None:
        """Slow down to the server's own limit, if lower than ours.

        Crossref: `x-rate-limit-limit` requests per `x-rate-limit-interval`. NCBI:
        `x-ratelimit-limit` requests a second and `x-ratelimit-remaining` left in the current
        second (none left: the next request waits for the window to pass). Header names are
        compared in lower case.
        """
        limit = headers.get("x-rate-limit-limit")
        interval = headers.get("x-rate-limit-interval", "1s")
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*s?\s*", interval or "")
        if limit and limit.strip().isdigit() and m and float(m.group(1)) > 0:
            self._lower_ceiling(int(limit) / float(m.group(1)))
        ncbi_limit = headers.get("x-ratelimit-limit")
        if ncbi_limit and ncbi_limit.strip().isdigit():
            self._lower_ceiling(float(ncbi_limit))
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip() == "0":
            self.pause(defaults.NCBI_WINDOW_S)


class Retryable(Exception):
    """A failure worth another try: 429, 5xx, timeout, dropped connection, malformed body."""

    def __init__(self, reason: str, retry_after: float | None = None, *, connection: bool = False,
                 rate_limited: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.connection = connection  # the server could not be reached at all
        self.rate_limited = rate_limited  # HTTP 429: slow down, but the lookup keeps its attempts


_CONNECTION_ERRORS = {"ConnectError", "ConnectTimeout", "gaierror", "ConnectionRefusedError"}


def is_connection_error(exc: BaseException) -> bool:
    """The server could not be reached at all (no DNS, refused): not a dropped or slow answer."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if type(seen).__name__ in _CONNECTION_ERRORS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class NotFound(Exception):
    """The server answered that the resource does not exist (HTTP 404): an answer, not a failure."""


class Rejected(Exception):
    """The server answered that the request itself is invalid (HTTP 400): asking again will not help."""


class RequestRejected(LookupFailed):
    """A lookup the server rejected as invalid (HTTP 400); cached, so a re-run does not ask again."""


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value)
    try:
        from email.utils import parsedate_to_datetime

        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass
class Stats:
    """Counts of what a run did: requests per API, cache hits, retries, failures."""

    requests: Counter[str] = field(default_factory=Counter)
    cache_hits: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, counter: str, source: str) -> None:
        with self._lock:
            getattr(self, counter)[source] += 1


def _slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-")[:limit] or "x"


def _normalise(params: dict[str, Any]) -> str:
    items = sorted((str(k), str(v)) for k, v in params.items() if v is not None and k not in _VOLATILE)
    return json.dumps(items, ensure_ascii=False)


_VOLATILE = {"tool", "email", "api_key", "mailto"}  # identify the caller, not the request


class ResponseCache:
    """Response bodies on disk, one readable file per normalised request, written atomically."""

    def __init__(self, root: Path, *, offline: bool = False, refresh: bool = False) -> None:
        self.root = Path(root)
        self.offline = offline
        self.refresh = refresh

    def path_for(self, source: str, endpoint: str, params: dict[str, Any], ext: str, label: str = "") -> Path:
        digest = hashlib.sha1(f"{endpoint}\x00{_normalise(params)}".encode()).hexdigest()[:12]
        name = f"{_slug(endpoint)}_{_slug(label)}_{digest}.{ext}" if label else f"{_slug(endpoint)}_{digest}.{ext}"
        return self.root / source / name

    def read(self, path: Path) -> bytes | None:
        if self.refresh:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def write(self, path: Path, body: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            # no fsync: the rename is atomic, and a file a power cut leaves empty or short fails the
            # validation on reading and is fetched again; an fsync per answer held a lookup thread
            # for milliseconds (a tenth of a cold run's samples)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def discard(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass
class Request:
    """One request to make: where its answer is cached, how to make it, how to check its body."""

    source: str  # "crossref" or "pubmed": the cache folder and the stats key
    kind: str  # rate-limit bucket: "crossref-single", "crossref-list", "eutils"
    cache_path: Path | None  # None: the caller caches the answer item by item
    call: Callable[[], bytes]  # makes the request; raises Retryable, NotFound or LookupFailed
    validate: Callable[[bytes], bool]  # a body that fails this is malformed: refetched, never parsed
    describe: str


NOT_FOUND_MARK = b"citelens:not-found\n"
_NOT_FOUND_MARK = NOT_FOUND_MARK
REJECTED_MARK = b"citelens:rejected\n"  # followed by the server's reason


def rejected_reason(body: bytes) -> str | None:
    """The reason stored with a cached rejection, or None if the body is not one."""
    if not body.startswith(REJECTED_MARK):
        return None
    return body[len(REJECTED_MARK):].decode("utf-8", "replace").strip() or "HTTP 400"


def rejected_body(reason: str) -> bytes:
    return REJECTED_MARK + reason.encode("utf-8") + b"\n"


class Fetcher:
    """Makes requests through the cache, the rate limiters and the retry policy."""

    def __init__(self, cache: ResponseCache, limits: dict[str, RateLimit], *,
                 max_attempts: int = defaults.MAX_ATTEMPTS, backoff_base: float = defaults.BACKOFF_BASE_S,
                 backoff_cap: float = defaults.BACKOFF_CAP_S, stats: Stats | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.cache = cache
        self.limiters = {kind: RateLimiter(limit) for kind, limit in limits.items()}
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.stats = stats or Stats()
        self._sleep = sleep
        self._rng = random.Random()
        self._failures_in_a_row: Counter[str] = Counter()
        self._connection_errors: Counter[str] = Counter()
        self._down: dict[str, str] = {}  # source -> why it is given up for this run
        self._state_lock = threading.Lock()

    def get(self, req: Request) -> bytes | None:
        """The body of the answer, or None when the server said the thing does not exist."""
        cached = self.cache.read(req.cache_path) if req.cache_path is not None else None
        if cached is not None and req.cache_path is not None:
            if cached == _NOT_FOUND_MARK:
                self.stats.add("cache_hits", req.source)
                return None
            reason = rejected_reason(cached)
            if reason is not None:
                self.stats.add("cache_hits", req.source)
                raise RequestRejected(f"{req.describe}: rejected by the server ({reason})")
            if req.validate(cached):
                self.stats.add("cache_hits", req.source)
                return cached
            self.cache.discard(req.cache_path)  # corrupted or half-written: refetch
        if self.cache.offline:
            raise LookupFailed(f"offline and not in the cache: {req.describe}")
        if req.source in self._down:
            raise LookupFailed(f"{req.describe}: not tried, {self._down[req.source]}")
        limiter = self.limiters[req.kind]
        last_reason = ""
        attempt = 0
        rate_limited = 0
        while attempt < self.max_attempts:
            attempt += 1
            if req.source in self._down:
                raise LookupFailed(f"{req.describe}: {self._down[req.source]}")
            limiter.acquire()
            try:
                self.stats.add("requests", req.source)
                body = req.call()
                if not req.validate(body):
                    raise Retryable("malformed response body")
            except NotFound:
                limiter.recover()
                if req.cache_path is not None:
                    self.cache.write(req.cache_path, _NOT_FOUND_MARK)
                return None
            except Rejected as exc:  # the request is invalid: an answer that will not change
                limiter.recover()
                if req.cache_path is not None:
                    self.cache.write(req.cache_path, rejected_body(str(exc)))
                raise RequestRejected(f"{req.describe}: rejected by the server ({exc})") from None
            except Retryable as exc:
                last_reason = str(exc)
                if exc.rate_limited and rate_limited < defaults.MAX_RATE_LIMITED:
                    # a 429 says "slower", not "broken": the limiter slows and the attempt is not used up
                    rate_limited += 1
                    attempt -= 1
                    limiter.slow_down()
                if exc.connection:
                    with self._state_lock:
                        self._connection_errors[req.source] += 1
                        if self._connection_errors[req.source] >= defaults.GIVE_UP_AFTER_CONNECTION_ERRORS:
                            self._down.setdefault(req.source, f"{req.source} cannot be reached ({last_reason}); "
                                                              "given up for this run")
                else:
                    with self._state_lock:
                        self._connection_errors[req.source] = 0
                if attempt == self.max_attempts:
                    break
                self.stats.add("retries", req.source)
                if exc.rate_limited and exc.retry_after is None:
                    limiter.pause(min(self.backoff_cap, self.backoff_base * 2 ** (min(rate_limited, 8) - 1)))
                elif exc.retry_after is not None:
                    if exc.retry_after > defaults.RETRY_AFTER_CAP_S:
                        last_reason += f" (Retry-After {exc.retry_after:.0f}s is too long to wait)"
                        break
                    limiter.pause(exc.retry_after)
                else:
                    delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
                    self._sleep(delay * (0.5 + self._rng.random()))
                continue
            finally:
                limiter.release()
            limiter.recover()
            if req.cache_path is not None:
                self.cache.write(req.cache_path, body)
            with self._state_lock:
                self._failures_in_a_row[req.source] = 0
                self._connection_errors[req.source] = 0
            return body
        self.stats.add("failures", req.source)
        with self._state_lock:
            self._failures_in_a_row[req.source] += 1
            if self._failures_in_a_row[req.source] >= defaults.GIVE_UP_AFTER_FAILURES:
                self._down[req.source] = (f"{req.source} failed {defaults.GIVE_UP_AFTER_FAILURES} lookups in a row "
                                          f"(last: {last_reason}); given up for this run")
        raise LookupFailed(f"{req.describe}: {last_reason} after {self.max_attempts} attempts")
