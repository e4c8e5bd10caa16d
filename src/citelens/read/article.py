"""Read an article file and cut it into sections, claims and its reference list.

The layout is recovered line by line: headings (Markdown `#` or short title lines in plain
text), paragraphs, bullet and numbered lists, pipe tables, and the reference list (under a
"References"-like heading, or a trailing run of citation-like lines).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from citelens.defaults import MAX_ARTICLE_BYTES
from citelens.errors import ArticleError
from citelens.read.references import parse_reference, strip_list_marker
from citelens.read.sentences import claim_key, find_cues, is_claim_sentence, split_sentences
from citelens.records import Article, Claim, ParsedReference, Reference

_REFERENCE_HEADING_RE = re.compile(
    r"^(?:\d+\.?\s*)?(?:references?(?:\s+list)?|bibliography|works\s+cited|literature\s+cited|"
    r"cited\s+literature|sources|citations|notes\s+and\s+references|references\s+and\s+notes|"
    r"further\s+reading|reference\s+list)\s*:?$",
    re.I,
)
_SKIPPED_HEADING_RE = re.compile(
    r"^(?:glossary|key\s+terms|keywords|key\s+words|abbreviations|definitions|terms|tags|"
    r"related\s+(?:articles|posts|topics)|share\s+this|table\s+of\s+contents|contents)\s*:?$",
    re.I,
)
_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET_RE = re.compile(r"^\s*(?:[-*+\u2022]\s+|\d{1,5}[.)]\s+|\[\d{1,5}\]\s*)")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_YEAR_RE = re.compile(r"\b(?:1[89]|20)\d{2}[a-z]?\b")
_CITATION_SIGNS_RE = re.compile(
    r"\bdoi\b|10\.\d{4,9}/|\bvol\.|\bpp?\.\s*\d|\d+\s*\(\d+\)|;\s*\d+|\bet al\b|[\u201c\u201d\"]|"
    r"\((?:1[89]|20)\d{2}\)|\bPMID\b|\bIn:|\bJournal\b|\bProc\b|:\s*\d+[-\u2013]\d+",
    re.I,
)
_HEADING_MAX_WORDS = 14


@dataclass
class Block:
    """A unit of an article's layout that every reader produces: a heading, a paragraph, a list item,
    a table (`lines` are its rows as pipe text, `extra["headers"]` its header cells) or a blank."""

    kind: str  # heading, paragraph, item, table, blank
    lines: list[str]
    line_no: int
    level: int = 0
    extra: dict[str, list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(s.strip() for s in self.lines)


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file; a missing, directory, too large or unreadable file raises ArticleError."""
    if not path.exists():
        raise ArticleError(f"{path}: no such file")
    if path.is_dir():
        raise ArticleError(f"{path}: is a directory, not an article file")
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(
                f"{path}: {size / 1e6:.1f} MB is too large for an article (limit {MAX_ARTICLE_BYTES // 10**6} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_article_text(path: str | Path) -> tuple[str, str]:
    """Read an article as UTF-8 text; return (text, sha256). Bad files raise ArticleError."""
    data = read_bytes(Path(path))
    return decode_text(data, str(path)), hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, name: str) -> str:
    """The bytes of a text input as a string; binary, non-UTF-8 or empty input raises ArticleError."""
    if b"\x00" in data[:65536]:
        raise ArticleError(f"{name}: binary file, not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise ArticleError(f"{name}: empty file")
    return text


def _is_table_line(line: str) -> bool:
    return line.count("|") >= 2 or (line.count("|") == 1 and line.strip().endswith("|"))


def _looks_like_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 120 or _BULLET_RE.match(s) or _is_table_line(s):
        return False
    if s[-1] in ".,;:!\u201d\"" or not (s[0].isupper() or s[0].isdigit()):
        return False
    words = s.split()
    return len(words) <= _HEADING_MAX_WORDS and not _YEAR_RE.search(s)


def _split_cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    prev_blank = True
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            blocks.append(Block("blank", [], i + 1))
            prev_blank = True
            i += 1
            continue
        md = _MD_HEADING_RE.match(line)
        if md:
            blocks.append(Block("heading", [md.group(2)], i + 1, level=len(md.group(1))))
        elif _is_table_line(line) and i + 1 < len(lines) and _TABLE_SEP_RE.match(lines[i + 1]):
            headers = _split_cells(line)
            j = i + 2
            rows: list[str] = []
            while j < len(lines) and _is_table_line(lines[j]):
                rows.append(lines[j])
                j += 1
            blocks.append(Block("table", rows, i + 1, extra={"headers": headers}))
            prev_blank = False
            i = j
            continue
        elif i + 1 < len(lines) and re.fullmatch(r"\s*(=+|-+)\s*", lines[i + 1]) and len(stripped) < 120 \
                and not _BULLET_RE.match(line):
            blocks.append(Block("heading", [stripped], i + 1, level=1 if "=" in lines[i + 1] else 2))
            i += 2
            prev_blank = False
            continue
        elif prev_blank and _looks_like_heading(line) and i + 1 < len(lines):
            blocks.append(Block("heading", [stripped], i + 1))
        elif _BULLET_RE.match(line):
            blocks.append(Block("item", [stripped], i + 1))
        elif blocks and blocks[-1].kind in ("paragraph", "item") and not prev_blank:
            blocks[-1].lines.append(stripped)  # a wrapped line continues its paragraph or item
        else:
            blocks.append(Block("paragraph", [stripped], i + 1))
        prev_blank = False
        i += 1
    return blocks


def _is_citation_like(text: str) -> bool:
    return bool(_YEAR_RE.search(text)) and len(text.split()) >= 4 and bool(_CITATION_SIGNS_RE.search(text))


def _reference_entries(blocks: list[Block]) -> list[tuple[str, int]]:
    """Join the blocks of a reference list into entries: (raw string, line number)."""
    entries: list[tuple[str, int]] = []
    marked = any(b.kind == "item" for b in blocks)
    for b in blocks:
        if b.kind == "blank":
            continue
        if b.kind == "item" or not marked:
            if b.kind == "paragraph" and not marked and len(b.lines) > 1 and all(
                _is_citation_like(x) for x in b.lines
            ):
                entries.extend((x.strip(), b.line_no + k) for k, x in enumerate(b.lines))
            else:
                entries.append((b.text, b.line_no))
        elif entries:  # an unmarked line inside a marked list continues the entry before it
            raw, line = entries[-1]
            entries[-1] = (f"{raw} {b.text}", line)
    return [(strip_list_marker(raw).strip(), line) for raw, line in entries if raw.strip()]


def _find_reference_section(blocks: list[Block]) -> tuple[int, int] | None:
    """The [start, end) block range of the reference list, or None."""
    for i, b in enumerate(blocks):
        if b.kind == "heading" and _REFERENCE_HEADING_RE.match(b.text.strip("*_ ")):
            j = i + 1
            while j < len(blocks):
                nb = blocks[j]
                if nb.kind == "heading" and not _is_citation_like(nb.text):
                    break
                j += 1
            if any(blocks[k].kind != "blank" for k in range(i + 1, j)):
                return i + 1, j
    # no heading: a trailing run of citation-like lines
    j = len(blocks)
    while j > 0 and blocks[j - 1].kind == "blank":
        j -= 1
    end = j
    count = 0
    while j > 0 and (blocks[j - 1].kind == "blank" or (
        blocks[j - 1].kind in ("paragraph", "item") and all(_is_citation_like(x) for x in blocks[j - 1].lines)
    )):
        if blocks[j - 1].kind != "blank":
            count += len(blocks[j - 1].lines)
        j -= 1
    if count >= 2:
        return j, end
    return None


def _title_of(blocks: list[Block], path: str) -> str:
    for b in blocks:
        if b.kind == "heading" and b.level == 1:
            return b.text.strip("*_ ")
    for b in blocks:
        if b.kind != "blank":
            if b.kind == "paragraph" and re.match(r"^title\s*:\s*", b.text, re.I):
                return re.sub(r"^title\s*:\s*", "", b.text, flags=re.I)
            break
    stem = Path(path).stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:]


def parse_article(text: str, path: str, sha256: str, *, require_references: bool = True) -> Article:
    """Cut an article's text into claims and references."""
    return build_article(_blocks(text), path, sha256, require_references=require_references)


@dataclass
class RefEntry:
    """A reference entry a reader has already cut out (a PDF's segmented list, an HTML `<li>`, a JATS `<ref>`)."""

    raw: str
    line: int = 0
    key: str | None = None
    parsed: ParsedReference | None = None


_watch = threading.local()


@contextmanager
def reading_references(callback: Callable[[str, ParsedReference], None]) -> Iterator[None]:
    """While reading in this thread, `callback(raw, parsed)` is called for each reference as soon as it is
    parsed (so that its lookup can start before the rest of a long list is read)."""
    before = getattr(_watch, "callback", None)
    _watch.callback = callback
    try:
        yield
    finally:
        _watch.callback = before


def parsed_reference(index: int, raw: str, line: int, parsed: ParsedReference | None = None) -> Reference:
    """The `Reference` of one entry of a list: parsed here unless a reader gave its fields."""
    reference = Reference(index=index, raw=raw, parsed=parsed or parse_reference(raw), line=line)
    callback = getattr(_watch, "callback", None)
    if callback is not None:
        callback(reference.raw, reference.parsed)
    return reference


def is_reference_heading(text: str) -> bool:
    return bool(_REFERENCE_HEADING_RE.match(text.strip("*_ ")))


def build_article(blocks: list[Block], path: str, sha256: str, *, require_references: bool = True,
                  references: list[RefEntry] | None = None, title: str | None = None) -> Article:
    """The shared back end of every reader: blocks (and, when the reader cut them, reference entries) in,
    an `Article` with its sections, claims and references out."""
    ref_range = None if references is not None else _find_reference_section(blocks)
    if references is not None and not references and require_references:
        raise ArticleError(f"{path}: no reference list found (no 'References' heading or trailing citations)")
    if references is None and ref_range is None and require_references:
        raise ArticleError(f"{path}: no reference list found (no 'References' heading or trailing citations)")
    article = Article(path=path, title=title or _title_of(blocks, path), sha256=sha256)
    if references:
        for index, entry in enumerate(references, 1):
            reference = parsed_reference(index, entry.raw, entry.line, entry.parsed)
            if entry.key and not reference.parsed.key:
                reference.parsed.key = entry.key
            article.references.append(reference)
    if ref_range:
        for index, (raw, line) in enumerate(_reference_entries(blocks[ref_range[0]: ref_range[1]]), 1):
            article.references.append(parsed_reference(index, raw, line))
        if require_references and not article.references:
            raise ArticleError(f"{path}: the reference list is empty")

    section = ""
    skipping = False
    seen: dict[str, int] = {}
    position = 0
    for k, b in enumerate(blocks):
        if ref_range and ref_range[0] <= k < ref_range[1]:
            continue
        if b.kind == "heading":
            section = b.text.strip("*_ ")
            skipping = bool(_SKIPPED_HEADING_RE.match(section) or _REFERENCE_HEADING_RE.match(section))
            if section not in article.sections and not skipping:
                article.sections.append(section)
            continue
        if skipping or b.kind == "blank":
            continue
        if b.kind == "table":
            headers = b.extra["headers"]
            for offset, row in enumerate(b.lines):
                cells = _split_cells(row)
                if not any(cells):
                    continue
                row_text = " | ".join(c for c in cells if c)
                position += 1
                article.claims.append(Claim(
                    id=claim_key(section, row_text, seen), position=position, section=section, text=row_text,
                    kind="table_row", table_headers=headers, cells=cells, cues=find_cues(row_text),
                    line=b.line_no + 2 + offset,
                ))
            continue
        body = strip_list_marker(b.text) if b.kind == "item" else b.text
        for sentence in split_sentences(body):
            if not is_claim_sentence(sentence):
                continue
            position += 1
            article.claims.append(Claim(
                id=claim_key(section, sentence, seen), position=position, section=section, text=sentence,
                cues=find_cues(sentence), line=b.line_no,
            ))
    return article


def load_article(path: str | Path, *, require_references: bool = True) -> Article:
    text, sha = read_article_text(path)
    return parse_article(text, str(path), sha, require_references=require_references)
