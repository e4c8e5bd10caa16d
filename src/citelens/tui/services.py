"""Ready-made services for the app: a checker that runs the pipeline in the worker thread.

The app never builds these itself (it receives them through `make_app`), so tests can pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..settings import Settings

ProgressCallback = Callable[[str, int, int], None]


def pipeline_checker(db_path: str | Path, settings: Settings) -> Callable[..., None]:
    """A checker for `make_app`: resolves references (`only` those, or every unchecked one) and re-assesses.

    It opens its own `Store` on `db_path` because it runs in a worker thread and an SQLite
    connection belongs to the thread that opened it.
    """

    def check(article_id: int, only: set[int] | None, progress: ProgressCallback | None = None,
              refresh: bool = False) -> None:
        """`refresh`: refetch every answer (ctrl+r); otherwise the cache answers what it can, as in `check`.

        A re-check never replaces a stored verdict with `unresolved` (see `pipeline.resolve_article`).
        """
        from citelens.errors import InputError
        from citelens.store import Store

        from ..pipeline import assess_claims, build_resolver, resolve_article

        if refresh and settings.offline:
            raise InputError("offline: a refetch (ctrl+r) needs the network; r re-checks from the cache")
        run_settings = replace(settings, refresh=refresh)
        store = Store(db_path)
        try:
            resolver, _ = build_resolver(run_settings)
            try:
                resolve_article(store, article_id, resolver, recheck=only is not None or refresh,
                                progress=progress, only=only)
            finally:
                resolver.close()
            if progress:
                progress("assessing claims", 1, 1)
            assess_claims(store, article_id)
            store.mark_checked(article_id)
        finally:
            store.db.conn.close()

    return check
