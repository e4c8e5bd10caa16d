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
from .features import RULE_HINTS, rule_hints, sequence_features
from .fields import fill, spans_from_labels
from .names import rule_name_hints, with_hints
from .rules import parse_reference as parse_with_rules
from .tagger import lexicon, tag, tag_names
from .tokens import tokenize

_LIST_MARKER_RE = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]\s+|\[\d{1,5}\]\s*|\(\d{1,5}\)\s+|\d{1,5}[.)]\s+)?")


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
    features = sequence_features(tokens, hints, lexicon(model))
    spans = spans_from_labels(tokens, tag(features, model))

    def names(lo: int, hi: int) -> list[str]:
        hints = rule_name_hints(raw, tokens[lo:hi], rules.authors)
        return tag_names(with_hints(features[lo:hi], hints), model)

    fill(parsed, raw, spans, tokens, names)
    _fall_back_on_rules(parsed, rules, raw, spans)
    for name in ("title", "container_title"):
        value = getattr(parsed, name)
        if value:
            setattr(parsed, name, unicodedata.normalize("NFC", value))
    parsed.spans = spans
    return parsed


def _fall_back_on_rules(parsed: ParsedReference, rules: ParsedReference, raw: str, spans: list[tuple[str, int, int]]
                        ) -> None:
    """Where the labeller left a field out and the rules' reading fits inside what it did label, take the rules'.

    - no author span, but the rules read an author list (a group author such as "World Health
      Organization", which GROBID's data labels an organisation) that starts the string;
    - no container, but the rules split the labelled title into a title and a container
      ("Oxytocin receptor. Wikipedia").
    """
    if not parsed.authors and rules.authors and spans and spans[0][0] in ("other", "publisher", "note"):
        first = raw[spans[0][1]: spans[0][2]]
        if rules.authors[0].family and first.startswith(rules.authors[0].family):
            parsed.authors, parsed.et_al = list(rules.authors), rules.et_al
    if parsed.container_title is None and parsed.title and rules.title and rules.container_title \
            and parsed.title.startswith(rules.title) and parsed.title.endswith(rules.container_title) \
            and len(rules.title) < len(parsed.title):
        parsed.title, parsed.container_title = rules.title, rules.container_title
