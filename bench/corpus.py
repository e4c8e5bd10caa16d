"""A benchmark corpus: generated bibliographic records plus the seed records, and references to them.

The records are synthetic (fixed seed, DOIs under the test prefix 10.5555, PMIDs from 98000000)
and exist only inside the loopback stand-in; the references cite them in several styles, with a
share of wrong fields and of references to works that do not exist.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "standin" / "data" / "seed-works.jsonl"

_WORDS = ("oxytocin vasopressin cortisol receptor polymorphism attachment empathy trust stress anxiety depression "
          "bonding memory amygdala hypothalamus estrogen testosterone serotonin dopamine infant maternal paternal "
          "social support behavior cognition reward fear learning adolescence aging sleep inflammation immune "
          "microbiome neural circuit signaling expression methylation variant genotype cohort trial placebo "
          "intranasal administration response reactivity resilience loneliness touch gaze face recognition").split()
_FAMILIES = ("Andersen Baker Castro Dubois Eriksson Fischer Garcia Hansen Ito Jensen Kowalski Larsen Moreau Novak "
             "Olsen Petrov Quinn Rossi Schmidt Tanaka Ueda Varga Weber Xu Young Zhang Nakamura Silva Costa "
             "Lindqvist Horvath Bauer Keller Meyer Richter Wolf Hofmann Braun Lange Krause").split()
_JOURNALS = (("Journal of Social Neuroendocrinology", "J Soc Neuroendocr"),
             ("Hormones and Affiliative Behavior", "Horm Affil Behav"),
             ("Psychoneuroendocrinology Research", "Psychoneuroendocr Res"),
             ("Developmental Neurobiology Letters", "Dev Neurobiol Lett"),
             ("Clinical Stress Medicine", "Clin Stress Med"),
             ("Behavioural Genetics Reports", "Behav Genet Rep"))
_PREFIXES = ("Effects of", "The role of", "Association between", "Variation in", "A randomized trial of",
             "Neural correlates of", "Longitudinal study of", "Sex differences in")


_SYLLABLES = ("ka ri to mi ne sa lo vu de pa gi ro te bi na cu fe ho ja le mo ni po qui ra se ti "
              "va xe yo zu").split()


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Pseudo-words beyond the shared core words: real titles have a long tail of rare terms."""
    words: list[str] = []
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in words:
            words.append(word)
    return words


_TAIL = _vocabulary(random.Random(7))
_MANY_FAMILIES = [w.capitalize() for w in _vocabulary(random.Random(8), 3000)]  # a review has many surnames


def _title_words(rng: random.Random, large: bool) -> list[str]:
    if not large:
        return rng.sample(_WORDS, 5)
    core = rng.sample(_WORDS, 2)
    tail = [_TAIL[min(len(_TAIL) - 1, int(rng.paretovariate(0.7)) * 7 + rng.randrange(7))] for _ in range(3)]
    return [core[0], tail[0], core[1], tail[1], tail[2]]


def generated_records(n: int, rng: random.Random, *, large_vocabulary: bool = False) -> list[dict[str, Any]]:
    records = []
    for i in range(n):
        words = _title_words(rng, large_vocabulary)
        title = f"{rng.choice(_PREFIXES)} {words[0]} and {words[1]} in {words[2]} {words[3]} {words[4]} rs{700000 + i}"
        journal, abbrev = rng.choice(_JOURNALS)
        start = rng.randint(1, 900)
        kind = rng.random()
        records.append({
            "doi": f"10.5555/bench.{i:04d}" if kind < 0.95 else None,
            "pmid": str(98000000 + i) if kind < 0.7 or kind >= 0.95 else None,
            "pmcid": None, "title": title,
            "authors": [{"family": f, "given": rng.choice("ABCDEFGHJKLMNPRST") + rng.choice(["", "J", "M", "K"])}
                        for f in rng.sample(_MANY_FAMILIES if large_vocabulary else _FAMILIES, rng.randint(1, 6))],
            "container_title": journal, "container_abbrev": abbrev, "issn": None, "publisher": "Bench Press",
            "type": "journal-article", "volume": str(rng.randint(1, 60)), "issue": str(rng.randint(1, 12)),
            "pages": f"{start}-{start + rng.randint(5, 20)}", "year": rng.randint(1995, 2024),
            "published": None, "epub": None, "abstract": f"We studied {words[0]} and {words[1]}.",
            "publication_types": ["Journal Article"], "keywords": [], "retracted": False, "sources": [],
        })
    return records


def _initials(given: str) -> str:
    return "".join(ch for ch in given if ch.isupper())


def render(record: dict[str, Any], style: str, *, cite_doi: bool) -> str:
    authors = record["authors"]
    first, last = (record["pages"] or "-").split("-")[0], (record["pages"] or "-").split("-")[-1]
    doi = f" doi:{record['doi']}" if cite_doi and record.get("doi") else ""
    title, journal, abbrev = record["title"], record["container_title"], record["container_abbrev"] or \
        record["container_title"]
    vol, iss, year = record["volume"] or "", record["issue"] or "", record["year"]
    if style == "vancouver":
        names = ", ".join(f"{a['family']} {_initials(a['given'])}" for a in authors[:6])
        return f"{names}. {title}. {abbrev}. {year};{vol}({iss}):{first}-{last}.{doi}"
    if style == "apa":
        names = ", ".join(f"{a['family']}, {'. '.join(_initials(a['given']))}." for a in authors)
        return f"{names} ({year}). {title}. {journal}, {vol}({iss}), {first}\u2013{last}.{doi}"
    if style == "mla":
        names = f"{authors[0]['family']}, {authors[0]['given']}" + (", et al" if len(authors) > 1 else "")
        return f"{names}. \u201c{title}.\u201d {journal}, vol. {vol}, no. {iss}, {year}, pp. {first}-{last}.{doi}"
    names = ", ".join(f"{a['family']}, {'. '.join(_initials(a['given']))}." for a in authors[:5])
    return f"{names} {title}. {abbrev} {vol}, {first}\u2013{last} ({year}).{doi}"


def corpus(n_refs: int = 500, seed: int = 2026, *, large_vocabulary: bool = False
           ) -> tuple[list[dict[str, Any]], list[str]]:
    """(records for the stand-in, reference strings): 75% right, 15% with a wrong field, 10% invented."""
    rng = random.Random(seed)
    seed_records = [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]
    generated = generated_records(max(0, n_refs - 20), rng, large_vocabulary=large_vocabulary)
    records = seed_records + generated
    citable = [r for r in records if r.get("doi") or r.get("pmid")]
    styles = ("vancouver", "apa", "mla", "nature")
    refs = []
    for i in range(n_refs):
        record = dict(rng.choice(citable)) if i >= len(citable) else dict(citable[i])
        roll = rng.random()
        if roll < 0.10:  # a work that does not exist
            record = generated_records(1, rng)[0]
            record["title"] = "Invented " + record["title"].lower()
            record["doi"] = None
        elif roll < 0.17:
            record["year"] = (record["year"] or 2000) + rng.choice((-2, -1, 1, 2))
        elif roll < 0.25 and record["authors"]:
            record["authors"] = [{"family": rng.choice(_FAMILIES), "given": "Q"}] + record["authors"][1:]
        refs.append(render(record, styles[i % len(styles)], cite_doi=rng.random() < 0.2))
    return records, refs


_CLAIM_FORMS = ("marker", "author_year", "named", "journal", "study", "anaphora", "none")


def _claim(record: dict[str, Any], number: int, form: str, rng: random.Random) -> str:
    words = record["title"].split()
    topic = " ".join(w for w in words if w.lower() not in {"of", "and", "in", "the", "a", "between"})[:90]
    family = record["authors"][0]["family"] if record["authors"] else "Andersen"
    finding = rng.choice(("is linked to", "predicts", "modulates", "is reduced by", "rises with"))
    if form == "marker":
        return f"The {topic.lower()} {finding} later outcomes [{number}]."
    if form == "author_year":
        return f"The {topic.lower()} {finding} later outcomes ({family} et al., {record['year']})."
    if form == "named":
        return f"{family} and colleagues showed that {topic.lower()} {finding} later outcomes."
    if form == "journal":
        return f"A report published in the {record['container_title']} found that {topic.lower()} {finding} stress."
    if form == "study":
        return f"One study found that {topic.lower()} {finding} later outcomes in adults."
    if form == "anaphora":
        return "The researchers also reported effects that lasted for months."
    return f"Many readers feel that {rng.choice(_WORDS)} and {rng.choice(_WORDS)} matter for daily life."


def review_article(n_refs: int, n_claims: int | None = None, seed: int = 2026,
                   odd_dois: float = 0.02) -> tuple[list[dict[str, Any]], list[str], str]:
    """(records, reference strings, article text): a review citing `n_refs` references, numbered,
    with `n_claims` claims (default one per reference) mixing markers (four-digit ones too), author-year
    cues, named authors, journal cues, study cues, anaphora and uncited sentences. A share of cited DOIs
    carry what follows a DOI in print (`,arxiv`, `.pdf`, `)`)."""
    rng = random.Random(seed + 1)
    records, refs = corpus(n_refs, seed, large_vocabulary=True)
    cited = []
    for raw in refs:
        if " doi:" in raw and rng.random() < odd_dois * 5:
            raw = raw.rstrip(".") + rng.choice((",arxiv", ".pdf", ")"))
        cited.append(raw)
    by_title = {r["title"]: r for r in records}
    by_rs = {m.group(1): r for r in records if (m := re.search(r"rs(\d{6})$", r["title"]))}
    n_claims = n_refs if n_claims is None else n_claims
    paragraphs, sentences = [], []
    for i in range(n_claims):
        number = rng.randint(1, n_refs)
        raw = cited[number - 1]
        record = next((r for t, r in by_title.items() if t in raw), None) if n_refs <= 200 else None
        m = re.search(r"rs(\d{6})", raw)
        record = record or (by_rs.get(m.group(1)) if m else None) or rng.choice(records)
        sentences.append(_claim(record, number, _CLAIM_FORMS[i % len(_CLAIM_FORMS)], rng))
        if len(sentences) == 5:
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    body = "\n\n".join(paragraphs)
    listing = "\n".join(f"{n}. {raw}" for n, raw in enumerate(cited, 1))
    return records, cited, f"# A synthetic review of {n_refs} references\n\n{body}\n\n## References\n\n{listing}\n"
