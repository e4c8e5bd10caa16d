"""The citelens terminal UI (Textual): claims beside their sources, references beside their records.

Build the app with `make_app(store, article_id, checker=..., exporter=...)`; the CLI and the
tests share that factory. Nothing outside this package imports Textual.
"""

from __future__ import annotations

from .app import Checker, CitelensApp, Exporter, make_app

__all__ = ["Checker", "CitelensApp", "Exporter", "make_app"]
