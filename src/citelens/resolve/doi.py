"""DOIs checked and normalised before any lookup.

A DOI read from a reference string may carry what followed it in print: trailing punctuation,
a closing parenthesis, a file suffix (`.pdf`), a repository tag (`,arxiv`), a URL fragment or
query. Sent as it is, such a DOI costs a lookup that cannot succeed, and inside Crossref's
comma-separated `filter=doi:a,doi:b` it makes the whole batch fail with HTTP 400 (`arxiv` reads
as a filter name). `normalise_doi` strips what cannot belong to the DOI and checks the syntax
(`10.` + registrant code of 4-9 digits + `/` + a suffix without spaces, commas or quotes);
what is left is lower case, as Crossref and PubMed compare DOIs.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_PREFIX_RE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi\s*:\s*|doi\s+|urn:doi:)", re.I)
_DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s,\"{}|\\^`]+$")
# what follows a DOI in print but is not part of it
_TAIL_RES = (
    re.compile(r",\s*\S*$"),  # ",arxiv" (a ";" may belong to the DOI: 10.1002/(SICI)...;2-Q)
    re.compile(r"[?#].*$"),  # URL query or fragment
    re.compile(r"\.(?:pdf|html?|xml|full|abstract|epub)$", re.I),  # a file or landing-page suffix
    re.compile(r"/(?:full|abstract|pdf|epdf|meta)$", re.I),  # publisher landing-page paths
)
_TRAILING_PUNCT = ".,;:'\"]>}\u201d\u2019\u00bb"


def _strip_tail(doi: str) -> str:
    while True:
        before = doi
        doi = doi.rstrip(_TRAILING_PUNCT)
        while doi.endswith(")") and doi.count("(") < doi.count(")"):
            doi = doi[:-1]
        for tail in _TAIL_RES:
            doi = tail.sub("", doi)
        if doi == before:
            return doi


def normalise_doi(doi: str | None) -> str | None:
    """The DOI as lookups want it (lower case, without prefix and printed trailings), or None if invalid."""
    if not doi:
        return None
    text = unquote(doi.strip())
    text = _PREFIX_RE.sub("", text).strip()
    text = _strip_tail(text)
    if not _DOI_RE.match(text):
        return None
    return text.lower()


def is_valid_doi(doi: str) -> bool:
    """Syntactically a DOI as it stands (already normalised: no prefix, nothing trailing)."""
    return bool(_DOI_RE.match(doi.strip()))
