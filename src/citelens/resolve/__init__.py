"""Resolve: parsed references in, a `Resolution` (verdict, matched `Work`, discrepancies) out.

`http` is the fetcher every request goes through (on-disk cache, per-host rate limits,
retries honouring Retry-After); `crossref` (habanero) and `pubmed` (E-utilities over httpx,
parsed by Bio.Entrez) are the API clients; `works` turns their messages into `Work`
records; `matching` compares a cited reference with a candidate work field by field;
`resolver` is the plan of lookups over many references; `state` holds what is known about
one reference meanwhile and turns it into its verdict.
"""

from __future__ import annotations

from citelens.resolve.crossref import CrossrefClient
from citelens.resolve.http import Fetcher, RateLimit, ResponseCache, Stats
from citelens.resolve.matching import container_matches, family_key
from citelens.resolve.pubmed import PubMedClient
from citelens.resolve.resolver import Progress, Resolver, stage_fraction

__all__ = [
    "CrossrefClient", "Fetcher", "Progress", "PubMedClient", "RateLimit", "Resolver", "ResponseCache", "Stats",
    "container_matches", "family_key", "stage_fraction",
]
