"""Input readers: the share of references cut exactly right per format, and reading time per page.

    python bench/bench_inputs.py

Fixtures: tests/data/inputs (written by tests/data/inputs/make_fixtures.py): the same article as
a one-column and a two-column PDF, a 20-page PDF, a web page with site chrome, a Word file with
automatic numbering, a JATS file and a LaTeX file with its .bib. A reference is "cut right" when
its text equals the expected string exactly (JATS and LaTeX: when its key and first author match,
as those formats carry fields, not a printed string). The GROBID reference-segmenter corpus
(shared/corpora) scores the segmenter on its train split (the rules were tuned there) and its
dev split: the share of labelled references whose first and last character the cut hits exactly.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scoring.segment_eval import CORPUS, score_split  # noqa: E402
from citelens.read import load_article  # noqa: E402
from citelens.read.pdf import extract_lines  # noqa: E402

INPUTS = ROOT / "tests" / "data" / "inputs"
REPEATS = 5


def pages_of(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(extract_lines(path))
    return 1


def main() -> None:
    expected = json.loads((INPUTS / "expected.json").read_text(encoding="utf-8"))["references"]
    print(f"{'input':<22} {'refs right':>11} {'share':>6} {'pages':>5} {'s/page':>8} {'s total':>8} {'cpu s':>7}")
    total_right = total = 0
    for name in ("article-1col.pdf", "article-2col.pdf", "article-literatur.pdf", "article-noheading.pdf",
                 "article-20pages.pdf", "article.html", "article.docx",
                 "article.nxml", "article.tex"):
        path = INPUTS / name
        times, cpu = [], []
        for _ in range(REPEATS):
            start, start_cpu = time.perf_counter(), time.process_time()
            article = load_article(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best = min(times)
        if name.endswith((".nxml", ".tex")):
            right = sum(1 for r, e in zip(article.references, expected, strict=False)
                        if r.parsed.authors and e.startswith(r.parsed.authors[0].family))
        else:
            right = sum(1 for r, e in zip(article.references, expected, strict=False) if r.raw == e)
        right -= max(0, len(article.references) - len(expected))  # an extra entry counts against the cut
        total_right += right
        total += len(expected)
        pages = pages_of(path)
        print(f"{name:<22} {right:>5}/{len(expected):<5} {right / len(expected):>6.3f} {pages:>5} "
              f"{best / pages:>8.4f} {best:>8.3f} {min(cpu):>7.3f}")
    print(f"{'all fixtures':<22} {total_right:>5}/{total:<5} {total_right / total:>6.3f}")
    if CORPUS.exists():
        for split in ("train", "dev"):
            s = score_split(split)
            print(f"GROBID reference-segmenter {split}: {s.exact}/{s.gold} references cut exactly = {s.share:.3f} "
                  f"({s.predicted} entries predicted)")
    else:
        print(f"GROBID corpus not found at {CORPUS}; skipped")


if __name__ == "__main__":
    main()
