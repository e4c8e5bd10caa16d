"""Model selection for the reference labeller on a held-out part of the TRAIN split (never dev).

    python bench/bench_parse_tune.py [--c1 X] [--c2 Y] [--iters N] [--tag NAME]

The train split of the three corpus files is cut in two: the holdout is every GROBID train
record whose source file has sha1 % 7 == 3 (whole files: styles the fit part never saw) plus
every anystyle train record whose id has sha1 % 7 == 3 (anystyle's files are one source each).
A model (and its author-list model) is trained on the rest with the given CRF parameters and
scored on the holdout the way `bench_parse_corpora.py` scores dev. Training parameters and
feature changes of the shipped model were chosen with this script; dev is only reported.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_parse_corpora import score, train_and_score
from citelens.read.references.train import CRF_PARAMS, DEFAULT_CORPORA, load_records


def _h(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 7


def in_holdout(record: dict) -> bool:
    if record["source"].startswith("kermitt2/grobid"):
        return _h(record["source"]) == 3
    return _h(record["id"]) == 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--c1", type=float, default=CRF_PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=CRF_PARAMS["c2"])
    parser.add_argument("--iters", type=int, default=CRF_PARAMS["max_iterations"])
    parser.add_argument("--minfreq", type=float, default=CRF_PARAMS["feature.minfreq"])
    parser.add_argument("--tag", default="")
    parser.add_argument("--save", type=Path, help="keep the trained model (and its author-list model) here")
    parser.add_argument("--model", type=Path, help="only score this already trained model on the holdout")
    args = parser.parse_args(argv)
    records = list(load_records(args.corpora))
    fit = [r for r in records if not in_holdout(r)]
    hold = [r for r in records if in_holdout(r)]
    params = dict(CRF_PARAMS, c1=args.c1, c2=args.c2, max_iterations=args.iters)
    params["feature.minfreq"] = args.minfreq
    took = 0.0
    if args.model is not None:
        tally, size = score(hold, args.model), args.model.stat().st_size
    else:
        tally, size, took = train_and_score(args.corpora, fit, hold, params=params, model=args.save)
    print(f"[{args.tag}] c1={args.c1} c2={args.c2} iters={args.iters} minfreq={args.minfreq}: fit {len(fit)}, "
          f"holdout {tally.n}; train {took:.0f} s CPU, model {size:,} bytes")
    print("\n".join(tally.rows()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
