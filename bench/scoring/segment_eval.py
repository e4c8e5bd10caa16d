"""Score the reference segmenter on the GROBID reference-segmenter corpus: the share of
references whose cut (first and last character) is exactly the labelled one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from citelens.read.references.segment import segment_lines


def _find_corpus() -> Path:
    """shared/corpora lies beside the checkout (or beside a folder of worktrees)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "corpora" / "refs" / "grobid-refsegmenter.jsonl"
        if candidate.exists():
            return candidate
    return Path("shared/corpora/refs/grobid-refsegmenter.jsonl")


CORPUS = _find_corpus()
_HEADING_RE = re.compile(r"^\s*(?:\d+\.?\s*)?(?:references?|bibliography|literature\s+cited|literatur|"
                         r"refer[eê]ncias|bibliograf[ií]a|r[ée]f[ée]rences)\s*:?\s*$", re.I)


@dataclass
class SegmentScore:
    gold: int = 0
    exact: int = 0
    predicted: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.exact / self.gold if self.gold else 0.0


def load(split: str, path: Path = CORPUS) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == split]


def score_document(doc: dict, score: SegmentScore) -> None:
    text = doc["text"]
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    skip = {i for i, line in enumerate(lines) if _HEADING_RE.match(line)}
    entries = segment_lines(lines, skip=skip)
    predicted = set()
    for e in entries:
        start = offsets[e.first] + (len(lines[e.first]) - len(lines[e.first].lstrip()))
        end = offsets[e.last] + len(lines[e.last].rstrip())
        predicted.add((start, end))
    score.predicted += len(entries)
    for ref in doc["refs"]:
        span = text[ref["start"]: ref["end"]]
        start = ref["start"] + (len(span) - len(span.lstrip()))
        end = ref["start"] + len(span.rstrip())
        score.gold += 1
        if (start, end) in predicted:
            score.exact += 1
        elif len(score.misses) < 400:
            score.misses.append((doc["id"], span))


def score_split(split: str) -> SegmentScore:
    score = SegmentScore()
    for doc in load(split):
        score_document(doc, score)
    return score
