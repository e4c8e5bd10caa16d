"""The self-contained HTML report: parsed in unit tests, and rendered in a real headless chromium with
JavaScript off (skipped, with the reason, where Debian's chromium and chromium-driver are absent)."""

from __future__ import annotations

import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from citelens.cli import cli
from citelens.output import build_report
from citelens.output.html_report import bar_chart, highlight, render_html
from citelens.pipeline import check_article
from citelens.settings import Settings
from citelens.store import Store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("html")
    shutil.copytree(ROOT / "cache", tmp / "cache")
    store = Store(tmp / "x.db")
    result = check_article(ROOT / "references" / "oxytocin-sensitivity.txt", store,
                           Settings(cache_dir=tmp / "cache", offline=True))
    return build_report(store.load(result.article_id))


class Page(HTMLParser):
    """What a reader sees: tags, attributes, text per element of interest."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[str] = []
        self.rows: list[list[str]] = []
        self._in_mark = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark = False
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_mark:
            self.marks[-1] += data
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_the_report_is_self_contained_and_has_no_script(report):
    html = render_html([report])
    page = parse(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags  # nothing to fetch, nothing to run
    assert all(not (a.get("src") or "").startswith("http") for _, a in page.tags)
    assert tags.count("svg") == 2  # references and claims by status
    bars = [a for t, a in page.tags if t == "rect" and "bar" in (a.get("class") or "")]
    assert {a["data-status"] for a in bars} >= {"verified", "discrepant", "not_found"}


def test_each_reference_has_its_verdict_field_differences_and_links(report):
    page = parse(render_html([report]))
    hrefs = [a["href"] for t, a in page.tags if t == "a" and a.get("href")]
    assert "https://doi.org/10.3389/fpsyg.2017.02156" in hrefs
    assert "https://pubmed.ncbi.nlm.nih.gov/22123970/" in hrefs
    sections = [a for t, a in page.tags if t == "section" and "ref" in (a.get("class") or "")]
    assert len(sections) == len(report["references"]) == 12
    # reference 4 (discrepant): its year row, cited beside the record and marked as differing
    assert ["year ≠", "2019", "2017"] in page.rows
    assert any(row[:1] == ["4"] and "first author, pages, volume, year" in row for row in page.rows)
    assert not any("[" in cell and "'" in cell for row in page.rows for cell in row)  # no Python lists


def test_each_cited_claim_is_beside_its_evidence_with_the_terms_highlighted(report):
    page = parse(render_html([report]))
    claims = [a for t, a in page.tags if t == "div" and a.get("class") == "claim"]
    assert len(claims) == sum(1 for c in report["claims"] if c["references"])
    assert page.marks, "matched terms are highlighted"
    supported = next(c for c in report["claims"] if c["status"] == "supported")
    terms = {t.lower() for e in supported["evidence"] for t in e["terms"]}
    assert any(m.lower().startswith(tuple(terms)) for m in page.marks)


def test_highlight_and_chart_escape_what_they_show():
    assert highlight("a <b> oxytocin receptors", ["oxytocin", "receptor"]) == \
        "a &lt;b&gt; <mark>oxytocin</mark> <mark>receptors</mark>"
    assert "nothing checked" in bar_chart({}, ("verified",), "References")


def test_check_report_html_from_the_cli(runner, tmp_path):
    out = tmp_path / "out.html"
    cache = tmp_path / "cache"
    shutil.copytree(ROOT / "cache", cache)
    result = runner.invoke(cli, ["check", str(ROOT / "references" / "oxytocin-sensitivity.txt"), "--offline",
                                 "--cache-dir", str(cache), "--db", str(tmp_path / "c.db"), "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="citelens-chromium-")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--window-size=1200,1400"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except Exception as exc:  # a browser that cannot start here is a skip, not a failure
        pytest.skip(f"chromium does not start here: {str(exc).splitlines()[0]}")
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_the_report_renders_chart_and_tables_in_chromium_with_javascript_off(browser, report, tmp_path):
    from selenium.webdriver.common.by import By

    probe = tmp_path / "probe.html"
    probe.write_text("<title>off</title><script>document.title = 'on'</script>", encoding="utf-8")
    browser.get(probe.as_uri())
    assert browser.title == "off"  # JavaScript really is off

    page = tmp_path / "report.html"
    page.write_text(render_html([report]), encoding="utf-8")
    browser.get(page.as_uri())
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")
    assert len(bars) == 7  # 3 reference statuses, 4 claim statuses
    widths = {b.get_attribute("data-status"): b.size["width"] for b in bars}
    assert widths["verified"] > widths["discrepant"] > 0  # 7 beside 1
    table = browser.find_element(By.CSS_SELECTOR, "table.references")
    assert table.size["height"] > 200 and table.size["width"] > 600
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 12
    assert "Krol et al. (2019)" in table.text and "discrepant" in table.text
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
