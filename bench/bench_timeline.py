"""A cold `citelens batch -v` of a synthetic review against the stand-in at the published limits x SCALE
(as bench_scale's lookups), with a timeline: the child's log lines with their times, wall time against
the floor, CPU of the child and of the stand-in, and each API's requests per 10 s window.

    python bench/bench_timeline.py N SCALE      (e.g. 10000 10)
"""

from __future__ import annotations

import collections
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import LIMITS, StandIn, _bucket, _env, review_article  # noqa: E402


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    n, scale = int(sys.argv[1]), float(sys.argv[2])
    records, _, text = review_article(n)
    with StandIn(records=records, latency=0.1 / scale, crossref_rps=13 * scale, eutils_rps=3 * scale,
                 crossref_rate_limit_header=int(50 * scale)) as standin, tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        article = tmp / "review.md"
        article.write_text(text, encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        args = ["batch", str(article), "--db", str(tmp / "c.db"), "--report", str(tmp / "r.json"),
                "--fail-on", "retracted", "-v"]
        child = subprocess.Popen([sys.executable, "-m", "citelens.cli", *args],
                                 env=_env(tmp / "cache", standin, scale), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        assert child.stderr is not None
        for line in child.stderr:
            words = line.split()
            if len(words) > 2 and words[1] == "resolved" and int(words[2].split("/")[0]) % 1000:
                continue  # one line per 1,000 references
            print(f"{time.perf_counter() - start:7.1f} {line.rstrip()[:150]}", flush=True)
        _, _, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        counts = {bucket: 0 for bucket in LIMITS}
        for request in standin.requests:
            counts[_bucket(request.api, request.route)] += 1
        floor = max(counts[b] / (LIMITS[b] * scale) for b in LIMITS)
        print(f"child CPU {_cpu(usage):.1f} s, stand-in CPU {_cpu(after) - _cpu(before):.1f} s")
        print(f"wall {wall:.1f} s, floor {floor:.1f} s, ratio {wall / floor:.2f}; requests {counts}")
        times: dict[str, list[float]] = collections.defaultdict(list)
        for entry in standin.log:
            times[_bucket(entry.api, entry.route)].append(entry.at)
        t0 = min(min(v) for v in times.values())
        for bucket, at in times.items():
            at.sort()
            windows = collections.Counter(int((x - t0) // 10) for x in at)
            per_window = " ".join(str(windows[i]) for i in range(int((at[-1] - t0) // 10) + 1))
            print(f"{bucket}: {len(at)}, first {at[0] - t0:.1f} s, last {at[-1] - t0:.1f} s; per 10 s: {per_window}")


if __name__ == "__main__":
    main()
