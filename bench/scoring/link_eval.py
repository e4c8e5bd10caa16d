"""Score claim links and claim statuses against a labelled set (tests/data/claim_links.jsonl)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citelens.store import StoredArticle


@dataclass
class LinkScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    status_right: int = 0
    labelled: int = 0
    missing_claims: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)

    @property
    def status_accuracy(self) -> float:
        return self.status_right / max(1, self.labelled)

    def add(self, other: LinkScore) -> None:
        for name in ("tp", "fp", "fn", "status_right", "labelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missing_claims += other.missing_claims
        self.errors += other.errors
        self.confusion.update(other.confusion)


def load_labels(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_article(stored: StoredArticle, labels: list[dict[str, Any]]) -> LinkScore:
    result = LinkScore()
    by_text = {" ".join(c.claim.text.split()): c for c in stored.claims}
    for label in labels:
        claim = by_text.get(" ".join(label["claim"].split()))
        if claim is None:
            result.missing_claims.append(label["claim"])
            result.fn += len(label["references"])
            result.labelled += 1
            continue
        expected, got = set(label["references"]), set(claim.references)
        result.tp += len(expected & got)
        result.fp += len(got - expected)
        result.fn += len(expected - got)
        result.labelled += 1
        result.status_right += claim.status == label["status"]
        result.confusion[(label["status"], claim.status or "none")] += 1
        if expected != got or claim.status != label["status"]:
            result.errors.append({"claim": label["claim"][:100], "expected": sorted(expected), "got": sorted(got),
                                  "status": label["status"], "got_status": claim.status,
                                  "links": claim.links, "notes": claim.notes})
    return result
