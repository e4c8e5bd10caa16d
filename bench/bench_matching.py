"""Matching from the printed string: recall and precision over reference strings in many styles.

    python bench/bench_matching.py [--real N] [--seed S] [--holdout]

`--holdout` draws other real dev-split strings (none of the 200 the default run uses, whose misses were
read while the matching rules were written) and another seed for the rendered and degraded styles.

Against the loopback stand-in, every string is parsed and resolved by citelens's own resolver
(identifier lookups, ECitMatch, a Crossref `query.bibliographic` search with the whole string,
ESearch) and its verdict scored:

- positives: strings citing a work the stand-in serves. Rendered from the seed records and from
  records built out of real strings in 13 styles (including the title-less ACS, physics and
  Elsevier styles, ABNT, Portuguese/Spanish/French/German, and degraded copies: lower case,
  punctuation lost, line-break hyphens, OCR-like letter swaps), plus real printed strings: the
  `dev` split of ../shared/corpora/refs (GROBID and anystyle), whose works are added to the
  stand-in as records built from their labelled fields (synthetic DOIs under 10.5555).
- negatives: fabricated references (a real author list and journal, an invented title and other
  numbers), which must not be matched, and arXiv-only / DataCite references, which must be skipped.

A match is right when the accepted work is the cited one. Precision: right matches over all
accepted matches; recall: right matches over positives. A right match reported `discrepant` is
counted too (the strings are correct, so every discrepancy is a false alarm). Fixed seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from standin import StandIn  # noqa: E402

from citelens.pipeline import build_resolver  # noqa: E402
from citelens.read import parse_reference  # noqa: E402
from citelens.settings import Settings  # noqa: E402

SEED = ROOT / "tests" / "standin" / "data" / "seed-works.jsonl"
CORPORA = ROOT.parent.parent / "shared" / "corpora" / "refs"
if not CORPORA.exists():
    CORPORA = Path("/work/shared/corpora/refs")

# ISO 4 word abbreviations, to give records built from real strings a full journal name as Crossref has
# it ("J. Am. Chem. Soc." -> "Journal of the American Chemical Society"); a name with a word not listed
# keeps its printed form as both the full and the short name.
_ISO4 = {
    "j": "Journal", "am": "American", "chem": "Chemical", "soc": "Society", "phys": "Physical", "rev": "Review",
    "lett": "Letters", "proc": "Proceedings", "natl": "National", "acad": "Academy", "sci": "Sciences",
    "int": "International", "res": "Research", "biol": "Biology", "med": "Medicine", "org": "Organic",
    "inorg": "Inorganic", "appl": "Applied", "eur": "European", "ann": "Annals", "clin": "Clinical",
    "exp": "Experimental", "mol": "Molecular", "cell": "Cell", "biochem": "Biochemistry", "biophys": "Biophysics",
    "geophys": "Geophysical", "astrophys": "Astrophysical", "math": "Mathematics", "comput": "Computing",
    "neurosci": "Neuroscience", "psychol": "Psychology", "physiol": "Physiology", "pharmacol": "Pharmacology",
    "ecol": "Ecology", "genet": "Genetics", "engl": "England", "n": "New", "br": "British", "can": "Canadian",
    "jpn": "Japanese", "synth": "Synthesis", "commun": "Communications", "opt": "Optics", "nucl": "Nuclear",
    "mater": "Materials", "anal": "Analytical", "environ": "Environmental", "microbiol": "Microbiology",
    "immunol": "Immunology", "endocrinol": "Endocrinology", "behav": "Behavior", "dev": "Development",
    "tetrahedron": "Tetrahedron", "nature": "Nature", "science": "Science", "physics": "Physics", "of": "of",
    "and": "and", "a": "A", "b": "B", "c": "C", "d": "D", "e": "E", "the": "The", "acta": "Acta",
    "cryst": "Crystallographica", "struct": "Structural", "catal": "Catalysis", "polym": "Polymer",
}

_OCR = {"o": "0", "l": "1", "e": "c", "rn": "m", "i": "l"}
_LANG = {
    "pt": ("e", "v.", "n.", "p.", "Disponível em"), "es": ("y", "vol.", "núm.", "pp.", "Recuperado de"),
    "fr": ("et", "vol.", "n°", "p.", "Disponible sur"), "de": ("und", "Bd.", "Nr.", "S.", "Verfügbar unter"),
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _initials(given: str, sep: str = ". ") -> str:
    parts = [p for p in re.split(r"[\s.-]+", given or "") if p]
    return sep.join(p[0].upper() for p in parts) + ("." if parts and sep.startswith(".") else "")


def _pages(rec: dict[str, Any]) -> tuple[str, str]:
    pages = rec.get("pages") or ""
    first, _, last = pages.partition("-")
    return first, last or first


def render(rec: dict[str, Any], style: str, rng: random.Random) -> str:
    """The record as a reference list would print it, in one of the benchmark's styles."""
    authors = rec["authors"] or [{"family": "Anon", "given": ""}]
    title = rec.get("title") or ""
    journal = rec.get("container_title") or ""
    abbrev = rec.get("container_abbrev") or journal
    vol, iss, year = rec.get("volume") or "", rec.get("issue") or "", rec["year"]
    first, last = _pages(rec)
    fam = [a["family"] for a in authors]
    if style == "vancouver":
        names = ", ".join(f"{a['family']} {_initials(a['given'], '')}" for a in authors[:6])
        names += ", et al" if len(authors) > 6 else ""
        return f"{names}. {title}. {abbrev}. {year};{vol}{f'({iss})' if iss else ''}:{first}-{last}."
    if style == "apa":
        names = ", ".join(f"{a['family']}, {_initials(a['given'])}" for a in authors[:20])
        return f"{names} ({year}). {title}. {journal}, {vol}{f'({iss})' if iss else ''}, {first}\u2013{last}."
    if style == "mla":
        names = f"{fam[0]}, {authors[0]['given']}" + (", et al" if len(authors) > 1 else "")
        return (f"{names}. \u201c{title}.\u201d {journal}, vol. {vol}{f', no. {iss}' if iss else ''}, {year}, "
                f"pp. {first}-{last}.")
    if style == "chicago":  # the biomedical Chicago form: "Journal 54, no. 12 (2003): 1187–93"
        names = ", ".join(f"{a['given']} {a['family']}" if i else f"{a['family']}, {a['given']}"
                          for i, a in enumerate(authors[:3]))
        short = last[len(last) - 2:] if len(last) == len(first) and last[:-2] == first[:-2] else last
        return f"{names}. \u201c{title}.\u201d {journal} {vol}, no. {iss or 1} ({year}): {first}\u2013{short}."
    if style == "nature":
        names = ", ".join(f"{a['family']}, {_initials(a['given'])}" for a in authors[:5])
        return f"{names} {title}. {abbrev} {vol}, {first}\u2013{last} ({year})."
    if style == "ieee":
        names = ", ".join(f"{_initials(a['given'])} {a['family']}" for a in authors[:3])
        return f"{names}, \u201c{title},\u201d {abbrev}, vol. {vol}, no. {iss or 1}, pp. {first}\u2013{last}, {year}."
    if style == "abnt":
        names = "; ".join(f"{_ascii(a['family']).upper()}, {_initials(a['given'])}" for a in authors[:3])
        return f"{names} {title}. {journal}, v. {vol}, n. {iss or 1}, p. {first}-{last}, {year}."
    if style == "acs":  # title-less
        names = "; ".join(f"{a['family']}, {_initials(a['given'])}" for a in authors[:4])
        return f"{names} {abbrev} {year}, {vol}, {first}\u2013{last}."
    if style == "physics":  # title-less Nature physics / APS: "J. Chem. Phys. 98, 5648 (1993)"
        names = ", ".join(f"{_initials(a['given'])} {a['family']}" for a in authors[:3])
        return f"{names}, {abbrev} {vol}, {first} ({year})."
    if style == "elsevier":  # numbered, without titles
        names = ", ".join(f"{_initials(a['given'], '.')} {a['family']}" for a in authors[:6])
        return f"[{rng.randint(1, 80)}] {names}, {abbrev} {vol} ({year}) {first}\u2013{last}."
    if style in _LANG:
        conj, v, n, p, _ = _LANG[style]
        names = ", ".join(f"{a['family']}, {_initials(a['given'])}" for a in authors[:3])
        if len(authors) > 1:
            names = names.rsplit(", ", 2)[0] + f" {conj} " + ", ".join(names.rsplit(", ", 2)[1:])
        return f"{names} ({year}). {title}. {journal}, {v} {vol}, {n} {iss or 1}, {p} {first}-{last}."
    if style == "degraded":
        text = render(rec, rng.choice(("vancouver", "apa", "nature")), rng).lower()
        text = re.sub(r"[.,;:()\u201c\u201d]", lambda m: "" if rng.random() < 0.7 else m.group(0), text)
        words = text.split()
        for _ in range(2):  # line-break hyphens from the PDF
            i = rng.randrange(len(words))
            if len(words[i]) > 7 and words[i].isalpha():
                cut = len(words[i]) // 2
                words[i] = words[i][:cut] + "- " + words[i][cut:]
        text = " ".join(words)
        for src, dst in rng.sample(sorted(_OCR.items()), 1):  # one OCR-like confusion, once
            i = text.find(src, len(text) // 3)
            if i > 0:
                text = text[:i] + dst + text[i + len(src):]
        return text
    raise ValueError(style)


DEFAULT_SEED = 13  # the run whose misses were read while writing the matching rules: not held out
DEFAULT_REAL = 200
HOLDOUT_SEED = 2026  # the held-out run (--holdout): other real strings, other random draws

STYLES = ("vancouver", "apa", "mla", "chicago", "nature", "ieee", "abnt", "acs", "physics", "elsevier",
          "pt", "es", "fr", "de", "degraded")
TITLE_LESS = {"acs", "physics", "elsevier"}


def _expand(container: str) -> str:
    words = [w for w in re.split(r"[\s.]+", container) if w]
    if words and all(w.lower() in _ISO4 for w in words) and any(len(w) <= 5 for w in words):
        return " ".join(_ISO4[w.lower()] for w in words)
    return container


def _name(family: str) -> str:
    return family.title() if family.isupper() else family


def corpus_records(rng: random.Random, n: int, exclude: frozenset[str] = frozenset()
                   ) -> list[tuple[dict[str, Any], str, str, str]]:
    """(record, real string, source, corpus id) for real dev-split strings whose labelled fields identify a
    work, leaving out the corpus ids in `exclude` (the strings of another run)."""
    picked = []
    for name in ("grobid-citations", "anystyle-good", "anystyle-core"):
        for line in (CORPORA / f"{name}.jsonl").read_text().splitlines():
            item = json.loads(line)
            f = item["fields"]
            s = item["string"]
            if item["split"] != "dev" or item["id"] in exclude:
                continue
            if not f.get("authors") or not (f.get("year") or "").isdigit():
                continue
            if len(_ascii(s)) < 0.9 * len(s) or re.search(r"arxiv|personal comm|http|www\.", s, re.I):
                continue
            titled = f.get("title") and len(f["title"].split()) >= 3
            article = f.get("container_title") and f.get("volume") and f.get("pages")
            if not (titled or article) or len(f["authors"][0]["family"]) < 2:
                continue
            if any(re.search(r"[:;()]|\s[A-Z]{1,3}$|^[a-z]|^\w$", a["family"]) or len(a["family"].split()) > 3
                   for a in f["authors"]):
                continue  # an author list the labelled fields split wrongly: no record can be built from it
            picked.append((name, item))
    rng.shuffle(picked)
    out = []
    seen = set()
    for name, item in picked:
        f = item["fields"]
        key = (_ascii(f["authors"][0]["family"]).lower(), f["year"],
               f.get("pages") or re.sub(r"\W", "", (f.get("title") or "").lower())[:30])
        if key in seen:  # the same work twice in the corpora: one record (two would rightly be ambiguous)
            continue
        seen.add(key)
        if len(out) == n:
            break
        printed_doi = re.search(r"\b10\.\d{4,9}/[^\s,;]+[^\s,;.]", item["string"])
        if printed_doi and not f.get("doi"):
            f = {**f, "doi": printed_doi.group(0)}
        container = f.get("container_title")
        rec = {
            "doi": (f.get("doi") or f"10.5555/matchbench.real.{len(out):04d}").lower(), "pmid": None, "pmcid": None,
            "title": f.get("title") or _title_for_titleless(item, rng),
            "authors": [{"family": _name(a["family"]), "given": a.get("given") or ""} for a in f["authors"]],
            "container_title": _expand(container) if container else None,
            "container_abbrev": container, "issn": None, "publisher": "Bench Press",
            "type": "journal-article" if container else "book", "volume": f.get("volume"), "issue": f.get("issue"),
            "pages": f.get("pages"), "year": int(f["year"]), "published": None, "epub": None, "abstract": None,
            "publication_types": ["Journal Article"], "keywords": [], "retracted": False, "sources": [],
        }
        out.append((rec, item["string"], f"real {name}" + (f" ({item['lang']})" if item.get("lang") else ""),
                    item["id"]))
    return out


def _title_for_titleless(item: dict[str, Any], rng: random.Random) -> str:
    # a title-less string cites an article whose record has a title nobody printed
    words = ["Kinetics", "structure", "synthesis", "spectra", "properties", "reaction", "complexes", "theory"]
    return " ".join(rng.sample(words, 4)).capitalize() + f" {item['id'][-5:]}"


def fabricated(rec: dict[str, Any], rng: random.Random, titles: list[str]) -> dict[str, Any]:
    fake = dict(rec)
    words = [w for t in rng.sample(titles, 3) for w in t.split()]
    fake["title"] = " ".join(rng.sample(words, min(9, len(words)))).capitalize()
    fake["volume"] = str(int(rec["volume"]) + rng.randint(3, 20)) if (rec.get("volume") or "").isdigit() else "7"
    start = rng.randint(20, 900)
    fake["pages"] = f"{start}-{start + rng.randint(4, 15)}"
    if rng.random() < 0.5:  # a near miss: same author, journal, year and volume, another title and pages
        fake["volume"], fake["year"] = rec.get("volume"), rec["year"]
    else:
        fake["year"] = rec["year"] + rng.choice((-4, -3, 3, 4))
    return fake


def build(seed: int, n_real: int, exclude: frozenset[str] = frozenset()
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    seeds = [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]
    served = [r for r in seeds if (r.get("doi") or r.get("pmid")) and r.get("volume") and r.get("pages")]
    real = corpus_records(rng, n_real, exclude)
    records = seeds + [rec for rec, _, _, _ in real]
    cases: list[dict[str, Any]] = []
    for rec in served:
        for style in STYLES:
            cases.append({"style": style, "raw": render(rec, style, rng), "expect": rec.get("doi") or rec["pmid"]})
    article_real = [rec for rec, _, _, _ in real if rec["container_abbrev"] and rec["volume"] and rec["pages"]]
    for rec in article_real[:60]:
        for style in rng.sample(STYLES, 3):
            cases.append({"style": style, "raw": render(rec, style, rng), "expect": rec["doi"]})
    for rec, string, source, _ in real:
        cases.append({"style": source, "raw": string, "expect": rec["doi"]})
    titles = [r["title"] for r in records if r.get("title")]
    for rec in rng.sample(served, 20) + rng.sample(article_real, min(40, len(article_real))):
        style = rng.choice(("vancouver", "apa", "mla", "nature", "abnt", "physics"))
        cases.append({"style": "fabricated", "raw": render(fabricated(rec, rng, titles), style, rng), "expect": None})
    for rec in rng.sample(served, 20):  # a real error: the year is wrong, and must be reported
        style = rng.choice(("vancouver", "apa", "nature", "physics", "abnt"))
        cases.append({"style": "wrong year", "raw": render({**rec, "year": rec["year"] + rng.choice((-3, 2))}, style,
                                                           rng), "expect": rec.get("doi") or rec["pmid"]})
    for i in range(10):
        rec = rng.choice(served)
        names = f"{rec['authors'][0]['family']} {_initials(rec['authors'][0]['given'], '')}"
        cases.append({"style": "preprint/dataset", "expect": "skipped", "raw": (
            f"{names}, et al. {rec['title']} (preprint). arXiv:{2001 + i}.{10000 + 37 * i} ({rec['year']})." if i % 2
            else f"{names}. Data for: {rec['title']}. Zenodo; {rec['year']}. doi:10.5281/zenodo.{4000000 + i}")})
    return records, cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=int, default=DEFAULT_REAL, help="real dev-split strings (default 200)")
    ap.add_argument("--seed", type=int, default=None, help=f"random seed (default {DEFAULT_SEED}; "
                    f"{HOLDOUT_SEED} with --holdout)")
    ap.add_argument("--holdout", action="store_true", help="the held-out variant: other real dev-split strings "
                    f"(none of the {DEFAULT_REAL} the default run draws) and another seed for the rendered styles")
    ap.add_argument("--show", type=int, default=0, help="print up to N misses")
    ap.add_argument("--grep", default="", help="only the strings containing this text (to look at a few)")
    args = ap.parse_args()
    exclude: frozenset[str] = frozenset()
    if args.holdout:
        exclude = frozenset(cid for _, _, _, cid in corpus_records(random.Random(DEFAULT_SEED), DEFAULT_REAL))
    seed = args.seed if args.seed is not None else HOLDOUT_SEED if args.holdout else DEFAULT_SEED
    records, cases = build(seed, args.real, exclude)
    cases = [c for c in cases if args.grep in c["raw"]]
    print(f"seed {seed}" + (f", held out: none of the {len(exclude)} real strings of the default run" if exclude
                            else " (the default run: its misses were read while writing the rules)"))
    with StandIn(records=records) as standin, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url,
                            mailto="bench@example.org", cache_dir=Path(tmp) / "cache", crossref_rps=500,
                            eutils_rps=500)
        resolver, _ = build_resolver(settings)
        started = time.perf_counter()
        resolutions = resolver.resolve_all([(c["raw"], parse_reference(c["raw"])) for c in cases])
        elapsed = time.perf_counter() - started
    per: dict[str, Counter[str]] = defaultdict(Counter)
    misses = []
    for case, res in zip(cases, resolutions, strict=True):
        c = per[case["style"]]
        c["n"] += 1
        matched = res.match.doi or res.match.pmid if res.match else None
        accepted = res.status in ("verified", "discrepant", "retracted")
        if case["expect"] == "skipped":
            c["skipped_right"] += res.status == "skipped"
            c["not_found"] += res.status == "not_found"
        elif case["expect"] is None:
            c["false_accept"] += accepted
        elif case["style"] == "wrong year":
            c["year_reported"] += any(d.field == "year" for d in res.discrepancies) and matched == case["expect"]
        else:
            c["positives"] += 1
            right = accepted and matched in (case["expect"],)
            c["right"] += right
            c["wrong_work"] += accepted and not right
            c["right_discrepant"] += right and res.status == "discrepant"
        if case["style"] == "wrong year":
            if not c["year_reported"] or res.status != "discrepant":
                misses.append((case["style"], res.status, case["raw"], []))
        elif (case["expect"] not in (None, "skipped") and not (accepted and matched == case["expect"])) or (
                case["expect"] is None and accepted) or (case["expect"] == "skipped" and res.status != "skipped") or (
                res.status == "discrepant" and case["expect"] not in (None, "skipped")):
            misses.append((case["style"], res.status, case["raw"], [(d.field, d.cited, d.actual)
                                                                   for d in res.discrepancies]))
    total: Counter[str] = Counter()
    print(f"{len(cases)} strings, {len(per)} styles/sources, {len(records)} stand-in records, {elapsed:.1f} s")
    print(f"{'style':<28}{'n':>5}{'recall':>9}{'wrong':>7}{'discr.':>8}{'fab. acc.':>11}{'skipped':>9}")
    for style in sorted(per):
        c = per[style]
        total.update(c)
        recall = f"{c['right'] / c['positives']:.3f}" if c["positives"] else "-"
        skipped = f"{c['skipped_right']}/{c['n']}" if style == "preprint/dataset" else "-"
        fab = f"{c['false_accept']}/{c['n']}" if style == "fabricated" else "-"
        if style == "wrong year":
            print(f"{style:<28}{c['n']:>5}  year reported as a discrepancy: {c['year_reported']}/{c['n']}")
            continue
        print(f"{style:<28}{c['n']:>5}{recall:>9}{c['wrong_work']:>7}{c['right_discrepant']:>8}{fab:>11}{skipped:>9}")
    accepted_all = total["right"] + total["wrong_work"] + total["false_accept"]
    precision = total["right"] / accepted_all if accepted_all else 1.0
    recall = total["right"] / total["positives"]
    print(f"all: recall {recall:.4f} ({total['right']}/{total['positives']}, target 0.97), precision {precision:.4f} "
          f"(target 0.99), right matches called discrepant {total['right_discrepant']} (target 0), fabricated "
          f"accepted {total['false_accept']}, preprints/datasets skipped {total['skipped_right']}/"
          f"{per['preprint/dataset']['n']} (not_found {total['not_found']})")
    for style, status, raw, disc in misses[: args.show]:
        print(f"  MISS {style}: {status} {disc} {raw[:160]}")


if __name__ == "__main__":
    main()
