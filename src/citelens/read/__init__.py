"""Read: an input file in, an `Article` (sections, claims with their cues, parsed references) out.

`article` reads text and Markdown articles and cuts them into sections, claims and the
reference list; `sentences` splits prose into sentences, keeps the claims and finds their
attribution cues; `inputs` finds batch inputs (files, folders, globs) and reads plain
reference lists, BibTeX, RIS and CSL-JSON; `formats` decides the reader of an input (content
first, then the extension): `pdf`, `html`, `docx`, `jats`, `tex`, `url` each hand blocks and
reference entries to `article.build_article`; `references/` parses each reference string into
fields and `references/segment` cuts a list's lines into entries.
"""

from __future__ import annotations

from citelens.read.article import parse_article, read_article_text, reading_references
from citelens.read.formats import load_document
from citelens.read.formats import load_document as load_article
from citelens.read.inputs import collect_paths, load_input
from citelens.read.references import (
    GROUP_WORDS,
    clear_parser_caches,
    expand_pages,
    parse_reference,
    strip_list_marker,
)
from citelens.read.sentences import split_sentences

__all__ = [
    "GROUP_WORDS", "clear_parser_caches", "collect_paths", "expand_pages", "load_article", "load_document",
    "load_input", "parse_article", "parse_reference", "read_article_text", "reading_references", "split_sentences",
    "strip_list_marker",
]
