"""Write docs/tui-main.svg, the main screen shown in the README.

    python tests/tui/make_screenshot.py

Checks the example article offline (from the committed cache) in a temporary folder, opens the
app at 80x24 on the partial claim "Among individuals with the GG genotype ...", gives it a
verdict and saves the screen.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_helpers import EXAMPLE, GG_CLAIM, ROOT  # noqa: E402

from citelens.pipeline import check_article  # noqa: E402
from citelens.settings import Settings  # noqa: E402
from citelens.store import Store  # noqa: E402
from citelens.tui import make_app  # noqa: E402
from citelens.tui.widgets.claim_list import ClaimList  # noqa: E402

TARGET = ROOT / "docs" / "tui-main.svg"


async def shoot(store: Store, target: Path) -> None:
    app = make_app(store, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "f")  # the partial claims
        claims = app.screen.query_one("#claims", ClaimList)
        for _ in range(len(app.session.claims)):
            claim = app.session.claim(claims.highlighted_claim_id or "")
            if claim is not None and claim.claim.text.startswith(GG_CLAIM):
                break
            await pilot.press("down")
        await pilot.press("2")  # a reviewer's verdict, to show its badge
        await pilot.pause()
        app.save_screenshot(filename=target.name, path=str(target.parent))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        shutil.copytree(ROOT / "cache", cache)
        store = Store(Path(tmp) / "shot.db")
        check_article(EXAMPLE, store, Settings(cache_dir=cache, offline=True))
        asyncio.run(shoot(store, TARGET))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
