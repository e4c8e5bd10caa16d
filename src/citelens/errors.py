"""Named errors of every stage, and the exit codes of the CLI. Each error becomes one line on stderr.

CitelensError
 ├── InputError          the user's input cannot be used (exit 2)
 │    └── ArticleError   an article file: missing, a directory, binary, not UTF-8, empty, no references
 ├── StoreError          the database cannot be opened or written (exit 4)
 └── LookupFailed        a Crossref or PubMed request failed after its retries (a reference ends `unresolved`)

Exit codes: 0 every reference checked and nothing in `--fail-on`; 1 something in `--fail-on`;
2 bad usage or unusable input; 3 some references could not be checked (or a refresh failed and
kept their stored verdicts) and nothing in `--fail-on`; 4 the database cannot be written;
70 internal error; 130 interrupted.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_USAGE = 2
EXIT_UNCHECKED = 3
EXIT_STORE = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class CitelensError(Exception):
    exit_code = 1


class InputError(CitelensError):
    exit_code = EXIT_USAGE


class ArticleError(InputError):
    pass


class StoreError(CitelensError):
    exit_code = EXIT_STORE


class LookupFailed(CitelensError):
    """A lookup that failed: network, rate limit, parse error. Never a verdict."""
