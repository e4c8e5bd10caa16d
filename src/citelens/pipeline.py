"""The whole check of an article: ingest, resolve the references, link and assess the claims, store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citelens import runtime
from citelens.errors import InputError
from citelens.output import build_report
from citelens.read import clear_parser_caches, load_article
from citelens.read.inputs import Loaded
from citelens.records import Article, Resolution
from citelens.resolve import CrossrefClient, Fetcher, Progress, PubMedClient, Resolver, ResponseCache, Stats
from citelens.resolve.state import keep_known
from citelens.settings import Settings
from citelens.store import Store

if TYPE_CHECKING:
    from citelens.output.fix import FixResult


_CODE_KEY: str | None = None
_NOT_REUSED = {".tex", ".bbl"}  # read together with files beside them (a .bib), which the key does not cover


def code_key() -> str:
    """A digest of citelens's own code and models: what is stored with a result computed by this code,
    so that any change of the code (another version, an edited module, a retrained model) computes it again."""
    global _CODE_KEY
    if _CODE_KEY is None:
        root = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\x00" + path.read_bytes() + b"\x00")
        _CODE_KEY = digest.hexdigest()[:24]
    return _CODE_KEY


def load_stored_or_read(path: Path, store: Store | None, read: Callable[[Path], Loaded]) -> tuple[Loaded, int | None]:
    """The article `path` as stored, if the database holds it read from these very bytes by this very code
    (its id is given too: nothing to save); else `read(path)` (and None). Re-checking an unchanged article
    does not parse it again."""
    if store is not None and path.suffix.lower() not in _NOT_REUSED:
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            sha = ""
        stored = store.stored_input(str(path), sha, code_key()) if sha else None
        if stored is not None:
            article_id, article, info = stored
            return Loaded(article, info.get("kind", "article"), list(info.get("warnings", []))), article_id
    return read(path), None


def save_loaded(store: Store, loaded: Loaded) -> int:
    """Store a freshly read article with what `load_stored_or_read` needs to reuse it."""
    return store.save_article(loaded.article, read_key=code_key(), read_info={
        "kind": loaded.kind, "warnings": loaded.warnings, "sections": loaded.article.sections})


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


def assess_claims(store: Store, article_id: int) -> bool:
    """Link claims to references and weigh them against the abstracts.

    Skipped when the stored assessments were computed by this code from the same claims and the same
    reference verdicts (they would come out the same); returns whether it assessed."""
    key = f"{code_key()}:{store.assessment_inputs(article_id)}"
    if store.assessed_key(article_id) == key:
        return False
    from citelens.claims import assess_article

    stored = store.load(article_id, candidates=False)
    store.save_assessments(article_id, assess_article(stored), key=key)
    return True


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


def read_for_check(path: str | Path, store: Store | Callable[[], Store]) -> tuple[Loaded, int | None]:
    """The article to check: as stored if unchanged since it was read (with its id), else read now (None)."""
    existing = store if isinstance(store, Store) else getattr(store, "existing", lambda: None)()
    if isinstance(path, Path) or Path(str(path)).is_file():
        return load_stored_or_read(Path(path), existing, lambda p: Loaded(load_article(p), "article"))
    return Loaded(load_article(path), "article"), None


def check_article(path: str | Path, store: Store | Callable[[], Store], settings: Settings, *,
                  progress: Progress | None = None, article: Article | None = None,
                  stats: Stats | None = None, loaded: Loaded | None = None,
                  article_id: int | None = None) -> CheckResult:
    """Check the article `path`: `article` if already read, or `loaded` as `read_for_check` gives it
    (`article_id`: the stored article it is)."""
    if article is None and loaded is None:
        loaded, article_id = read_for_check(path, store)
    if not isinstance(store, Store):
        store = store()  # opened only once the input is known to be usable
    if article_id is None:
        article_id = store.save_article(article) if article is not None else save_loaded(store, loaded)
    stats = stats or Stats()
    clear_parser_caches()  # what labelling remembered is of no use to the lookups and claims
    resolver, _ = build_resolver(settings, stats)
    try:
        with runtime.tuned_for_lookups():
            runtime.settle()
            kept = resolve_article(store, article_id, resolver, recheck=settings.refresh, progress=progress)
        assess_claims(store, article_id)
        store.mark_checked(article_id)
        return CheckResult(article_id, build_report(store.load(article_id, candidates=False)), stats, kept)
    finally:
        resolver.close()
        runtime.release()
