"""Batch verification: many inputs, one shared rate-limited pool of lookups, resumable.

All references of all inputs go to one Resolver in chunks; identical references (same
normalised string) are resolved once; references that already have a verdict in the database
are not looked up again, and every response is in the cache, so a run that was interrupted
continues where it stopped and repeats no request for what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from citelens import runtime
from citelens.errors import CitelensError
from citelens.lookahead import Lookahead
from citelens.output import build_report
from citelens.output.batch_reports import ReportTally
from citelens.pipeline import assess_claims, build_resolver, keep_what_is_known, load_stored_or_read, save_loaded
from citelens.read import clear_parser_caches, collect_paths, load_input, reading_references
from citelens.read.inputs import skipped_files
from citelens.resolve import Stats
from citelens.settings import Settings
from citelens.store import Store, raw_key

DEFAULT_FAIL_ON = ("not_found", "retracted")

Log = Callable[[str], None]
Advance = Callable[[float, int], None]  # (done, total) unique references; done moves within a chunk too


@dataclass
class BatchResult:
    tally: ReportTally = field(default_factory=ReportTally)  # the reports' counts (each report went to `sink`)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    skipped: list[str] = field(default_factory=list)  # one line per file left out, with the reason
    unique_references: int = 0
    looked_up: int = 0
    kept: int = 0  # references whose re-check failed, so their stored verdict was kept (with a note)


def run_batch(specs: list[str], store: Store | Callable[[], Store], settings: Settings, *, log: Log | None = None,
              advance: Advance | None = None, articles: Callable[[int, int], None] | None = None,
              stats: Stats | None = None, sink: Callable[[dict[str, Any]], None] | None = None) -> BatchResult:
    """Check every input of `specs`. `advance(done, total)` follows the unique references looked up,
    `articles(done, total)` the articles assessed; `stats` (if given) counts the requests as they go.
    Each article's report goes to `sink` as soon as it is made and is then let go (the result keeps
    only its counts), so that a batch of thousands of articles does not hold them all.
    `store` may be a function that opens it: it is called only when some input is usable, so that
    unusable inputs leave no database behind."""
    say = log or (lambda message: None)
    result = BatchResult(stats=stats or Stats())
    paths, result.errors = collect_paths(specs)
    result.skipped = skipped_files(specs)
    article_ids: list[int] = []
    # one input at a time: read (or found unchanged in the database), stored, let go; each reference is
    # looked up as soon as it is parsed, unless the database already has its verdict
    opened: Store | None = store if isinstance(store, Store) else getattr(store, "existing", lambda: None)()
    checked = opened.checked_raw_keys() if opened is not None and not settings.refresh else set()
    resolver, _ = build_resolver(settings, result.stats)
    lookahead = Lookahead(resolver, skip=checked.__contains__, progress=advance)
    try:
        with runtime.tuned_for_lookups():
            with reading_references(lookahead.add):
                for path, explicit in paths:
                    try:
                        loaded, article_id = load_stored_or_read(path, opened, load_input)
                    except CitelensError as exc:
                        # a file named on the command line must be usable; one found in a folder may be a README
                        if explicit:
                            result.errors.append(f"{exc}")
                        else:
                            result.skipped.append(f"{exc}; skipped")
                        continue
                    result.warnings.extend(loaded.warnings)
                    if opened is None:
                        opened = store if isinstance(store, Store) else store()
                    if article_id is None:
                        article_id = save_loaded(opened, loaded)
                    article_ids.append(article_id)
                    say(f"read {path}: {loaded.kind}, {len(loaded.article.references)} references, "
                        f"{len(loaded.article.claims)} claims")
                    del loaded
                    runtime.settle()
            del checked
            if opened is None:
                lookahead.stop()
                return result
            store = opened
            clear_parser_caches()  # what labelling remembered is of no use to the lookups and claims
            if articles:
                articles(0, len(article_ids))
            _look_up(store, article_ids, settings, result, say, lookahead)  # its bookkeeping let go before the claims
        for n, article_id in enumerate(article_ids, 1):
            assess_claims(store, article_id)
            store.mark_checked(article_id)
            report = build_report(store.load(article_id, candidates=False))
            result.tally.add(report)
            if sink:
                sink(report)
            del report
            if articles:
                articles(n, len(article_ids))
    except BaseException:
        lookahead.stop()
        raise
    finally:
        resolver.close()
        runtime.release()
    return result


def _look_up(store: Store, article_ids: list[int], settings: Settings, result: BatchResult, say: Log,
             lookahead: Lookahead) -> None:
    """Resolve every reference of the articles still without a verdict, each distinct one once (most of
    them already on their way in `lookahead`), and save the verdicts chunk by chunk (a run that is
    stopped resumes where it was)."""
    # one list of unique references still without a verdict, across all inputs
    pending: dict[str, list[tuple[int, int]]] = {}
    done: set[str] = set()  # references of these articles that have their verdict
    stored_by_place: dict[tuple[int, int], Any] = {}
    rest: dict[str, tuple[str, Any]] = {}  # the ones the reading did not hand to the lookahead
    for article_id in article_ids:
        for sref in store.load_references(article_id):
            key = raw_key(sref.reference.raw)
            if sref.resolution is not None and sref.resolution.status != "unresolved" and not settings.refresh:
                done.add(key)
                continue
            stored_by_place[(article_id, sref.reference.index)] = sref.resolution
            pending.setdefault(key, []).append((article_id, sref.reference.index))
            if key not in lookahead.keys:
                rest.setdefault(key, (sref.reference.raw, sref.reference.parsed))
    # a reference resolved for another article (of this run, or stored before) is copied, not looked up again
    copies = []
    for key in list(pending):
        # only these can have a stored verdict: the lookahead took no reference already checked
        checked = not settings.refresh and (key in done or key in rest)
        resolution = store.resolution_of(key) if checked else None
        if resolution is None:
            continue
        copies.extend((article_id, index, resolution) for article_id, index in pending.pop(key))
    store.save_resolutions(copies)
    for key, (raw, parsed) in rest.items():
        if key in pending:
            lookahead.add(raw, parsed, checked=True)
    del rest
    lookahead.close()
    result.unique_references = len(pending) + len(done)
    result.looked_up = len(pending)
    say(f"{len(pending)} unique references to look up ({len(done)} already checked)")
    resolved = 0
    for keys, resolutions in lookahead.completed():
        places = [(article_id, index, resolution) for key, resolution in zip(keys, resolutions, strict=True)
                  for article_id, index in pending.get(key, ())]
        chosen, kept = keep_what_is_known([stored_by_place.get((a, i)) for a, i, _ in places],
                                          [r for _, _, r in places])
        result.kept += len(kept)
        store.save_resolutions([(a, i, r) for (a, i, _), r in zip(places, chosen, strict=True)])
        resolved += sum(1 for key in keys if key in pending)
        say(f"resolved {resolved}/{len(pending)} unique references")


def parse_statuses(text: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    items = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in items if s not in allowed]
    if unknown:
        raise ValueError(f"unknown status {', '.join(unknown)}: use {', '.join(allowed)}")
    return items

