"""Terminal views of a report: rich tables for `show`, `check` and `batch`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from citelens.failures import Unchecked

if TYPE_CHECKING:
    from citelens.output.batch_reports import ReportTally

STATUS_STYLES = {
    "verified": "green", "discrepant": "yellow", "ambiguous": "magenta", "not_found": "bold red",
    "retracted": "bold red", "unresolved": "dim", "skipped": "cyan",
    "supported": "green", "partial": "yellow", "contradicted": "bold red", "no_evidence": "magenta",
    "source_problem": "red",
    "uncited": "dim",
}


def _authors(parsed: dict[str, Any]) -> str:
    names = [a["family"] for a in parsed["authors"][:2]]
    text = ", ".join(names)
    if parsed["et_al"] or len(parsed["authors"]) > 2:
        text += " et al."
    return text


def status_text(status: str | None) -> Text:
    return Text(status or "-", style=STATUS_STYLES.get(status or "", "dim"))


def references_table(report: dict[str, Any]) -> Table:
    table = Table(title="References", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("cited as", min_width=14, max_width=24)
    table.add_column("title / container", ratio=1, min_width=30)
    table.add_column("status", no_wrap=True)
    for ref in report["references"]:
        p = ref["parsed"]
        vip = (p["volume"] or "") + (f"({p['issue']})" if p["issue"] else "") + (f":{p['pages']}" if p["pages"] else "")
        body = Text(p["title"] or ref["raw"])
        body.append(f"\n{p['container_title'] or ''} {vip}".rstrip(), style="dim")
        cited = Text(f"{_authors(p)} ({p['year'] or 'n.d.'})")
        cited.append(f"\n{p['style']}", style="dim")
        table.add_row(str(ref["index"]), cited, body, status_text(ref["status"]))
    return table


def claims_table(report: dict[str, Any]) -> Table:
    table = Table(title="Claims", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("section", max_width=18)
    table.add_column("claim", ratio=4)
    table.add_column("refs", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for n, claim in enumerate(report["claims"], 1):
        text = claim["text"] if len(claim["text"]) <= 160 else claim["text"][:157] + "..."
        table.add_row(str(n), claim["section"], text, ",".join(map(str, claim["references"])),
                      status_text(claim["status"]))
    return table


def print_report(report: dict[str, Any], *, show_claims: bool = True, console: Console | None = None) -> None:
    console = console or Console()
    article = report["article"]
    console.print(f"[bold]{article['title']}[/bold]  ({article['path']})")
    console.print(references_table(report))
    if show_claims:
        console.print(claims_table(report))
    summary = report["summary"]
    parts = [f"{len(report['references'])} references", f"{len(report['claims'])} claims"]
    if summary["references"]:
        parts.append("references: " + ", ".join(f"{k} {v}" for k, v in summary["references"].items()))
    if summary["claims"]:
        parts.append("claims: " + ", ".join(f"{k} {v}" for k, v in summary["claims"].items()))
    console.print("; ".join(parts))
    unchecked = Unchecked()
    for ref in report["references"]:
        unchecked.add(ref["status"], ref["notes"])
    console.print(unchecked.counts())


def batch_summary(tally: ReportTally, stats: Any, console: Console | None = None) -> None:
    """One row per article and a total: references and claims by status, and the requests made."""
    console = console or Console()
    statuses = ["verified", "discrepant", "ambiguous", "not_found", "retracted", "unresolved", "skipped"]
    short = {"verified": "ok", "discrepant": "wrong", "ambiguous": "ambig", "not_found": "none",
             "retracted": "retr", "unresolved": "fail", "skipped": "skip"}
    table = Table(title="Batch summary (references by status; claims linked/uncited)", expand=False)
    table.add_column("article", min_width=16, overflow="fold")
    for status in statuses:
        table.add_column(short[status], justify="right", style=STATUS_STYLES.get(status, ""))
    table.add_column("claims", justify="right")

    def claims_cell(claims: Counter[str]) -> str:
        uncited = claims.get("uncited", 0)
        return f"{claims.total() - uncited}/{uncited}"

    for article in tally.articles:
        table.add_row(Path(article.path).name, *[str(article.references.get(s, 0)) for s in statuses],
                      claims_cell(article.claims))
    table.add_section()
    total = tally.references()
    table.add_row("all", *[str(total.get(s, 0)) for s in statuses], claims_cell(tally.claims()), style="bold")
    console.print(table)
    n = len(tally.articles)
    console.print(tally.unchecked.counts() + f" in {n} input" + ("" if n == 1 else "s"))
    console.print(f"requests: Crossref {stats.requests['crossref']}, PubMed {stats.requests['pubmed']}; "
                  f"cache hits {sum(stats.cache_hits.values())}; retries {sum(stats.retries.values())}")


def warn(console: Console, line: str) -> None:
    """A line a person cannot miss: bold on stderr, red on a terminal."""
    console.print(Text(f"citelens: warning: {line}", style="bold red"), soft_wrap=True)


class _LiveText(ProgressColumn):
    """A column whose text is read at every refresh (the requests made so far)."""

    def __init__(self, text: Callable[[], str]) -> None:
        super().__init__()
        self._text = text

    def render(self, task: Task) -> Text:
        return Text(self._text(), style="dim")


class RunProgress:
    """What the progress bar of `check` and `batch` shows: articles, references, requests, ETA."""

    def __init__(self, progress: Progress, articles: int, references: int) -> None:
        self._progress = progress
        self._articles = (0, articles)
        self._task = progress.add_task("", total=max(references, 1), articles=self._articles_text(), refs="")
        self.references(0, references)

    def _articles_text(self) -> str:
        done, total = self._articles
        return f"articles {done}/{total}" if total else "articles"

    def articles(self, done: int, total: int) -> None:
        self._articles = (done, total)
        self._progress.update(self._task, articles=self._articles_text())

    def references(self, done: float, total: int) -> None:
        self._progress.update(self._task, completed=done, total=max(total, 1),
                              refs=f"references {int(done)}/{total}")


@contextmanager
def run_progress(console: Console, requests: Callable[[], int], *, articles: int = 0,
                 references: int = 0) -> Iterator[RunProgress]:
    """A moving progress bar on `console` (a terminal) while a run goes; gone when it ends."""
    columns = (TextColumn("{task.fields[articles]}"), BarColumn(), TextColumn("{task.fields[refs]}"),
               _LiveText(lambda: f"requests {requests()}"), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, refresh_per_second=8) as progress:
        yield RunProgress(progress, articles, references)


def _counts(counts: dict[str, int]) -> Text:
    return Text(", ").join(Text(f"{k.replace('_', ' ')} {v}", style=STATUS_STYLES.get(k, ""))
                           for k, v in counts.items())


def print_article_list(rows: list[dict[str, Any]]) -> None:
    """`citelens list`: one row per article of the database."""
    table = Table(title="Articles", expand=True)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("file", ratio=1, min_width=24, overflow="fold")
    table.add_column("checked", no_wrap=True)
    table.add_column("references / claims by status", ratio=1, min_width=24)
    for row in rows:
        checked = (row["checked_at"] or "never")[:16].replace("T", " ")
        path = Path(row["path"])
        try:
            folder = str(path.parent.relative_to(Path.cwd()))
        except ValueError:
            folder = str(path.parent)
        file = Text(path.name)
        if folder not in ("", "."):
            file.append(f"\n{folder}", style="dim")
        counts = Text.assemble("refs: ", _counts(row["references"]))
        if row["claims"]:
            counts.append("\nclaims: ")
            counts.append_text(_counts(row["claims"]))
        table.add_row(str(row["id"]), file, checked, counts)
    Console().print(table)
