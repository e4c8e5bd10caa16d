"""Reference parsing: references per second on one core, and the labelled set's field accuracy.

    python bench/bench_parse.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scoring.parse_eval import load_labelled, score
from citelens.read.references import parse_reference

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> None:
    entries = load_labelled([DATA / "references_labelled.jsonl", DATA / "references_handwritten.jsonl"])
    raws = [e["raw"] for e in entries]
    rounds = max(1, 20000 // len(raws))
    start = time.perf_counter()
    for _ in range(rounds):
        for raw in raws:
            parse_reference(raw)
    elapsed = time.perf_counter() - start
    n = rounds * len(raws)
    result = score(entries)
    print(f"parsed {n} references in {elapsed:.2f} s: {n / elapsed:,.0f} references/s (target >= 5,000)")
    print(f"labelled set: {len(entries)} strings, field accuracy {result.accuracy:.2%} (target >= 98%)")
    for field, acc in result.field_accuracy().items():
        print(f"  {field:16} {acc:.2%}")
    for style, acc in result.style_accuracy().items():
        print(f"  style {style:10} {acc:.2%}")


if __name__ == "__main__":
    main()
