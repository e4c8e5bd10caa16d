"""The citelens TUI: a Textual app over the database, built by `make_app`.

Services come in through the constructor (harlequin's adapters, posting's `make_posting`):
the `Store`, a `checker(article_id, only)` that re-checks references in a worker thread, and an
`exporter(article_id)` that returns BibTeX. Tests pass an on-disk store and fakes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from citelens.store import Store

from ..errors import CitelensError
from ..failures import Unchecked
from ..resolve import stage_fraction
from .messages import CheckFinished, CheckProgress
from .screens.help import HelpScreen
from .screens.main import MainScreen
from .screens.references import ReferencesScreen
from .session import Session
from .widgets.check_bar import CheckState

Checker = Callable[[int, set[int] | None], None]
"""`checker(article_id, only)`: re-check references `only` (None: all); may also take `progress=`."""
Exporter = Callable[[int], str]
"""`exporter(article_id)`: the article's references as BibTeX."""

STAGE_NAMES = frozenset({"identifiers", "citation match", "records", "searching", "searches", "search records",
                         "cross-walk"})

DARK_THEME = "textual-dark"
NARROW_BELOW = 100  # columns
LIGHT_THEME = "textual-light"

# status colours that the theme does not name; chosen to read on both backgrounds
_MAGENTA = {True: "#e07be0", False: "#9c2c9c"}


def _takes(func: Callable[..., Any], name: str) -> bool:
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _takes_progress(func: Callable[..., Any]) -> bool:
    return _takes(func, "progress")


class CitelensApp(App[None]):
    """Claims and references of one article, with the reviewer's verdicts and notes."""

    CSS_PATH = "app.tcss"
    TITLE = "citelens"
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    """Below NARROW_BELOW columns the screens stack their panes (list above, detail below)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("a", "articles", "Articles", show=False),
        Binding("e", "export", "Export", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    check_state: reactive[CheckState | None] = reactive(None)
    """The running check, or None."""
    revision: reactive[int] = reactive(0)
    """Bumped whenever the article is reloaded from the store; screens redraw on it."""

    def __init__(self, store: Store, article_id: int | None = None, *, checker: Checker | None = None,
                 exporter: Exporter | None = None) -> None:
        super().__init__()
        self.session = Session.open(store, article_id)
        self.checker = checker
        self.exporter = exporter
        self.selected_reference: int | None = None
        self.theme = DARK_THEME
        self._set_titles()

    def _set_titles(self) -> None:
        self.title = self.session.article.title or "citelens"
        self.sub_title = f"{len(self.session.claims)} claims · {len(self.session.references)} references"

    @property
    def article_id(self) -> int:
        return self.session.article_id

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        dark = self.current_theme.dark
        variables.update({
            "cl-supported": variables["text-success"],
            "cl-partial": variables["text-warning"],
            "cl-no-evidence": _MAGENTA[dark],
            "cl-source-problem": variables["text-error"],
            "cl-contradicted": variables["text-error"],
        })
        return variables

    def on_mount(self) -> None:
        # pushed rather than returned by get_default_screen, which would skip the screen's CSS_PATH
        self._open_screens()
        if self.session.article.checked_at is None and self.checker is not None:
            self.start_check(None)

    def _open_screens(self) -> None:
        """The claims; for a bibliography (no claims) the references on top."""
        self.push_screen(MainScreen(self.session))
        if not self.session.claims and self.session.references:
            self.push_screen(ReferencesScreen(self.session, self.selected_reference))

    def switch_article(self, article_id: int) -> None:
        """Show another article of the database (`a`)."""
        if self._check_running():
            self.notify("Wait for the check to finish.", severity="warning")
            return
        self.session = Session.open(self.session.store, article_id)
        self.selected_reference = None
        self._set_titles()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._open_screens()

    # --- the background check -------------------------------------------------------

    def start_check(self, only: set[int] | None, *, refresh: bool = False) -> None:
        """Re-check references `only` (None: the whole article) in the worker thread.

        Without `refresh` the response cache answers what it can (as `citelens check` does);
        with it (ctrl+r) every answer is fetched again. Either way a failed lookup keeps the
        stored verdict.
        """
        if self.checker is None:
            self.notify("Checking is not available here (no checker).", severity="warning")
            return
        if refresh and not _takes(self.checker, "refresh"):
            self.notify("A refetch is not available here.", severity="warning")
            return
        self.check_state = CheckState("starting", 0, None)
        self._run_check(only, refresh)

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def _run_check(self, only: set[int] | None, refresh: bool = False) -> None:
        assert self.checker is not None
        kwargs: dict[str, Any] = {}
        if _takes_progress(self.checker):
            def progress(stage: str, done: int, total: int) -> None:
                self.post_message(CheckProgress(stage, done, total))

            kwargs["progress"] = progress
        if refresh:
            kwargs["refresh"] = True
        self.checker(self.article_id, only, **kwargs)
        self.post_message(CheckFinished(only))

    def on_check_progress(self, message: CheckProgress) -> None:
        if self.check_state is not None:
            if message.stage in STAGE_NAMES:  # the resolver's stages: one bar over the whole lookup
                percent = round(100 * stage_fraction(message.stage, message.done, message.total or 0))
                self.check_state = CheckState(message.stage, percent, 100)
            else:
                self.check_state = CheckState(message.stage, message.done, message.total)

    def unchecked_line(self) -> str | None:
        """The warning line when some references of the article could not be checked, else None."""
        unchecked = Unchecked()
        for sr in self.session.references:
            if sr.resolution is not None:
                unchecked.add(sr.resolution.status, sr.resolution.notes)
        return unchecked.line()

    def on_check_finished(self, message: CheckFinished) -> None:
        self.check_state = None
        self.reload()
        what = "the article" if message.only is None else \
            "reference " + ", ".join(str(i) for i in sorted(message.only))
        line = self.unchecked_line()
        if line:
            self.notify(f"Checked {what}, but {line[0].lower()}{line[1:]}", title="Check incomplete",
                        severity="warning", timeout=10)
        else:
            self.notify(f"Checked {what}.", title="Check done")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker becomes a notification."""
        if event.worker.group != "check":
            return
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED) and not self._check_running():
            self.check_state = None
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{type(error).__name__}: {error}", title="Check failed", severity="error", timeout=10)

    def _check_running(self) -> bool:
        return any(w.group == "check" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.workers)

    def reload(self) -> None:
        self.session.reload()
        self.revision += 1

    # --- actions ----------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def action_references(self, index: int | None = None) -> None:
        if isinstance(self.screen, ReferencesScreen):
            self.pop_screen()
            return
        if index is not None:
            self.selected_reference = index
        self.push_screen(ReferencesScreen(self.session, self.selected_reference))

    def action_articles(self) -> None:
        from .screens.articles import ArticlesScreen

        def chosen(article_id: int | None) -> None:
            if article_id is not None and article_id != self.article_id:
                self.switch_article(article_id)

        self.push_screen(ArticlesScreen(self.session.store.summaries(), self.article_id), chosen)

    def export_path(self) -> Path:
        """`e` writes `<article>.bib` in the working directory (`<article>-citelens.bib` when the article
        is that very .bib file)."""
        article = Path(self.session.article.path)
        path = Path.cwd() / f"{article.stem}.bib"
        if path.resolve() == article.resolve():
            path = Path.cwd() / f"{article.stem}-citelens.bib"
        return path

    def action_export(self) -> None:
        if self.exporter is None:
            self.notify("BibTeX export is not available here (no exporter).", severity="warning")
            return
        path = self.export_path()
        try:
            path.write_text(self.exporter(self.article_id), encoding="utf-8")
        except (CitelensError, OSError) as exc:
            self.notify(str(exc), title="Export failed", severity="error")
            return
        self.notify(str(path), title="BibTeX written")

    def show_url(self, urls: list[str]) -> None:
        """`o`: show a work's links (and copy the first to the clipboard); never opens a browser."""
        if not urls:
            self.notify("No DOI or PMID for this.", severity="warning")
            return
        self.copy_to_clipboard(urls[0])
        self.notify("\n".join(urls), title="Link (copied)")


def make_app(store: Store, article_id: int | None = None, *, checker: Checker | None = None,
             exporter: Exporter | None = None) -> CitelensApp:
    """The app over `store`, showing `article_id` (None: the latest article).

    `checker(article_id, only)` re-checks references (`only` their indices, None: all) and is
    run in a worker thread, so it must open its own `Store` (see `services.pipeline_checker`); it
    may accept `progress=callback(stage, done, total)`. `exporter(article_id)` returns BibTeX.
    Raises `InputError` when the database holds no such article.
    """
    return CitelensApp(store, article_id, checker=checker, exporter=exporter)
