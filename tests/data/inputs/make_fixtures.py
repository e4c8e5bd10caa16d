"""Write the input fixtures (PDF, HTML, DOCX) from one article of our own; run it to regenerate them.

    python tests/data/inputs/make_fixtures.py

PDFs are drawn with reportlab (a test-only dependency) line by line, in one and in two columns,
with running heads, page numbers and hyphenated line breaks; the DOCX uses Word's
automatic numbering for the reference list; the HTML page has site navigation, share buttons
and a footer around the article. `expected.json` holds the reference strings every reader must
give back, one by one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

TITLE = "Sleep Loss and Dynamic Memory Consolidation"
SECTIONS = [
    ("Introduction", [
        "Sleep deprivation impairs the consolidation of declarative memory in healthy adults [1]. "
        "Walker and colleagues showed that a single night without sleep reduces hippocampal activity "
        "during encoding by about forty percent [2]. These effects are dynamic and depend on the "
        "circadian phase of the learning session.",
        "Slow-wave sleep has been linked to the replay of recently acquired information [3]. "
        "Müller et al. reported that the benefit of a nap is largest for weakly encoded items [4].",
    ]),
    ("Methods", [
        "We recruited sixty students who completed a word-pair task before and after a night of "
        "monitored sleep or total sleep deprivation. Recall was measured with a cued test at nine "
        "in the morning, following the protocol of Smith-Jones and Okafor [5].",
    ]),
    ("Results", [
        "Participants in the deprivation group recalled fewer word pairs than rested participants [2, 6]. "
        "The difference remained significant after controlling for baseline performance and "
        "for self-reported alertness, in line with earlier findings on the efficient reconsolidation "
        "of memory traces [7].",
    ]),
    ("Discussion", [
        "Our findings confirm that sleep supports the stabilisation of new memories [1, 3]. "
        "Future work should examine whether targeted memory reactivation can offset the deficit [8].",
    ]),
]
REFERENCES = [
    "Yoo SS, Hu PT, Gujar N, Jolesz FA, Walker MP. A deficit in the ability to form new human memories "
    "without sleep. Nat Neurosci. 2007;10(3):385-392. doi:10.1038/nn1851",
    "Walker MP, Stickgold R. Sleep-dependent learning and memory consolidation. Neuron. 2004;44(1):121-133.",
    "Diekelmann S, Born J. The memory function of sleep. Nat Rev Neurosci. 2010;11(2):114-126.",
    "Müller GE, Pilzecker A. Experimentelle Beiträge zur Lehre vom Gedächtniss. Z Psychol Ergänzungsband. "
    "1900;1:1-300.",
    "Smith-Jones A, Okafor B. A standard protocol for cued recall testing in sleep research. J Sleep Res. "
    "2015;24(4):410-418.",
    "Stickgold R. Sleep-dependent memory consolidation. Nature. 2005;437(7063):1272-1278.",
    "Rasch B, Born J. About sleep's role in memory. Physiol Rev. 2013;93(2):681-766.",
    "Oudiette D, Paller KA. Upgrading the sleeping brain with targeted memory reactivation. Trends Cogn Sci. "
    "2013;17(3):142-149.",
]
RUNNING_HEAD = "Journal of Sleep Studies 12 (2024)"


def _wrap(text: str, width: float, font: str, size: float, measure) -> list[str]:
    """Greedy wrapping; a long lower-case word that does not fit is hyphenated (`dy-` / `namic`)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if measure(trial, font, size) <= width:
            line = trial
            continue
        if len(word) >= 7 and word.isalpha() and word.islower():
            for cut in range(len(word) - 3, 2, -1):
                head = f"{line} {word[:cut]}-".strip()
                if measure(head, font, size) <= width:
                    lines.append(head)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def make_pdf(path: Path, columns: int, pages_of_padding: int = 0, heading: str | None = "References") -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    width, height = A4
    margin = 56
    gutter = 18
    col_width = (width - 2 * margin - (columns - 1) * gutter) / columns
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(TITLE)
    state = {"page": 1, "col": 0, "y": height - margin - 40}

    def furniture() -> None:
        c.setFont("Helvetica", 8)
        c.drawString(margin, height - 30, RUNNING_HEAD)
        c.drawRightString(width - margin, height - 30, "Sleep loss and memory")
        c.drawCentredString(width / 2, 28, str(state["page"]))

    def new_column() -> None:
        if state["col"] + 1 < columns:
            state["col"] += 1
        else:
            c.showPage()
            state["page"] += 1
            state["col"] = 0
            furniture()
        state["y"] = height - margin - 20

    def put(text: str, font: str, size: float, indent: float = 0.0, gap: float = 0.0) -> None:
        if state["y"] - gap < margin + 20:
            new_column()
        else:
            state["y"] -= gap
        c.setFont(font, size)
        x = margin + state["col"] * (col_width + gutter) + indent
        c.drawString(x, state["y"], text)
        state["y"] -= size * 1.35

    def paragraph(text: str, font: str = "Times-Roman", size: float = 10, hang: float = 0.0,
                  gap: float = 5.0) -> None:
        lines = _wrap(text, col_width - hang, font, size, stringWidth)
        for k, line in enumerate(lines):
            put(line, font, size, indent=hang if k else 0.0, gap=gap if k == 0 else 0.0)

    furniture()
    c.setFont("Helvetica-Bold", 16)
    c.drawString(margin, height - margin - 10, TITLE)
    state["y"] = height - margin - 44
    paragraph("A. Reader, B. Writer. Department of Psychology, Example University.", "Times-Italic", 8)
    for name, paras in SECTIONS:
        put(name, "Helvetica-Bold", 12, gap=10)
        for text in paras:
            paragraph(text)
        if name == "Results":
            put("Table 1. Recall by group.", "Helvetica", 8, gap=8)
            put("12.4  9.8  0.002", "Helvetica", 8)
    for k in range(pages_of_padding):
        put(f"Supplementary analysis {k + 1}", "Helvetica-Bold", 12, gap=10)
        for _ in range(9):
            paragraph("The control analyses repeated the main comparison with alternative exclusion "
                      "criteria and with a mixed model that treated the word pairs as a random factor; "
                      "the estimates changed by less than a tenth of their standard error in every case.")
    if heading:
        put(heading, "Helvetica-Bold", 12, gap=10)
    for k, ref in enumerate(REFERENCES, 1):
        paragraph(f"{k}. {ref}", "Times-Roman", 9, hang=12, gap=3)
    put("Figure 1. Recall in the two groups.", "Helvetica", 8, gap=12)
    c.showPage()
    c.save()


def make_html(path: Path) -> None:
    body = "".join(f"<h2>{name}</h2>" + "".join(f"<p>{p}</p>" for p in paras) for name, paras in SECTIONS)
    table = ("<table><tr><th>Group</th><th>Recall</th></tr><tr><td>Rested</td><td>12.4</td></tr>"
             "<tr><td>Deprived</td><td>9.8</td></tr></table>")
    refs = "".join(f'<li id="ref{k}">{r}</li>' for k, r in enumerate(REFERENCES, 1))
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE} | Journal of Sleep Studies</title>
<script>var tracking = "Sleep deprivation impairs nothing in this script [1].";</script></head>
<body>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/journals">Journals</a></li>
<li><a href="/about">About us and our many wonderful journals</a></li></ul></nav></header>
<div class="share-buttons"><a href="#">Share this article on social media with your friends today</a></div>
<main><article><h1>{TITLE}</h1>{body}{table}
<h2>References</h2><ol class="references">{refs}</ol></article></main>
<aside class="sidebar"><h3>Related articles</h3><p>Readers of this article also read many other
wonderful articles about sleep and memory that we recommend.</p></aside>
<footer><p>Copyright 2024 Example Publisher. All rights reserved by the publisher of this journal.</p></footer>
</body></html>
"""
    path.write_text(html, encoding="utf-8")


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = TITLE
    d.add_heading(TITLE, level=0)
    for name, paras in SECTIONS:
        d.add_heading(name, level=1)
        for text in paras:
            d.add_paragraph(text)
    t = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("Group", "Recall"), ("Rested", "12.4"), ("Deprived", "9.8")]):
        for k, cell in enumerate(row):
            t.cell(r, k).text = cell
    d.add_heading("References", level=1)
    for ref in REFERENCES:
        d.add_paragraph(ref, style="List Number")  # Word's automatic numbering: no "1." in the text
    import datetime

    d.core_properties.created = datetime.datetime(2024, 1, 1)
    d.core_properties.modified = datetime.datetime(2024, 1, 1)
    d.core_properties.last_printed = datetime.datetime(2024, 1, 1)
    d.save(str(path))


def make_jats(path: Path) -> None:
    refs = []
    for k, ref in enumerate(REFERENCES, 1):
        authors, _, rest = ref.partition(". ")
        title, _, rest = rest.partition(". ")
        source, _, rest = rest.partition(". ")
        m = re.match(r"(\d{4});(\d+)(?:\((\d+)\))?:(\d+)-(\d+)", rest)
        names = "".join(f"<name><surname>{a.rsplit(' ', 1)[0]}</surname><given-names>{a.rsplit(' ', 1)[1]}"
                        "</given-names></name>" for a in authors.split(", "))
        year, volume, issue, fpage, lpage = m.groups() if m else ("", "", "", "", "")
        doi = f'<pub-id pub-id-type="doi">{ref.rsplit("doi:", 1)[1]}</pub-id>' if "doi:" in ref else ""
        refs.append(f'<ref id="B{k}"><label>{k}</label><element-citation publication-type="journal">'
                    f'<person-group person-group-type="author">{names}</person-group>'
                    f"<article-title>{title}</article-title><source>{source}</source><year>{year}</year>"
                    f"<volume>{volume}</volume>" + (f"<issue>{issue}</issue>" if issue else "")
                    + f"<fpage>{fpage}</fpage><lpage>{lpage}</lpage>{doi}</element-citation></ref>")

    def xrefs(text: str) -> str:
        return re.sub(r"\[(\d+)(?:, (\d+))?\]", lambda m: "[" + ", ".join(
            f'<xref ref-type="bibr" rid="B{n}">{n}</xref>' for n in m.groups() if n) + "]", text)

    secs = "".join(f"<sec><title>{name}</title>" + "".join(f"<p>{xrefs(p)}</p>" for p in paras) + "</sec>"
                   for name, paras in SECTIONS)
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article" dtd-version="1.2">
<front><article-meta><title-group><article-title>{TITLE}</article-title></title-group></article-meta></front>
<body>{secs}</body>
<back><ref-list><title>References</title>
{chr(10).join(refs)}
</ref-list></back></article>
""", encoding="utf-8")


def make_tex(path: Path) -> None:
    keys = ["yoo2007", "walker2004", "diekelmann2010", "muller1900", "smithjones2015", "stickgold2005",
            "rasch2013", "oudiette2013"]

    def cites(text: str) -> str:
        return re.sub(r"\[(\d+)(?:, (\d+))?\]", lambda m: "\\cite{" + ",".join(
            keys[int(n) - 1] for n in m.groups() if n) + "}", text)

    body = "\n".join(f"\\section{{{name}}}\n" + "\n\n".join(cites(p) for p in paras) for name, paras in SECTIONS)
    path.write_text(f"\\documentclass{{article}}\n\\title{{{TITLE}}}\n\\begin{{document}}\n\\maketitle\n"
                    f"{body}\n\\bibliographystyle{{unsrt}}\n\\bibliography{{{path.stem}}}\n\\end{{document}}\n",
                    encoding="utf-8")
    entries = [
        ("yoo2007", "Yoo, S. S. and Hu, P. T. and Gujar, N. and Jolesz, F. A. and Walker, M. P.",
         "A deficit in the ability to form new human memories without sleep", "Nat Neurosci", "2007", "10",
         "385--392", "10.1038/nn1851"),
        ("walker2004", "Walker, M. P. and Stickgold, R.", "Sleep-dependent learning and memory consolidation",
         "Neuron", "2004", "44", "121--133", ""),
        ("diekelmann2010", "Diekelmann, S. and Born, J.", "The memory function of sleep", "Nat Rev Neurosci",
         "2010", "11", "114--126", ""),
        ("muller1900", "M{\\\"u}ller, G. E. and Pilzecker, A.", "Experimentelle Beitr{\\\"a}ge zur Lehre vom Ged{\\\"a}chtniss",
         "Z Psychol", "1900", "1", "1--300", ""),
        ("smithjones2015", "Smith-Jones, A. and Okafor, B.", "A standard protocol for cued recall testing",
         "J Sleep Res", "2015", "24", "410--418", ""),
        ("stickgold2005", "Stickgold, R.", "Sleep-dependent memory consolidation", "Nature", "2005", "437",
         "1272--1278", ""),
        ("rasch2013", "Rasch, B. and Born, J.", "About sleep's role in memory", "Physiol Rev", "2013", "93",
         "681--766", ""),
        ("oudiette2013", "Oudiette, D. and Paller, K. A.", "Upgrading the sleeping brain", "Trends Cogn Sci",
         "2013", "17", "142--149", ""),
        ("uncited1999", "Nobody, N.", "An entry that the article does not cite", "J Unused", "1999", "1", "1--2", ""),
    ]
    bib = "\n".join(f"@article{{{k},\n  author = {{{a}}},\n  title = {{{t}}},\n  journal = {{{j}}},\n  year = {{{y}}},\n"
                    f"  volume = {{{v}}},\n  pages = {{{pg}}},\n" + (f"  doi = {{{d}}},\n" if d else "") + "}\n"
                    for k, a, t, j, y, v, pg, d in entries)
    path.with_suffix(".bib").write_text(bib, encoding="utf-8")


def make_bad_pdfs() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(HERE / "bad-encrypted.pdf"), pagesize=A4, invariant=1, encrypt="secret")
    c.drawString(72, 720, "A protected article.")
    c.showPage()
    c.save()
    c = canvas.Canvas(str(HERE / "bad-scanned.pdf"), pagesize=A4, invariant=1)
    for k in range(40):  # a page of drawn strokes, as a scan is: no text layer
        c.rect(72, 760 - 16 * k, 300 + (k * 37) % 150, 9, fill=1)
    c.showPage()
    c.save()
    good = (HERE / "article-1col.pdf").read_bytes()
    (HERE / "bad-damaged.pdf").write_bytes(good[:9] + b"\x00garbled\xff" * 40)


def main() -> None:
    make_pdf(HERE / "article-1col.pdf", 1)
    make_pdf(HERE / "article-2col.pdf", 2, pages_of_padding=1)
    make_pdf(HERE / "article-20pages.pdf", 1, pages_of_padding=41)
    make_pdf(HERE / "article-literatur.pdf", 2, heading="Literaturverzeichnis")
    make_pdf(HERE / "article-noheading.pdf", 1, heading=None)
    make_html(HERE / "article.html")
    make_docx(HERE / "article.docx")
    make_jats(HERE / "article.nxml")
    make_tex(HERE / "article.tex")
    make_bad_pdfs()
    (HERE / "expected.json").write_text(json.dumps({"title": TITLE, "references": REFERENCES,
                                                    "sections": [s for s, _ in SECTIONS]},
                                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
