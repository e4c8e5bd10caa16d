"""Output: stored articles in, what people and tools read out.

`report` is the JSON report (a contract other tools read; see README); `batch_reports`
writes batch reports as JSON, Markdown or CSV; `export` writes the resolved references as
BibTeX, CSL-JSON or RIS; `terminal` renders reports as rich tables for the CLI.
"""

from __future__ import annotations

from citelens.output.batch_reports import render, report_format, write_json, write_report
from citelens.output.export import export_references
from citelens.output.report import build_report

__all__ = ["build_report", "export_references", "render", "report_format", "write_json", "write_report"]
