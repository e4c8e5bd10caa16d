"""The fetch layer on its own: Retry-After, server rate-limit headers, the cache, the retry bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from citelens.errors import LookupFailed
from citelens.resolve.http import Fetcher, RateLimit, RateLimiter, Request, ResponseCache, Retryable, parse_retry_after


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("3") == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= parse_retry_after(later) <= 31
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_server_rate_limit_headers_only_ever_slow_down():
    limiter = RateLimiter(RateLimit(10.0, 3))
    limiter.follow_headers({"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"})
    assert limiter.limit.rps == 5.0
    limiter.follow_headers({"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"})
    assert limiter.limit.rps == 5.0


def _fetcher(tmp_path, **kwargs):
    sleeps: list[float] = []
    fetcher = Fetcher(ResponseCache(tmp_path), {"k": RateLimit(1000.0, 2)}, sleep=sleeps.append, **kwargs)
    return fetcher, sleeps


def test_retries_are_bounded_and_then_the_lookup_fails(tmp_path):
    fetcher, sleeps = _fetcher(tmp_path, max_attempts=4)
    calls = []

    def always_503() -> bytes:
        calls.append(1)
        raise Retryable("HTTP 503")

    req = Request("crossref", "k", tmp_path / "crossref" / "x.json", always_503, lambda b: True, "test")
    with pytest.raises(LookupFailed, match="after 4 attempts"):
        fetcher.get(req)
    assert len(calls) == 4 and len(sleeps) == 3
    assert sleeps[0] < sleeps[-1]  # exponential backoff
    assert not (tmp_path / "crossref" / "x.json").exists()  # a failure is never cached


def test_malformed_bodies_are_retried_never_cached(tmp_path):
    fetcher, _ = _fetcher(tmp_path)
    bodies = iter([b'{"truncated', b'{"status": "ok"}'])
    req = Request("pubmed", "k", tmp_path / "pubmed" / "x.json", lambda: next(bodies),
                  lambda b: b.endswith(b"}"), "test")
    assert fetcher.get(req) == b'{"status": "ok"}'
    assert (tmp_path / "pubmed" / "x.json").read_bytes() == b'{"status": "ok"}'
    assert [p.name for p in (tmp_path / "pubmed").iterdir()] == ["x.json"]  # no temporary file left


def test_a_damaged_cache_file_is_refetched(tmp_path):
    fetcher, _ = _fetcher(tmp_path)
    path = tmp_path / "crossref" / "x.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"half')
    req = Request("crossref", "k", path, lambda: b'{"whole": 1}', lambda b: b.endswith(b"}"), "test")
    assert fetcher.get(req) == b'{"whole": 1}'
    assert fetcher.stats.requests["crossref"] == 1
    assert fetcher.get(req) == b'{"whole": 1}' and fetcher.stats.cache_hits["crossref"] == 1
