"""Write docs/html-report.png, the HTML report shown in the README (headless chromium, JavaScript off).

    python tests/make_report_screenshot.py

Checks the example article offline (from the committed cache) in a temporary folder, writes its
HTML report and photographs it with Debian's chromium through chromedriver (selenium).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from citelens.output.html_report import render_html
from citelens.pipeline import check_article
from citelens.settings import Settings
from citelens.store import Store

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "html-report.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        shutil.copytree(ROOT / "cache", cache)
        result = check_article(ROOT / "references" / "oxytocin-sensitivity.txt", Store(Path(tmp) / "r.db"),
                               Settings(cache_dir=cache, offline=True))
        page = Path(tmp) / "report.html"
        page.write_text(render_html([result.report]), encoding="utf-8")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "chromium"
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={Path(tmp) / 'profile'}", "--window-size=1100,1300"):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)
        try:
            driver.get(page.as_uri())
            driver.save_screenshot(str(TARGET))
        finally:
            driver.quit()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
