"""Real inputs: PDF, HTML, Word, JATS, LaTeX, bibliographies and URLs give the same kind of Article.

The fixtures in tests/data/inputs are written by tests/data/inputs/make_fixtures.py from one
article of our own; every reader must give back its eight references one by one.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from citelens.cli import cli
from citelens.errors import ArticleError, InputError
from citelens.read import load_article
from citelens.read.formats import sniff
from citelens.read.pdf import normalise
from citelens.read.references.segment import join_lines, segment_lines
from citelens.read.url import rewrite

INPUTS = Path(__file__).resolve().parent / "data" / "inputs"
EXPECTED = json.loads((INPUTS / "expected.json").read_text(encoding="utf-8"))
SECTIONS = EXPECTED["sections"]


@pytest.mark.parametrize("name", ["article-1col.pdf", "article-2col.pdf", "article-literatur.pdf",
                                  "article-noheading.pdf", "article.html", "article.docx"])
def test_each_reader_gives_back_every_reference_exactly(name):
    article = load_article(INPUTS / name)
    assert article.title == EXPECTED["title"]
    assert [r.raw for r in article.references] == EXPECTED["references"]
    assert [s for s in article.sections if s in SECTIONS] == SECTIONS
    texts = [c.text for c in article.claims]
    # claims come from the body, in order, hyphens joined; not from captions, numbers, heads or site chrome
    assert texts[0] == "Sleep deprivation impairs the consolidation of declarative memory in healthy adults [1]."
    assert "These effects are dynamic and depend on the circadian phase of the learning session." in texts
    assert any("protocol of Smith-Jones and Okafor [5]" in t for t in texts)
    assert any(t.startswith("Müller et al. reported") for t in texts)
    for junk in ("Journal of Sleep Studies", "Figure 1", "Table 1", "12.4  9.8", "Share this", "Copyright",
                 "Readers of this article", "tracking"):
        assert not any(junk in c.text and c.kind == "sentence" for c in article.claims), (junk, texts)
    assert {c.section for c in article.claims if "[8]" in c.text} == {"Discussion"}
    marker_claims = [c for c in article.claims if any(q.kind == "marker" for q in c.cues)]
    assert len(marker_claims) >= 8
    assert all(r.line > 0 for r in article.references)
    assert [r.line for r in article.references] == sorted(r.line for r in article.references)


@pytest.mark.parametrize("name", ["article.html", "article.docx"])
def test_tables_become_table_rows(name):
    rows = [c for c in load_article(INPUTS / name).claims if c.kind == "table_row"]
    assert [(r.table_headers, r.cells) for r in rows] == [(["Group", "Recall"], ["Rested", "12.4"]),
                                                          (["Group", "Recall"], ["Deprived", "9.8"])]


def test_jats_references_keep_their_tagged_fields_and_ids_and_claims_link_by_xref():
    article = load_article(INPUTS / "article.nxml")
    assert article.title == EXPECTED["title"]
    assert article.sections == SECTIONS
    assert len(article.references) == 8
    first = article.references[0].parsed
    assert first.key == "B1" and first.doi == "10.1038/nn1851" and first.year == 2007
    assert [a.family for a in first.authors] == ["Yoo", "Hu", "Gujar", "Jolesz", "Walker"]
    assert first.title == "A deficit in the ability to form new human memories without sleep"
    assert (first.container_title, first.volume, first.issue, first.pages) == ("Nat Neurosci", "10", "3", "385-392")
    assert [r.parsed.key for r in article.references] == [f"B{k}" for k in range(1, 9)]
    assert article.references[4].parsed.authors[0].family == "Smith-Jones"
    claim = next(c for c in article.claims if c.text.startswith("Participants"))
    assert claim.text.endswith("rested participants [2, 6].")
    assert [q.value for q in claim.cues if q.kind == "marker"] == ["2,6"]


def test_latex_links_claims_through_cite_keys_to_the_cited_bib_entries():
    article = load_article(INPUTS / "article.tex")
    assert article.title == EXPECTED["title"]
    assert article.sections == SECTIONS
    keys = [r.parsed.key for r in article.references]
    assert keys == ["yoo2007", "walker2004", "diekelmann2010", "muller1900", "smithjones2015", "stickgold2005",
                    "rasch2013", "oudiette2013"]  # cited order; the uncited entry is left out
    assert article.references[3].parsed.authors[0].family == "Müller"
    assert article.references[0].parsed.doi == "10.1038/nn1851"
    claim = next(c for c in article.claims if c.text.startswith("Participants"))
    assert [q.value for q in claim.cues if q.kind == "marker"] == ["2,6"]


def test_bibtex_ris_and_csl_json_are_checked_directly_and_keep_keys(tmp_path):
    bib = load_article(INPUTS / "article.bib")
    assert [r.parsed.key for r in bib.references][:2] == ["yoo2007", "walker2004"]
    assert bib.references[0].parsed.to_dict()["key"] == "yoo2007"
    assert not bib.claims
    csl = tmp_path / "refs.json"
    csl.write_text(json.dumps([{"id": "walker2004", "type": "article-journal", "title": "Sleep-dependent learning",
                                "author": [{"family": "Walker", "given": "M. P."}], "container-title": "Neuron",
                                "issued": {"date-parts": [[2004]]}, "DOI": "10.1016/j.neuron.2004.08.031"}]))
    article = load_article(csl)
    assert len(article.references) == 1
    ref = article.references[0].parsed
    assert (ref.key, ref.year, ref.doi, ref.authors[0].family) == ("walker2004", 2004, "10.1016/j.neuron.2004.08.031",
                                                                   "Walker")
    ris = tmp_path / "refs.ris"
    ris.write_text("TY  - JOUR\nID  - rasch13\nAU  - Rasch, B.\nTI  - About sleep's role in memory\n"
                   "JO  - Physiol Rev\nPY  - 2013\nER  - \n")
    assert load_article(ris).references[0].parsed.key == "rasch13"


@pytest.mark.parametrize("name, message", [
    ("bad-encrypted.pdf", "encrypted PDF"),
    ("bad-scanned.pdf", "scanned PDF: no text layer; run OCR first"),
    ("bad-damaged.pdf", "damaged PDF"),
])
def test_bad_pdfs_fail_with_one_line_and_store_nothing(runner, tmp_path, name, message):
    db = tmp_path / "x.db"
    result = runner.invoke(cli, ["check", str(INPUTS / name), "--db", str(db), "--offline"])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_a_page_that_is_not_an_article_is_refused(tmp_path):
    page = tmp_path / "shop.html"
    page.write_text("<html><body><nav>Home</nav><main><h1>Our shop</h1><p>Buy the best shoes here, today only.</p>"
                    "</main></body></html>")
    with pytest.raises(ArticleError, match="not an article"):
        load_article(page)


def test_sniffing_trusts_the_content_over_the_extension(tmp_path):
    pdf = (INPUTS / "article-1col.pdf").read_bytes()
    assert sniff(pdf, ".txt") == "pdf"
    assert sniff((INPUTS / "article.docx").read_bytes(), ".bin") == "docx"
    assert sniff(b"<!DOCTYPE html><html><body>x</body></html>", "") == "html"
    assert sniff((INPUTS / "article.nxml").read_bytes(), ".xml") == "jats"
    disguised = tmp_path / "paper.txt"
    disguised.write_bytes(pdf)
    assert [r.raw for r in load_article(disguised).references] == EXPECTED["references"]


def test_pdf_text_normalisation_and_hyphen_joining():
    assert normalise("Mu\u00a8ller and Ko \u00a8rner e\ufb03cient \ufb01ne") == "Müller and Körner efficient fine"
    assert join_lines(["a dy-", "namic model"]) == "a dynamic model"
    assert join_lines(["Smith-", "Jones A"]) == "Smith-Jones A"
    assert join_lines(["doi:10.1000/abc-", "def"]) == "doi:10.1000/abc-def"


def test_segmenter_cuts_numbered_author_year_and_grouped_lists():
    numbered = ["[1] A. One, Phys. Rev. D 41, 142", "(1990); B. Two, Phys. Lett. B 1, 2 (1991).",
                "[2] C. Three, Nature 1, 1 (2000).", "3. not a label", "[3] D. Four, Science 2, 3 (2001)."]
    assert [(e.first, e.last) for e in segment_lines(numbered)] == [(0, 1), (2, 3), (4, 4)]
    author_year = ["Abel, A. B., 2002. An exploration of the effects of pessimism,", "Journal of Economic Dynamics 26,",
                   "1075-92.", "Beck, G., and V. Wieland, 2002. Learning and control. J Econ Dyn 26, 1359-77.",
                   "7", "Blume, L. E., 1995. What has the learning literature taught us? Oxford."]
    entries = segment_lines(author_year)
    assert [(e.first, e.last) for e in entries] == [(0, 2), (3, 3), (5, 5)]
    assert entries[0].text.endswith("Journal of Economic Dynamics 26, 1075-92.")


# --- URLs ------------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/article.html":
            self._send(200, "text/html; charset=utf-8", (INPUTS / "article.html").read_bytes())
        elif self.path == "/paper":
            self._send(200, "application/pdf", (INPUTS / "article-2col.pdf").read_bytes())
        elif self.path.startswith("/10.1234/"):
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.end_headers()
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"<p>more</p>" * 10000)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("CITELENS_DOI_RESOLVER", base)
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.01")
    yield base
    server.shutdown()
    server.server_close()


def test_urls_are_fetched_and_read_by_their_content_type(site):
    html = load_article(f"{site}/article.html")
    assert [r.raw for r in html.references] == EXPECTED["references"]
    assert html.path == f"{site}/article.html"
    pdf = load_article(f"{site}/paper")
    assert [r.raw for r in pdf.references] == EXPECTED["references"]
    via_doi = load_article("doi:10.1234/sleep.2024")
    assert [r.raw for r in via_doi.references] == EXPECTED["references"]


def test_url_failures_are_one_line(site, monkeypatch, runner, tmp_path):
    with pytest.raises(InputError, match="HTTP 404"):
        load_article(f"{site}/missing")
    from citelens import defaults

    monkeypatch.setattr(defaults, "MAX_ARTICLE_BYTES", 200_000)
    with pytest.raises(InputError, match="endless stream"):
        from citelens.read.url import fetch

        fetch(f"{site}/endless", max_bytes=200_000)
    db = tmp_path / "x.db"
    result = runner.invoke(cli, ["check", "http://127.0.0.1:9/article.html", "--db", str(db), "--offline"])
    assert result.exit_code == 2 and "no network connection" in result.stderr
    assert not db.exists()


def test_url_rewrites():
    assert rewrite("https://arxiv.org/abs/2101.01234v2") == "https://arxiv.org/pdf/2101.01234v2"
    assert rewrite("https://doi.org/10.1038/nn1851").endswith("/10.1038/nn1851")


# --- the CLI, end to end against the stand-in -------------------------------------------------

@pytest.mark.parametrize("name", ["article-2col.pdf", "article.docx", "article.bib"])
def test_check_gives_the_same_kind_of_report(runner, tmp_path, standin_env, name):
    out = tmp_path / "report.json"
    result = runner.invoke(cli, ["check", str(INPUTS / name), "--db", str(tmp_path / "c.db"), "--json", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    report = json.loads(out.read_text())
    assert set(report) == {"article", "references", "claims", "summary"}
    assert len(report["references"]) == (9 if name.endswith(".bib") else 8)
    assert all(r["status"] for r in report["references"])
    if name.endswith(".bib"):
        assert report["references"][0]["parsed"]["key"] == "yoo2007"
    else:
        assert report["references"][0]["raw"] == EXPECTED["references"][0]
        assert any(c["references"] for c in report["claims"])


def test_batch_names_every_skipped_file_and_counts_them(runner, tmp_path, standin_env):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paper.pdf").write_bytes((INPUTS / "article-1col.pdf").read_bytes())
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n")
    (folder / "data.csv").write_text("a,b\n")
    result = runner.invoke(cli, ["batch", str(folder), "--db", str(tmp_path / "b.db")])
    assert "figure.png: skipped" in result.stderr and "data.csv: skipped" in result.stderr
    assert "2 files skipped" in result.output + result.stderr
