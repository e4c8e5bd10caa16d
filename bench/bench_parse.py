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
from citelens.read.references.rules import parse_reference as parse_with_rules

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> None:
    entries = load_labelled([DATA / "references_labelled.jsonl", DATA / "references_handwritten.jsonl"])
    raws = [e["raw"] for e in entries]
    rounds = max(1, 5000 // len(raws))
    # CPU time of this process (one core), and wall time: on a loaded machine the two differ
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for raw in raws:
            parse_reference(raw)
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    n = rounds * len(raws)
    result = score(entries)
    print(f"parsed {n} references: {n / used:,.0f} references/s of CPU time ({n / elapsed:,.0f}/s wall) "
          "(target >= 1,000)")
    cpu = time.process_time()
    for raw in raws * 5:
        parse_with_rules(raw)
    print(f"  the rules alone (identifiers, style, hints): {len(raws) * 5 / (time.process_time() - cpu):,.0f}/s")
    from citelens.read.references.train import DEFAULT_CORPORA as corpora

    if (corpora / "anystyle-good.jsonl").is_file():
        import json

        strings = [json.loads(line)["string"] for name in ("grobid-citations", "anystyle-good")
                   for line in (corpora / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()][:5000]
        start, cpu = time.perf_counter(), time.process_time()
        for raw in strings:
            parse_reference(raw)
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"public corpora: {len(strings)} strings: {len(strings) / used:,.0f} references/s of CPU time "
              f"({len(strings) / elapsed:,.0f}/s wall)")
    print(f"labelled set: {len(entries)} strings, field accuracy {result.accuracy:.2%} (target >= 98%)")
    for field, acc in result.field_accuracy().items():
        print(f"  {field:16} {acc:.2%}")
    for style, acc in result.style_accuracy().items():
        print(f"  style {style:10} {acc:.2%}")


if __name__ == "__main__":
    main()
