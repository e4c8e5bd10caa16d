"""The reference parser: one printed reference string in, a `ParsedReference` (its fields) out.

`parse_reference` labels the string's tokens with a CRF trained on public labelled reference
strings (`tokens`, `features`, `tagger`, `names`, `fields`; the model files are in `model/`,
retrained by `python -m citelens.read.references.train`). `rules` is the earlier parser of
regular expressions: it still reads the identifiers (DOI, PMID, PMCID, URL) and the style, and
its reading is one of the labeller's features.
"""

from __future__ import annotations

from citelens.read.references.features import clear_caches as clear_parser_caches
from citelens.read.references.fields import GROUP_WORDS
from citelens.read.references.parse import parse_reference
from citelens.read.references.rules import expand_pages, strip_list_marker

__all__ = ["GROUP_WORDS", "clear_parser_caches", "expand_pages", "parse_reference", "strip_list_marker"]
