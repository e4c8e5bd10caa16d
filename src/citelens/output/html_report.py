"""A self-contained HTML report: one file that opens in any browser with no network and no JavaScript.

Takes the JSON reports (one per article) and writes: the verdict summary as an inline SVG bar
chart, each reference with its verdict, the cited fields beside the record's (differing rows
marked) and links to DOI and PubMed, and each claim beside its evidence sentences with the
matched terms highlighted. Styles are inline; nothing is fetched (links are only links).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from citelens.output.readable import EMPTY, cited_as, doi_url, field_rows, pubmed_url

REFERENCE_ORDER = ("verified", "discrepant", "ambiguous", "not_found", "retracted", "unresolved", "skipped")
CLAIM_ORDER = ("supported", "partial", "contradicted", "no_evidence", "source_problem", "uncited")

#: One colour per status, readable on white, and the same in the chart and the badges.
COLOURS = {
    "verified": "#2e7d32", "discrepant": "#b26a00", "ambiguous": "#8e24aa", "not_found": "#c62828",
    "retracted": "#6d0000", "unresolved": "#757575", "skipped": "#00838f", "unchecked": "#9e9e9e",
    "supported": "#2e7d32", "partial": "#b26a00", "contradicted": "#ad1457", "no_evidence": "#8e24aa",
    "source_problem": "#c62828", "uncited": "#9e9e9e",
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;
  padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ddd}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;color:#fff;font-size:.85rem;white-space:nowrap}
tr.differs td{background:#fff3e0}tr.differs td.cited{text-decoration:line-through #c62828}
.ref{border:1px solid #ddd;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}
.raw{color:#555;font-size:.9rem}.note{color:#555;font-size:.9rem;margin:.2rem 0}
.claim{display:grid;grid-template-columns:1fr 1fr;gap:1rem;border-top:1px solid #eee;padding:.6rem 0}
.claim .text{font-weight:500}.evidence{font-size:.92rem}.evidence p{margin:.2rem 0 .5rem}
mark{background:#fff176;padding:0 .1rem}.score{color:#777;font-size:.8rem}
.muted{color:#777}.key{font-family:ui-monospace,monospace;font-size:.85rem;color:#444}
.summary{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}figure{margin:0}figcaption{font-size:.9rem;color:#555}
"""


def _badge(status: str | None) -> str:
    name = status or "unchecked"
    return (f'<span class="badge status-{escape(name)}" style="background:{COLOURS.get(name, "#777")}">'
            f"{escape(name.replace('_', ' '))}</span>")


def bar_chart(counts: dict[str, int], order: tuple[str, ...], title: str) -> str:
    """A horizontal bar chart as inline SVG: one bar per status that occurs, with its count."""
    items = [(s, counts[s]) for s in order if counts.get(s)] + \
        [(s, n) for s, n in sorted(counts.items()) if s not in order and n]
    if not items:
        return f'<p class="muted">{escape(title)}: nothing checked yet.</p>'
    label_w, bar_w, row_h = 130, 360, 24
    most = max(n for _, n in items)
    height = row_h * len(items) + 8
    rows = []
    for i, (status, n) in enumerate(items):
        y = 4 + i * row_h
        width = max(2, round(bar_w * n / most))
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13">'
            f"{escape(status.replace('_', ' '))}</text>"
            f'<rect class="bar" data-status="{escape(status)}" x="{label_w}" y="{y + 3}" width="{width}" '
            f'height="{row_h - 8}" fill="{COLOURS.get(status, "#777")}"><title>{escape(status)}: {n}</title></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 16}" font-size="13">{n}</text>')
    total = sum(n for _, n in items)
    return (f'<figure><svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
            f'width="{label_w + bar_w + 60}" height="{height}" viewBox="0 0 {label_w + bar_w + 60} {height}" '
            f'font-family="sans-serif" aria-label="{escape(title)}">{"".join(rows)}</svg>'
            f"<figcaption>{escape(title)} ({total})</figcaption></figure>")


def highlight(text: str, terms: list[str]) -> str:
    """`text` escaped, with each occurrence of a matched term (a whole word or its start) in <mark>."""
    words = sorted({t for t in terms if t and len(t) > 1}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _links(match: dict[str, Any] | None) -> str:
    if not match:
        return ""
    links = []
    if url := doi_url(match.get("doi")):
        links.append(f'<a href="{escape(url)}">doi:{escape(match["doi"])}</a>')
    if url := pubmed_url(match.get("pmid")):
        links.append(f'<a href="{escape(url)}">PubMed {escape(match["pmid"])}</a>')
    return " · ".join(links)


def _reference(ref: dict[str, Any], slug: str) -> str:
    parsed = ref.get("parsed") or {}
    key = parsed.get("key")
    head = (f'<h3 id="{slug}-ref-{ref["index"]}">[{ref["index"]}] {escape(cited_as(ref))} {_badge(ref["status"])}'
            + (f' <span class="key">{escape(key)}</span>' if key else "") + "</h3>")
    parts = [f'<section class="ref" data-status="{escape(ref["status"] or "unchecked")}">', head,
             f'<p class="raw">{escape(ref["raw"])}</p>']
    links = _links(ref.get("match"))
    if links:
        parts.append(f"<p>{links}</p>")
    rows = field_rows(ref)
    if rows:
        parts.append('<table class="fields"><thead><tr><th>field</th><th>cited</th><th>record</th></tr></thead>'
                     "<tbody>")
        for label, cited, record, differs in rows:
            cls = ' class="differs"' if differs else ""
            mark = " ≠" if differs else ""
            parts.append(f"<tr{cls}><th>{escape(label)}{mark}</th><td class=\"cited\">{escape(cited)}</td>"
                         f"<td class=\"record\">{escape(record)}</td></tr>")
        parts.append("</tbody></table>")
    for note in ref.get("notes") or []:
        parts.append(f'<p class="note">{escape(str(note))}</p>')
    parts.append("</section>")
    return "".join(parts)


def _claim(claim: dict[str, Any], refs: dict[int, dict[str, Any]], slug: str) -> str:
    cited = ", ".join(f'<a href="#{slug}-ref-{i}">[{i}] {escape(cited_as(refs[i]))}</a>' if i in refs else f"[{i}]"
                      for i in claim.get("references") or [])
    verdict = claim.get("verdict") or {}
    left = [f'<div class="text">{escape(claim["text"])}</div>',
            f'<div>{_badge(claim.get("status") or "uncited")} <span class="muted">{escape(claim.get("section") or "")}'
            "</span></div>"]
    if cited:
        left.append(f"<div>cites {cited}</div>")
    if verdict.get("verdict"):
        left.append(f'<div class="note">reviewer: {escape(verdict["verdict"])} {escape(verdict.get("note") or "")}'
                    "</div>")
    for note in claim.get("notes") or []:
        left.append(f'<div class="note">{escape(str(note))}</div>')
    evidence = claim.get("evidence") or []
    if evidence:
        right = "".join(f'<p><span class="score">[{e["reference"]}] {e["score"]:.2f}</span> '
                        f'{highlight(e["sentence"], e.get("terms") or [])}</p>' for e in evidence)
    else:
        right = '<p class="muted">no evidence sentence</p>'
    return (f'<div class="claim" data-status="{escape(claim.get("status") or "uncited")}">'
            f'<div>{"".join(left)}</div><div class="evidence">{right}</div></div>')


def _article(report: dict[str, Any], n: int) -> str:
    slug = f"a{n}"
    article = report["article"]
    refs = {r["index"]: r for r in report["references"]}
    ref_counts = Counter(r["status"] or "unchecked" for r in report["references"])
    claim_counts = Counter(c["status"] for c in report["claims"] if c.get("status"))
    parts = [f'<article id="{slug}"><h2>{escape(article.get("title") or Path(article["path"]).name)}</h2>',
             f'<p class="muted">{escape(article["path"])}</p>',
             '<div class="summary">', bar_chart(dict(ref_counts), REFERENCE_ORDER, "References by verdict")]
    if report["claims"]:
        parts.append(bar_chart(dict(claim_counts), CLAIM_ORDER, "Claims by status"))
    parts.append("</div>")
    parts.append('<table class="references"><thead><tr><th>#</th><th>cited as</th><th>verdict</th>'
                 "<th>wrong fields</th><th>links</th></tr></thead><tbody>")
    for ref in report["references"]:
        wrong = ", ".join(sorted({d["field"].replace("_", " ") for d in ref.get("discrepancies") or []})) or EMPTY
        parts.append(f'<tr><td><a href="#{slug}-ref-{ref["index"]}">{ref["index"]}</a></td>'
                     f"<td>{escape(cited_as(ref))}</td><td>{_badge(ref['status'])}</td><td>{escape(wrong)}</td>"
                     f"<td>{_links(ref.get('match')) or EMPTY}</td></tr>")
    parts.append("</tbody></table><h3>References in detail</h3>")
    parts.extend(_reference(ref, slug) for ref in report["references"])
    cited_claims = [c for c in report["claims"] if c.get("references")]
    if report["claims"]:
        parts.append(f"<h3>Claims with a source ({len(cited_claims)} of {len(report['claims'])})</h3>")
        parts.extend(_claim(c, refs, slug) for c in cited_claims)
        uncited = len(report["claims"]) - len(cited_claims)
        if uncited:
            parts.append(f'<p class="muted">{uncited} claims cite no reference of the list.</p>')
    parts.append("</article>")
    return "".join(parts)


def render_html(reports: list[dict[str, Any]], title: str = "citelens report") -> str:
    """The reports (one per article) as one self-contained HTML document."""
    total = Counter(r["status"] or "unchecked" for report in reports for r in report["references"])
    body = [f"<h1>{escape(title)}</h1>"]
    if len(reports) > 1:
        body.append(f"<p>{len(reports)} articles.</p>")
        body.append(bar_chart(dict(total), REFERENCE_ORDER, "All references by verdict"))
        body.append("<ul>" + "".join(f'<li><a href="#a{n}">{escape(r["article"].get("title") or r["article"]["path"])}'
                                     "</a></li>" for n, r in enumerate(reports, 1)) + "</ul>")
    body.extend(_article(report, n) for n, report in enumerate(reports, 1))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
