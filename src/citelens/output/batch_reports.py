"""Reports written as JSON (a list of per-article reports), Markdown, CSV, HTML or JSON Lines (one
reference per line), chosen by the file's extension."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citelens.errors import InputError
from citelens.output.readable import cited_as, discrepancies_text

REPORT_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv",
                  ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


def report_format(path: str) -> str:
    fmt = REPORT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: report files end in .json, .md, .csv, .html or .jsonl")
    return fmt


def render(reports: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(reports, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(reports)
    if fmt == "jsonl":
        return jsonl(reports)
    if fmt == "html":
        from citelens.output.html_report import render_html

        return render_html(reports)
    return _markdown(reports)


def write_report(reports: list[dict[str, Any]], fmt: str, path: Path) -> None:
    """The report written to `path` as it is encoded (JSON and JSON Lines are streamed to the file, not
    built as one string first: a 10,000-reference report is tens of MB of text)."""
    if fmt == "json":
        write_json(reports, path)
        return
    with path.open("w", encoding="utf-8") as out:
        if fmt == "jsonl":
            for line in _jsonl_lines(reports):
                out.write(line + "\n")
        else:
            out.write(render(reports, fmt))


def write_json(value: Any, path: Path) -> None:
    """`value` as indented JSON, encoded straight into the file."""
    with path.open("w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False, indent=2)
        out.write("\n")


def _jsonl_lines(reports: list[dict[str, Any]]) -> Iterator[str]:
    for report in reports:
        for ref in report["references"]:
            yield json.dumps({"article": report["article"]["path"],
                              "article_title": report["article"]["title"], **ref}, ensure_ascii=False)


def jsonl(reports: list[dict[str, Any]]) -> str:
    """JSON Lines: one reference per line, the report's reference object with its article's path and
    title (`article`, `article_title`) added."""
    lines = list(_jsonl_lines(reports))
    return "\n".join(lines) + ("\n" if lines else "")


def _discrepancies(ref: dict[str, Any]) -> str:
    return discrepancies_text(ref)


def _csv(reports: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["article", "index", "status", "confidence", "doi", "pmid", "matched_title", "discrepancies",
                     "raw"])
    for report in reports:
        for ref in report["references"]:
            match = ref["match"] or {}
            writer.writerow([report["article"]["path"], ref["index"], ref["status"], ref["confidence"],
                             match.get("doi") or "", match.get("pmid") or "", match.get("title") or "",
                             _discrepancies(ref), ref["raw"]])
    return out.getvalue()


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




def _markdown(reports: list[dict[str, Any]]) -> str:
    lines = ["# citelens batch report", ""]
    total: Counter[str] = Counter()
    for report in reports:
        counts = Counter(r["status"] for r in report["references"])
        total.update(counts)
        lines += [f"## {report['article']['title']} ({Path(report['article']['path']).name})", "",
                  _counts_line(counts), "",
                  "| # | status | cited as | reference | real record | wrong fields |",
                  "|---|---|---|---|---|---|"]
        for ref in report["references"]:
            lines.append(f"| {ref['index']} | {_cell(_words(ref['status']))} | {_cell(_cited(ref))} | "
                         f"{_cell(ref['raw'])} | {_cell(_real(ref))} | {_cell(_discrepancies(ref), '')} |")
        claims = Counter(c["status"] for c in report["claims"] if c["status"])
        if claims:
            lines += ["", "Claims: " + _counts_line(claims)]
        lines.append("")
    lines += ["## Overall", "", _counts_line(total), ""]
    return "\n".join(lines)
