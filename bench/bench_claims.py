"""Claim verdicts: Check-COVID dev (abstract level) and the project's own labelled claims; speed.

    python bench/bench_claims.py [--corpus ../shared/corpora/claims] [--skip-labelled] [--train-cv]

`--train-cv` scores the judge on Check-COVID **train** only, by cross-validation (two folds grouped
by cited abstract: refitted on one, scored on the other, thresholds chosen on the out-of-fold
predictions), with the same figures; every choice of features, rules and thresholds is made there.

Check-COVID dev (never used for training or tuning): every distinct (claim, cited abstract)
pair with its `abstract_label` (supports / refutes), plus each distinct dev claim paired with one
dev abstract it does not cite, chosen by a hash of the claim ("not enough info", what a wrong
citation looks like). A second NEI set, each claim with the uncited dev abstract that shares most
of its terms, is reported beside it. Status -> class: supported = supports, contradicted =
refutes, anything else (partial, no_evidence) = not enough info.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from citelens.claims.judge import judge, load_model, source_sentences  # noqa: E402
from citelens.claims.qualifiers import qualifier_differences  # noqa: E402
from citelens.claims.terms import terms  # noqa: E402
from citelens.claims.train_judge import (  # noqa: E402
    Pair,
    find_corpus,
    load_split,
    make_pairs,
    split_weights,
    train_cv,
)

STATUS_ORDER = ("supported", "contradicted", "partial", "no_evidence")
GOLDS = ("supports", "refutes", "nei")
AS_CLASS = {"supported": "supports", "contradicted": "refutes"}


def run_pairs(pairs: list[Pair], corpus: dict, weights) -> tuple[list[str], list[list[int]], float]:
    model = load_model()
    sources = {i: source_sentences(doc["sentences"]) for i, doc in corpus.items()}
    statuses, evidence = [], []
    start = time.perf_counter()
    for p in pairs:
        doc = corpus[p.source_id]
        quals = qualifier_differences(p.claim, " ".join(doc["sentences"]))
        j = judge(p.claim, terms(p.claim), sources[p.source_id], weights, quals, model)
        statuses.append(j.status)
        evidence.append([r.sentence.position for r in j.evidence])
    return statuses, evidence, time.perf_counter() - start


def report(title: str, pairs: list[Pair], statuses: list[str], evidence: list[list[int]]) -> dict[str, float]:
    golds = [p.gold for p in pairs]
    confusion = Counter(zip(golds, statuses, strict=True))
    print(f"\n{title}: {len(pairs)} pairs ({', '.join(f'{g} {golds.count(g)}' for g in GOLDS)})")
    print("  gold \\ status  " + "".join(f"{s:>14}" for s in STATUS_ORDER))
    for g in GOLDS:
        print(f"  {g:<14} " + "".join(f"{confusion[(g, s)]:>14}" for s in STATUS_ORDER))
    predicted = [AS_CLASS.get(s, "nei") for s in statuses]
    f1s = []
    for c in GOLDS:
        tp = sum(g == c and p == c for g, p in zip(golds, predicted, strict=True))
        fp = sum(g != c and p == c for g, p in zip(golds, predicted, strict=True))
        fn = sum(g == c and p != c for g, p in zip(golds, predicted, strict=True))
        f1s.append(2 * tp / max(1, 2 * tp + fp + fn))
    n_sup = sum(s == "supported" for s in statuses)
    n_con = sum(s == "contradicted" for s in statuses)
    figures = {
        "supported_precision": confusion[("supports", "supported")] / max(1, n_sup),
        "supports_recall": confusion[("supports", "supported")] / max(1, golds.count("supports")),
        "refutes_caught": confusion[("refutes", "contradicted")] / max(1, golds.count("refutes")),
        "contradicted_precision": confusion[("refutes", "contradicted")] / max(1, n_con),
        "macro_f1": sum(f1s) / 3,
    }
    with_rationale = [(p, ev) for p, ev in zip(pairs, evidence, strict=True) if p.gold != "nei" and p.rationale]
    figures["rationale_top3"] = sum(any(i in p.rationale for i in ev[:3]) for p, ev in with_rationale) / max(
        1, len(with_rationale))
    print(f"  supported precision {figures['supported_precision']:.3f} ({n_sup} supported; target 0.90)")
    print(f"  supports recall {figures['supports_recall']:.3f} (target 0.55)")
    print(f"  refutes caught as contradicted {figures['refutes_caught']:.3f} (target 0.70), contradicted precision "
          f"{figures['contradicted_precision']:.3f} ({n_con} contradicted; target 0.85)")
    print(f"  3-class macro-F1 {figures['macro_f1']:.3f} (per class " + ", ".join(
        f"{c} {f:.3f}" for c, f in zip(GOLDS, f1s, strict=True)) + "; target 0.75)")
    print(f"  gold rationale among the top-3 evidence sentences {figures['rationale_top3']:.3f} "
          f"({len(with_rationale)} pairs; target 0.80)")
    return figures


def checkcovid(corpus_dir: Path) -> None:
    rows, corpus = load_split(corpus_dir, "dev")
    weights = split_weights(rows, corpus)
    for nei, title in ((("hashed",), "Check-COVID dev, NEI = a hashed uncited abstract"),
                       (("nearest",), "Check-COVID dev, NEI = the nearest uncited abstract")):
        pairs = make_pairs(rows, corpus, weights, nei=nei)
        statuses, evidence, seconds = run_pairs(pairs, corpus, weights)
        report(title, pairs, statuses, evidence)
        print(f"  {len(pairs)} claim-abstract pairs judged in {seconds:.2f} s")
    # 1,000 claims, each against its cited abstract
    cited = [p for p in make_pairs(rows, corpus, weights, nei=()) if p.kind == "cited"]
    thousand = (cited * (1000 // len(cited) + 1))[:1000]
    _, _, seconds = run_pairs(thousand, corpus, weights)
    print(f"\nspeed: 1,000 claims judged against their abstracts in {seconds:.2f} s (target < 10 s)")


def checkcovid_train_cv(corpus_dir: Path) -> None:
    start = time.process_time()
    pairs, _, judged = train_cv(corpus_dir)
    seconds = time.process_time() - start
    print(f"train-CV: {len(pairs)} train pairs featurised, fitted and judged in {seconds:.1f} s CPU")
    for kind in ("hashed", "nearest"):
        keep = [i for i, p in enumerate(pairs) if p.kind in ("cited", kind)]
        report(f"Check-COVID train-CV, NEI = {'a hashed' if kind == 'hashed' else 'the nearest'} uncited abstract",
               [pairs[i] for i in keep], [judged[i].status for i in keep],
               [[r.sentence.position for r in judged[i].evidence] for i in keep])


def labelled() -> None:
    import tempfile
    from collections import defaultdict

    from standin import StandIn

    from bench.scoring.link_eval import LinkScore, load_labels, score_article
    from citelens.claims.evidence import assess_article
    from citelens.pipeline import check_article
    from citelens.settings import Settings
    from citelens.store import Store

    labels = load_labels(ROOT / "tests" / "data" / "claim_links.jsonl")
    by_article = defaultdict(list)
    for label in labels:
        by_article[label["article"]].append(label)
    total = LinkScore()
    with StandIn() as standin, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url,
                            mailto="bench@example.org", cache_dir=Path(tmp) / "cache", crossref_rps=200,
                            eutils_rps=200)
        store = Store(Path(tmp) / "bench.db")
        timings = {}
        for article, article_labels in by_article.items():
            result = check_article(ROOT / article, store, settings)
            stored = store.load(result.article_id)
            total.add(score_article(stored, article_labels))
            start = time.perf_counter()
            for _ in range(5):
                assess_article(stored)
            timings[article] = (time.perf_counter() - start) / 5, len(stored.claims)
    print(f"\nproject labels: {total.labelled} claims, {total.tp + total.fn} labelled links; link precision "
          f"{total.precision:.3f}, recall {total.recall:.3f}; status accuracy {total.status_accuracy:.3f}")
    print("  labelled \\ automatic: " + "; ".join(f"{e} -> {g}: {n}" for (e, g), n in sorted(
        total.confusion.items(), key=lambda x: -x[1])))
    sup = sum(n for (e, g), n in total.confusion.items() if g == "supported")
    right = total.confusion[("supported", "supported")]
    print(f"  supported precision {right / max(1, sup):.3f} ({sup} supported), recall of labelled supported "
          f"{right / max(1, sum(n for (e, _), n in total.confusion.items() if e == 'supported')):.3f}")
    for article, (seconds, n) in timings.items():
        print(f"  {article}: {n} claims linked and assessed in {seconds:.3f} s (target < 0.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--skip-labelled", action="store_true")
    parser.add_argument("--train-cv", action="store_true", help="cross-validate on train only (never dev)")
    args = parser.parse_args()
    if args.train_cv:
        checkcovid_train_cv(args.corpus or find_corpus())
        return
    checkcovid(args.corpus or find_corpus())
    if not args.skip_labelled:
        labelled()


if __name__ == "__main__":
    main()
