"""Cut the lines of a reference list into one entry per reference.

A reference list as it comes out of a PDF (or any text with hard line breaks) has one
reference over one or more lines. The segmenter decides, line by line, whether a line starts
a new reference:

* numbered lists (`[12]`, `12.`, `12)`, `12 Surname`): a line starts an entry when it carries
  the next number of the sequence; a grouped entry (`[3] A...; B...`) stays one entry;
* author-year lists: a line starts an entry when it opens with a surname and initials
  (`Smith, J. A.`, `Smith JA,`, `van der Berg, K.`) and the entry before it looks finished
  (it has a year, and its last line does not end inside a name list or a word);
* a layout hint, when the reader has one (a PDF line's left edge): the first line of an entry
  hangs out to the left, or, in the other common layout, is indented.

Lines that are page furniture (a bare page number, a repeated running head) can be passed as
`skip` and are left out of every entry. The rules were tuned on the train split of the GROBID
reference-segmenter corpus (`bench/bench_inputs.py` reports the dev split).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LABEL_RE = re.compile(
    r"^\s*(?:\[(\d{1,5})\]|\((\d{1,5})\)|(\d{1,5})[.)](?=\s|[A-Z]|$)|(\d{1,5})\s+(?=[A-Z\u00c0-\u024f]))")
_PARTICLES = r"(?:(?:van|von|de|der|den|du|da|di|la|le|del|della|dos|das|ten|ter|op|mac|st\.?)\s+)*"
_NAME = r"[A-Z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\u2019\-]+"
# "Smith, J. A.", "Smith, John", "Smith-Jones, K.", "van der Berg, K.", "Smith J. A." "Smith JA,"
_AUTHOR_START_RE = re.compile(
    rf"^\s*{_PARTICLES}{_NAME}(?:\s+{_NAME})?(?:,\s*(?:[A-Z\u00c0-\u024f]\.|[A-Z\u00c0-\u024f][a-z\u00e0-\u024f]+|"
    rf"[A-Z]{{1,3}}\b)|\s+[A-Z]{{1,3}}(?:[,.]|\s+\(|\s*$)|\s+(?:[A-Z]\.\s*){{1,3}}[,(]|\s+\(\d{{4}}|\s+et\s+al)"
)
# initials first: "W. A. Benalcazar, ...", "J.-P. JAY-GERIN and ..."
_INITIALS_START_RE = re.compile(
    r"^\s*(?:[A-Z][a-z]?\.\s*-?\s*){1,3}\s*(?:(?:van|von|de|der|da|di|le|la)\s+)?[A-Z][A-Za-z'\u2019\-]+")
# the same authors again: "---, 1979." "——. 2001." "-, S. K. Jain & ..."
_DITTO_START_RE = re.compile(r"^\s*(?:-{1,8}|[\u2014\u2013_]{1,8})\s*[,.&]|^\s*(?:-{2,8}|[\u2014_]{2,8})\s*$")
# an organisation or a title-first entry: "World Health Organization. 2019." "WHO (2019)"
_ORG_START_RE = re.compile(
    r"^\s*[A-Z][A-Za-z&\-]+(?:\s+[A-Z][A-Za-z&\-]+){0,6}[.,]?\s*\(?(?:1[89]|20)\d{2}[a-z]?\)?[.,]")
_YEAR_RE = re.compile(r"(?<!\d)(?:1[5-9]|20)\d{2}[a-z]?(?!\d)")
_OPEN_END_RE = re.compile(r"(?:[-,;:&/(\u2010\u2013]|\band|\bin|\bet|\bof|\bthe|\bIn|\bEds?\.?|\bpp\.)\s*$")
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


@dataclass
class Entry:
    """One reference: its text (lines joined) and the indexes of its first and last line."""

    text: str
    first: int
    last: int
    label: str | None = None


def label_number(line: str) -> int | None:
    m = _LABEL_RE.match(line)
    if not m:
        return None
    return int(next(g for g in m.groups() if g is not None))


def _numbered_starts(lines: list[str], skip: set[int]) -> list[int] | None:
    """The lines that carry the sequence 1, 2, 3... (or n, n+1...), or None when the list is not numbered."""
    styled = []
    for i, line in enumerate(lines):
        m = _LABEL_RE.match(line) if i not in skip else None
        if m:
            style = next(k for k, g in enumerate(m.groups()) if g is not None)
            styled.append((i, int(m.group(style + 1)), style))
    if len(styled) < 2:
        return None
    # one list, one label style: "[3]" lists do not start entries at "3." (and "12." lists not at "12 ")
    counts = [sum(1 for *_, st in styled if st == k) for k in range(4)]
    dominant = max(range(4), key=lambda k: (counts[k], -k))
    labelled = [(i, n) for i, n, st in styled if st == dominant]
    starts: list[int] = []
    expected: int | None = None
    for i, n in labelled:
        if expected is None:
            if n <= 5 or len(starts) == 0:
                starts.append(i)
                expected = n + 1
            continue
        # the next number; a skipped number (an entry lost to a page break) is allowed once
        if n in (expected, expected + 1):
            starts.append(i)
            expected = n + 1
    bare_digits = sum(1 for i in starts if re.match(r"^\s*\d{1,5}\s+[A-Z]", lines[i]))
    content = sum(1 for i, line in enumerate(lines) if i not in skip and line.strip())
    if len(starts) < 2 or len(starts) < 0.15 * content:
        return None
    if bare_digits == len(starts) and len(starts) < 0.2 * content and len(starts) < 5:
        return None  # "12 Smith" is too weak a label on its own unless it is the list's own pattern
    return starts


_KEY_LABEL_RE = re.compile(r"^\s*\[[A-Z][A-Za-z+\-]{0,10}\d{0,4}[a-z]?\]\s")  # [AH], [BDGHK], [Smi99]


def _key_label_starts(lines: list[str], skip: set[int]) -> list[int] | None:
    """Alphanumeric labels (mathematics, computer science): every labelled line starts an entry."""
    starts = [i for i, line in enumerate(lines) if i not in skip and _KEY_LABEL_RE.match(line)]
    content = sum(1 for i, line in enumerate(lines) if i not in skip and line.strip())
    return starts if len(starts) >= 2 and len(starts) >= 0.2 * content else None


def _finished(entry_lines: list[str]) -> bool:
    text = " ".join(entry_lines)
    if not _YEAR_RE.search(text) and len(text) < 60:
        return False
    return not _OPEN_END_RE.search(entry_lines[-1])


def _author_starts(lines: list[str], skip: set[int], indents: list[float] | None) -> list[int]:
    starts: list[int] = []
    current: list[str] = []
    hanging = _hanging_layout(lines, skip, indents)
    for i, line in enumerate(lines):
        if i in skip or not line.strip():
            continue
        if not current:
            starts.append(i)
            current = [line]
            continue
        if hanging is not None and indents is not None:
            # the layout decides: the first line of an entry sits at the list's left edge
            # ("hanging") or is the indented one ("indented")
            at_edge = indents[i] <= hanging[0] + 1.5
            new = at_edge if hanging[1] == "hanging" else not at_edge
            new = new and not _OPEN_END_RE.search(current[-1]) or (new and bool(_AUTHOR_START_RE.match(line)))
        else:
            new = bool(_AUTHOR_START_RE.match(line) or _ORG_START_RE.match(line) or _INITIALS_START_RE.match(line)
                        or _DITTO_START_RE.match(line)) \
                and _finished(current)
        if new:
            starts.append(i)
            current = [line]
        else:
            current.append(line)
    return starts


def _hanging_layout(lines: list[str], skip: set[int], indents: list[float] | None) -> tuple[float, str] | None:
    """(left edge, 'hanging' or 'indented') when the lines' left edges show two clear levels."""
    if not indents:
        return None
    xs = [indents[i] for i, line in enumerate(lines) if i not in skip and line.strip()]
    if len(xs) < 4:
        return None
    left = min(xs)
    at_left = [x for x in xs if x <= left + 1.5]
    inset = [x for x in xs if left + 4 <= x <= left + 40]
    if len(at_left) + len(inset) < 0.9 * len(xs) or not inset or not at_left:
        return None
    # in a hanging layout the author lines sit at the edge: most of them look like author starts
    edge_authors = sum(1 for i, line in enumerate(lines) if i not in skip and line.strip()
                       and indents[i] <= left + 1.5 and _AUTHOR_START_RE.match(line))
    inset_authors = sum(1 for i, line in enumerate(lines) if i not in skip and line.strip()
                        and left + 4 <= indents[i] <= left + 40 and _AUTHOR_START_RE.match(line))
    return (left, "hanging") if edge_authors >= inset_authors else (left, "indented")


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: a line-break hyphen inside a word goes (`dy-`/`namic` -> `dynamic`); a hyphen
    before a capital stays (`Smith-`/`Jones` -> `Smith-Jones`), as does one in a DOI or URL."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if out.endswith("-") and len(out) >= 2 and out[-2].isalpha():
            last_token = out.rsplit(" ", 1)[-1]
            if "/" in last_token or "." in last_token[:-1] and "10." in last_token:
                out += line  # a DOI or URL broken at its own hyphen
            elif line[0].islower() and out[-2].islower():
                out = out[:-1] + line
            else:
                out += line
        elif out.endswith("/") or re.search(r"(?:https?://|10\.\d{4,9}/)\S*$", out) and not out.endswith("."):
            out += line if re.search(r"[/._\-]$", out) else " " + line
        else:
            out += " " + line
    return out


def segment_lines(lines: list[str], *, indents: list[float] | None = None, skip: set[int] | None = None,
                  numbered: bool | None = None) -> list[Entry]:
    """Cut a reference list's lines into entries. `indents` are the lines' left edges when known;
    `skip` the indexes of lines that belong to no entry (page numbers, running heads)."""
    skip = set(skip or ())
    skip |= {i for i, line in enumerate(lines) if _PAGE_NUMBER_RE.match(line)}
    starts = _numbered_starts(lines, skip) if numbered is not False else None
    if starts is None:
        starts = _key_label_starts(lines, skip)
    if starts is None:
        starts = _author_starts(lines, skip, indents)
    entries: list[Entry] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        members = [i for i in range(start, end) if i not in skip and lines[i].strip()]
        if not members:
            continue
        label = None
        m = _LABEL_RE.match(lines[start])
        if m:
            label = next(g for g in m.groups() if g is not None)
        entries.append(Entry(join_lines([lines[i] for i in members]), members[0], members[-1], label))
    return entries
