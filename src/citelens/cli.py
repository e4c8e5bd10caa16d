"""The `citelens` command: thin wrappers that parse arguments, call one library function, print."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from citelens import __version__
from citelens.defaults import DEFAULT_DB
from citelens.errors import CitelensError
from citelens.read import load_article
from citelens.store import Store

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLE_ARTICLE = Path("references") / "oxytocin-sensitivity.txt"


def default_article() -> Path:
    """The bundled example: ./references/... when present, else the checkout's own copy."""
    if EXAMPLE_ARTICLE.exists():
        return EXAMPLE_ARTICLE
    checkout = Path(__file__).resolve().parents[2] / EXAMPLE_ARTICLE
    return checkout if checkout.exists() else EXAMPLE_ARTICLE


def fail(message: str, code: int) -> None:
    click.echo(f"citelens: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(func: F) -> F:
    """Turn every error into one line on stderr and a documented exit code: never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CitelensError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; everything finished so far is saved", 130)
        except BrokenPipeError:
            sys.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # pragma: no cover - the last line of defence
            if os.environ.get("CITELENS_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set CITELENS_DEBUG=1 for details)", 70)

    return wrapper  # type: ignore[return-value]


db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=DEFAULT_DB, show_default=True,
    help="SQLite database file.",
)
article_arg = click.argument("article", required=False)  # a file or a URL


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citelens")
def cli() -> None:
    """citelens: check an article's references against Crossref and PubMed, and its claims
    against the abstracts of the works it cites."""


@cli.command()
@article_arg
@db_option
@friendly_errors
def ingest(article: str | None, db_path: str) -> None:
    """Read ARTICLE (text, Markdown, PDF, HTML, Word, JATS, LaTeX, a bibliography or a URL; default: the
    bundled example) and store its claims and references."""
    path = article or default_article()
    parsed = load_article(path)  # all checks happen before the database is opened
    store = Store(db_path)
    article_id = store.save_article(parsed)
    click.echo(
        f"article {article_id}: {parsed.title!r}: {len(parsed.references)} references, "
        f"{len(parsed.claims)} claims in {len(parsed.sections)} sections -> {db_path}"
    )


@cli.command()
@db_option
@click.option("--article", "article_key", help="Article id or path (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead of tables.")
@click.option("--claims/--no-claims", default=True, help="List the claims too.")
@friendly_errors
def show(db_path: str, article_key: str | None, as_json: bool, claims: bool) -> None:
    """Print what the database holds for an article."""
    from citelens.output import build_report

    if not Path(db_path).exists():
        fail(f"{db_path}: no such database; run 'citelens ingest ARTICLE --db {db_path}' first", 2)
    store = Store(db_path)
    stored = store.load(store.find_article(article_key))
    report = build_report(stored)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    from citelens.output.terminal import print_report

    print_report(report, show_claims=claims)


@cli.command()
@article_arg
@db_option
@click.option("--offline", is_flag=True, help="Use only cached responses; a miss leaves the reference unresolved.")
@click.option("--refresh", is_flag=True, help="Refetch every response and re-check every reference.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Response cache folder (default: $CITELENS_CACHE_DIR, the checkout's cache/, or the user cache).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the JSON report to this file ('-' for stdout).")
@click.option("--jobs", type=click.IntRange(1, 32), default=6, show_default=True, help="Lookups in parallel.")
@friendly_errors
def check(article: str | None, db_path: str, offline: bool, refresh: bool, cache_dir: Path | None,
          json_path: str | None, jobs: int) -> None:
    """Ingest ARTICLE, resolve its references against Crossref and PubMed, assess its claims, report."""
    from citelens.output.terminal import print_report
    from citelens.pipeline import check_article
    from citelens.settings import Settings

    path = article or default_article()
    parsed = load_article(path)
    settings = Settings.from_env(offline=offline, refresh=refresh, cache_dir=cache_dir, jobs=jobs)
    store = Store(db_path)
    result = check_article(path, store, settings, article=parsed, progress=_progress_printer())
    if json_path == "-":
        click.echo(json.dumps(result.report, ensure_ascii=False, indent=2))
        return
    print_report(result.report, show_claims=False)
    stats = result.stats
    click.echo(f"requests: Crossref {stats.requests['crossref']}, PubMed {stats.requests['pubmed']}; "
               f"cache hits {sum(stats.cache_hits.values())}; database {db_path}")
    if json_path:
        Path(json_path).write_text(json.dumps(result.report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(f"JSON report written to {json_path}")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--jobs", type=click.IntRange(1, 32), default=6, show_default=True, help="Lookups in parallel.")
@click.option("--offline", is_flag=True, help="Use only cached responses.")
@click.option("--refresh", is_flag=True, help="Refetch and re-check everything.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Response cache folder.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write a report: .json (list of per-article reports), .md or .csv.")
@click.option("--fail-on", default="not_found,retracted", show_default=True,
              help="Exit 1 when any reference has one of these statuses.")
def batch(paths: tuple[str, ...], db_path: str, jobs: int, offline: bool, refresh: bool, cache_dir: Path | None,
          report_path: str | None, fail_on: str) -> None:
    """Check every article, reference list (.txt), BibTeX (.bib) or RIS (.ris) file in PATHS (files, folders, globs).

    Exit codes: 0 nothing matches --fail-on, 1 something does, 2 usage or input errors.
    """
    code = _run_batch(list(paths), db_path, jobs, offline, refresh, cache_dir, report_path, fail_on)
    sys.exit(code)


@friendly_errors
def _run_batch(paths: list[str], db_path: str, jobs: int, offline: bool, refresh: bool, cache_dir: Path | None,
               report_path: str | None, fail_on: str) -> int:
    from citelens.batch import parse_statuses, run_batch
    from citelens.output import render, report_format
    from citelens.output.terminal import batch_summary
    from citelens.records import REFERENCE_STATUSES
    from citelens.settings import Settings

    try:
        fail_statuses = parse_statuses(fail_on, REFERENCE_STATUSES)
    except ValueError as exc:
        fail(f"--fail-on: {exc}", 2)
    fmt = report_format(report_path) if report_path else None
    settings = Settings.from_env(offline=offline, refresh=refresh, cache_dir=cache_dir, jobs=jobs)
    store = Store(db_path)
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("references"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      transient=True) as progress:
            task = progress.add_task("resolve", total=None)
            result = run_batch(paths, store, settings,
                               advance=lambda done, total: progress.update(task, completed=done, total=total))
    else:
        result = run_batch(paths, store, settings, log=lambda line: click.echo(f"citelens: {line}", err=True))
    for line in result.errors + result.warnings + result.skipped:
        click.echo(f"citelens: error: {line}" if line in result.errors else f"citelens: warning: {line}", err=True)
    batch_summary(result.reports, result.stats)
    if result.skipped:
        n = len(result.skipped)
        click.echo(f"{n} file{'' if n == 1 else 's'} skipped (listed above)")
    if report_path and fmt:
        Path(report_path).write_text(render(result.reports, fmt), encoding="utf-8")
        click.echo(f"report written to {report_path}")
    if result.errors or not result.reports:
        if not result.reports and not result.errors:
            click.echo("citelens: error: no input to check", err=True)
        return 2
    return 1 if result.failed(fail_statuses) else 0


@cli.command()
@click.argument("fmt", metavar="{bibtex,csljson,ris}", type=click.Choice(["bibtex", "csljson", "ris"]))
@db_option
@click.option("--article", "article_key", help="Article id or path (default: the latest; 'all' for every article).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True,
              help="File to write.")
@click.option("--status", "statuses", default="verified,discrepant,retracted", show_default=True,
              help="Reference statuses to export from their resolved records.")
@click.option("--include-unresolved", is_flag=True,
              help="Also export the other references, from their cited fields, with a note of their status.")
@click.option("--abstracts", is_flag=True, help="Include abstracts.")
@friendly_errors
def export(fmt: str, db_path: str, article_key: str | None, output: str, statuses: str, include_unresolved: bool,
           abstracts: bool) -> None:
    """Export the resolved references as BibTeX, CSL-JSON or RIS, built from the real records."""
    from citelens.output import export_references

    if not Path(db_path).exists():
        fail(f"{db_path}: no such database; run 'citelens check ARTICLE --db {db_path}' first", 2)
    store = Store(db_path)
    if article_key == "all":
        stored = [store.load(a["id"]) for a in store.list_articles()]
    else:
        stored = [store.load(store.find_article(article_key))]
    text = export_references(stored, fmt, statuses=statuses, include_unresolved=include_unresolved,
                             abstracts=abstracts)
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{fmt}: wrote {output}", err=True)


@cli.command()
@click.argument("article", required=False)
@db_option
@click.option("--offline", is_flag=True, help="Re-checks use only cached responses.")
@friendly_errors
def tui(article: str | None, db_path: str, offline: bool) -> None:
    """Browse the claims beside their source abstracts, the references beside the real records, and record
    your own verdicts. ARTICLE is an article file (ingested and checked if new) or an article id."""
    from citelens.errors import InputError
    from citelens.output import export_references
    from citelens.settings import Settings
    from citelens.tui import make_app

    from .tui.services import pipeline_checker

    if not article and not Path(db_path).exists():
        fail(f"{db_path}: no such database; run 'citelens check ARTICLE --db {db_path}' first", 2)
    parsed = load_article(article) if article and not article.isdigit() else None
    store = Store(db_path)
    if parsed is not None:
        try:
            article_id = store.find_article(article)
        except InputError:
            article_id = store.save_article(parsed)
    else:
        article_id = store.find_article(article)
    settings = Settings.from_env(offline=offline)
    make_app(store, article_id, checker=pipeline_checker(db_path, settings),
             exporter=lambda aid: export_references(store.load(aid), "bibtex")).run()


def _progress_printer() -> Callable[[str, int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        click.echo(f"\r[{done}/{total}] {stage:<24}", err=True, nl=done == total)

    return show


def main() -> None:
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
