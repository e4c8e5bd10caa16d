"""Link claims to references and weigh them against the cited abstracts (issue 4: not built yet)."""

from __future__ import annotations

from typing import Any

from .records import Evidence
from .store import StoredArticle


def assess_article(stored: StoredArticle) -> dict[str, tuple[str, list[dict[str, Any]], list[Evidence]]]:
    """No assessment yet: claims keep a null status until the linker exists."""
    return {}
