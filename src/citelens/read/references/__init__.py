"""The reference parser: one printed reference string in, a `ParsedReference` (its fields) out.

`rules` is the parser of regular expressions, linear in the length of the string.
"""

from __future__ import annotations

from citelens.read.references.rules import expand_pages, parse_reference, strip_list_marker

__all__ = ["expand_pages", "parse_reference", "strip_list_marker"]
