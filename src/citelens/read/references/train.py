"""Train the reference labeller from the public labelled corpora, reproducibly.

    python -m citelens.read.references.train [--corpora DIR] [--out PATH]

Reads `grobid-citations.jsonl`, `anystyle-core.jsonl` and `anystyle-good.jsonl` from the
corpora folder (default `../shared/corpora/refs` beside the checkout), keeps `split == "train"`
only, turns each record's character spans into one label per token, and trains a linear-chain
CRF with fixed parameters. The records are read in file order and crfsuite's L-BFGS is
deterministic, so a rerun writes the same model bytes.

Two annotation differences are evened out before training (see the corpora README):
- GROBID leaves keywords such as "Vol.", "pp.", "no.", "doi:" outside the field's span, anystyle
  puts them inside. Here a run of untagged keyword tokens just before a span of the matching
  field is given that field's label, so both corpora label "pp. 77-82" as pages throughout; the
  field normalisers strip the keywords again. "(eds.)" after an editor span joins the editors.
- anystyle has no issue label and puts the issue in the volume span ("10(2)", "3, no. 4"): the
  part from the bracket or the "no." keyword on is relabelled issue.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ...records import Author
from .features import (
    KEYWORDS,
    LEXICON_NAME,
    RULE_HINTS,
    build_lexicon,
    clear_caches,
    rule_hints,
    sequence_features,
    write_lexicon,
)
from .names import NAMES_MODEL_NAME, name_labels, rule_name_hints, with_hints
from .rules import parse_reference as parse_with_rules
from .tagger import MODEL_NAME
from .tokens import Token, tokenize

CORPUS_FILES = ("grobid-citations", "anystyle-core", "anystyle-good")
_CHECKOUT = Path(__file__).resolve().parents[4]


def _default_corpora() -> Path:
    """`$CITELENS_CORPORA`, else `../shared/corpora/refs` beside the checkout (or beside its worktree folder)."""
    import os

    if os.environ.get("CITELENS_CORPORA"):
        return Path(os.environ["CITELENS_CORPORA"])
    candidates = [base / "shared" / "corpora" / "refs" for base in (_CHECKOUT.parent, _CHECKOUT.parent.parent)]
    return next((c for c in candidates if c.is_dir()), candidates[0])


DEFAULT_CORPORA = _default_corpora()
MODEL_PATH = Path(__file__).resolve().parent / "model" / MODEL_NAME
NAMES_MODEL_PATH = Path(__file__).resolve().parent / "model" / NAMES_MODEL_NAME
NAMES_FILE = "grobid-names"
# Fixed training parameters: changing any of them is a new model version.
CRF_PARAMS: dict[str, Any] = {
    "c1": 0.2,
    "c2": 1.0,
    "max_iterations": 150,
    "feature.possible_transitions": True,
    "feature.minfreq": 2,
}
LABELS = ("author", "title", "container_title", "volume", "issue", "pages", "date", "publisher", "location",
          "doi", "pmid", "url", "editor", "edition", "note", "other")
# which keyword class may lead into which field
_LEADING_KEYWORDS = {"volume": {"vol"}, "issue": {"no", "suppl"}, "pages": {"pp", "artno"}, "doi": {"doi"},
                     "pmid": {"pmid"}, "url": {"url"}, "other": {"arxiv", "isbn"}}
_LEAD_PUNCT = {".", ":", "(", "#"}


def load_records(corpora: Path, names: Iterable[str] = CORPUS_FILES, split: str | None = "train") \
        -> Iterator[dict[str, Any]]:
    for name in names:
        with open(corpora / f"{name}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if split is None or record["split"] == split:
                    record["corpus"] = name
                    yield record


def token_labels(record: dict[str, Any]) -> tuple[list[Token], list[str]]:
    """The record's tokens and one label per token ("O" outside every span), normalised as described above."""
    string = record["string"]
    tokens = tokenize(string)
    spans = record["spans"]
    labels = ["O"] * len(tokens)
    k = 0
    for i, tok in enumerate(tokens):
        while k < len(spans) and spans[k]["end"] <= tok.start:
            k += 1
        if k < len(spans) and spans[k]["start"] <= tok.start < spans[k]["end"]:
            labels[i] = spans[k]["label"]
    _split_anystyle_volume(tokens, labels)
    _absorb_keywords(tokens, labels)
    _trim_punctuation(tokens, labels)
    return tokens, labels


def _trim_punctuation(tokens: list[Token], labels: list[str]) -> None:
    """Punctuation at either end of a span is "O" (GROBID leaves it out, anystyle takes it in).

    A title keeps its closing "?" or "!"; punctuation inside a span stays in it.
    """
    n = len(tokens)
    i = 0
    while i < n:
        if labels[i] == "O":
            i += 1
            continue
        j = i
        while j < n and labels[j] == labels[i]:
            j += 1
        a, b = i, j
        while a < b and _is_punct(tokens[a].text):
            a += 1
        while b > a and _is_punct(tokens[b - 1].text) and not (labels[i] == "title" and tokens[b - 1].text in "?!"):
            b -= 1
        for x in list(range(i, a)) + list(range(b, j)):
            labels[x] = "O"
        i = j


def _is_punct(text: str) -> bool:
    return len(text) == 1 and not text.isalnum()


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1500 <= int(text) <= 2039


def _split_anystyle_volume(tokens: list[Token], labels: list[str]) -> None:
    i = 0
    while i < len(tokens):
        if labels[i] != "volume":
            i += 1
            continue
        j = i
        while j < len(tokens) and labels[j] == "volume":
            j += 1
        if j - i > 2 and _is_year(tokens[i].text) and tokens[i + 1].text == ";":
            # "2000;355(9222):" read as one volume span: the year is the date, as GROBID labels it
            labels[i], labels[i + 1] = "date", "O"
            i += 2
        if KEYWORDS.get(tokens[i].text.lower()) == "no":
            # "n° 39", "No. 18, Vol. 4": a number that opens with the issue keyword is the issue (up to a "Vol.")
            m = i + 1
            while m < j and KEYWORDS.get(tokens[m].text.lower()) != "vol":
                m += 1
            for x in range(i, m):
                labels[x] = "issue"
            i = m
        seen_number = False
        for m in range(i, j):
            t = tokens[m].text
            if t.isdigit() or t.isalnum() and KEYWORDS.get(t.lower()) != "vol":
                seen_number = True
            elif seen_number and (t == "(" or KEYWORDS.get(t.lower()) == "no"):
                for x in range(m, j):
                    labels[x] = "issue"
                break
        i = j


def _absorb_keywords(tokens: list[Token], labels: list[str]) -> None:
    n = len(tokens)
    for i in range(n):
        target = labels[i]
        if target == "O" or (i > 0 and labels[i - 1] == target):
            continue
        allowed = _LEADING_KEYWORDS.get(target)
        if not allowed:
            continue
        j = i - 1
        has_kw = False
        while j >= 0 and labels[j] == "O":
            t = tokens[j].text.lower()
            if KEYWORDS.get(t) in allowed:
                has_kw = True
            elif t not in _LEAD_PUNCT:
                break
            j -= 1
        # only a run that starts with a keyword (not a stray "(")
        start = j + 1
        while start < i and tokens[start].text in _LEAD_PUNCT:
            start += 1
        if has_kw:
            for x in range(start, i):
                labels[x] = target
    for i in range(n):  # "(eds.)" / ", editors." after the editors
        if labels[i] == "editor" and i + 1 < n and labels[i + 1] == "O":
            j = i + 1
            has_kw = False
            while j < n and labels[j] == "O" and (KEYWORDS.get(tokens[j].text.lower()) == "ed"
                                                  or tokens[j].text in "().,"):
                has_kw = has_kw or KEYWORDS.get(tokens[j].text.lower()) == "ed"
                j += 1
            if has_kw:
                while j > i + 1 and tokens[j - 1].text in "(,":
                    j -= 1
                for x in range(i + 1, j):
                    labels[x] = "editor"


def author_region(record: dict[str, Any]) -> tuple[int, int] | None:
    """Where a record's author list is: from its first author span to the last one before another field."""
    spans = [s for s in record["spans"] if s["label"] != "O"]
    first = next((k for k, s in enumerate(spans) if s["label"] == "author"), None)
    if first is None:
        return None
    last = first
    while last + 1 < len(spans) and spans[last + 1]["label"] == "author":
        last += 1
    return spans[first]["start"], spans[last]["end"]


def name_example(record: dict[str, Any], tokens: list[Token], features: list[list[str]],
                 rule_authors: list[Author]) -> tuple[list[list[str]], list[str]] | None:
    """An author list with person labels (whole grobid-names strings, the author spans of reference records):
    the features of its tokens, cut out of the whole string's `features`, and the labels."""
    persons = record["fields"].get("authors") or []
    if not persons:
        return None
    if record.get("corpus") == NAMES_FILE:
        start, end = 0, len(record["string"])
    else:
        region = author_region(record)
        if region is None:
            return None
        start, end = region
    aligned = name_labels(record["string"][start:end], persons, start)
    if not aligned or not aligned[0]:
        return None
    lo = next((k for k, t in enumerate(tokens) if t.start == aligned[0][0].start), None)
    if lo is None or lo + len(aligned[0]) > len(tokens):
        return None
    hi = lo + len(aligned[0])
    return with_hints(features[lo:hi], rule_name_hints(record["string"], tokens[lo:hi], rule_authors)), aligned[1]


def train(records: Iterable[dict[str, Any]], out: Path, params: dict[str, Any] | None = None,
          names_out: Path | None = None) -> int:
    """Train a model from `records` in the given order; return how many sequences it saw.

    With `names_out`, also train the author-list model there, from the same records.
    """
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    names = pycrfsuite.Trainer(verbose=False)
    count = 0
    records = list(records)
    labelled = [token_labels(record) for record in records]
    # The lexicon, from the reference strings trained on (not the author lists), is written beside the
    # model. A string is trained with the lexicon of the other half of the strings (by position), so that
    # the model learns how far a word's usual field can be trusted on words it did not count itself.
    def occurrences(half: int | None) -> Iterator[tuple[str, str]]:
        for k, (record, (tokens, labels)) in enumerate(zip(records, labelled, strict=True)):
            if record.get("corpus") != NAMES_FILE and (half is None or k % 2 == half):
                yield from ((tok.text, lab) for tok, lab in zip(tokens, labels, strict=True))

    out.parent.mkdir(parents=True, exist_ok=True)
    write_lexicon(build_lexicon(occurrences(None)), out.with_name(LEXICON_NAME))
    halves = (build_lexicon(occurrences(1)), build_lexicon(occurrences(0)))  # halves[k % 2]: the other half's
    for k, (record, (tokens, labels)) in enumerate(zip(records, labelled, strict=True)):
        if not tokens:
            continue
        rules = parse_with_rules(record["string"])
        hints = rule_hints(record["string"], tokens, rules) if RULE_HINTS else None
        features = sequence_features(tokens, hints, halves[k % 2])
        if names_out is not None:
            example = name_example(record, tokens, features, rules.authors)
            if example is not None:
                names.append(pycrfsuite.ItemSequence(example[0]), example[1])
        if record.get("corpus") == NAMES_FILE:
            continue
        trainer.append(pycrfsuite.ItemSequence(features), labels)
        count += 1
    if names_out is not None:
        names.select("lbfgs", "crf1d")
        names.set_params(dict(CRF_PARAMS if params is None else params))
        names_out.parent.mkdir(parents=True, exist_ok=True)
        names.train(str(names_out))
    trainer.select("lbfgs", "crf1d")
    trainer.set_params(dict(CRF_PARAMS if params is None else params))
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    clear_caches()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--names-out", type=Path, default=NAMES_MODEL_PATH)
    args = parser.parse_args(argv)
    missing = [n for n in (*CORPUS_FILES, NAMES_FILE) if not (args.corpora / f"{n}.jsonl").is_file()]
    if missing:
        print(f"error: corpora not found in {args.corpora}: {', '.join(missing)}", file=sys.stderr)
        return 2
    n = train(load_records(args.corpora, (*CORPUS_FILES, NAMES_FILE)), args.out, names_out=args.names_out)
    print(f"trained on {n} reference strings (split == train) -> {args.out} ({args.out.stat().st_size:,} bytes)")
    print(f"author lists -> {args.names_out} ({args.names_out.stat().st_size:,} bytes)")
    lexicon = args.out.with_name(LEXICON_NAME)
    print(f"word lexicon -> {lexicon} ({lexicon.stat().st_size:,} bytes)")
    return 0



if __name__ == "__main__":
    raise SystemExit(main())
