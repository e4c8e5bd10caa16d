"""Reports written as JSON (a list of per-article reports), Markdown, CSV, HTML or JSON Lines (one
reference per line), chosen by the file's extension."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from citelens.errors import InputError
from citelens.failures import Unchecked
from citelens.output.readable import cited_as, discrepancies_text

REPORT_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv",
                  ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


def report_format(path: str) -> str:
    fmt = REPORT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: report files end in .json, .md, .csv, .html or .jsonl")
    return fmt


def render(reports: Iterable[dict[str, Any]], fmt: str) -> str:
    out = io.StringIO()
    with ReportWriter(fmt, out) as writer:
        for report in reports:
            writer.add(report)
    return out.getvalue()


def write_report(reports: Iterable[dict[str, Any]], fmt: str, path: Path) -> None:
    """The report written to `path` as it is encoded (JSON and JSON Lines are streamed to the file, not
    built as one string first: a 10,000-reference report is tens of MB of text)."""
    with ReportFile(fmt, path) as writer:
        for report in reports:
            writer.add(report)


def write_json(value: Any, path: Path) -> None:
    """`value` as indented JSON, encoded straight into the file."""
    with path.open("w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False, indent=2)
        out.write("\n")


class ReportWriter:
    """Reports (one per article) written to `out` in format `fmt` as they are added, so that a batch of
    thousands of articles never holds them all: JSON (the list of reports, the same text as
    `json.dump(reports, indent=2)`), JSON Lines, CSV and Markdown stream; HTML, whose summary comes first,
    keeps the reports until `close`."""

    def __init__(self, fmt: str, out: TextIO) -> None:
        self.fmt, self.out, self.count = fmt, out, 0
        self._total: Counter[str] = Counter()  # Markdown's overall line
        self._kept: list[dict[str, Any]] = []  # HTML only
        self._csv = csv.writer(out) if fmt == "csv" else None
        if self._csv:
            self._csv.writerow(CSV_COLUMNS)
        elif fmt == "markdown":
            out.write("# citelens batch report\n\n")

    def add(self, report: dict[str, Any]) -> None:
        self.count += 1
        if self.fmt == "json":
            self.out.write("[\n  " if self.count == 1 else ",\n  ")
            for chunk in _ENCODER.iterencode(report):
                self.out.write(chunk.replace("\n", "\n  "))  # encoded strings hold no raw newline
        elif self.fmt == "jsonl":
            for line in _jsonl_lines(report):
                self.out.write(line + "\n")
        elif self._csv:
            self._csv.writerows(_csv_rows(report))
        elif self.fmt == "markdown":
            self.out.write(_markdown_article(report, self._total))
        else:
            self._kept.append(report)

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "markdown":
            self.out.write("\n".join(["## Overall", "", _counts_line(self._total), ""]))
        elif self.fmt == "html":
            from citelens.output.html_report import render_html

            self.out.write(render_html(self._kept))

    def discard(self) -> None:
        """Nothing to take back: what went to a stream is gone (a file: see `ReportFile`)."""

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()


class ReportFile:
    """Reports written to the file at `path` as they are added: opened at the first report (no report, no
    file), written beside it and moved into place when closed, so that an interrupted run leaves no
    half-written report."""

    def __init__(self, fmt: str, path: Path) -> None:
        self.fmt, self.path = fmt, path
        self._partial = path.with_name(path.name + ".partial")
        self._file: TextIO | None = None
        self._writer: ReportWriter | None = None
        self.written = False

    def add(self, report: dict[str, Any]) -> None:
        if self._writer is None:
            self._file = self._partial.open("w", encoding="utf-8")
            self._writer = ReportWriter(self.fmt, self._file)
        self._writer.add(report)

    def close(self) -> None:
        if self._writer is None or self._file is None:
            return
        self._writer.close()
        self._file.close()
        self._partial.replace(self.path)
        self.written = True
        self._file = self._writer = None

    def __enter__(self) -> ReportFile:
        return self

    def discard(self) -> None:
        """Leave no file behind (the run failed or was interrupted): what was written is removed."""
        if self._file is not None:
            self._file.close()
            self._partial.unlink(missing_ok=True)
            self._file = self._writer = None

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.discard()


@dataclass
class ArticleCounts:
    """One article of a run: its path, its references and its claims by status."""

    path: str
    references: Counter[str]
    claims: Counter[str]


@dataclass
class ReportTally:
    """What a run's summary, warnings and exit code need of its reports, counted as the reports go by
    (a batch of thousands of articles keeps these counts, not the reports)."""

    articles: list[ArticleCounts] = field(default_factory=list)
    unchecked: Unchecked = field(default_factory=Unchecked)

    def add(self, report: dict[str, Any]) -> None:
        refs = report["references"]
        self.articles.append(ArticleCounts(report["article"]["path"], Counter(r["status"] for r in refs),
                                           Counter(c["status"] for c in report["claims"] if c["status"])))
        for ref in refs:
            self.unchecked.add(ref["status"], ref["notes"])

    def references(self) -> Counter[str]:
        return sum((a.references for a in self.articles), Counter())

    def claims(self) -> Counter[str]:
        return sum((a.claims for a in self.articles), Counter())

    def any_of(self, statuses: Iterable[str]) -> bool:
        """Any reference or claim with one of `statuses` (the test of `--fail-on`)."""
        wanted = set(statuses)
        return any(wanted & (a.references.keys() | a.claims.keys()) for a in self.articles)


_ENCODER = json.JSONEncoder(ensure_ascii=False, indent=2)
CSV_COLUMNS = ["article", "index", "status", "confidence", "doi", "pmid", "matched_title", "discrepancies", "raw"]


def _jsonl_lines(report: dict[str, Any]) -> Iterator[str]:
    for ref in report["references"]:
        yield json.dumps({"article": report["article"]["path"],
                          "article_title": report["article"]["title"], **ref}, ensure_ascii=False)


def _discrepancies(ref: dict[str, Any]) -> str:
    return discrepancies_text(ref)


def _csv_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    for ref in report["references"]:
        match = ref["match"] or {}
        yield [report["article"]["path"], ref["index"], ref["status"], ref["confidence"], match.get("doi") or "",
               match.get("pmid") or "", match.get("title") or "", _discrepancies(ref), ref["raw"]]


def _cell(text: Any, empty: str = "—") -> str:
    value = " ".join(str(text if text is not None else "").split())
    return (value or empty).replace("|", "\\|")


def _words(status: str | None) -> str:
    return (status or "not checked").replace("_", " ")


def _counts_line(counts: Counter[str]) -> str:
    return ", ".join(f"{_words(k)}: {v}" for k, v in sorted(counts.items())) or "nothing checked"


def _cited(ref: dict[str, Any]) -> str:
    key = (ref.get("parsed") or {}).get("key")
    return cited_as(ref) + (f" [{key}]" if key else "")


def _real(ref: dict[str, Any]) -> str:
    match = ref.get("match")
    if not match:
        return ""
    ids = ", ".join(x for x in (f"doi {match['doi']}" if match.get("doi") else "",
                                f"PMID {match['pmid']}" if match.get("pmid") else "") if x)
    return f"{match.get('title') or ''}" + (f" ({ids})" if ids else "")




def _markdown_article(report: dict[str, Any], total: Counter[str]) -> str:
    counts = Counter(r["status"] for r in report["references"])
    total.update(counts)
    lines = [f"## {report['article']['title']} ({Path(report['article']['path']).name})", "",
             _counts_line(counts), "",
             "| # | status | cited as | reference | real record | wrong fields |",
             "|---|---|---|---|---|---|"]
    for ref in report["references"]:
        lines.append(f"| {ref['index']} | {_cell(_words(ref['status']))} | {_cell(_cited(ref))} | "
                     f"{_cell(ref['raw'])} | {_cell(_real(ref))} | {_cell(_discrepancies(ref), '')} |")
    claims = Counter(c["status"] for c in report["claims"] if c["status"])
    if claims:
        lines += ["", "Claims: " + _counts_line(claims)]
    return "\n".join(lines) + "\n\n"
