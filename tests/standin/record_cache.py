"""Record the committed cache/: run citelens's own clients against the loopback stand-in.

    python tests/standin/record_cache.py [ARTICLE ...]

Every request citelens makes for the example article goes to the stand-in (built from
tests/standin/data/seed-works.jsonl) and its response is written to cache/ exactly as the
fetcher caches live responses. Run it again whenever the parser or the resolver changes the
requests they make (the offline test in tests/test_resolve_cli.py fails when the cache is stale).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from citelens.pipeline import check_article  # noqa: E402
from citelens.settings import Settings  # noqa: E402
from citelens.store import Store  # noqa: E402
from standin import StandIn  # noqa: E402


def main(articles: list[str]) -> None:
    articles = articles or [str(ROOT / "references" / "oxytocin-sensitivity.txt")]
    with StandIn() as standin, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url,
                            mailto="citelens-cache@example.org", cache_dir=ROOT / "cache", refresh=True,
                            crossref_rps=50, eutils_rps=50)
        store = Store(Path(tmp) / "record.db")
        for article in articles:
            result = check_article(article, store, settings)
            counts = result.report["summary"]["references"]
            print(f"{article}: {dict(result.stats.requests)} requests; {counts}")


if __name__ == "__main__":
    main(sys.argv[1:])
