"""Why a reference could not be checked, and the one line that tells a person so.

A failed lookup leaves a reference `unresolved` with notes that say what failed ("offline and
not in the cache: ...", "HTTP 429 after 5 attempts", "crossref cannot be reached ..."). This
module sorts those notes into a few kinds a person can act on, counts them over a run, and
words the line that `check`, `batch` and the TUI print: how many, why, what to do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

# the kinds, most telling first: a note that names several is counted under the first that matches
OFFLINE = "offline"
UNREACHABLE = "unreachable"
RATE_LIMIT = "rate_limit"
SERVER_ERROR = "server_error"
TIMEOUT = "timeout"
BAD_ANSWER = "bad_answer"
OTHER = "other"
KINDS: tuple[str, ...] = (OFFLINE, UNREACHABLE, RATE_LIMIT, SERVER_ERROR, TIMEOUT, BAD_ANSWER, OTHER)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (OFFLINE, re.compile(r"offline and not in the cache", re.I)),
    (UNREACHABLE, re.compile(r"cannot be reached|ConnectError|ConnectTimeout|ConnectionRefused|gaierror|"
                             r"Name or service not known|No route to host", re.I)),
    (RATE_LIMIT, re.compile(r"HTTP 429|rate.?limit|Retry-After", re.I)),
    (SERVER_ERROR, re.compile(r"HTTP 5\d\d", re.I)),
    (TIMEOUT, re.compile(r"timed? ?out|Timeout", re.I)),
    (BAD_ANSWER, re.compile(r"malformed|RemoteProtocolError|ReadError|incomplete|peer closed|no response|"
                            r"Server disconnected|network error", re.I)),
)

WHY: dict[str, str] = {
    OFFLINE: "offline and not in the cache",
    UNREACHABLE: "source unreachable",
    RATE_LIMIT: "rate limited",
    SERVER_ERROR: "server error",
    TIMEOUT: "timed out",
    BAD_ANSWER: "broken or dropped answers",
    OTHER: "lookup failed",
}
ADVICE: dict[str, str] = {
    OFFLINE: "run again without --offline",
    UNREACHABLE: "check the network (or CITELENS_CROSSREF_URL / CITELENS_EUTILS_URL) and run again",
    RATE_LIMIT: "try later, or set CITELENS_MAILTO / NCBI_API_KEY for higher limits",
    SERVER_ERROR: "try later",
    TIMEOUT: "try later, or raise CITELENS_HTTP_TIMEOUT",
    BAD_ANSWER: "try later",
    OTHER: "run again; the notes of each reference say what failed",
}


def failure_kind(notes: Iterable[str]) -> str:
    """The kind of failure that a reference's notes describe (`other` when none is recognised)."""
    text = "\n".join(notes)
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return OTHER


@dataclass
class Unchecked:
    """How many references of a run could not be checked, and why (kind -> count)."""

    total: int = 0
    checked: int = 0
    skipped: int = 0
    kinds: Counter[str] = field(default_factory=Counter)

    @property
    def unresolved(self) -> int:
        return sum(self.kinds.values())

    def add(self, status: str | None, notes: Iterable[str]) -> None:
        self.total += 1
        if status == "unresolved" or status is None:
            self.kinds[failure_kind(notes) if status else OTHER] += 1
        elif status == "skipped":
            self.skipped += 1
        else:
            self.checked += 1

    def counts(self) -> str:
        """`checked 7, unresolved 4, skipped 1 of 12 references`."""
        return (f"checked {self.checked}, unresolved {self.unresolved}, skipped {self.skipped} "
                f"of {self.total} references")

    def line(self) -> str | None:
        """The line a person cannot miss, or None when every reference was checked or skipped."""
        if not self.unresolved:
            return None
        ordered = sorted(self.kinds.items(), key=lambda kv: (-kv[1], KINDS.index(kv[0])))
        why = ", ".join(f"{WHY[k]} {n}" if len(ordered) > 1 else WHY[k] for k, n in ordered)
        advice = "; ".join(dict.fromkeys(ADVICE[k] for k, _ in ordered))
        noun = "reference" if self.total == 1 else "references"
        return f"{self.unresolved} of {self.total} {noun} could not be checked ({why}): {advice}."
