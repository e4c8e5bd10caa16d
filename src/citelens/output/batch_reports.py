"""Batch reports written as JSON (a list of per-article reports), Markdown or CSV, by file extension."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from citelens.errors import InputError

REPORT_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".csv": "csv"}


def report_format(path: str) -> str:
    fmt = REPORT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: report files end in .json, .md or .csv")
    return fmt


def render(reports: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(reports, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(reports)
    return _markdown(reports)


def _discrepancies(ref: dict[str, Any]) -> str:
    return "; ".join(f"{d['field']}: cited {d['cited']}, actual {d['actual']}" for d in ref["discrepancies"])


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


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _markdown(reports: list[dict[str, Any]]) -> str:
    lines = ["# citelens batch report", ""]
    total: Counter[str] = Counter()
    for report in reports:
        counts = Counter(r["status"] for r in report["references"])
        total.update(counts)
        lines += [f"## {report['article']['title']} ({Path(report['article']['path']).name})", "",
                  ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())), "",
                  "| # | status | reference | real record | wrong fields |", "|---|---|---|---|---|"]
        for ref in report["references"]:
            match = ref["match"] or {}
            real = f"{match.get('title') or ''} (doi {match.get('doi')})" if match else ""
            lines.append(f"| {ref['index']} | {ref['status']} | {_cell(ref['raw'])} | {_cell(real)} | "
                         f"{_cell(_discrepancies(ref))} |")
        claims = Counter(c["status"] for c in report["claims"] if c["status"])
        if claims:
            lines += ["", "Claims: " + ", ".join(f"{k} {v}" for k, v in sorted(claims.items()))]
        lines.append("")
    lines += ["## Overall", "", ", ".join(f"{k}: {v}" for k, v in sorted(total.items())), ""]
    return "\n".join(lines)
