"""The whole check of an article: ingest, resolve the references, link and assess the claims, store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citelens.errors import InputError
from citelens.output import build_report
from citelens.read import load_article
from citelens.records import Article, Resolution
from citelens.resolve import CrossrefClient, Fetcher, Progress, PubMedClient, Resolver, ResponseCache, Stats
from citelens.resolve.state import keep_known
from citelens.settings import Settings
from citelens.store import Store

if TYPE_CHECKING:
    from citelens.output.fix import FixResult


def build_resolver(settings: Settings, stats: Stats | None = None) -> tuple[Resolver, Fetcher]:
    assert settings.cache_dir is not None
    cache = ResponseCache(settings.cache_dir, offline=settings.offline, refresh=settings.refresh)
    fetcher = Fetcher(cache, settings.limits(), stats=stats, backoff_base=settings.backoff_base)
    crossref = CrossrefClient(fetcher, base_url=settings.crossref_url, mailto=settings.mailto,
                              plus_token=settings.crossref_plus_token, timeout=settings.http_timeout)
    pubmed = PubMedClient(fetcher, base_url=settings.eutils_url, email=settings.mailto,
                          api_key=settings.ncbi_api_key, timeout=settings.http_timeout)
    return Resolver(crossref, pubmed, jobs=settings.jobs), fetcher


@dataclass
class CheckResult:
    article_id: int
    report: dict[str, Any]
    stats: Stats
    kept: list[int] = field(default_factory=list)
    """References whose re-check failed, so their stored verdict was kept (with a note)."""


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def keep_what_is_known(old: list[Resolution | None], new: list[Resolution]) -> tuple[list[Resolution], list[int]]:
    """`new`, except where a re-check failed over a stored verdict: then the verdict stays (see `keep_known`).

    Returns the resolutions to store and the positions where the old verdict was kept.
    """
    day = today()
    out: list[Resolution] = []
    kept: list[int] = []
    for n, (before, after) in enumerate(zip(old, new, strict=True)):
        chosen, was_kept = keep_known(before, after, day)
        out.append(chosen)
        if was_kept:
            kept.append(n)
    return out, kept


def resolve_article(store: Store, article_id: int, resolver: Resolver, *, recheck: bool = False,
                    progress: Progress | None = None, only: set[int] | None = None) -> list[int]:
    """Resolve the article's references that have no verdict yet (all of them with `recheck`).

    A re-check that fails keeps the stored verdict (with a note); returns the indices where it did.
    """
    stored = store.load(article_id)
    todo = [s for s in stored.references
            if (recheck or s.resolution is None or s.resolution.status == "unresolved")
            and (only is None or s.reference.index in only)]
    if not todo:
        return []
    resolutions = resolver.resolve_all([(s.reference.raw, s.reference.parsed) for s in todo], progress=progress)
    resolutions, kept = keep_what_is_known([s.resolution for s in todo], resolutions)
    store.save_resolutions([(article_id, s.reference.index, resolution)
                            for s, resolution in zip(todo, resolutions, strict=True)])
    return [todo[n].reference.index for n in kept]


def assess_claims(store: Store, article_id: int) -> None:
    """Link claims to references and weigh them against the abstracts."""
    from citelens.claims import assess_article

    stored = store.load(article_id)
    store.save_assessments(article_id, assess_article(stored))


def fix_file(path: Path, store: Store | Callable[[], Store], settings: Settings, *,
             progress: Progress | None = None) -> FixOutcome:
    """Check bibliography `path` (.bib or .ris) and give its corrected text (see output.fix)."""
    from citelens.output.fix import fix_bibliography
    from citelens.read import load_input
    from citelens.read.article import read_article_text

    if path.suffix.lower() not in (".bib", ".bibtex", ".ris"):
        raise InputError(f"{path}: fix takes a .bib or .ris file")
    loaded = load_input(path)  # every check of the file happens before the database is opened
    text, _ = read_article_text(path)
    if not isinstance(store, Store):
        store = store()
    result = check_article(path, store, settings, progress=progress, article=loaded.article)
    stored = store.load(result.article_id)
    return FixOutcome(result, fix_bibliography(path, text, stored.references), loaded.warnings)


@dataclass
class FixOutcome:
    check: CheckResult
    fix: FixResult
    warnings: list[str]


def check_article(path: str | Path, store: Store | Callable[[], Store], settings: Settings, *,
                  progress: Progress | None = None, article: Article | None = None,
                  stats: Stats | None = None) -> CheckResult:
    parsed = article or load_article(path)
    if not isinstance(store, Store):
        store = store()  # opened only once the input is known to be usable
    article_id = store.save_article(parsed)
    stats = stats or Stats()
    resolver, _ = build_resolver(settings, stats)
    try:
        kept = resolve_article(store, article_id, resolver, recheck=settings.refresh, progress=progress)
    finally:
        resolver.pubmed.close()
    assess_claims(store, article_id)
    store.mark_checked(article_id)
    return CheckResult(article_id, build_report(store.load(article_id)), stats, kept)
