"""The stand-in's indexes give exactly the answers of a scan over every record.

ESearch terms, ECitMatch lines and Crossref searches are answered from inverted indexes (so a
10,000-record benchmark is fast); here each answer is compared with the plain scan over all
records (`search.esearch`, `search.ecitmatch_line`, `CrossrefIndex.score` on every record) for
many queries built from the seed records and from synthetic ones.
"""

from __future__ import annotations

import random

try:
    from tests.standin import load_records
    from tests.standin.records import merge_records, split_pages
    from tests.standin.search import CrossrefIndex, PubMedIndex, ecitmatch_line, esearch
except ImportError:  # plain `pytest` puts tests/ itself (not the repo root) on sys.path
    from standin import load_records  # type: ignore[no-redef]
    from standin.records import merge_records, split_pages  # type: ignore[no-redef]
    from standin.search import CrossrefIndex, PubMedIndex, ecitmatch_line, esearch  # type: ignore[no-redef]

_WORDS = "oxytocin stress trust receptor anxiety the of social gene cortisol memory sleep brain".split()
_FAMILIES = ["Chen", "van der Berg", "Smith", "O'Neil", "Müller", "Li", "Heinrichs"]


def _records() -> list[dict]:
    rng = random.Random(5)
    records = load_records()
    for i in range(300):
        records.append({
            "doi": f"10.5555/idx.{i}" if i % 7 else None,
            "pmid": str(99000000 + i) if i % 3 else None,
            "title": " ".join(rng.choice(_WORDS) for _ in range(6)),
            "abstract": " ".join(rng.choice(_WORDS) for _ in range(8)) if i % 2 else None,
            "keywords": [rng.choice(_WORDS)] if i % 5 == 0 else [],
            "authors": [{"family": rng.choice(_FAMILIES), "given": rng.choice(["F S", "Anna", "J"])}
                        for _ in range(rng.randint(1, 3))],
            "container_title": rng.choice(["The Journal of Stress", "Brain", "Sleep Research"]),
            "container_abbrev": rng.choice(["J Stress", None]),
            "issn": ["1234-5678"] if i % 4 == 0 else [],
            "volume": str(rng.randint(1, 5)), "issue": str(rng.randint(1, 3)),
            "pages": f"{rng.randint(1, 50)}-{rng.randint(51, 90)}", "year": rng.randint(2000, 2004),
            "type": "journal-article",
        })
    return merge_records([], records)


def _terms(records: list[dict], rng: random.Random) -> list[str]:
    terms = []
    for r in rng.sample(records, 20):
        words = (r.get("title") or "").split()
        family = (r.get("authors") or [{"family": "Nobody"}])[0]["family"]
        terms += [
            " AND ".join(f"{w}[ti]" for w in words[:3]),
            f'"{" ".join(words[1:3])}"[ti] AND {family}[1au]',
            f"{family}[au] AND {r.get('year')}[dp]",
            f"{r.get('doi') or '10.1/x'}[doi] OR {r.get('pmid') or '1'}[pmid]",
            f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}",
            f"{rng.choice(_WORDS)}[tiab] NOT {rng.choice(_WORDS)}[ti]",
            f"({rng.choice(_WORDS)}[ab] OR {rng.choice(_WORDS)}[mh]) AND {r.get('volume')}[vi]",
            f"{r.get('container_title')}[ta] AND {family}",
            f"{family.lower()} {(r.get('authors') or [{}])[0].get('given', '')[:1]}[au]",
            f"1234-5678[journal] AND {r.get('pages')}[pg]",
            "the[ti]",
            f"NOT {rng.choice(_WORDS)}[ti]",
            " OR ".join(f"{x.get('doi')}[doi]" for x in rng.sample(records, 5) if x.get("doi")),
        ]
    return terms


def test_esearch_from_the_index_equals_the_scan() -> None:
    records = _records()
    index = PubMedIndex(records)
    rng = random.Random(11)
    terms = _terms(records, rng)
    found = 0
    for term in terms:
        hits, translation = index.esearch(term)
        assert (hits, translation) == esearch(records, term), term
        found += bool(hits)
    assert found > len(terms) // 3  # the comparison is not between empty answers only


def test_ecitmatch_from_the_index_equals_the_scan() -> None:
    records = _records()
    index = PubMedIndex(records)
    rng = random.Random(12)
    lines = ["", "  ", "Nature|||||k0|", "Unknown Journal|2001|3|5|Chen F|k1|"]
    for n, r in enumerate(rng.sample([r for r in records if r.get("pmid")], 80)):
        first, _ = split_pages(r.get("pages"))
        author = (r.get("authors") or [{"family": ""}])[0]
        journal = rng.choice([r.get("container_title") or "", r.get("container_abbrev") or "", "",
                              (r.get("container_title") or "").upper(), "1234-5678"])
        year = rng.choice([str(r.get("year") or ""), "", "1999"])
        volume = rng.choice([str(r.get("volume") or ""), ""])
        page = rng.choice([first or "", ""])
        name = rng.choice([f"{author['family']} {(author.get('given') or ' ')[0]}", author["family"], ""])
        lines.append(f"{journal}|{year}|{volume}|{page}|{name}|k{n}|")
    answers = [index.ecitmatch_line(line) for line in lines]
    assert answers == [ecitmatch_line(records, line) for line in lines]
    assert sum(1 for a in answers if a and a.rsplit("|", 1)[1].isdigit()) > 10


def test_crossref_scores_from_the_index_equal_the_scan() -> None:
    records = [r for r in _records() if r.get("doi")]
    index = CrossrefIndex(records)
    rng = random.Random(13)
    for r in rng.sample(records, 40):
        family = (r.get("authors") or [{"family": "x"}])[0]["family"]
        for queries in ({"query.bibliographic": f"{family} {r.get('title')} {r.get('year')} {r.get('volume')}"},
                        {"query.author": family, "query.container-title": r.get("container_title") or ""},
                        {"query": rng.choice(_WORDS), "query.editor": family},
                        {"query.bibliographic": "of the"}):
            scan = {i: index.score(i, queries) for i in range(len(records))}
            assert index.scores(queries) == {i: s for i, s in scan.items() if s > 0}


def test_merge_records_replaces_by_doi_or_pmid_in_order() -> None:
    base = [{"doi": "10.1/a", "pmid": "1", "title": "a"}, {"doi": "10.1/b", "pmid": "2", "title": "b"},
            {"doi": None, "pmid": "3", "title": "c"}]
    extra = [{"doi": "10.1/B", "pmid": None, "title": "b2"}, {"doi": None, "pmid": "1", "title": "a2"},
             {"doi": "10.1/d", "pmid": "3", "title": "c2"}, {"doi": "10.1/d", "pmid": None, "title": "c3"}]
    assert [r["title"] for r in merge_records(base, extra)] == ["b2", "a2", "c3"]
