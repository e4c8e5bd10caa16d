"""Sanity checks for the hand-labelled claim-reference pairs in tests/data/claim_links.jsonl.

These tests only check the labels against the article files (stdlib only, no citelens import):
every line parses, names an existing article, quotes a claim that occurs verbatim in it (one
whole sentence, or one whole table row), and cites reference indices inside the article's
reference list.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "claim_links.jsonl"
EXAMPLE = "references/oxytocin-sensitivity.txt"
STATUSES = {"supported", "partial", "contradicted", "no_evidence", "source_problem", "uncited"}
REQUIRED_KEYS = {"article", "claim", "references", "status", "why"}

# The number of entries in each article's reference list, as written.
REFERENCE_COUNTS = {
    EXAMPLE: 12,
    "tests/data/articles/social-support-stress.md": 9,
    "tests/data/articles/oxytocin-parenting.txt": 10,
    "tests/data/articles/oxytocin-face-memory.md": 8,
    "tests/data/articles/vasopressin-anxiety.txt": 9,
}

_REF_HEADING_RE = re.compile(r"^(?:#{1,6}\s*)?(references|bibliography|works cited)\s*$", re.I)
_SUP = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
# A sentence boundary: . ! ? (plus closing quotes/brackets/superscript markers), whitespace, capital.
_BOUNDARY_RE = re.compile(rf"(\S*?)[.!?][\"\u201d\u2019)\]{_SUP}]*\s+(?=[\"\u201c\u2018(]?[A-Z])")
_SENTENCE_START_RE = re.compile(rf"(?:^|[.!?][\"\u201d\u2019)\]{_SUP}]*\s+)$")


def _load_labels() -> list[dict]:
    rows = []
    for n, line in enumerate(LABELS.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            rows.append((n, json.loads(line)))
    return rows


def _article_text(article: str) -> str:
    return (ROOT / article).read_text(encoding="utf-8")


def _table_rows(text: str) -> list[str]:
    """Each pipe-table body row as its non-empty trimmed cells joined with ' | '."""
    rows = []
    for line in text.splitlines():
        s = line.strip()
        if s.count("|") < 1 or re.fullmatch(r"\|?\s*:?-{3,}.*", s):
            continue
        if s.startswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        cells = [c.strip() for c in s.split("|")]
        if len(cells) >= 2:
            rows.append(" | ".join(c for c in cells if c))
    return rows


def _is_internal_boundary(word_before: str) -> bool:
    """True if a '.' after this word really ends a sentence (not 'et al.', not an initial)."""
    w = word_before.lstrip('("\u201c')
    return not (w == "al" or (len(w) == 1 and w.isalpha()) or w.lower() in {"e.g", "i.e", "vs", "dr"})


def count_references(text: str) -> int:
    """Count the entries of the reference list as laid out in our articles."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _REF_HEADING_RE.match(line.strip()):
            markdown = line.lstrip().startswith("#")
            n = 0
            for nxt in lines[i + 1 :]:
                s = nxt.strip()
                if markdown:
                    if s.startswith("#"):
                        break
                    n += bool(s)
                else:
                    if not s:
                        if n:
                            break
                        continue
                    n += 1
            return n
    # no heading: a trailing run of Nature-style lines ending in "(YYYY)."
    n = 0
    for line in reversed(lines):
        s = line.strip()
        if not s and not n:
            continue
        if re.search(r"\((?:19|20)\d{2}\)\.$", s):
            n += 1
        else:
            break
    return n


def split_sentences(paragraph: str) -> list[str]:
    out, start = [], 0
    for m in _BOUNDARY_RE.finditer(paragraph):
        if not _is_internal_boundary(m.group(1).rsplit(" ", 1)[-1]):
            continue
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


LABEL_ROWS = _load_labels()


def test_file_has_enough_labels():
    assert len(LABEL_ROWS) >= 90
    per_article = Counter(row["article"] for _, row in LABEL_ROWS)
    assert per_article[EXAMPLE] >= 25
    assert set(per_article) == set(REFERENCE_COUNTS)


@pytest.mark.parametrize("article", sorted(REFERENCE_COUNTS))
def test_reference_counts(article):
    assert count_references(_article_text(article)) == REFERENCE_COUNTS[article]


@pytest.mark.parametrize(("line_no", "row"), LABEL_ROWS, ids=[f"line{n}" for n, _ in LABEL_ROWS])
def test_label(line_no, row):
    assert set(row) >= REQUIRED_KEYS, f"line {line_no}: missing keys {REQUIRED_KEYS - set(row)}"
    assert row["status"] in STATUSES
    assert isinstance(row["why"], str) and row["why"].strip()
    path = ROOT / row["article"]
    assert path.is_file(), f"line {line_no}: {row['article']} does not exist"
    text = path.read_text(encoding="utf-8")
    claim = row["claim"]
    assert claim == claim.strip() and claim

    refs = row["references"]
    assert isinstance(refs, list) and all(isinstance(r, int) for r in refs)
    assert len(set(refs)) == len(refs)
    n_refs = count_references(text)
    assert all(1 <= r <= n_refs for r in refs), f"line {line_no}: {refs} outside 1..{n_refs}"
    assert (row["status"] == "uncited") == (not refs), f"line {line_no}: 'uncited' iff no references"

    if claim in _table_rows(text):
        for cell in claim.split(" | "):
            assert cell in text
        return
    assert " | " not in claim, f"line {line_no}: looks like a table row but matches none"
    start = text.find(claim)
    assert start >= 0, f"line {line_no}: claim not found verbatim in {row['article']}"
    # the quote is one whole sentence: it starts at a sentence start and ends at a boundary...
    assert _SENTENCE_START_RE.search(text[max(0, start - 12) : start]) or text[start - 1] == "\n", (
        f"line {line_no}: claim does not start at a sentence start"
    )
    end = start + len(claim)
    assert end == len(text) or text[end].isspace(), f"line {line_no}: claim does not end at a sentence end"
    assert claim[-1] in ".!?" + _SUP, f"line {line_no}: claim does not end with sentence punctuation"
    # ...and contains no sentence boundary inside it
    assert split_sentences(claim) == [claim], f"line {line_no}: claim spans several sentences"
    assert not claim.endswith("?"), "questions are not claims"


def _example_section(heading: str, stop: str) -> list[str]:
    lines = _article_text(EXAMPLE).splitlines()
    i = lines.index(heading)
    j = lines.index(stop, i + 1)
    return lines[i + 1 : j]


def test_example_required_coverage():
    labelled = {row["claim"] for _, row in LABEL_ROWS if row["article"] == EXAMPLE}
    text = _article_text(EXAMPLE)
    # every table row of both tables
    rows = _table_rows(text)
    assert len(rows) == 11  # 2 header rows + 9 body rows
    headers = {r for r in rows if r.startswith(("Hormone |", "Phenotypic Area |"))}
    for r in rows:
        if r not in headers:
            assert r in labelled, f"table row not labelled: {r[:60]}"
    # every sentence of the Gene-Environment section (prose, outside the table)
    section = _example_section("Gene-Environment Interactions a Deeper Analysis", "References")
    prose = [ln for ln in section if ln.strip() and "|" not in ln]
    for para in prose:
        for sentence in split_sentences(para.strip()):
            if len(sentence.split()) >= 4:
                assert sentence in labelled, f"section sentence not labelled: {sentence[:60]}"
    # the magnesium, vitamin C and vitamin D sentences of the nutrition paragraph
    nutrition = " ".join(_example_section("Nourishing the System from Within", "Intermediate"))
    for sentence in split_sentences(nutrition):
        if re.search(r"magnesium|vitamin c|vitamin d", sentence, re.I):
            assert sentence in labelled, f"nutrition sentence not labelled: {sentence[:60]}"
