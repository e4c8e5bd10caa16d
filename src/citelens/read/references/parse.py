"""Parse one reference string with the learned labeller.

The CRF labels every token (author, title, container_title, volume, issue, pages, date,
publisher, editor, ...); `fields` turns the labelled spans into a `ParsedReference`.
Identifiers (DOI, PMID, PMCID, URL) are taken by the deterministic rules, which check their
form, and the rules also name the citation style.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ...records import ParsedReference
from .rules import parse_reference as parse_with_rules
from .features import RULE_HINTS, rule_hints
from .fields import fill, spans_from_labels
from .features import sequence_features
from .names import rule_name_hints, with_hints
from .tagger import tag, tag_names
from .tokens import tokenize

_LIST_MARKER_RE = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]\s+|\[\d{1,4}\]\s*|\(\d{1,4}\)\s+|\d{1,4}[.)]\s+)?")


def parse_reference(raw: str, model: Path | None = None) -> ParsedReference:
    """Parse one reference string into its fields. Never raises; missing fields stay None.

    `model` is another model file to label with (the benchmarks' source-split model); default the shipped one.
    """
    rules = parse_with_rules(raw)
    parsed = ParsedReference(doi=rules.doi, pmid=rules.pmid, pmcid=rules.pmcid, url=rules.url, style=rules.style)
    start = _LIST_MARKER_RE.match(raw).end()  # type: ignore[union-attr]  # the pattern matches the empty string
    tokens = tokenize(raw[start:], offset=start)
    if not tokens:
        return parsed
    hints = rule_hints(raw, tokens, rules) if RULE_HINTS else None
    features = sequence_features(tokens, hints)
    spans = spans_from_labels(tokens, tag(features, model))

    def names(lo: int, hi: int) -> list[str]:
        hints = rule_name_hints(raw, tokens[lo:hi], rules.authors)
        return tag_names(with_hints(features[lo:hi], hints), model)

    fill(parsed, raw, spans, tokens, names)
    for name in ("title", "container_title"):
        value = getattr(parsed, name)
        if value:
            setattr(parsed, name, unicodedata.normalize("NFC", value))
    parsed.spans = spans
    return parsed
