"""Field accuracy of the reference parser on public labelled data nobody here wrote.

    python bench/bench_parse_corpora.py [--corpora DIR] [--by-source]
    python bench/bench_parse_corpora.py --train-cv [--cv-model PATH] [--errors-out FILE]

Scores `citelens.read.references.parse_reference` on the dev split of
`../shared/corpora/refs/{grobid-citations,anystyle-core,anystyle-good}.jsonl`, per file and per
field, against each record's `fields` (derived from the upstream spans).

With `--by-source` it first trains a second model on the train split minus whole GROBID source
files (every source whose sha1 % 5 == 0 is held out), then scores that model on every record of
the held-out sources: citation styles it never saw. anystyle's two files are one source each,
so they cannot be split that way and stay in training (the author-list model also learns from
grobid-names' train split, whose source files are not reference lists).

With `--train-cv` it scores nothing of dev: the TRAIN split is cut into a fit part and a
development part (about 20%: every GROBID train record whose source file has
sha1("cv:" + source) % 5 == 0, whole files, and every anystyle train record whose id has
sha1("cv:" + id) % 5 == 0, since anystyle's files are one source each); a model is trained on the
fit part and scored on the development part, per file and per field. All error analysis, feature
and parameter choice for the shipped model is done on this part. `--cv-model PATH` keeps the
trained model there, and if it exists already only scores it (a normaliser change needs no
retraining); `--errors-out FILE` writes every wrong reading as JSON lines.

How fields are compared (the way the corpora's `fields` are derived):
- text fields (title, container, volume, issue): NFKC, case-folded, outer punctuation and quotes
  stripped, white space collapsed;
- pages: dashes made plain, both ends expanded the same way ("2220-1" == "2220-2221");
- year: the four digits; DOI: lower case, white space removed;
- authors: right when the list of family names (normalised as text) equals the gold list, in
  order and in number; given names are not compared (the corpora split names by heuristics);
- a field absent from both the gold and the reading counts as right; "where given" counts only
  records whose gold has the field.

Scorer v2 (the "accuracy" columns; scorer v1, the corpora's `fields` as they are, is printed beside
it) mends one derivation error of the corpora's `fields`, from the record's own spans: anystyle labels
Vancouver's "2000;355(9222):" as one volume span, from which `fields` take volume "2000", no issue and
(without a date span) no year; v2's gold is volume 355, issue 9222, year 2000, as the span says
(`_mend_year_volume`; 83 anystyle records, 8 of them in dev). Nothing is made more lenient: the gold
values change, the comparison does not.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citelens.read.references import expand_pages, parse_reference
from citelens.read.references.names import NAMES_MODEL_NAME
from citelens.read.references.train import CORPUS_FILES, DEFAULT_CORPORA, NAMES_FILE, load_records, train

FIELDS = ("authors", "title", "container", "volume", "issue", "pages", "year", "doi")
_OUTER = " \t.,;:\"'\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb()[]{}"
_DASHES = str.maketrans({ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


def norm(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = " ".join(text.split()).strip(_OUTER)
    return text or None


def norm_pages(value: str | None) -> str | None:
    if not value:
        return None
    text = value.translate(_DASHES).replace(" ", "")
    m = re.fullmatch(r"([A-Za-z]*\d+[A-Za-z]?)-+([A-Za-z]*\d+[A-Za-z]?)", text)
    if m:
        first, last = expand_pages(m.group(1), m.group(2))
        return f"{first}-{last}".lower() if last and last != first else first.lower()
    return norm(text)


# an anystyle volume span that starts with the year: "2009;7: 27" (Vancouver "Year;Volume(Issue):Pages")
_YEAR_VOLUME_RE = re.compile(r"\s*(1[5-9]\d\d|20\d\d)\s*;\s*([A-Za-z]?\d+[A-Za-z]?)\s*(?:\(([^()]{1,20})\))?")


def gold_values(record: dict[str, Any], fixed: bool = True) -> dict[str, Any]:
    """The gold values of `record`, from its `fields`; with `fixed` (the default, "scorer v2"), one derivation
    error of the corpora's `fields` is mended from the record's own spans (see `_mend_year_volume`)."""
    f = record["fields"]
    if fixed:
        f = _mend_year_volume(record, f)
    return {
        "authors": [norm(a["family"]) for a in f.get("authors") or []] or None,
        "title": norm(f.get("title")), "container": norm(f.get("container_title")),
        "volume": norm(f.get("volume")), "issue": norm(f.get("issue")), "pages": norm_pages(f.get("pages")),
        "year": f.get("year"), "doi": "".join(f["doi"].split()).lower() if f.get("doi") else None,
    }


def _mend_year_volume(record: dict[str, Any], f: dict[str, Any]) -> dict[str, Any]:
    """anystyle labels Vancouver's "2000;355(9222):" as one volume span, and the corpora's `fields` then give
    volume "2000", no issue and (without a date span) no year. The span itself says year 2000, volume 355,
    issue 9222: those are the gold values here. Nothing else changes (83 records, all anystyle)."""
    for span in record["spans"]:
        if span["label"] != "volume":
            continue
        m = _YEAR_VOLUME_RE.match(span["text"])
        if m and f.get("volume") == m.group(1):
            return {**f, "volume": m.group(2), "issue": f.get("issue") or m.group(3),
                    "year": f.get("year") or m.group(1)}
        break
    return f


def read_values(raw: str, model: Path | None = None) -> dict[str, Any]:
    p = parse_reference(raw) if model is None else parse_reference(raw, model=model)
    return {
        "authors": [norm(a.family) for a in p.authors] or None,
        "title": norm(p.title), "container": norm(p.container_title),
        "volume": norm(p.volume), "issue": norm(p.issue), "pages": norm_pages(p.pages),
        "year": str(p.year) if p.year else None, "doi": p.doi.lower() if p.doi else None,
    }


class Tally:
    def __init__(self) -> None:
        self.right: Counter[str] = Counter()
        self.given: Counter[str] = Counter()
        self.given_right: Counter[str] = Counter()
        self.n = 0
        self.all_right = 0
        self.old: Tally | None = None  # the same readings under scorer v1 (the corpora's `fields` as they are)

    def add(self, gold: dict[str, Any], got: dict[str, Any]) -> list[str]:
        self.n += 1
        wrong = []
        for name in FIELDS:
            ok = gold[name] == got[name]
            self.right[name] += ok
            if gold[name] is not None:
                self.given[name] += 1
                self.given_right[name] += ok
            if not ok:
                wrong.append(name)
        self.all_right += not wrong
        return wrong

    def rows(self) -> list[str]:
        old = self.old
        out = [f"  {'field':10} {'accuracy':>9} {'where given':>12}" + ("   scorer v1" if old else "")]
        for name in FIELDS:
            given = f"{self.given_right[name] / self.given[name]:.3f} ({self.given[name]})" if self.given[name] else "-"
            v1 = f"   {old.right[name] / old.n:10.3f}" if old else ""
            out.append(f"  {name:10} {self.right[name] / self.n:9.3f} {given:>12}{v1}")
        v1 = f"   {old.all_right / old.n:10.3f}" if old else ""
        out.append(f"  {'all 8':10} {self.all_right / self.n:9.3f} {'':>12}{v1}")
        return out


def score(records: list[dict[str, Any]], model: Path | None = None, errors: list | None = None) -> Tally:
    tally = Tally()
    tally.old = Tally()
    for record in records:
        gold = gold_values(record)
        got = read_values(record["string"], model)
        tally.old.add(gold_values(record, fixed=False), got)
        wrong = tally.add(gold, got)
        if errors is not None and wrong:
            errors.append((record["id"], record["string"], {k: (gold[k], got[k]) for k in wrong}))
    return tally


@contextlib.contextmanager
def _trained(corpora: Path, fit: list[dict[str, Any]], params: dict[str, Any] | None,
             model: Path | None) -> Iterator[tuple[Path, float]]:
    """A model trained on `fit` plus the corpora's author-list strings, in a temporary file unless `model`
    is given (then kept there): its path and the training's CPU seconds."""
    names = list(load_records(corpora, [NAMES_FILE]))
    with tempfile.TemporaryDirectory() as tmp:
        path = model or Path(tmp) / "model.crfsuite"
        path.parent.mkdir(parents=True, exist_ok=True)
        cpu = time.process_time()
        train(fit + names, path, params=params, names_out=path.with_name(NAMES_MODEL_NAME))
        yield path, time.process_time() - cpu


def train_and_score(corpora: Path, fit: list[dict[str, Any]], hold: list[dict[str, Any]], *,
                    params: dict[str, Any] | None = None, model: Path | None = None) -> tuple[Tally, int, float]:
    """Train a model on `fit` (see `_trained`) and score it on `hold`: the tally, the model's size in bytes,
    the training's CPU s."""
    with _trained(corpora, fit, params, model) as (path, took):
        return score(hold, path), path.stat().st_size, took


def held_out_source(source: str) -> bool:
    return source.startswith("kermitt2/grobid") and int(hashlib.sha1(source.encode()).hexdigest(), 16) % 5 == 0


def in_train_cv(record: dict[str, Any]) -> bool:
    """Whether a TRAIN record is in the train-CV development part (never a dev record)."""
    key = record["source"] if record["source"].startswith("kermitt2/grobid") else record["id"]
    return int(hashlib.sha1(("cv:" + key).encode()).hexdigest(), 16) % 5 == 0


def train_cv(corpora: Path, model: Path | None, errors_out: Path | None, params: dict[str, Any] | None = None) -> None:
    records = list(load_records(corpora))
    fit = [r for r in records if not in_train_cv(r)]
    hold = [r for r in records if in_train_cv(r)]
    if model is None or not model.is_file():
        with _trained(corpora, fit, params, model) as (path, took):
            print(f"train-CV: trained on {len(fit)} fit strings in {took:.0f} s CPU, "
                  f"model {path.stat().st_size:,} bytes")
            _score_cv(hold, path, errors_out)
    else:
        _score_cv(hold, model, errors_out)


def _score_cv(hold: list[dict[str, Any]], model: Path, errors_out: Path | None) -> None:
    import json

    total = Tally()
    errors: list = []
    for name in CORPUS_FILES:
        part = [r for r in hold if r["corpus"] == name]
        tally = score(part, model, errors)
        print(f"{name}: train-CV development part, {tally.n} strings")
        print("\n".join(tally.rows()))
        _add(total, tally)
    print(f"all three files: train-CV development part, {total.n} strings")
    print("\n".join(total.rows()))
    if errors_out is not None:
        with open(errors_out, "w", encoding="utf-8") as fh:
            for rid, string, wrong in errors:
                fh.write(json.dumps({"id": rid, "string": string, "wrong": wrong}, ensure_ascii=False) + "\n")


def _add(total: Tally, tally: Tally) -> None:
    if tally.old is not None:
        if total.old is None:
            total.old = Tally()
        _add(total.old, tally.old)
    for f in FIELDS:
        total.right[f] += tally.right[f]
        total.given[f] += tally.given[f]
        total.given_right[f] += tally.given_right[f]
    total.n += tally.n
    total.all_right += tally.all_right


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--by-source", action="store_true", help="also train without held-out sources and score them")
    parser.add_argument("--train-cv", action="store_true",
                        help="score a model trained on part of the train split on the rest of it (no dev)")
    parser.add_argument("--cv-model", type=Path, help="with --train-cv: keep the model here, or score it if present")
    parser.add_argument("--errors-out", type=Path, help="with --train-cv: write the wrong readings here (JSON lines)")
    parser.add_argument("--params", help='with --train-cv: CRF parameters over the shipped ones, as JSON ({"c1": 0.1})')
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong readings per file")
    args = parser.parse_args(argv)
    if not all((args.corpora / f"{n}.jsonl").is_file() for n in CORPUS_FILES):
        print(f"error: corpora not found in {args.corpora}", file=sys.stderr)
        return 2
    if args.train_cv:
        params = None
        if args.params:
            import json

            from citelens.read.references.train import CRF_PARAMS

            params = {**CRF_PARAMS, **json.loads(args.params)}
        train_cv(args.corpora, args.cv_model, args.errors_out, params)
        return 0
    total = Tally()
    start = time.perf_counter()
    for name in CORPUS_FILES:
        dev = list(load_records(args.corpora, [name], split="dev"))
        errors: list = []
        tally = score(dev, errors=errors)
        print(f"{name}: dev split, {tally.n} strings")
        print("\n".join(tally.rows()))
        for item in errors[: args.errors]:
            print("   x", item)
        _add(total, tally)
    print(f"all three files: dev split, {total.n} strings ({time.perf_counter() - start:.1f} s)")
    print("\n".join(total.rows()))
    if args.by_source:
        everything = list(load_records(args.corpora, split=None))
        train_part = [r for r in everything if r["split"] == "train" and not held_out_source(r["source"])]
        test_part = [r for r in everything if held_out_source(r["source"])]
        sources = {r["source"] for r in test_part}
        tally, _, _ = train_and_score(args.corpora, train_part, test_part)
        print(f"split by source: trained on {len(train_part)} train strings of other sources; scored on all "
              f"{tally.n} strings of {len(sources)} held-out GROBID source files")
        print("\n".join(tally.rows()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
