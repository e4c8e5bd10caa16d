"""Start-up time of the TUI: from building the app to a claim list with its rows.

    python bench/bench_tui.py

Checks the example article offline (from the committed cache) into a temporary database, then
10 times: opens a new Store, `make_app`, enters `App.run_test()` (headless, 100x32) and waits
until the main screen's claim list holds the claims. Imports happen once, before timing.
Prints the first (cold) run, each timed run and the median; the target is under 0.5 s.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from citelens.pipeline import check_article
from citelens.settings import Settings
from citelens.store import Store
from citelens.tui import make_app
from citelens.tui.screens.main import MainScreen
from citelens.tui.widgets.claim_list import ClaimList

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"
RUNS = 10
TARGET_S = 0.5


async def start_up(db: Path) -> tuple[float, float]:
    """(seconds from make_app to usable, of which from run_test entry to usable)."""
    t0 = time.perf_counter()
    app = make_app(Store(db), 1)
    t1 = time.perf_counter()
    async with app.run_test(size=(100, 32)):
        while True:
            screen = app.screen
            if isinstance(screen, MainScreen):
                rows = screen.query(ClaimList)
                if rows and rows.first().option_count > 0:
                    break
            await asyncio.sleep(0.001)
        done = time.perf_counter()
        app.exit()
    return done - t0, done - t1


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        shutil.copytree(ROOT / "cache", cache)
        db = Path(tmp) / "bench.db"
        check_article(EXAMPLE, Store(db), Settings(cache_dir=cache, offline=True))
        cold, _ = asyncio.run(start_up(db))  # the first run also parses the CSS and imports lazily
        print(f"first run in this process: {cold * 1000:6.1f} ms (not counted)")
        totals, in_app = [], []
        for n in range(1, RUNS + 1):
            total, app_only = asyncio.run(start_up(db))
            totals.append(total)
            in_app.append(app_only)
            print(f"run {n:2}: {total * 1000:6.1f} ms (run_test entry to rows {app_only * 1000:6.1f} ms)")
    median = statistics.median(totals)
    print(f"median start-up to a usable claim list: {median:.3f} s "
          f"(run_test entry to rows: {statistics.median(in_app):.3f} s); target < {TARGET_S} s: "
          f"{'ok' if median < TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
