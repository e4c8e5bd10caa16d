"""Scale: DOI normalisation, rejected DOI batches split, 429 policy, NCBI headers, four-digit markers,
and the linker's index giving the links a full scan gives."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from citelens.resolve.crossref import CrossrefClient
from citelens.resolve.doi import normalise_doi
from citelens.resolve.http import (
    Fetcher,
    RateLimit,
    RateLimiter,
    Request,
    RequestRejected,
    ResponseCache,
    Retryable,
)
from citelens.resolve.pubmed import PubMedClient

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("printed", "doi"), [
    ("10.1073/pnas.1113079108", "10.1073/pnas.1113079108"),
    ("10.1234/abc.123,arxiv", "10.1234/abc.123"),
    ("https://doi.org/10.1016/J.X.2019.01.002.", "10.1016/j.x.2019.01.002"),
    ("doi: 10.5555/bench.0001;", "10.5555/bench.0001"),
    ("10.1038/nature12373.pdf", "10.1038/nature12373"),
    ("10.1016/s0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"),
    ("10.1101/2020.01.01.123v1.full", "10.1101/2020.01.01.123v1"),
    ("10.1234/x?casa_token=abc", "10.1234/x"),
    ("10.1002/(SICI)1097-4636(199706)35:4<409::AID-JBM1>3.0.CO;2-Q",
     "10.1002/(sici)1097-4636(199706)35:4<409::aid-jbm1>3.0.co;2-q"),
    ("not a doi", None), ("10.12/x", None), ("10.1234/", None), ("", None),
])
def test_dois_are_normalised_and_checked(printed, doi):
    assert normalise_doi(printed) == doi


def _seeded_dois(standin) -> list[str]:
    return sorted(r["doi"] for r in standin.records if r.get("doi"))[:19]


def _client(tmp_path, standin, fetcher_kwargs=None) -> CrossrefClient:
    fetcher = Fetcher(ResponseCache(tmp_path / "cache"), {"crossref-single": RateLimit(500, 4),
                                                         "crossref-list": RateLimit(500, 4)},
                      **(fetcher_kwargs or {}))
    return CrossrefClient(fetcher, base_url=standin.crossref_url, mailto="tests@example.org")


def test_a_rejected_batch_is_split_until_the_bad_doi_is_alone(tmp_path, standin):
    standin.reset_counts()
    good = _seeded_dois(standin)
    assert len(good) == 19
    bad = "10.5555/made-up,arxiv"  # a comma inside the filter: Crossref reads 'arxiv' as a filter name
    client = _client(tmp_path, standin)
    found, failures = {}, {}
    client._batch(sorted([*good, bad]), found, failures)  # the batch as it would go out without normalising
    assert list(failures) == [bad] and bad in client.rejected
    assert all(found[d] and found[d]["DOI"].lower() == d for d in good)
    assert standin.statuses("crossref")[400] >= 1
    # the rejection is cached like any answer: a warm run asks nothing
    standin.reset_counts()
    again = _client(tmp_path, standin)
    with pytest.raises(RequestRejected):
        again.work(bad)
    found2, failures2 = again.works(good)
    assert standin.count() == 0 and not failures2 and all(found2[d] for d in good)


def test_normalised_dois_never_reach_a_batch_that_fails(tmp_path, standin):
    standin.reset_counts()
    good = _seeded_dois(standin)
    cited = [*good[:-1], good[-1] + ",arxiv", "nonsense-doi"]
    found, failures = _client(tmp_path, standin).works(cited)
    assert standin.statuses("crossref")[400] == 0
    assert found[good[-1] + ",arxiv"] == found[good[-1]] and found[good[-1]]
    assert list(failures) == ["nonsense-doi"]
    standin.reset_counts()
    _client(tmp_path, standin).works(cited)
    assert standin.count() == 0  # warm: every answer, the not-found ones too, comes from the cache


def test_a_429_does_not_use_up_attempts(tmp_path):
    fetcher = Fetcher(ResponseCache(tmp_path), {"k": RateLimit(1000.0, 2)}, max_attempts=2,
                      sleep=lambda s: None, backoff_base=0.001)
    calls = []

    def flaky() -> bytes:
        calls.append(1)
        if len(calls) <= 6:
            raise Retryable("HTTP 429", 0.0, rate_limited=True)
        if len(calls) == 7:
            raise Retryable("HTTP 503")  # one real failure: one of the two attempts
        return b"ok"

    body = fetcher.get(Request("s", "k", tmp_path / "x.txt", flaky, lambda b: b == b"ok", "thing"))
    assert body == b"ok" and len(calls) == 8
    limiter = fetcher.limiters["k"]
    assert limiter.limit.rps < limiter.ceiling  # slowed by the 429s, recovering


def test_ncbi_rate_limit_headers_are_honoured(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from standin import StandIn

    with StandIn(eutils_rate_limit_header=2) as standin:
        fetcher = Fetcher(ResponseCache(tmp_path), {"eutils": RateLimit(10.0, 3)})
        client = PubMedClient(fetcher, base_url=standin.eutils_url)
        client.esearch("oxytocin[ti]")
        client.close()
    assert fetcher.limiters["eutils"].limit.rps == 2.0
    limiter = RateLimiter(RateLimit(3.0, 1))
    before = time.monotonic()
    limiter.follow_headers({"x-ratelimit-limit": "3", "x-ratelimit-remaining": "0"})
    assert limiter._next >= before + 0.9  # nothing left in this second: the next request waits for the window


class _Clock:
    """time.monotonic and time.sleep for the limiter, without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def _turns(monkeypatch, limiter: RateLimiter, n: int, *, stall_at: int | None = None,
           stall: float = 0.0) -> list[float]:
    """The times `n` backlogged requests get their turns (after `stall_at` of them, nobody asks for
    `stall` seconds)."""
    import citelens.resolve.http as http

    clock = _Clock()
    monkeypatch.setattr(http, "time", clock)
    turns = []
    for i in range(n):
        if i == stall_at:
            clock.sleep(stall)
        limiter.acquire()
        turns.append(clock.now)
        limiter.release()
    return turns


def _most_in_a_second(turns: list[float]) -> int:
    return max(sum(1 for t in turns if start <= t < start + 1.0) for start in turns)


def test_request_spacing_has_jitter_and_keeps_the_limit_in_every_second(monkeypatch):
    limiter = RateLimiter(RateLimit(30.0, 3), jitter=0.04)
    turns = _turns(monkeypatch, limiter, 600)
    gaps = [b - a for a, b in zip(turns, turns[1:], strict=False)]
    assert len({round(g, 7) for g in gaps}) > 10  # jittered, not all one interval
    # a little either way when backlogged (a few wait for the window)
    assert sum(1 for g in gaps if abs(g - 1 / 30) <= 0.04 / 30 + 1e-9) >= 0.9 * len(gaps)
    assert min(gaps) >= 1 / 30 * 0.96 - 1e-9
    assert _most_in_a_second(turns) <= 30
    assert 599 / (turns[-1] - turns[0]) >= 30 * 0.98  # the rate the limit allows, not 2% under it


def test_a_slow_limit_keeps_its_window(monkeypatch):
    limiter = RateLimiter(RateLimit(3.0, 3), jitter=0.04)
    turns = _turns(monkeypatch, limiter, 40, stall_at=10, stall=5.0)
    assert _most_in_a_second(turns) <= 3
    limiter = RateLimiter(RateLimit(0.5, 1), jitter=0.04)
    turns = _turns(monkeypatch, limiter, 5)
    assert all(b - a >= 2.0 - 1e-9 for a, b in zip(turns, turns[1:], strict=False))


def test_four_digit_markers_are_citations():
    from citelens.read.sentences import find_cues

    cues = [c.value for c in find_cues("As shown [1000] and again [998\u20131002], [12, 1500].") if c.kind == "marker"]
    assert cues == ["1000", "998,999,1000,1001,1002", "12,1500"]


def test_a_list_of_ten_thousand_references_keeps_its_ten_thousandth_entry():
    from citelens.read.references.segment import segment_lines
    from citelens.read.sentences import find_cues

    lines = [f"{n}. Author{n} A. A study of case {n}. J Med. 2001;{n % 90 + 1}:1-9." for n in range(1, 10003)]
    entries = segment_lines(lines, numbered=True)
    assert len(entries) == 10002 and [e.label for e in entries[-3:]] == ["10000", "10001", "10002"]
    assert [c.value for c in find_cues("As reviewed [10000].") if c.kind == "marker"] == ["10000"]


def test_the_linker_index_gives_the_links_of_a_full_scan(tmp_path, standin):
    from citelens.claims.links import Linker
    from citelens.pipeline import check_article
    from citelens.settings import Settings
    from citelens.store import Store

    articles = sorted({json.loads(line)["article"] for line in (ROOT / "tests" / "data" / "claim_links.jsonl")
                       .read_text().splitlines() if line.strip()})
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="t@example.org",
                        cache_dir=tmp_path / "cache", crossref_rps=500, eutils_rps=500)
    store = Store(tmp_path / "links.db")
    linked = 0
    for article in articles:
        stored = store.load(check_article(ROOT / article, store, settings).article_id)
        indexed, scanned = Linker(stored).link_all(), Linker(stored, exhaustive=True).link_all()
        assert indexed == scanned, article
        linked += sum(1 for v in indexed.values() if v)
    assert linked > 100


def test_the_linker_index_gives_the_links_of_a_full_scan_on_a_synthetic_review():
    """A random review (large author and journal groups, no-cue sentences): indexed == brute force."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import review_article

    from citelens.claims.links import Linker
    from citelens.read.article import parse_article
    from citelens.records import Resolution, StoredArticle, StoredClaim, StoredReference, Work

    records, _, text = review_article(300, seed=7)
    by_title = {r["title"]: r for r in records}
    article = parse_article(text, "review.md", "0" * 64)
    refs = []
    for ref in article.references:
        record = by_title.get(ref.parsed.title or "")
        match = Work.from_dict({**record, "sources": ["crossref"]}) if record else None
        refs.append(StoredReference(ref, Resolution("verified", 1.0, match=match) if match
                                    else Resolution("not_found", 0.9)))
    stored = StoredArticle(1, article.path, article.title, article.sha256, "", None,
                           [StoredClaim(c) for c in article.claims], refs)
    indexed, scanned = Linker(stored).link_all(), Linker(stored, exhaustive=True).link_all()
    assert indexed == scanned
    reasons = " ".join(link["reason"] for links in indexed.values() for link in links)
    assert "content decides" in reasons and "content:" in reasons  # both indexed paths were exercised


def test_chunks_looked_up_at_the_same_time_give_each_reference_its_own_verdict(standin, tmp_path, monkeypatch):
    """A long list is looked up a few chunks at a time (one chunk's PubMed stages beside another's
    Crossref searches): every reference keeps its own verdict, in order, the same as alone."""
    from citelens import defaults
    from citelens.pipeline import build_resolver
    from citelens.read import load_article
    from citelens.settings import Settings

    refs = load_article(Path(__file__).resolve().parents[1] / "references" / "oxytocin-sensitivity.txt").references
    pairs = [(r.raw, r.parsed) for r in refs]

    def run(chunk: int, cache: str) -> tuple[list[tuple[str, str | None]], list[float]]:
        monkeypatch.setattr(defaults, "RESOLVE_CHUNK", chunk)
        settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="t@example.org",
                            cache_dir=tmp_path / cache, crossref_rps=200, eutils_rps=200)
        resolver, _ = build_resolver(settings)
        seen: list[float] = []
        out = resolver.resolve_all(pairs, progress=lambda stage, done, total: seen.append(done / total))
        resolver.close()
        return [(r.status, r.match.doi if r.match else None) for r in out], seen

    alone, _ = run(100, "one")
    chunked, progress = run(3, "chunks")  # 12 references: 4 chunks, several in flight
    assert chunked == alone and len(chunked) == len(refs)
    assert {s for s, _ in chunked} >= {"verified", "not_found"}
    assert max(progress) == pytest.approx(1.0)


def test_crossref_lookups_keep_their_connection_open(tmp_path, standin):
    """habanero's own `httpx2.get` opens a connection (and a TLS context) per request; citelens sends
    its requests through one client, so ten lookups in a row use one connection."""
    client = _client(tmp_path, standin)
    standin.reset_counts()
    try:
        titles = [r["title"] for r in standin.records if r.get("title")][:5]
        for title in titles:
            assert client.search(title)
        for doi in _seeded_dois(standin)[:5]:
            assert client.work(doi) is not None
    finally:
        client.close()
    assert standin.count("crossref") == 10
    assert standin.connections == 1
