"""The `citelens` command: thin wrappers that parse arguments, call one library function, print."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from citelens import __version__
from citelens.defaults import DEFAULT_DB, ENV_DB
from citelens.errors import (
    EXIT_FAIL_ON,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNCHECKED,
    EXIT_USAGE,
    CitelensError,
)
from citelens.read import load_article
from citelens.store import Store

if TYPE_CHECKING:
    from citelens.failures import Unchecked
    from citelens.output.batch_reports import ReportFile, ReportTally, ReportWriter

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
            fail("interrupted; everything finished so far is saved", EXIT_INTERRUPTED)
        except BrokenPipeError:
            sys.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # pragma: no cover - the last line of defence
            if os.environ.get("CITELENS_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set CITELENS_DEBUG=1 for details)", EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


class ConfigError(click.ClickException):
    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"citelens: error: {self.message}", err=True)


def _config_default(key: str, fallback: Any = None) -> Any:
    """A default from citelens.toml / [tool.citelens] (flags and the environment win)."""
    from citelens.settings import load_config

    try:
        return load_config().get(key, fallback)
    except CitelensError as exc:
        raise ConfigError(str(exc)) from None


def _db_default(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    return value or os.environ.get(ENV_DB) or _config_default("db") or DEFAULT_DB


db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=None, callback=_db_default,
    help=f"SQLite database file [default: ${ENV_DB}, 'db' in citelens.toml, or {DEFAULT_DB}].",
)
article_option = click.option(
    "--article", "article_key", help="Article id or path (default: the latest; 'all' for every article).")


def _need_db(db_path: str, hint: str = "check ARTICLE") -> None:
    if not Path(db_path).exists():
        fail(f"{db_path}: no such database; run 'citelens {hint} --db {db_path}' first", 2)


def _articles(store: Store, key: str | None) -> list[int]:
    from citelens.store import article_ids

    return article_ids(store, key)


def _report_sinks(report_path: str | None, jsonl_path: str | None) -> list[ReportFile | ReportWriter]:
    """The writers of `--report` and `--jsonl`, each taking the reports one at a time."""
    from citelens.output import report_format
    from citelens.output.batch_reports import ReportFile, ReportWriter

    sinks: list[ReportFile | ReportWriter] = []
    if report_path:
        sinks.append(ReportFile(report_format(report_path), Path(report_path)))
    if jsonl_path:
        sinks.append(ReportWriter("jsonl", click.get_text_stream("stdout")) if jsonl_path == "-"
                     else ReportFile("jsonl", Path(jsonl_path)))
    return sinks


def _close_reports(sinks: list[ReportFile | ReportWriter]) -> None:
    from citelens.output.batch_reports import ReportFile

    for sink in sinks:
        sink.close()
        if isinstance(sink, ReportFile) and sink.written:
            click.echo(f"{'JSON Lines' if sink.fmt == 'jsonl' else 'report'} written to {sink.path}")


def _write_reports(reports: list[dict[str, Any]], report_path: str | None, jsonl_path: str | None) -> None:
    sinks = _report_sinks(report_path, jsonl_path)
    for report in reports:
        for sink in sinks:
            sink.add(report)
    _close_reports(sinks)


article_arg = click.argument("article", required=False)  # a file or a URL


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 all checked, nothing in --fail-on; 1 something in --fail-on; 2 bad usage or "
                    "input; 3 some references could not be checked; 4 the database cannot be written; "
                    "70 internal error; 130 interrupted.")
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


@cli.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@friendly_errors
def list_articles(db_path: str, as_json: bool) -> None:
    """List the articles in the database: id, file, when checked, references and claims by status."""
    from citelens.output.terminal import print_article_list
    from citelens.store import article_summaries

    _need_db(db_path)
    rows = article_summaries(Store(db_path))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    print_article_list(rows)


@cli.command()
@db_option
@article_option
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report instead of tables "
              "(a list of reports with --article all).")
@click.option("--claims/--no-claims", default=True, help="List the claims too.")
@friendly_errors
def show(db_path: str, article_key: str | None, as_json: bool, claims: bool) -> None:
    """Print what the database holds for an article."""
    from citelens.output import build_report

    _need_db(db_path, "ingest ARTICLE")
    store = Store(db_path)
    reports = [build_report(store.load(i, candidates=False)) for i in _articles(store, article_key)]
    if as_json:
        click.echo(json.dumps(reports if article_key == "all" else reports[0], ensure_ascii=False, indent=2))
        return
    from citelens.output.terminal import print_report

    for report in reports:
        print_report(report, show_claims=claims)


EXIT_CODES_HELP = (
    "Exit codes: 0 every reference checked and nothing in --fail-on; 1 a reference or claim has a status in "
    "--fail-on; 2 bad usage or unusable input; 3 some references could not be checked (unresolved, or a refresh "
    "failed and kept the stored verdict) and nothing in --fail-on; 4 the database cannot be written."
)


def fail_on_option(default: str) -> Callable[[F], F]:
    from citelens.records import CLAIM_STATUSES, REFERENCE_STATUSES

    return click.option(
        "--fail-on", default=None,
        help="Exit 1 when any reference or claim has one of these statuses (comma-separated; any of "
             + ", ".join((*REFERENCE_STATUSES, *CLAIM_STATUSES)) + ") "
             + f"[default: fail_on of citelens.toml, else {default or 'none'}].",
    )


def _fail_on(value: str | None, default: str) -> str:
    """--fail-on as given, else the config file's fail_on, else `default`."""
    if value is not None:
        return value
    configured = _config_default("fail_on")
    return str(configured) if configured is not None else default


quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bar: only the final summary.")
jobs_option = click.option("--jobs", type=click.IntRange(1, 32), default=None,
                          help="Lookups in parallel [default: 6, or jobs in the config file].")


def cache_options(func: F) -> F:
    """--offline, --refresh and --cache-dir: how every command that looks references up uses the cache."""
    for option in reversed([
        click.option("--offline", is_flag=True,
                     help="Use only cached responses; a miss leaves the reference unresolved."),
        click.option("--refresh", is_flag=True,
                     help="Refetch every response and re-check every reference (a failed refetch keeps the "
                          "stored verdict)."),
        click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Response cache folder (default: $CITELENS_CACHE_DIR, the checkout's cache/, or the "
                          "user cache)."),
    ]):
        func = option(func)
    return func


def report_options(func: F) -> F:
    """--report and --jsonl, for check and batch alike."""
    func = click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False, allow_dash=True),
                        help="Write JSON Lines: one reference per line ('-' for stdout).")(func)
    return click.option("--report", "report_path", type=click.Path(dir_okay=False),
                        help="Write a report: .html (self-contained, for a browser), .md, .csv, .json (the "
                             "per-article reports) or .jsonl.")(func)


def _fail_statuses(fail_on: str) -> tuple[str, ...]:
    from citelens.batch import parse_statuses
    from citelens.records import CLAIM_STATUSES, REFERENCE_STATUSES

    try:
        return parse_statuses(fail_on, (*REFERENCE_STATUSES, *CLAIM_STATUSES))
    except ValueError as exc:
        fail(f"--fail-on: {exc}", EXIT_USAGE)
        raise  # unreachable: fail exits


def _refuse_contradictions(offline: bool, refresh: bool) -> None:
    if offline and refresh:
        fail("--refresh and --offline contradict each other: --refresh refetches every answer from Crossref and "
             "PubMed, --offline makes no request at all; use one of them", EXIT_USAGE)


def _exit_code(tally: ReportTally, fail_statuses: tuple[str, ...], kept: int) -> int:
    if tally.any_of(fail_statuses):
        return EXIT_FAIL_ON
    if tally.unchecked.unresolved or kept:
        return EXIT_UNCHECKED
    return EXIT_OK


def _warn_unchecked(unchecked: Unchecked, kept: int) -> None:
    """The line a person cannot miss when something could not be checked (stderr)."""
    from rich.console import Console

    from citelens.output.terminal import warn

    console = Console(stderr=True)
    line = unchecked.line()
    if line:
        warn(console, line)
    if kept:
        noun = "reference" if kept == 1 else "references"
        warn(console, f"the refresh of {kept} {noun} failed, so the stored verdicts were kept (each has a note "
                      "'refresh failed on DATE: reason'): try later")


def _on_terminal(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@cli.command(epilog=EXIT_CODES_HELP)
@article_arg
@db_option
@cache_options
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the JSON report to this file ('-' for stdout).")
@jobs_option
@report_options
@fail_on_option("")
@quiet_option
def check(article: str | None, db_path: str, offline: bool, refresh: bool, cache_dir: Path | None,
          json_path: str | None, jobs: int | None, report_path: str | None, jsonl_path: str | None,
          fail_on: str | None, quiet: bool) -> None:
    """Ingest ARTICLE, resolve its references against Crossref and PubMed, assess its claims, report."""
    sys.exit(_run_check(article, db_path, offline, refresh, cache_dir, json_path, jobs, fail_on, quiet,
                        report_path, jsonl_path))


@friendly_errors
def _run_check(article: str | None, db_path: str, offline: bool, refresh: bool, cache_dir: Path | None,
               json_path: str | None, jobs: int | None, fail_on: str | None, quiet: bool,
               report_path: str | None = None, jsonl_path: str | None = None) -> int:
    from citelens.output import report_format
    from citelens.output.batch_reports import ReportTally
    from citelens.output.terminal import print_report
    from citelens.pipeline import check_article, read_for_check
    from citelens.resolve import Stats, stage_fraction
    from citelens.settings import Settings
    from citelens.store import StoreOpener

    _refuse_contradictions(offline, refresh)
    fail_statuses = _fail_statuses(_fail_on(fail_on, ""))
    path = article or default_article()
    store = StoreOpener(db_path)  # opened only once the input is known to be usable (or if it exists)
    loaded, article_id = read_for_check(path, store)
    parsed = loaded.article
    if report_path:
        report_format(report_path)  # a bad extension fails before anything is stored
    settings = Settings.from_env(offline=offline, refresh=refresh, cache_dir=cache_dir, jobs=jobs)
    stats = Stats()
    if _on_terminal(quiet):
        from rich.console import Console

        from citelens.output.terminal import run_progress

        total = len(parsed.references)
        with run_progress(Console(stderr=True), lambda: sum(stats.requests.values()), articles=1,
                          references=total) as bar:
            result = check_article(path, store, settings, loaded=loaded, stats=stats, article_id=article_id,
                                   progress=lambda stage, done, n: bar.references(
                                       total * stage_fraction(stage, done, n), total))
            bar.articles(1, 1)
    else:
        result = check_article(path, store, settings, loaded=loaded, stats=stats, article_id=article_id)
    if json_path == "-" or jsonl_path == "-":
        if json_path == "-":
            click.echo(json.dumps(result.report, ensure_ascii=False, indent=2))
        _write_reports([result.report], report_path, jsonl_path)
    else:
        print_report(result.report, show_claims=False)
        click.echo(f"requests: Crossref {stats.requests['crossref']}, PubMed {stats.requests['pubmed']}; "
                   f"cache hits {sum(stats.cache_hits.values())}; database {db_path}")
        if json_path:
            from citelens.output import write_json

            write_json(result.report, Path(json_path))
            click.echo(f"JSON report written to {json_path}")
        _write_reports([result.report], report_path, jsonl_path)
    tally = ReportTally()
    tally.add(result.report)
    _warn_unchecked(tally.unchecked, len(result.kept))
    return _exit_code(tally, fail_statuses, len(result.kept))


@cli.command()
@click.argument("bibliography", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True,
              help="Where to write the corrected bibliography.")
@click.option("--dry-run", is_flag=True, help="Print a diff of what would change and write nothing.")
@db_option
@cache_options
@friendly_errors
def fix(bibliography: Path, output: str, dry_run: bool, db_path: str, offline: bool, refresh: bool,
        cache_dir: Path | None) -> None:
    """Check BIBLIOGRAPHY (.bib or .ris) and write it corrected: verified and discrepant entries get the real
    record's fields, with a comment saying what changed; keys, other fields and other entries stay as they are."""
    from citelens.output.fix import unified_diff
    from citelens.pipeline import fix_file
    from citelens.settings import Settings

    settings = Settings.from_env(offline=offline, refresh=refresh, cache_dir=cache_dir)
    outcome = fix_file(bibliography, lambda: Store(db_path), settings)
    for line in outcome.warnings:
        click.echo(f"citelens: warning: {line}", err=True)
    result = outcome.fix
    counts = outcome.check.report["summary"]["references"]
    summary = (f"{len(result.fixes)} entries corrected, {result.untouched} unchanged "
               f"({', '.join(f'{k} {v}' for k, v in counts.items())})")
    if dry_run:
        from citelens.read.article import read_article_text

        original, _ = read_article_text(bibliography)
        click.echo(unified_diff(original, result.text, str(bibliography)), nl=False)
        click.echo(f"citelens: {summary}; nothing written (--dry-run)", err=True)
        return
    if output == "-":
        click.echo(result.text, nl=False)
    else:
        Path(output).write_text(result.text, encoding="utf-8")
    click.echo(f"citelens: {summary}" + ("" if output == "-" else f" -> {output}"), err=True)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True)
@db_option
@jobs_option
@cache_options
@report_options
@fail_on_option("not_found,retracted")
@quiet_option
@click.option("-v", "--verbose", is_flag=True, help="Log each step on stderr (what was read, looked up, resolved).")
def batch(paths: tuple[str, ...], db_path: str, jobs: int | None, offline: bool, refresh: bool,
          cache_dir: Path | None, report_path: str | None, jsonl_path: str | None, fail_on: str | None, quiet: bool,
          verbose: bool) -> None:
    """Check every article, reference list (.txt), BibTeX (.bib) or RIS (.ris) file in PATHS (files, folders, globs)."""
    code = _run_batch(list(paths), db_path, jobs, offline, refresh, cache_dir, report_path, fail_on, quiet, verbose,
                      jsonl_path)
    sys.exit(code)


@friendly_errors
def _run_batch(paths: list[str], db_path: str, jobs: int | None, offline: bool, refresh: bool,
               cache_dir: Path | None, report_path: str | None, fail_on: str | None, quiet: bool = False,
               verbose: bool = False, jsonl_path: str | None = None) -> int:
    from citelens.batch import run_batch
    from citelens.output import report_format
    from citelens.output.terminal import batch_summary
    from citelens.resolve import Stats
    from citelens.settings import Settings

    _refuse_contradictions(offline, refresh)
    fail_statuses = _fail_statuses(_fail_on(fail_on, "not_found,retracted"))
    fmt = report_format(report_path) if report_path else None
    settings = Settings.from_env(offline=offline, refresh=refresh, cache_dir=cache_dir, jobs=jobs)
    from citelens.store import StoreOpener

    store = StoreOpener(db_path)  # opened only when some input is usable (or if it exists: to reuse what it holds)
    stats = Stats()
    log = (lambda line: click.echo(f"citelens: {line}", err=True)) if verbose else None
    sinks = _report_sinks(report_path if fmt else None, jsonl_path)

    def sink(report: dict[str, Any]) -> None:
        for writer in sinks:
            writer.add(report)

    try:
        if _on_terminal(quiet):
            from rich.console import Console

            from citelens.output.terminal import run_progress

            with run_progress(Console(stderr=True), lambda: sum(stats.requests.values())) as bar:
                result = run_batch(paths, store, settings, log=log, stats=stats, advance=bar.references,
                                   articles=bar.articles, sink=sink)
        else:
            result = run_batch(paths, store, settings, log=log, stats=stats, sink=sink)
    except BaseException:
        for writer in sinks:
            writer.discard()
        raise
    for line in result.errors + result.warnings + result.skipped:
        click.echo(f"citelens: error: {line}" if line in result.errors else f"citelens: warning: {line}", err=True)
    tally = result.tally
    if tally.articles:
        batch_summary(tally, result.stats)
        if result.skipped:
            n = len(result.skipped)
            click.echo(f"{n} file{'' if n == 1 else 's'} skipped (listed above)")
        _close_reports(sinks)
    if result.errors or not tally.articles:
        if not tally.articles and not result.errors:
            click.echo("citelens: error: no input to check", err=True)
        return EXIT_USAGE
    _warn_unchecked(tally.unchecked, result.kept)
    return _exit_code(tally, fail_statuses, result.kept)


@cli.command()
@click.argument("fmt", metavar="{bibtex,csljson,ris}", type=click.Choice(["bibtex", "csljson", "ris"]))
@db_option
@click.option("--article", "article_key",
              help="Article id or path, or 'all' (default: every article, deduplicated by DOI).")
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

    _need_db(db_path)
    store = Store(db_path)
    ids = _articles(store, article_key or "all")
    if article_key is None and len(ids) > 1:
        click.echo(f"citelens: exporting all {len(ids)} articles of {db_path}, each work once (deduplicated by "
                   "DOI); use --article ID for one", err=True)
    stored = [store.load(i, candidates=False) for i in ids]
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
@article_option
@click.option("--offline", is_flag=True, help="Re-checks use only cached responses.")
@friendly_errors
def tui(article: str | None, db_path: str, article_key: str | None, offline: bool) -> None:
    """Browse the claims beside their source abstracts, the references beside the real records, and record
    your own verdicts. ARTICLE is an article file (ingested and checked if new) or an article id."""
    from citelens.errors import InputError
    from citelens.output import export_references
    from citelens.settings import Settings
    from citelens.tui import make_app

    from .tui.services import pipeline_checker

    if article_key and article_key != "all":
        article = article or article_key
    if not article and not Path(db_path).exists():
        fail(f"{db_path}: no such database; run 'citelens check ARTICLE --db {db_path}' first", 2)
    parsed = None
    if article and not article.isdigit():
        from citelens.read import load_input

        bibliography = Path(article).suffix.lower() in (".bib", ".bibtex", ".ris")
        parsed = load_input(Path(article)).article if bibliography else load_article(article)
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
             exporter=lambda aid: export_references(store.load(aid, candidates=False), "bibtex")).run()


def main() -> None:
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
