"""Split a reference string into tokens that keep their character offsets.

A token is a URL or DOI (kept whole: the rules read them), a run of letters, a run of
digits, or one other visible character. White space separates tokens and is never one;
`Token.space_before` records it, because "J.Am." and "J. Am." read differently.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"\u201c\u201d]+"  # a URL
    r"|10\.\d{4,9}/[^\s<>\"\u201c\u201d]+"  # a bare DOI
    r"|(?:[^\W\d_]|[\u0300-\u036f])+"  # letters (with combining accents)
    r"|\d+"  # digits
    r"|[^\s]"  # one other character
)


class Token(NamedTuple):
    """One token (a named tuple: cheaper to build than a dataclass, and as immutable)."""

    text: str
    start: int
    end: int
    space_before: bool


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """The tokens of `text`; offsets count from the start of the whole string (`offset` is where `text` begins)."""
    tokens: list[Token] = []
    last_end = 0
    for m in _TOKEN_RE.finditer(text):
        start = m.start()
        word = m.group()
        if len(word) > 4 and word[-1] in ".,;)]":  # only a URL or DOI token can end so
            # a URL or DOI does not end with the sentence's punctuation
            trimmed = word.rstrip(".,;")
            while trimmed.endswith((")", "]")) and trimmed.count("(") + trimmed.count("[") < \
                    trimmed.count(")") + trimmed.count("]"):
                trimmed = trimmed[:-1].rstrip(".,;")
            if trimmed != word and len(trimmed) > 4:
                tokens.append(Token(trimmed, offset + start, offset + start + len(trimmed), start > last_end))
                for k, ch in enumerate(word[len(trimmed):]):
                    pos = start + len(trimmed) + k
                    tokens.append(Token(ch, offset + pos, offset + pos + 1, False))
                last_end = m.end()
                continue
        tokens.append(Token(word, offset + start, offset + m.end(), start > last_end or (start == 0 and offset > 0)))
        last_end = m.end()
    return tokens
