"""Score the reference parser against a labelled set: field-level accuracy, per style and per field."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citelens.read.references import parse_reference

FIELDS = ("authors", "et_al", "title", "container_title", "volume", "issue", "pages", "year", "doi", "pmid",
          "pmcid", "url")


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [(_norm(a.get("family")), _norm(a.get("given"))) for a in value]
    return value


@dataclass
class Score:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    by_style: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.total.values()))

    def field_accuracy(self) -> dict[str, float]:
        return {f: self.right[f] / self.total[f] for f in FIELDS if self.total[f]}

    def style_accuracy(self) -> dict[str, float]:
        return {s: c["right"] / c["total"] for s, c in sorted(self.by_style.items())}


def load_labelled(paths: Iterable[Path]) -> list[dict[str, Any]]:
    entries = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            entries.extend(json.loads(line) for line in fh if line.strip())
    return entries


def score(entries: list[dict[str, Any]]) -> Score:
    result = Score()
    for entry in entries:
        got = parse_reference(entry["raw"]).to_dict()
        style = result.by_style.setdefault(entry["style"], Counter())
        for name in FIELDS:
            expected = _norm(entry["expected"].get(name))
            actual = _norm(got.get(name))
            ok = expected == actual
            result.total[name] += 1
            style["total"] += 1
            if ok:
                result.right[name] += 1
                style["right"] += 1
            else:
                result.errors.append({"id": entry["id"], "field": name, "expected": expected, "got": actual})
    return result
