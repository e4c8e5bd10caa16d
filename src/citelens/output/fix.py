"""A corrected bibliography: the user's .bib or .ris with the resolved records' fields put in.

Takes the bibliography's text and its checked references (same order as the file's entries)
and gives the corrected text. Only entries whose verdict is `verified` or `discrepant` change:
a field the check found wrong takes the record's value, a field the entry lacks (DOI, PMID,
journal, volume, issue, pages, year) is added from the record, and every other field (the
user's `file`, `keywords`, `annote`, ...) stays as it was. Each changed entry gets a comment
saying what changed and why (`% citelens: year 2017 → 2018, from Crossref 10.…` above a
BibTeX entry, an `N1` note in RIS). The key is never changed. A changed value is replaced in
place and a new field added at the end of its entry, so the rest of the entry (spacing, macros
such as `month = jan`) and every other byte of the file, untouched entries included, stay as
they were.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from citelens.errors import InputError
from citelens.output.export import bibtex_pages, latex_escape, latex_title
from citelens.output.readable import field_label
from citelens.records import Author, Work
from citelens.store import StoredReference

FIXABLE = ("verified", "discrepant")

#: discrepancy field -> the BibTeX field it is about
_BIB_FIELD = {"authors": "author", "first_author": "author", "title": "title", "container_title": "journal",
              "volume": "volume", "issue": "number", "pages": "pages", "year": "year", "doi": "doi",
              "pmid": "pmid"}
_ADDED = ("journal", "year", "volume", "number", "pages", "doi", "pmid")


@dataclass
class Change:
    field: str
    old: str | None
    new: str


@dataclass
class EntryFix:
    index: int
    key: str | None
    changes: list[Change] = field(default_factory=list)
    source: str = ""

    def comment(self) -> str:
        what = "; ".join(f"{c.field} {c.old} → {c.new}" if c.old else f"{c.field} added ({c.new})"
                         for c in self.changes)
        return f"citelens: {what}, from {self.source}"


@dataclass
class FixResult:
    text: str
    fixes: list[EntryFix]
    untouched: int


def _source(work: Work) -> str:
    names = {"crossref": "Crossref", "pubmed": "PubMed"}
    source = names.get(work.sources[0], work.sources[0]) if work.sources else "the record"
    ident = work.doi or (f"PMID {work.pmid}" if work.pmid else "")
    return f"{source} {ident}".strip()


def _bib_name(a: Author) -> str:
    family = latex_escape(a.family)
    if not a.given:
        return f"{{{family}}}"
    return f"{family}, {latex_escape(a.given)}"


def _record_value(work: Work, name: str) -> str | None:
    """The record's value for BibTeX field `name`, as BibTeX text."""
    if name == "author":
        return " and ".join(_bib_name(a) for a in work.authors) or None
    if name == "title":
        return latex_title(work.title) if work.title else None
    if name == "journal":
        return latex_escape(work.container_title) if work.container_title else None
    if name == "year":
        return str(work.year) if work.year else None
    if name == "pages":
        return bibtex_pages(work.pages) if work.pages else None
    value = {"volume": work.volume, "number": work.issue, "doi": work.doi, "pmid": work.pmid}.get(name)
    return str(value) if value else None


def _plain(value: str | None) -> str:
    return " ".join(re.sub(r"[{}]", "", value or "").split())


def _shown(name: str, value: str | None) -> str | None:
    """A short form of a value for the comment (authors: the first family names)."""
    if value is None:
        return None
    text = _plain(value)
    if name == "author":
        names = [n.split(",")[0].strip() for n in re.split(r"\s+and\s+", text)]
        text = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    return text if len(text) <= 60 else text[:57] + "…"


def _wanted(sr: StoredReference, present: dict[str, str]) -> tuple[dict[str, str], EntryFix | None]:
    """The fields to set on one entry, and what changed."""
    res = sr.resolution
    fix = EntryFix(sr.reference.index, sr.reference.parsed.key)
    if res is None or res.status not in FIXABLE or res.match is None:
        return {}, None
    work = res.match
    container = "booktitle" if "booktitle" in present and "journal" not in present else "journal"
    wrong = {_BIB_FIELD[d.field] for d in res.discrepancies if d.field in _BIB_FIELD}
    updates: dict[str, str] = {}
    for name in sorted(wrong, key=list(_BIB_FIELD.values()).index):
        target = container if name == "journal" else name
        value = _record_value(work, name)
        if value and _plain(value) != _plain(present.get(target)):
            updates[target] = value
            fix.changes.append(Change(field_label_bib(target), _shown(name, present.get(target)), _shown(name, value)
                                      or value))
    for name in _ADDED:
        target = container if name == "journal" else name
        if target in present or target in updates:
            continue
        value = _record_value(work, name)
        if value:
            updates[target] = value
            fix.changes.append(Change(field_label_bib(target), None, _shown(name, value) or value))
    fix.source = _source(work)
    return updates, fix if fix.changes else None


def field_label_bib(name: str) -> str:
    return {"number": "issue", "author": "authors", "booktitle": "journal"}.get(name, field_label(name))


# --- BibTeX ---------------------------------------------------------------------------------


def _value_end(raw: str, start: int) -> int:
    """The end of the BibTeX value that starts at `start`: {balanced}, "quoted", or a bare word or number
    (with `#` concatenations)."""
    pos = start
    while True:
        if pos < len(raw) and raw[pos] == "{":
            depth = 0
            while pos < len(raw):
                depth += {"{": 1, "}": -1}.get(raw[pos], 0)
                pos += 1
                if depth == 0:
                    break
        elif pos < len(raw) and raw[pos] == '"':
            pos += 1
            depth = 0
            while pos < len(raw) and not (raw[pos] == '"' and depth == 0):
                depth += {"{": 1, "}": -1}.get(raw[pos], 0)
                pos += 1
            pos += 1
        else:
            m = re.compile(r"[^\s,}#)]*").match(raw, pos)
            pos = m.end() if m else pos
        m = re.compile(r"\s*#\s*").match(raw, pos)
        if not m:
            return pos
        pos = m.end()


def _field_spans(raw: str) -> dict[str, tuple[int, int]]:
    """Where each field's value is in an entry's text (top level only): name -> (start, end)."""
    spans: dict[str, tuple[int, int]] = {}
    head = re.match(r"@\w+\s*[{(][^,]*,", raw)
    pos = head.end() if head else 0
    field_re = re.compile(r"\s*([\w:.+-]+)\s*=\s*")
    while pos < len(raw):
        m = field_re.match(raw, pos)
        if not m:
            break
        end = _value_end(raw, m.end())
        spans[m.group(1).lower()] = (m.end(), end)
        comma = re.compile(r"\s*,").match(raw, end)
        if not comma:
            break
        pos = comma.end()
    return spans


def _entry_text(raw: str, updates: dict[str, str]) -> str:
    """The entry's own text with the values of `updates` replaced in place and new fields added at the
    end, in the entry's indentation; everything else (other fields, macros, spacing) as it was."""
    spans = _field_spans(raw)
    out = raw
    for name, (start, end) in sorted(((n, spans[n]) for n in updates if n in spans), key=lambda x: -x[1][0]):
        out = out[:start] + "{" + updates[name] + "}" + out[end:]
    added = [(n, v) for n, v in updates.items() if n not in spans]
    if added:
        indent = re.search(r"\n([ \t]+)\w", raw)
        pad = indent.group(1) if indent else "  "
        close = len(out.rstrip()) - 1  # the entry's closing brace or parenthesis
        body = out[:close].rstrip()
        comma = "" if body.endswith(",") else ","
        new = "".join(f"\n{pad}{n} = {{{v}}}," for n, v in added).rstrip(",")
        out = body + comma + new + "\n" + out[close:]
    return out


def fix_bibtex(text: str, references: list[StoredReference]) -> FixResult:
    import bibtexparser

    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # the reader has already reported entries that do not parse
    try:
        library = bibtexparser.parse_string(text)
    finally:
        quiet.setLevel(level)
    entries = library.entries
    if len(entries) != len(references):
        raise InputError(f"the bibliography has {len(entries)} entries but {len(references)} were checked")
    out: list[str] = []
    pos = 0
    fixes: list[EntryFix] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for entry, sr in zip(entries, references, strict=True):
        present = {f.key.lower(): str(f.value) for f in entry.fields}
        updates, fix = _wanted(sr, present)
        start_line = entry.start_line if isinstance(entry.start_line, int) else 0
        start = text.find(entry.raw, line_starts[min(start_line, len(line_starts) - 1)])
        if fix is None or start < 0:
            continue
        out.append(text[pos:start])
        out.append(f"% {fix.comment()}\n")
        out.append(_entry_text(entry.raw, updates))
        pos = start + len(entry.raw)
        fixes.append(fix)
    out.append(text[pos:])
    return FixResult("".join(out), fixes, len(entries) - len(fixes))


# --- RIS ------------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"^\s*([A-Z][A-Z0-9])\s{2}-\s?(.*)$")
_RIS_TAGS = {"author": ("AU", "A1"), "title": ("TI", "T1"), "journal": ("JO", "T2", "JF", "J2"), "year": ("PY", "Y1"),
             "volume": ("VL",), "number": ("IS",), "doi": ("DO",), "pmid": ("AN",)}


def _ris_present(lines: list[str]) -> dict[str, str]:
    present: dict[str, str] = {}
    for line in lines:
        m = _RIS_LINE.match(line)
        if not m:
            continue
        tag, value = m.groups()
        for name, tags in _RIS_TAGS.items():
            if tag in tags:
                present[name] = present[name] + " and " + value if name == "author" and name in present else \
                    present.get(name, value)
        if tag == "SP":
            present["pages"] = value + present.get("pages", "")
        if tag == "EP":
            present["pages"] = present.get("pages", "") + "--" + value
    return present


def _ris_lines(work: Work, name: str) -> list[str]:
    if name == "author":
        return [f"AU  - {a.family}, {a.given}" if a.given else f"AU  - {a.family}" for a in work.authors]
    if name == "pages":
        first, _, last = (work.pages or "").partition("-")
        return [f"SP  - {first}"] + ([f"EP  - {last}"] if last else [])
    value = {"title": work.title, "journal": work.container_title, "year": str(work.year) if work.year else None,
             "volume": work.volume, "number": work.issue, "doi": work.doi, "pmid": work.pmid}.get(name)
    return [f"{_RIS_TAGS[name][0]}  - {value}"] if value else []


def _fix_ris_record(lines: list[str], sr: StoredReference, newline: str) -> tuple[list[str], EntryFix | None]:
    present = _ris_present(lines)
    updates, fix = _wanted(sr, present)
    if fix is None:
        return lines, None
    work = sr.resolution.match if sr.resolution else None
    assert work is not None
    drop = {tag for name in updates for tag in (("SP", "EP") if name == "pages" else _RIS_TAGS.get(name, ()))}
    kept: list[str] = []
    end = len(lines)
    for n, line in enumerate(lines):
        m = _RIS_LINE.match(line)
        if m and m.group(1) == "ER":
            end = n
            break
    for line in lines[:end]:
        m = _RIS_LINE.match(line)
        if m and m.group(1) in drop:
            continue
        kept.append(line)
    for name in updates:
        kept.extend(line + newline for line in _ris_lines(work, name))
    kept.append(f"N1  - {fix.comment()}{newline}")
    return kept + lines[end:], fix


def fix_ris(text: str, references: list[StoredReference]) -> FixResult:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    records: list[tuple[int, int]] = []
    start: int | None = None
    for n, line in enumerate(lines):
        m = _RIS_LINE.match(line)
        if m and m.group(1) == "TY":
            start = n
        elif m and m.group(1) == "ER" and start is not None:
            records.append((start, n + 1))
            start = None
    if len(records) != len(references):
        raise InputError(f"the RIS file has {len(records)} records but {len(references)} were checked")
    out: list[str] = []
    pos = 0
    fixes = []
    for (first, last), sr in zip(records, references, strict=True):
        fixed, fix = _fix_ris_record(lines[first:last], sr, newline)
        if fix is None:
            continue
        out.extend(lines[pos:first])
        out.extend(fixed)
        pos = last
        fixes.append(fix)
    out.extend(lines[pos:])
    return FixResult("".join(out), fixes, len(records) - len(fixes))


def fix_bibliography(path: Path, text: str, references: list[StoredReference]) -> FixResult:
    """The corrected text of bibliography `path` (.bib or .ris) given its checked references."""
    if path.suffix.lower() in (".bib", ".bibtex"):
        return fix_bibtex(text, references)
    if path.suffix.lower() == ".ris":
        return fix_ris(text, references)
    raise InputError(f"{path}: fix takes a .bib or .ris file")


def unified_diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=name, tofile=f"{name} (fixed)"))
