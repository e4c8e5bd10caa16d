"""Claims: a stored article (claims and resolved references) in, an `Assessment` per claim out.

`links` links each claim to the references that back it (markers, author/journal/year
cues, paragraph context, content alone with a high bar), each link with its reason;
`evidence` ranks the sentences of each linked abstract and gives the claim its status;
`terms` is the term normalisation for biomedical prose that both use.
"""

from __future__ import annotations

from citelens.claims.evidence import assess_article

__all__ = ["assess_article"]
