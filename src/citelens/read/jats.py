"""Read a JATS XML article (PubMed Central, PLOS, SciELO): body sections, claims, tagged references.

`<body>` `<sec>` titles become sections and `<p>` claims (tables from `<table-wrap>` become
table rows); each `<ref>` of the `<ref-list>` is one reference, its `id` the key, its printed
text the `raw` string, and its fields taken from the tags of `<element-citation>` or
`<mixed-citation>` (`<person-group>`/`<name>`, `<article-title>`, `<source>`, `<volume>`,
`<issue>`, `<fpage>`/`<lpage>`, `<year>`, `<pub-id pub-id-type="doi|pmid|pmcid">`). A body
`<xref ref-type="bibr" rid="...">` is written as a numbered marker `[n]` for the reference
it points to, so the claims link through the citations as they do in a numbered text article.
"""

from __future__ import annotations

import hashlib
import re

from citelens.errors import ArticleError
from citelens.read.article import Block, RefEntry, build_article
from citelens.records import Article, Author, ParsedReference


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _find(el, name: str):
    for child in el.iter():
        if _local(child.tag) == name:
            return child
    return None


def _findall(el, name: str) -> list:
    return [c for c in el.iter() if _local(c.tag) == name]


def _parsed(citation) -> ParsedReference:
    p = ParsedReference(style="unknown")
    for name in _findall(citation, "name"):
        surname = _find(name, "surname")
        given = _find(name, "given-names")
        if surname is not None:
            p.authors.append(Author(_text(surname), _text(given) if given is not None else ""))
    p.et_al = _find(citation, "etal") is not None
    for tag, attr in (("article-title", "title"), ("source", "container_title"), ("volume", "volume"),
                      ("issue", "issue"), ("fpage", "first_page"), ("lpage", "last_page")):
        el = _find(citation, tag)
        if el is not None and _text(el):
            setattr(p, attr, _text(el))
    if p.title is None:
        chapter = _find(citation, "chapter-title")
        if chapter is not None:
            p.title = _text(chapter)
    year = _find(citation, "year")
    if year is not None:
        m = re.search(r"\d{4}", _text(year))
        p.year = int(m.group(0)) if m else None
    for pid in _findall(citation, "pub-id"):
        kind = (pid.get("pub-id-type") or "").lower()
        value = _text(pid)
        if kind == "doi":
            p.doi = value.lower()
        elif kind == "pmid":
            p.pmid = value
        elif kind in ("pmcid", "pmc"):
            p.pmcid = value if value.upper().startswith("PMC") else f"PMC{value}"
    return p


def read_jats(data: bytes, path: str, *, require_references: bool = True) -> Article:
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ArticleError(f"{path}: damaged XML: {exc}") from None
    article_el = root if _local(root.tag) == "article" else _find(root, "article")
    if article_el is None:
        raise ArticleError(f"{path}: not a JATS article (no <article> element)")
    sha = hashlib.sha256(data).hexdigest()
    references: list[RefEntry] = []
    number_of: dict[str, int] = {}
    for ref in _findall(article_el, "ref"):
        citation = next((c for c in (_find(ref, n) for n in ("mixed-citation", "element-citation", "citation"))
                         if c is not None), None)
        if citation is None:
            continue
        parsed = _parsed(citation)
        raw = _text(citation)
        if _local(citation.tag) == "element-citation":
            from citelens.read.inputs import _format_raw

            raw = _format_raw(parsed) or raw
        key = ref.get("id")
        if key:
            number_of[key] = len(references) + 1
        parsed.key = key
        references.append(RefEntry(raw, ref.sourceline or 0, key=key, parsed=parsed))
    title_el = _find(article_el, "article-title")
    title = _text(title_el) if title_el is not None else None
    body = _find(article_el, "body")
    blocks: list[Block] = []
    if body is not None:
        for xref in _findall(body, "xref"):
            if xref.get("ref-type") == "bibr":
                numbers = [number_of[r] for r in (xref.get("rid") or "").split() if r in number_of]
                if numbers:
                    tail = xref.tail
                    for child in list(xref):
                        xref.remove(child)
                    before = (xref.getprevious().tail if xref.getprevious() is not None
                              else xref.getparent().text) or ""
                    inside = before.rstrip().endswith(("[", ",", "\u2013", "-", "(")) if before.strip() else False
                    spec = ",".join(map(str, numbers))
                    xref.text = spec if inside else f"[{spec}]"
                    xref.tail = tail
        _walk_body(body, blocks)
    abstract = _find(article_el, "abstract")
    if abstract is not None:
        blocks[:0] = [Block("heading", ["Abstract"], abstract.sourceline or 0, level=2)] + [
            Block("paragraph", [_text(p)], p.sourceline or 0) for p in _findall(abstract, "p") if _text(p)]
    if not references and require_references:
        raise ArticleError(f"{path}: the JATS article has no <ref-list>")
    return build_article(blocks, path, sha, require_references=require_references, references=references,
                         title=title)


def _walk_body(el, blocks: list[Block], level: int = 1) -> None:
    for child in el:
        name = _local(child.tag)
        if name == "sec":
            title = next((c for c in child if _local(c.tag) == "title"), None)
            if title is not None and _text(title):
                blocks.append(Block("heading", [_text(title)], child.sourceline or 0, level=level + 1))
            _walk_body(child, blocks, level + 1)
        elif name == "p":
            if _text(child):
                blocks.append(Block("paragraph", [_text(child)], child.sourceline or 0))
        elif name == "list":
            for item in _findall(child, "list-item"):
                if _text(item):
                    blocks.append(Block("item", [_text(item)], item.sourceline or 0))
        elif name == "table-wrap":
            rows = [[_text(c) for c in r if _local(c.tag) in ("td", "th")] for r in _findall(child, "tr")]
            if len(rows) >= 2:
                blocks.append(Block("table", ["| " + " | ".join(r) + " |" for r in rows[1:]],
                                    (child.sourceline or 2) - 2, extra={"headers": rows[0]}))
        elif name in ("fig", "title", "label", "caption", "ref-list", "back"):
            continue
        else:
            _walk_body(child, blocks, level)
