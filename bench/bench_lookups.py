"""Lookups at the APIs' rate limits: requests per reference, wall time against the floor, warm runs,
a naive baseline, peak memory. Everything runs against the loopback stand-in.

    python bench/bench_lookups.py [--refs 500] [--latency 0.1] [--baseline-sample 60]

citelens runs as a separate process (`citelens batch` on a reference list of N lines) with the
default published limits (Crossref polite pool: 10 DOI lookups/s and 3 list requests/s, 3 at a
time; NCBI 3/s). The stand-in counts every request it receives, per API and route.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import corpus  # noqa: E402
from standin import StandIn  # noqa: E402

LIMITS = {"crossref-single": 10.0, "crossref-list": 3.0, "eutils": 3.0}


def _bucket(api: str, route: str) -> str:
    if api == "eutils":
        return "eutils"
    return "crossref-single" if route.startswith("/works/") else "crossref-list"


def _counts(standin: StandIn) -> dict[str, int]:
    counts = {k: 0 for k in LIMITS}
    for record in standin.requests:
        counts[_bucket(record.api, record.route)] += 1
    return counts


def _run_citelens(refs_file: Path, db: Path, cache: Path, standin: StandIn) -> float:
    env = {**os.environ, "CITELENS_CROSSREF_URL": standin.crossref_url, "CITELENS_EUTILS_URL": standin.eutils_url,
           "CITELENS_MAILTO": "bench@example.org", "CITELENS_CACHE_DIR": str(cache)}
    env.pop("CITELENS_CROSSREF_RPS", None)
    env.pop("CITELENS_EUTILS_RPS", None)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "citelens.cli", "batch", str(refs_file), "--db", str(db),
                    "--fail-on", "retracted"], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _naive(refs: list[str], standin: StandIn) -> float:
    """One sequential habanero search and one ESearch (by the cited title) + EFetch per reference, as a
    typical script does, sleeping between requests to stay within the published limits."""
    import io

    import httpx
    from Bio import Entrez
    from habanero import Crossref

    from citelens.read.references import parse_reference

    cr = Crossref(base_url=standin.crossref_url, mailto="bench@example.org")
    client = httpx.Client(timeout=30)
    start = time.perf_counter()
    for raw in refs:
        t = time.perf_counter()
        cr.works(query_bibliographic=raw, limit=5)
        time.sleep(max(0.0, 1 / 3 - (time.perf_counter() - t)))
        t = time.perf_counter()
        title = parse_reference(raw).title or raw[:200]
        term = f'"{title}"[ti]'
        body = client.get(f"{standin.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": term}).content
        ids = Entrez.read(io.BytesIO(body)).get("IdList", [])
        time.sleep(max(0.0, 1 / 3 - (time.perf_counter() - t)))
        if ids:
            t = time.perf_counter()
            body = client.get(f"{standin.eutils_url}/efetch.fcgi",
                              params={"db": "pubmed", "id": ",".join(ids[:5]), "retmode": "xml"}).content
            Entrez.read(io.BytesIO(body))
            time.sleep(max(0.0, 1 / 3 - (time.perf_counter() - t)))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--refs", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--baseline-sample", type=int, default=60,
                        help="references the naive baseline runs on (its time is scaled to the corpus)")
    args = parser.parse_args()
    records, refs = corpus(args.refs)
    with StandIn(records=records, latency=args.latency) as standin, tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        refs_file = tmpdir / "corpus.txt"
        refs_file.write_text("\n".join(refs) + "\n", encoding="utf-8")
        print(f"corpus: {len(refs)} references ({len(set(refs))} distinct), {len(records)} records in the stand-in, "
              f"latency {args.latency * 1000:.0f} ms")

        standin.reset_counts()
        cold = _run_citelens(refs_file, tmpdir / "cold.db", tmpdir / "cache", standin)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        counts = _counts(standin)
        total = sum(counts.values())
        floor = max(counts[b] / LIMITS[b] for b in LIMITS)
        print(f"cold cache: {cold:.1f} s; requests {total} ({total / len(refs):.2f} per reference): "
              + ", ".join(f"{b} {n} ({n / len(refs):.2f}/ref)" for b, n in counts.items()))
        print(f"rate-limit floor for these requests: {floor:.1f} s; wall time / floor = {cold / floor:.2f} "
              "(target <= 1.15)")
        print(f"peak memory of the citelens process: {peak_mb:.0f} MB (target < 200 MB)")

        standin.reset_counts()
        warm = _run_citelens(refs_file, tmpdir / "warm.db", tmpdir / "cache", standin)
        print(f"warm cache, fresh database: {warm:.2f} s, {standin.count()} requests (target < 2 s, 0 requests)")

        sample = refs[: args.baseline_sample]
        standin.reset_counts()
        naive = _naive(sample, standin) * len(refs) / len(sample)
        print(f"naive sequential baseline (measured on {len(sample)}, scaled to {len(refs)}): {naive:.0f} s, "
              f"{standin.count() / len(sample):.2f} requests per reference; citelens is {naive / cold:.1f}x faster "
              "(target >= 5x)")


if __name__ == "__main__":
    main()
