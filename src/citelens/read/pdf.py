"""Read a born-digital PDF article: text lines with their positions (pdfminer.six), in reading order.

Per page, the lines are put in reading order (one column, or two: the left column, then the
right; lines that span both, such as the title, where they stand); running heads, footers and
page numbers (lines at the top or bottom of the page that repeat across pages, or bare numbers)
are dropped; headings are told by their font size or weight; paragraphs by the gaps between
lines. Line-break hyphens are joined, ligatures and PDF-extracted accents (`Mu¨ller`)
normalised. The reference list (under its heading, in many languages) is cut into entries by
`references.segment`, using each line's left edge; what follows it (figure labels, an appendix,
footnotes) is not a reference. The `line` of a claim or reference is the line's ordinal in the
extracted text, counted from 1 over the whole document.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from citelens.errors import ArticleError
from citelens.read.article import Block, RefEntry, build_article
from citelens.read.references import strip_list_marker
from citelens.read.references.segment import join_lines, segment_lines
from citelens.records import Article

REFERENCE_HEADING_RE = re.compile(
    r"^(?:[\dIVX]+\.?\s*)?(?:references?(?:\s+(?:list|cited))?|bibliography|works\s+cited|literature(?:\s+cited)?|"
    r"cited\s+literature|literatur(?:verzeichnis)?|refer[eê]ncias(?:\s+bibliogr[aá]ficas)?|bibliograf[ií]a|"
    r"referencias(?:\s+bibliogr[aá]ficas)?|r[ée]f[ée]rences(?:\s+bibliographiques)?|bibliographie|riferimenti|"
    r"bibliografia|notes\s+and\s+references|references\s+and\s+notes)\s*:?$",
    re.I,
)
# what ends a reference list at the end of a paper
_AFTER_REFERENCES_RE = re.compile(
    r"^(?:(?:supplementary|supporting)\s+(?:information|material)|appendix|appendices|figure\s+legends?|"
    r"(?:fig(?:ure)?\.?|table)\s+[A-Z]?\d+[.:]|acknowledge?ments?|author\s+contributions|footnotes?|"
    r"conflicts?\s+of\s+interest|funding)(?:\b|(?<=[.:]))",
    re.I,
)
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\u00ad": ""})
_SPACING_ACCENTS = {"\u00a8": "\u0308", "\u00b4": "\u0301", "`": "\u0300", "\u02c6": "\u0302", "^": "\u0302",
                    "\u02dc": "\u0303", "\u00b8": "\u0327", "\u02c7": "\u030c", "\u02da": "\u030a", "\u02dd": "\u030b"}
_ACCENT_AFTER_RE = re.compile(r"([A-Za-z\u0131])\s?([\u00a8\u00b4`\u02c6\u02dc\u00b8\u02c7\u02da\u02dd])(?=[a-z])")
_ACCENT_BEFORE_RE = re.compile(r"(?<=[A-Za-z])([\u00a8\u00b4`\u02c6\u02dc\u02c7\u02da])([aeiouyAEIOUY])")
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
_CAPTION_RE = re.compile(r"^(?:fig(?:ure)?\.?|table|tab\.|scheme|chart)\s*[A-Z]?\d+[.:|]", re.I)
_NUMERIC_RE = re.compile(r"^[\d\s.,%±+\-\u2212\u2013()<>=*/|]+$")


def normalise(text: str) -> str:
    """Ligatures to letters, a spacing accent beside its letter to the accented letter (NFC)."""
    text = text.translate(_LIGATURES)
    text = _ACCENT_AFTER_RE.sub(lambda m: m.group(1).replace("\u0131", "i") + _SPACING_ACCENTS[m.group(2)], text)
    text = _ACCENT_BEFORE_RE.sub(lambda m: m.group(2) + _SPACING_ACCENTS[m.group(1)], text)
    return unicodedata.normalize("NFC", text)


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    size: float
    bold: bool
    page: int
    ordinal: int = 0


def _pdf_error(path: str, exc: Exception) -> ArticleError:
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return ArticleError(f"{path}: encrypted PDF: it needs a password; save an unprotected copy")
    return ArticleError(f"{path}: damaged PDF: {exc or name}; it cannot be read")


def extract_lines(source: str | Path | bytes, name: str = "") -> list[list[Line]]:
    """Every page's text lines with their positions."""
    import io

    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    pages: list[list[Line]] = []
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else str(source)
        for page_no, page in enumerate(extract_pages(stream, laparams=LAParams(line_margin=0.3, boxes_flow=None)), 1):
            height = page.height
            lines: list[Line] = []
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for tl in element:
                    if not isinstance(tl, LTTextLine):
                        continue
                    text = tl.get_text().rstrip("\n")
                    if not text.strip():
                        continue
                    chars = [c for c in tl if isinstance(c, LTChar)]
                    size = median(c.size for c in chars) if chars else 0.0
                    bold = bool(chars) and sum("Bold" in c.fontname or "Black" in c.fontname
                                               for c in chars) > 0.6 * len(chars)
                    lines.append(Line(normalise(text.strip()), tl.x0, tl.x1, height - tl.y1, height - tl.y0,
                                      round(size, 1), bold, page_no))
            pages.append(lines)
    except ArticleError:
        raise
    except Exception as exc:  # pdfminer raises its own PSException / PDFException family, and a few plain ones
        raise _pdf_error(name or str(source), exc) from None
    return pages


def _strip_furniture(pages: list[list[Line]], heights: float) -> list[list[Line]]:
    """Drop running heads, footers and page numbers: lines near the top or bottom edge that repeat
    (digits aside) on several pages, or are a bare number."""
    def shape(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower()).strip()

    edge = 0.09 * heights
    counts: dict[str, int] = {}
    for lines in pages:
        seen = {shape(x) for x in lines if x.top < edge or x.bottom > heights - edge}
        for s in seen:
            counts[s] = counts.get(s, 0) + 1
    repeat = max(2, len(pages) // 3) if len(pages) > 2 else 2
    sizes = [x.size for lines in pages for x in lines]
    body = median(sizes) if sizes else 0.0
    out = []
    for lines in pages:
        kept = []
        for x in lines:
            near_edge = x.top < edge or x.bottom > heights - edge
            # small print standing apart from the text block at the page's edge: a head or a foot
            # (other lines on its own baseline, such as the head's other half, do not count as neighbours)
            isolated = x.size < body * 0.95 and all(abs(y.top - x.top) > 2 * body or abs(y.top - x.top) <= 2
                                                    for y in lines if y is not x)
            if near_edge and (_PAGE_NUMBER_RE.match(x.text) or counts.get(shape(x), 0) >= repeat or isolated):
                continue
            kept.append(x)
        out.append(kept)
    return out


def _reading_order(lines: list[Line], width: float) -> list[Line]:
    """One column: top to bottom. Two: lines spanning the middle (the title block) first, then the left
    column, then the right."""
    mid = width / 2
    left = [x for x in lines if x.x1 <= mid + 6]
    right = [x for x in lines if x.x0 >= mid - 6]
    if len(left) >= 5 and len(right) >= 5:
        sided = {id(x) for x in left} | {id(x) for x in right}
        spanning = [x for x in lines if id(x) not in sided]
        top_of_columns = min(x.top for x in left + right)
        head = sorted([x for x in spanning if x.top <= top_of_columns], key=lambda x: (x.top, x.x0))
        rest = [x for x in spanning if x.top > top_of_columns]
        return head + sorted(left + rest, key=lambda x: (x.top, x.x0)) + sorted(right, key=lambda x: (x.top, x.x0))
    return sorted(lines, key=lambda x: (round(x.top), x.x0))


def _is_heading(line: Line, body: float) -> bool:
    t = line.text.strip()
    if not t or len(t) > 100 or t[-1] in ".,;:" or _CAPTION_RE.match(t) or not (t[0].isupper() or t[0].isdigit()):
        return False
    if len(t.split()) > 12 or _NUMERIC_RE.match(t):
        return False
    return line.size >= body * 1.12 or (line.bold and line.size >= body * 0.95) or bool(REFERENCE_HEADING_RE.match(t))


def read_pdf(path: str | Path, *, require_references: bool = True) -> Article:
    return read_pdf_bytes(Path(path).read_bytes(), str(path), require_references=require_references)


def read_pdf_bytes(data: bytes, path: str, *, require_references: bool = True) -> Article:
    sha = hashlib.sha256(data).hexdigest()
    pages = extract_lines(data, path)
    if not pages:
        raise ArticleError(f"{path}: damaged PDF: no pages could be read")
    if not any(pages):
        raise ArticleError(f"{path}: scanned PDF: no text layer; run OCR first")

    height = max((x.bottom for lines in pages for x in lines), default=792.0) + 40
    width = max((x.x1 for lines in pages for x in lines), default=612.0) + 40
    pages = _strip_furniture(pages, height)
    ordered: list[Line] = []
    for lines in pages:
        ordered.extend(_reading_order(lines, width))
    for n, x in enumerate(ordered, 1):
        x.ordinal = n
    if not ordered:
        raise ArticleError(f"{path}: scanned PDF: no text layer; run OCR first")
    body = median(x.size for x in ordered)
    return build_from_lines(ordered, str(path), sha, body, require_references=require_references)


def build_from_lines(lines: list[Line], path: str, sha: str, body: float, *,
                     require_references: bool = True) -> Article:
    blocks: list[Block] = []
    references: list[RefEntry] = []
    title = None
    first_page = [x for x in lines if x.page == lines[0].page]
    if first_page:
        biggest = max(x.size for x in first_page[:12])
        if biggest >= body * 1.3:
            title = " ".join(x.text for x in first_page[:12] if x.size == biggest)
    i = 0
    spacing = _line_spacing(lines)
    current: list[Line] = []

    def flush() -> None:
        if current:
            text = join_lines([x.text for x in current])
            blocks.append(Block("paragraph", [text], current[0].ordinal))
            current.clear()

    unheaded = None if any(REFERENCE_HEADING_RE.match(x.text.strip()) for x in lines) else _numbered_list_start(lines)
    while i < len(lines):
        x = lines[i]
        t = x.text.strip()
        if REFERENCE_HEADING_RE.match(t) or i == unheaded:
            flush()
            blocks.append(Block("heading", ["References"], x.ordinal))  # in whatever language it was printed
            j = i if i == unheaded else i + 1  # an unheaded list starts at this very line
            ref_lines: list[Line] = []
            while j < len(lines):
                y = lines[j]
                if _AFTER_REFERENCES_RE.match(y.text.strip()) or (
                        _is_heading(y, body) and y.size >= body * 1.12 and not y.text.strip()[0].isdigit()):
                    break
                ref_lines.append(y)
                j += 1
            for e in segment_lines([y.text for y in ref_lines], indents=[y.x0 for y in _column_relative(ref_lines)]):
                raw = strip_list_marker(e.text).strip() if e.label else e.text
                references.append(RefEntry(raw, ref_lines[e.first].ordinal))
            i = j
            continue
        if title and t in title and x.ordinal <= 12 and x.size >= body * 1.3:
            flush()
            blocks.append(Block("heading", [t], x.ordinal, level=1))
        elif _is_heading(x, body) and x.ordinal > 1:
            flush()
            blocks.append(Block("heading", [t], x.ordinal))
        elif _CAPTION_RE.match(t) or _NUMERIC_RE.match(t) or x.size < body * 0.85:
            flush()  # captions, rows of numbers and small print (footnotes, affiliations) are not claims
            blocks.append(Block("blank", [], x.ordinal))
        else:
            if current:
                prev = current[-1]
                gap = x.top - prev.bottom
                new_column = x.page != prev.page or x.top < prev.top
                if (gap > spacing * 0.9 and not new_column) or x.x0 > prev.x0 + 8 and not new_column:
                    flush()
            current.append(x)
        i += 1
    flush()
    if not references and require_references:
        raise ArticleError(f"{path}: no reference list found in the PDF (no 'References' heading)")
    return build_article(blocks, path, sha, require_references=require_references, references=references,
                         title=title)


def _numbered_list_start(lines: list[Line]) -> int | None:
    """Where a reference list without a heading starts: the last line labelled 1 (`[1]`, `1.`) from which
    at least three numbered entries follow in sequence, most of them with a year."""
    from citelens.read.references.segment import label_number

    for i in range(len(lines) - 1, -1, -1):
        if label_number(lines[i].text) != 1:
            continue
        tail = [x.text for x in lines[i:]]
        entries = segment_lines(tail, numbered=True)
        dated = sum(1 for e in entries if re.search(r"\b(?:1[89]|20)\d{2}\b", e.text))
        if len(entries) >= 3 and entries[0].label and dated >= 0.6 * len(entries):
            return i
    return None


def _line_spacing(lines: list[Line]) -> float:
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)
            if a.page == b.page and 0 <= b.top - a.bottom < 30]
    return median(gaps) + 2.0 if gaps else 4.0


def _column_relative(lines: list[Line]) -> list[Line]:
    """Left edges measured from each column's own edge, so a two-column list reads as one."""
    if not lines:
        return lines
    out = []
    lefts: dict[tuple[int, bool], float] = {}
    mid = (max(x.x1 for x in lines) + min(x.x0 for x in lines)) / 2
    for x in lines:
        k = (x.page, x.x0 >= mid - 6 and min(y.x0 for y in lines) < mid / 2)
        lefts[k] = min(lefts.get(k, x.x0), x.x0)
    for x in lines:
        k = (x.page, x.x0 >= mid - 6 and min(y.x0 for y in lines) < mid / 2)
        out.append(Line(x.text, x.x0 - lefts[k], x.x1, x.top, x.bottom, x.size, x.bold, x.page, x.ordinal))
    return out
