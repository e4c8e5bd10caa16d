"""Scale: linking and lookups for reviews of 100 to 10,000 references.

    python bench/bench_scale.py [--sizes 100,1000,10000] [--lookup-sizes 100,1000] [--scale 10]

Two parts:

- links: a synthetic review (bench/corpus.py `review_article`: numbered references in four
  styles, one claim per reference mixing markers, four-digit ones too, author-year cues, named
  authors, journal cues, study cues, anaphora and uncited sentences), every reference resolved
  to its record with an abstract; times the claims stage (linking, then evidence and status) in
  process. Target: 10,000 claims against 10,000 references under 5 s.
- lookups: `citelens batch` on the review as its own process against the stand-in, cold and
  warm (fresh database, same cache). The stand-in enforces the published limits times
  `--scale` (Crossref 13/s for all routes, NCBI 3/s) and citelens runs with its default limits
  times `--scale` (CITELENS_RATE_SCALE), latency divided by it: the run takes minutes, not hours,
  and the ratio to the floor still shows. Prints requests per reference, wall time against the
  floor, warm time and requests, peak memory of the child, HTTP 400s, unresolved references,
  and the time of each stage of the warm run (read, store, resolve, claims, report).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import review_article  # noqa: E402
from standin import StandIn  # noqa: E402

from citelens.records import Resolution, StoredArticle, StoredClaim, StoredReference, Work  # noqa: E402

LIMITS = {"crossref-single": 10.0, "crossref-list": 3.0, "eutils": 3.0}


def _work(record: dict) -> Work:
    data = dict(record)
    data["sources"] = ["crossref"]
    return Work.from_dict(data)


def bench_links(n: int) -> None:
    from citelens.claims import assess_article
    from citelens.claims.links import Linker
    from citelens.read.article import parse_article

    records, refs, text = review_article(n)
    by_title = {r["title"]: r for r in records}
    start = time.perf_counter()
    article = parse_article(text, f"review-{n}.md", "0" * 64)
    read_s = time.perf_counter() - start
    stored_refs = []
    for ref in article.references:
        record = next((r for t, r in ((ref.parsed.title, by_title.get(ref.parsed.title or "")),) if r), None)
        res = Resolution("verified", 1.0, match=_work(record)) if record else Resolution("not_found", 0.9)
        stored_refs.append(StoredReference(ref, res))
    stored = StoredArticle(1, article.path, article.title, article.sha256, "", None,
                           [StoredClaim(c) for c in article.claims], stored_refs)
    start = time.process_time()  # process CPU time: the machine may be shared
    links = Linker(stored).link_all()
    link_s = time.process_time() - start
    start = time.process_time()
    assessed = assess_article(stored)
    claims_s = time.process_time() - start
    linked = sum(1 for v in links.values() if v)
    matched = sum(1 for s in stored_refs if s.resolution.match)
    print(f"links {n:>6} references ({matched} with a record), {len(article.claims)} claims: read {read_s:.2f} s, "
          f"linking {link_s:.2f} s CPU, linking + evidence + status {claims_s:.2f} s CPU; {linked} claims linked, "
          f"{sum(1 for a in assessed.values() if a.status == 'supported')} supported")


def _bucket(api: str, route: str) -> str:
    if api == "eutils":
        return "eutils"
    return "crossref-single" if route.startswith("/works/") else "crossref-list"


LAST: dict[str, float] = {}  # CPU seconds and peak RSS (MB) of the last child


# the child writes its own peak (VmHWM: the high-water mark of its memory since it started Python). Not
# ru_maxrss from wait4: a forked (or vforked) child's ru_maxrss counts the pages of the bench process
# itself (the stand-in's records, the reports read back) from before the child's exec, which made the
# child look hundreds of MB larger than it was.
_PEAK_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open('/proc/self/status') as status, open(out, 'w') as f:
        f.write(next(line.split()[1] for line in status if line.startswith('VmHWM:')))
atexit.register(peak)
sys.argv[0] = 'citelens'
runpy.run_module('citelens.cli', run_name='__main__')
"""


def _child(args: list[str], env: dict[str, str]) -> float:
    """Run citelens as its own process; wall seconds (CPU and peak RSS of that child in LAST)."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK_WRAPPER, peak.name, *args], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        wall = time.perf_counter() - start
        kb = peak.read().strip()
    LAST.update(cpu=usage.ru_utime + usage.ru_stime, rss=int(kb) / 1024 if kb else float("nan"))
    return wall


def _env(cache: Path, standin: StandIn | None, scale: float = 1.0, **extra: str) -> dict[str, str]:
    env = {**os.environ, "CITELENS_CROSSREF_URL": standin.crossref_url if standin else "http://127.0.0.1:9",
           "CITELENS_EUTILS_URL": standin.eutils_url if standin else "http://127.0.0.1:9",
           "CITELENS_MAILTO": "bench@example.org", "CITELENS_CACHE_DIR": str(cache),
           "CITELENS_RATE_SCALE": str(scale), **extra}
    env.pop("CITELENS_CROSSREF_RPS", None)
    env.pop("CITELENS_EUTILS_RPS", None)
    return env


def _run(article: Path, db: Path, cache: Path, report: Path, standin: StandIn, scale: float) -> float:
    return _child(["batch", str(article), "--db", str(db), "--report", str(report), "--fail-on", "retracted"],
                  _env(cache, standin, scale))


def _child_figures() -> str:
    return f"CPU {LAST['cpu']:.2f} s, peak RSS {LAST['rss']:.0f} MB"


def _statuses(report: Path) -> dict[str, int]:
    data = json.loads(report.read_text())
    counts: dict[str, int] = {}
    for article in data if isinstance(data, list) else data.get("articles", []):
        for ref in article.get("references", []):
            counts[ref["status"]] = counts.get(ref["status"], 0) + 1
    return counts


def _stages(article: Path, cache: Path, standin: StandIn, tmp: Path) -> str:
    """The warm run in process, stage by stage (every answer from the cache)."""
    from citelens.output import build_report
    from citelens.pipeline import assess_claims, build_resolver, resolve_article
    from citelens.read import load_article
    from citelens.settings import Settings
    from citelens.store import Store

    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="b@example.org",
                        cache_dir=cache)
    times = {}
    t = time.perf_counter()
    parsed = load_article(article)
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    store = Store(tmp / "stages.db")
    article_id = store.save_article(parsed)
    times["store"] = time.perf_counter() - t
    t = time.perf_counter()
    resolver, _ = build_resolver(settings)
    resolve_article(store, article_id, resolver)
    resolver.close()
    times["resolve"] = time.perf_counter() - t
    t = time.perf_counter()
    assess_claims(store, article_id)
    times["claims"] = time.perf_counter() - t
    t = time.perf_counter()
    build_report(store.load(article_id))
    times["report"] = time.perf_counter() - t
    return ", ".join(f"{k} {v:.2f} s" for k, v in times.items())


def bench_lookups(n: int, scale: float, latency: float) -> None:
    records, refs, text = review_article(n)
    with StandIn(records=records, latency=latency / scale, crossref_rps=13 * scale, eutils_rps=3 * scale,
                 crossref_rate_limit_header=int(50 * scale)) as standin, tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        article = tmp / f"review-{n}.md"
        article.write_text(text, encoding="utf-8")
        standin.reset_counts()
        cold = _run(article, tmp / "cold.db", tmp / "cache", tmp / "cold.json", standin, scale)
        peak_mb = LAST["rss"]
        counts = {k: 0 for k in LIMITS}
        for record in standin.requests:
            counts[_bucket(record.api, record.route)] += 1
        total = sum(counts.values())
        floor = max(counts[b] / (LIMITS[b] * scale) for b in LIMITS)
        statuses = standin.statuses()
        bad = sum(1 for e in standin.log if e.status == 400)
        limited = sum(1 for e in standin.log if e.status == 429)
        verdicts = _statuses(tmp / "cold.json")
        print(f"lookups {n:>6} references, cold: {cold:.1f} s against a floor of {floor:.1f} s = "
              f"{cold / max(floor, 1e-9):.2f}x; {total} requests = {total / n:.2f} per reference ("
              + ", ".join(f"{b} {c}" for b, c in counts.items()) + f"); HTTP 400: {bad}, 429: {limited}; "
              f"statuses {verdicts}; peak memory {peak_mb:.0f} MB; codes {dict(statuses)}")
        standin.reset_counts()
        warm = _run(article, tmp / "warm.db", tmp / "cache", tmp / "warm.json", standin, scale)
        print(f"lookups {n:>6} references, warm (fresh database, same cache): {warm:.2f} s, "
              f"{standin.count()} requests, {_child_figures()}; "
              f"stages in process: {_stages(article, tmp / 'cache', standin, tmp)}")
        standin.reset_counts()
        again = _run(article, tmp / "warm.db", tmp / "cache", tmp / "again.json", standin, scale)
        same = json.loads((tmp / "again.json").read_text())[0]["references"] == \
            json.loads((tmp / "warm.json").read_text())[0]["references"]
        print(f"lookups {n:>6} references, re-check (same database, same cache): {again:.2f} s, "
              f"{standin.count()} requests, {_child_figures()}; same verdicts as the warm run: {same}")


def bench_recheck(n: int) -> None:
    """A re-check of a checked review of `n` references (no stand-in: every reference has its verdict).

    The database is filled in process the way `citelens batch` fills it (read, stored with the read key,
    each reference resolved to its record, claims assessed); then `citelens batch` runs on it twice."""
    from citelens.pipeline import assess_claims, save_loaded
    from citelens.read import load_input
    from citelens.store import Store

    records, refs, text = review_article(n)
    by_title = {r["title"]: r for r in records}
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        article = tmp / f"review-{n}.md"
        article.write_text(text, encoding="utf-8")
        start = time.process_time()
        store = Store(tmp / "r.db")
        article_id = save_loaded(store, load_input(article))
        items = []
        for sref in store.load(article_id).references:
            record = by_title.get(sref.reference.parsed.title or "")
            res = Resolution("verified", 1.0, match=_work(record)) if record else Resolution("not_found", 0.9)
            items.append((article_id, sref.reference.index, res))
        store.save_resolutions(items)
        assess_claims(store, article_id)
        store.mark_checked(article_id)
        fill = time.process_time() - start
        env = _env(tmp / "cache", None)
        args = ["batch", str(article), "--db", str(tmp / "r.db"), "--report", str(tmp / "r.json"), "--offline"]
        runs = []
        for _ in range(2):
            wall = _child(args, env)
            runs.append(f"{wall:.2f} s wall, {_child_figures()}")
        print(f"re-check {n:>6} references ({len(items)} verdicts, database filled in {fill:.1f} s CPU): "
              + "; ".join(runs))


def bench_articles(count: int, refs: int) -> None:
    """`citelens batch --offline` over `count` small articles of `refs` references each (an empty cache:
    every reference ends `unresolved`, no request): peak RSS of the child, which should not grow with `count`."""
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        folder = tmp / "articles"
        folder.mkdir()
        for k in range(count):
            _, _, text = review_article(refs, seed=10_000 + k)
            (folder / f"article-{k:05d}.md").write_text(text.replace("# A synthetic review", f"# Review {k}: a review"),
                                                        encoding="utf-8")
        env = _env(tmp / "cache", None)
        wall = _child(["batch", str(folder), "--db", str(tmp / "b.db"), "--report", str(tmp / "b.jsonl"),
                       "--offline", "--fail-on", "retracted"], env)
        lines = sum(1 for _ in (tmp / "b.jsonl").open(encoding="utf-8")) if (tmp / "b.jsonl").exists() else 0
        print(f"articles {count:>6} x {refs} references, offline batch: {wall:.1f} s wall, {_child_figures()}; "
              f"{lines} report lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="review sizes for the links part")
    parser.add_argument("--lookup-sizes", default="100,1000", help="review sizes for the lookups part ('' skips)")
    parser.add_argument("--scale", type=float, default=10.0, help="the stand-in's and citelens's limits times this")
    parser.add_argument("--latency", type=float, default=0.1, help="stand-in latency at scale 1 (seconds)")
    parser.add_argument("--recheck-sizes", default="", help="review sizes for a re-check of a checked database")
    parser.add_argument("--articles", default="", help="article counts for a batch of small articles ('200,2000')")
    parser.add_argument("--article-refs", type=int, default=5, help="references per small article")
    args = parser.parse_args()
    for n in (int(x) for x in args.sizes.split(",") if x):
        bench_links(n)
    for n in (int(x) for x in args.lookup_sizes.split(",") if x):
        bench_lookups(n, args.scale, args.latency)
    for n in (int(x) for x in args.recheck_sizes.split(",") if x):
        bench_recheck(n)
    for n in (int(x) for x in args.articles.split(",") if x):
        bench_articles(n, args.article_refs)


if __name__ == "__main__":
    main()
