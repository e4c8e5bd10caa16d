"""Claim links and statuses on the labelled set: precision, recall, status accuracy, confusion.

    python bench/bench_links.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from standin import StandIn  # noqa: E402

from bench.scoring.link_eval import LinkScore, load_labels, score_article  # noqa: E402
from citelens.pipeline import check_article  # noqa: E402
from citelens.settings import Settings  # noqa: E402
from citelens.store import Store  # noqa: E402


def main() -> None:
    labels = load_labels(ROOT / "tests" / "data" / "claim_links.jsonl")
    by_article = defaultdict(list)
    for label in labels:
        by_article[label["article"]].append(label)
    total = LinkScore()
    with StandIn(eutils_rate_limit_header=1000) as standin, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url,
                            mailto="bench@example.org", cache_dir=Path(tmp) / "cache", crossref_rps=200,
                            eutils_rps=200)
        store = Store(Path(tmp) / "bench.db")
        for article, article_labels in by_article.items():
            result = check_article(ROOT / article, store, settings)
            score = score_article(store.load(result.article_id), article_labels)
            total.add(score)
            print(f"{article}: {score.labelled} labelled, precision {score.precision:.2f}, "
                  f"recall {score.recall:.2f}, status {score.status_accuracy:.2f}")
    print(f"all: {total.labelled} labelled claims, {total.tp + total.fn} labelled links; "
          f"precision {total.precision:.3f} (target 0.9), recall {total.recall:.3f} (target 0.8), "
          f"status accuracy {total.status_accuracy:.3f}")
    print("status confusion (labelled -> automatic):")
    for (expected, got), n in sorted(total.confusion.items(), key=lambda x: -x[1]):
        print(f"  {expected:>15} -> {got:<15} {n}")


if __name__ == "__main__":
    main()
