"""Which reader reads an input: decided in this one place, by the content first, then the extension.

`sniff` looks at the first bytes (`%PDF-`, a ZIP holding `word/document.xml`, a JATS
`<article>` or an HTML document) and falls back on the file's extension; `load_document` reads
a file of any supported kind, or a URL (`read.url`), into an `Article`. `check`, `ingest`,
`tui` and `batch` all come through here.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from citelens.errors import ArticleError
from citelens.read.article import decode_text, read_bytes
from citelens.records import Article

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
JATS_SUFFIXES = {".nxml", ".xml"}
CSL_SUFFIXES = {".json", ".csl.json"}
DOCUMENT_SUFFIXES = PDF_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | JATS_SUFFIXES | CSL_SUFFIXES
_URL_RE = re.compile(r"^(?:https?://|doi:|www\.)", re.I)


def is_url(spec: str) -> bool:
    return bool(_URL_RE.match(spec.strip()))


def sniff(data: bytes, suffix: str) -> str:
    """The kind of an input: pdf, docx, jats, html, csljson, bibtex, ris or text."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-") or data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            import io

            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "docx" if suffix in DOCX_SUFFIXES else "binary"
        return "docx" if "word/document.xml" in names else "binary"
    lower = head[:2048].lower()
    if re.search(rb"<!doctype\s+article|<article[\s>][^>]*(?:dtd-version|jats|xmlns:xlink)|<pmc-articleset", lower) \
            or (suffix in JATS_SUFFIXES and b"<article" in lower):
        return "jats"
    if re.search(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", lower) or suffix in HTML_SUFFIXES:
        return "html"
    if suffix in (".bib", ".bibtex"):
        return "bibtex"
    if suffix == ".ris":
        return "ris"
    if suffix in CSL_SUFFIXES or (head[:1] in (b"[", b"{") and b'"type"' in head and b'"title"' in data[:65536]):
        return "csljson"
    return "text"


def read_data(data: bytes, kind: str, name: str, *, require_references: bool = True) -> Article:
    """Read bytes of a known kind (from a file or a download)."""
    if kind == "pdf":
        from citelens.read.pdf import read_pdf_bytes

        return read_pdf_bytes(data, name, require_references=require_references)
    if kind == "docx":
        from citelens.read.docx import read_docx

        return read_docx(data, name, require_references=require_references)
    if kind == "html":
        from citelens.read.html import read_html

        return read_html(data, name, require_references=require_references)
    if kind == "jats":
        from citelens.read.jats import read_jats

        return read_jats(data, name, require_references=require_references)
    if kind == "binary":
        raise ArticleError(f"{name}: binary file, not an article (PDF, Word, HTML, JATS, text or a bibliography)")
    from citelens.read.article import parse_article

    text = decode_text(data, name)
    return parse_article(text, name, hashlib.sha256(data).hexdigest(), require_references=require_references)


def load_document(spec: str | Path, *, require_references: bool = True) -> Article:
    """Read an article, reference list or bibliography of any supported kind, from a file or a URL."""
    if isinstance(spec, str) and is_url(spec):
        from citelens.read.url import load_url

        return load_url(spec, require_references=require_references)
    path = Path(spec)
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex", ".ris", ".tex", ".bbl") or suffix in CSL_SUFFIXES:
        from citelens.read.inputs import load_input

        return load_input(path).article
    data = read_bytes(path)
    kind = sniff(data, suffix)
    if kind in ("bibtex", "ris", "csljson"):
        from citelens.read.inputs import load_input

        return load_input(path).article
    if kind == "text":
        from citelens.read.inputs import load_input

        if not require_references:
            return read_data(data, kind, str(path), require_references=False)
        return load_input(path).article  # an article, or a plain list of references
    return read_data(data, kind, str(path), require_references=require_references)
