"""Batch reports are written one article at a time: the same text as the whole list encoded at once,
no file when there is no report, and nothing half-written left behind by a run that fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citelens.output import render, write_report
from citelens.output.batch_reports import ReportFile, ReportTally


def _report(path: str, statuses: list[str], claims: list[str]) -> dict:
    refs = [{"index": n, "status": s, "confidence": 0.9, "raw": f"Smith J. Title {n}. J Med. 2001;{n}:1-2. «é»",
             "notes": ["multi\nline note"] if s == "unresolved" else [], "match": None, "parsed": {},
             "discrepancies": []}
            for n, s in enumerate(statuses, 1)]
    return {"article": {"path": path, "title": f"Article {path}"}, "references": refs,
            "claims": [{"status": c} for c in claims], "summary": {}}


REPORTS = [_report("a.txt", ["verified", "not_found"], ["supported", "uncited"]),
           _report("b.md", ["unresolved", "discrepant", "verified"], ["contradicted"])]


@pytest.mark.parametrize("reports", [[], REPORTS[:1], REPORTS])
def test_streamed_json_is_the_same_text_as_the_whole_list_encoded_at_once(reports):
    assert render(reports, "json") == json.dumps(reports, ensure_ascii=False, indent=2) + "\n"


def test_json_lines_and_csv_have_one_row_per_reference_of_every_article():
    lines = render(REPORTS, "jsonl").splitlines()
    assert [json.loads(line)["article"] for line in lines] == ["a.txt", "a.txt", "b.md", "b.md", "b.md"]
    assert len(render(REPORTS, "csv").splitlines()) == 1 + 5


def test_markdown_ends_with_the_overall_counts_of_all_articles():
    text = render(REPORTS, "markdown")
    assert text.startswith("# citelens batch report\n\n## Article a.txt (a.txt)")
    assert text.endswith("## Overall\n\ndiscrepant: 1, not found: 1, unresolved: 1, verified: 2\n")


def test_a_report_file_appears_only_when_complete(tmp_path: Path):
    path = tmp_path / "report.json"
    write_report([], "json", path)
    assert not path.exists()  # no report, no file
    with pytest.raises(KeyboardInterrupt), ReportFile("json", path) as writer:
        writer.add(REPORTS[0])
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []  # an interrupted run leaves nothing half-written
    path.write_text("the previous run's report")
    with pytest.raises(RuntimeError), ReportFile("json", path) as writer:
        writer.add(REPORTS[0])
        raise RuntimeError("lookup crashed")
    assert path.read_text() == "the previous run's report"
    write_report(REPORTS, "json", path)
    assert json.loads(path.read_text()) == REPORTS


def test_the_tally_keeps_counts_not_reports():
    tally = ReportTally()
    for report in REPORTS:
        tally.add(report)
    assert tally.references() == {"verified": 2, "not_found": 1, "unresolved": 1, "discrepant": 1}
    assert tally.claims() == {"supported": 1, "uncited": 1, "contradicted": 1}
    assert tally.any_of(("contradicted",)) and not tally.any_of(("retracted", "partial"))
    assert (tally.unchecked.total, tally.unchecked.unresolved) == (5, 1)
    assert [a.path for a in tally.articles] == ["a.txt", "b.md"]
