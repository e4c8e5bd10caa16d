"""Read a Word (.docx) article with python-docx: headings, paragraphs, tables, numbered lists.

Headings are paragraphs in a "Heading N" or "Title" style; list items are paragraphs in a
list style or with Word's own numbering (`w:numPr`); tables keep their rows. Under a
References-like heading every paragraph is one reference, whether Word numbers it
automatically (no number in the text) or the number is typed. A claim's or reference's
`line` is its paragraph's ordinal in the document, counted from 1.
"""

from __future__ import annotations

import hashlib
import io

from citelens.errors import ArticleError
from citelens.read.article import Block, RefEntry, build_article, is_reference_heading
from citelens.read.pdf import REFERENCE_HEADING_RE
from citelens.read.references import strip_list_marker
from citelens.records import Article


def read_docx(data: bytes, path: str, *, require_references: bool = True) -> Article:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises PackageNotFoundError, KeyError, BadZipFile on damaged files
        raise ArticleError(f"{path}: damaged Word file: {type(exc).__name__}; it cannot be read") from None
    sha = hashlib.sha256(data).hexdigest()
    blocks: list[Block] = []
    references: list[RefEntry] = []
    in_refs = False
    title = document.core_properties.title or None
    body = document.element.body
    ordinal = 0
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        ordinal += 1
        if child.tag == qn("w:tbl") and child in tables:
            rows = [[" ".join(c.text.split()) for c in row.cells] for row in tables[child].rows]
            if len(rows) >= 2:
                blocks.append(Block("table", ["| " + " | ".join(r) + " |" for r in rows[1:]], ordinal - 2,
                                    extra={"headers": rows[0]}))
            continue
        p = paragraphs.get(child)
        if p is None:
            continue
        text = " ".join(p.text.split())
        if not text:
            blocks.append(Block("blank", [], ordinal))
            continue
        style = (p.style.name if p.style is not None else "") or ""
        if style == "Title" or style.startswith("Heading"):
            level = 1 if style == "Title" else int(style.split()[-1]) if style.split()[-1].isdigit() else 2
            if style == "Title" and not title:
                title = text
            in_refs = bool(REFERENCE_HEADING_RE.match(text) or is_reference_heading(text))
            blocks.append(Block("heading", [text], ordinal, level=level))
            continue
        numbered = p._p.pPr is not None and p._p.pPr.numPr is not None
        if in_refs:
            references.append(RefEntry(strip_list_marker(text).strip(), ordinal))
        elif numbered or style.startswith("List"):
            blocks.append(Block("item", [text], ordinal))
        else:
            blocks.append(Block("paragraph", [text], ordinal))
    if not blocks and not references:
        raise ArticleError(f"{path}: the Word file has no text")
    if not references:
        # no References heading: let the text reader's rules find a trailing list
        return build_article(blocks, path, sha, require_references=require_references, title=title)
    return build_article(blocks, path, sha, require_references=require_references, references=references,
                         title=title)
