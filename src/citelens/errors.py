"""Named errors of every stage. The CLI turns each into one line on stderr and an exit code.

CitelensError
 ├── InputError          the user's input cannot be used (exit 2)
 │    └── ArticleError   an article file: missing, a directory, binary, not UTF-8, empty, no references
 ├── StoreError          the database cannot be opened or written (exit 3)
 └── LookupFailed        a Crossref or PubMed request failed after its retries (a reference ends `unresolved`)
"""

from __future__ import annotations


class CitelensError(Exception):
    exit_code = 1


class InputError(CitelensError):
    exit_code = 2


class ArticleError(InputError):
    pass


class StoreError(CitelensError):
    exit_code = 3


class LookupFailed(CitelensError):
    """A lookup that failed: network, rate limit, parse error. Never a verdict."""
