"""Batch inputs: articles, plain reference lists, BibTeX and RIS bibliographies, found by path or glob.

Each input becomes an `Article`: prose articles through `read.article`; a reference list (one
reference per line, no prose) as an article without claims; a `.bib` or `.ris` file as an
article whose references are built from the bibliography's fields.
"""

from __future__ import annotations

import glob
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from citelens.errors import ArticleError, InputError
from citelens.read.article import parse_article, parsed_reference, read_article_text
from citelens.read.references import expand_pages
from citelens.records import Article, Author, ParsedReference, Reference

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".xhtml", ".docx", ".nxml", ".xml", ".tex"}
BIBLIOGRAPHY_SUFFIXES = {".bib", ".bibtex", ".ris", ".json"}
SUFFIXES = ARTICLE_SUFFIXES | BIBLIOGRAPHY_SUFFIXES


@dataclass
class Loaded:
    article: Article
    kind: str  # "article", "reference list", "bibtex", "ris"
    warnings: list[str] = field(default_factory=list)


def skipped_files(specs: list[str]) -> list[str]:
    """One line per file that a folder or glob holds but `collect_paths` leaves out, with the reason."""
    lines: list[str] = []
    for spec in specs:
        path = Path(spec)
        if any(ch in spec for ch in "*?[") and not path.exists():
            candidates = [Path(m) for m in sorted(glob.glob(spec, recursive=True))]
        elif path.is_dir():
            candidates = sorted(p for p in path.rglob("*")
                                if not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            continue
        for p in candidates:
            if p.is_file() and p.suffix.lower() not in SUFFIXES:
                lines.append(f"{p}: skipped: {p.suffix or 'no extension'} is not a format citelens reads")
    return lines


def collect_paths(specs: list[str]) -> tuple[list[tuple[Path, bool]], list[str]]:
    """Files named, found under directories, or matched by globs, each with whether it was named
    explicitly; and one error line per bad spec."""
    found: list[tuple[Path, bool]] = []
    errors: list[str] = []
    for spec in specs:
        path = Path(spec)
        if any(ch in spec for ch in "*?[") and not path.exists():
            matches = [Path(m) for m in sorted(glob.glob(spec, recursive=True))]
            files = [m for m in matches if m.is_file() and m.suffix.lower() in SUFFIXES]
            if not files:
                errors.append(f"{spec}: no article or bibliography matches this pattern")
            found.extend((f, False) for f in files)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not files:
                errors.append(f"{spec}: no article (.txt, .md, .pdf, .html, .docx, .xml, .tex) or bibliography "
                              "(.bib, .ris, .json) in this directory")
            found.extend((f, False) for f in files)
        elif path.exists():
            found.append((path, True))
        else:
            errors.append(f"{spec}: no such file or directory")
    unique: list[tuple[Path, bool]] = []
    seen: set[Path] = set()
    for p, explicit in found:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            unique.append((p, explicit))
    return unique, errors


def load_input(path: Path) -> Loaded:
    from citelens.read.formats import read_bytes, read_data, sniff

    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex"):
        return _load_bibtex(path)
    if suffix == ".ris":
        return _load_ris(path)
    if suffix in (".tex", ".bbl"):
        from citelens.read.tex import read_tex

        return Loaded(read_tex(path), "latex")
    data = read_bytes(path)
    kind = sniff(data, suffix)
    if kind == "csljson":
        return _load_csl_json(path, data)
    if kind not in ("text",):
        return Loaded(read_data(data, kind, str(path)), kind)
    text, sha = read_article_text(path)
    try:
        article = parse_article(text, str(path), sha)
    except ArticleError:
        lines = _reference_lines(text)
        if not lines:
            raise
        return Loaded(_article_from_lines(path, sha, lines), "reference list")
    if not article.claims:
        return Loaded(article, "reference list")
    return Loaded(article, "article")


_CITATION_HINT_RE = re.compile(r"\b(?:1[89]|20)\d{2}\b|\bdoi\b|10\.\d{4,9}/|https?://", re.I)


def _reference_lines(text: str) -> list[tuple[str, int]]:
    """A plain reference list: most non-empty lines look like references."""
    lines = [(line.strip(), n) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        return []
    citation_like = sum(1 for line, _ in lines if _CITATION_HINT_RE.search(line) and len(line.split()) >= 4)
    return lines if citation_like >= max(1, int(0.6 * len(lines))) else []


def _article_from_lines(path: Path, sha: str, lines: list[tuple[str, int]]) -> Article:
    article = Article(path=str(path), title=path.stem, sha256=sha)
    for index, (raw, line) in enumerate(lines, 1):
        article.references.append(parsed_reference(index, raw, line))
    return article


# --- BibTeX ------------------------------------------------------------------------------

def _delatex(value: str) -> str:
    if "\\" not in value:
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return LatexNodes2Text().latex_to_text(value)
    except Exception:  # pylatexenc is lenient; an odd group keeps the raw text
        return value


#: How bibliographies write "and the other authors": BibTeX `and others`, RIS/CSL `et al.`.
ET_AL_NAMES = frozenset({"others", "et al.", "et al", "et. al.", "etal", "and others", "..."})


def is_et_al(name: str) -> bool:
    return " ".join(name.strip().strip("{}").lower().split()) in ET_AL_NAMES


def _bib_authors(value: str) -> tuple[list[Author], bool]:
    """The authors of a BibTeX `author` field, and whether it ends in `and others` (et al.)."""
    authors = []
    et_al = False
    for name in re.split(r"\s+and\s+", value.strip()):
        name = _delatex(name).strip().strip("{}")
        if not name:
            continue
        if is_et_al(name):
            et_al = True
            continue
        if "," in name:
            family, _, given = name.partition(",")
        else:
            parts = name.split()
            family, given = parts[-1], " ".join(parts[:-1])
        authors.append(Author(family.strip().strip("{}"), given.strip().strip("{}")))
    return authors, et_al


def _format_raw(p: ParsedReference) -> str:
    """A readable reference string for a bibliography entry (shown in reports, keyed for de-duplication)."""
    names = ", ".join(f"{a.family}, {a.given}".strip(", ") for a in p.authors[:6])
    names += " et al." if p.et_al or len(p.authors) > 6 else ""
    vip = (p.volume or "") + (f"({p.issue})" if p.issue else "") + (f":{p.pages}" if p.pages else "")
    parts = [names, f"({p.year})" if p.year else "", f"{p.title}." if p.title else "",
             f"{p.container_title}," if p.container_title else "", vip, f"doi:{p.doi}" if p.doi else ""]
    return " ".join(x for x in parts if x).strip()


def _parsed_from_fields(fields: dict[str, str], style: str = "unknown", key: str | None = None) -> ParsedReference:
    def clean(value: str | None) -> str | None:
        if value is None:
            return None
        value = _delatex(str(value))  # LaTeX accents and commands: M{\"u}ller -> Müller
        value = re.sub(r"[{}]", "", value).strip()
        return " ".join(value.split()) or None

    pages = clean(fields.get("pages"))
    first = last = None
    if pages:
        m = re.match(r"^\s*([A-Za-z]*\d+[A-Za-z]?)\s*(?:-+|\u2013|\u2014)\s*([A-Za-z]*\d+[A-Za-z]?)", pages)
        first, last = expand_pages(m.group(1), m.group(2)) if m else (pages, None)
    year_text = clean(fields.get("year")) or ""
    year_match = re.search(r"\d{4}", year_text)
    doi = clean(fields.get("doi"))
    if doi:
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I).lower()
    authors, et_al = _bib_authors(fields.get("author", ""))
    return ParsedReference(
        authors=authors, et_al=et_al, title=clean(fields.get("title")),
        container_title=clean(fields.get("journal") or fields.get("booktitle") or fields.get("journaltitle")),
        volume=clean(fields.get("volume")), issue=clean(fields.get("number") or fields.get("issue")),
        first_page=first, last_page=last, year=int(year_match.group(0)) if year_match else None,
        doi=doi, pmid=clean(fields.get("pmid")), pmcid=clean(fields.get("pmcid")), url=clean(fields.get("url")),
        style=style, key=key or None,
    )


def _load_bibtex(path: Path) -> Loaded:
    import bibtexparser

    text, sha = read_article_text(path)
    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # failures are reported below, one line each
    try:
        library = bibtexparser.parse_string(text)
    finally:
        quiet.setLevel(level)
    warnings = []
    for block in library.failed_blocks:
        start = getattr(block, "start_line", None)
        line = start + 1 if isinstance(start, int) else text[: text.find(block.raw[:40])].count("\n") + 1
        warnings.append(f"{path}:{line}: skipped a BibTeX entry that does not parse: {block.raw.strip()[:60]!r}")
    article = Article(path=str(path), title=path.stem, sha256=sha)
    for index, entry in enumerate(library.entries, 1):
        fields = {f.key.lower(): f.value for f in entry.fields}
        parsed = _parsed_from_fields(fields, "bibtex", entry.key)
        raw = _format_raw(parsed) or entry.key
        start = entry.start_line
        article.references.append(Reference(index=index, raw=raw, parsed=parsed,
                                            line=start + 1 if isinstance(start, int) else 0))
    if not article.references:
        raise InputError(f"{path}: no BibTeX entry could be read" + (f" ({len(warnings)} failed)" if warnings else ""))
    return Loaded(article, "bibtex", warnings)


# --- RIS ---------------------------------------------------------------------------------

def _load_ris(path: Path) -> Loaded:
    import rispy

    text, sha = read_article_text(path)
    try:
        entries = rispy.loads(text)
    except Exception as exc:  # rispy raises plain exceptions on malformed files
        raise InputError(f"{path}: not a readable RIS file: {exc}") from None
    article = Article(path=str(path), title=path.stem, sha256=sha)
    starts = [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"^\s*TY\s{2}-", line)]
    for index, e in enumerate(entries, 1):
        authors = e.get("authors") or e.get("first_authors") or []
        et_al = any(is_et_al(a) for a in authors)
        authors = [a for a in authors if not is_et_al(a)]
        fields = {
            "author": " and ".join(authors), "title": e.get("title") or e.get("primary_title"),
            "journal": e.get("journal_name") or e.get("secondary_title") or e.get("alternate_title3"),
            "volume": e.get("volume"), "number": e.get("number"),
            "pages": "-".join(x for x in (e.get("start_page"), e.get("end_page")) if x) or None,
            "year": e.get("year") or (e.get("publication_year") or ""), "doi": e.get("doi"),
            "url": (e.get("urls") or [None])[0],
        }
        parsed = _parsed_from_fields({k: v for k, v in fields.items() if v}, "ris", e.get("id"))
        parsed.et_al = parsed.et_al or et_al
        line = starts[index - 1] if index - 1 < len(starts) else 0
        article.references.append(Reference(index=index, raw=_format_raw(parsed), parsed=parsed, line=line))
    if not article.references:
        raise InputError(f"{path}: no RIS record could be read")
    return Loaded(article, "ris")


# --- CSL-JSON ----------------------------------------------------------------------------

def _load_csl_json(path: Path, data: bytes) -> Loaded:
    import hashlib
    import json

    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSL-JSON file: {exc}") from None
    if isinstance(items, dict):
        items = items.get("items") or [items]
    if not isinstance(items, list):
        raise InputError(f"{path}: not a CSL-JSON list of items")
    article = Article(path=str(path), title=path.stem, sha256=hashlib.sha256(data).hexdigest())
    for item in items:
        if not isinstance(item, dict):
            continue
        authors = " and ".join(f"{a.get('family', '')}, {a.get('given', '')}".strip(", ")
                               for a in item.get("author") or [] if isinstance(a, dict))
        issued = (item.get("issued") or {}).get("date-parts") or [[None]]
        year = issued[0][0] if issued and issued[0] else None
        fields = {"author": authors, "title": item.get("title"), "journal": item.get("container-title"),
                  "volume": item.get("volume"), "number": item.get("issue"), "pages": item.get("page"),
                  "year": str(year or ""), "doi": item.get("DOI"), "pmid": item.get("PMID"),
                  "pmcid": item.get("PMCID"), "url": item.get("URL")}
        parsed = _parsed_from_fields({k: str(v) for k, v in fields.items() if v}, "unknown")
        parsed.key = str(item["id"]) if item.get("id") is not None else None
        article.references.append(Reference(index=len(article.references) + 1, raw=_format_raw(parsed),
                                            parsed=parsed, line=0))
    if not article.references:
        raise InputError(f"{path}: no CSL-JSON item could be read")
    return Loaded(article, "csljson")
