"""Batch runs through the CLI against the stand-in: inputs, shared lookups, reports, exit codes, resuming."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from citelens.cli import cli

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = [ROOT / "references" / "oxytocin-sensitivity.txt", ROOT / "tests" / "data" / "articles"]
BATCH = ROOT / "tests" / "data" / "batch"


def _batch(runner, db, *args):
    return runner.invoke(cli, ["batch", *map(str, args), "--db", str(db)])


def test_batch_over_articles_in_many_layouts_writes_all_three_reports(runner, db_path, tmp_path, standin_env):
    results = {}
    for ext in ("json", "md", "csv"):
        out = tmp_path / f"report.{ext}"
        result = _batch(runner, db_path, *ARTICLES, "--report", out)
        assert result.exit_code == 1, result.output  # the example has not_found references
        results[ext] = out.read_text()
    reports = json.loads(results["json"])
    assert [Path(r["article"]["path"]).name for r in reports] == [
        "oxytocin-sensitivity.txt", "oxytocin-face-memory.md", "oxytocin-parenting.txt", "social-support-stress.md",
        "vasopressin-anxiety.txt"]
    assert all(set(r) == {"article", "references", "claims", "summary"} for r in reports)
    assert reports[0]["summary"]["references"] == {"discrepant": 1, "not_found": 4, "verified": 7}
    assert "skipped" in result.stderr and "EXPECTED.md" in result.stderr  # a README in the folder is no article
    rows = list(csv.DictReader(io.StringIO(results["csv"])))
    assert len(rows) == sum(len(r["references"]) for r in reports)
    assert {"article", "index", "status", "doi", "discrepancies", "raw"} <= set(rows[0])
    assert "# citelens batch report" in results["md"] and "| 4 | discrepant |" in results["md"]
    assert "Batch summary" in result.output


def test_exit_codes_follow_fail_on(runner, db_path, standin_env):
    assert _batch(runner, db_path, ARTICLES[0], "--fail-on", "retracted").exit_code == 0
    assert _batch(runner, db_path, ARTICLES[0], "--fail-on", "not_found").exit_code == 1
    assert _batch(runner, db_path, ARTICLES[0], "--fail-on", "bogus").exit_code == 2
    assert _batch(runner, db_path, "/no/such/file.txt").exit_code == 2
    assert _batch(runner, db_path, ARTICLES[0], "--report", "out.pdf").exit_code == 2


def test_bibliographies_and_reference_lists_are_inputs(runner, db_path, tmp_path, standin_env):
    out = tmp_path / "r.json"
    result = _batch(runner, db_path, BATCH / "my-bibliography.bib", BATCH / "reading-list.ris",
                    BATCH / "references.txt", "--report", out)
    assert result.exit_code == 1  # one fabricated reference in references.txt
    assert "my-bibliography.bib:9" in result.stderr and "does not parse" in result.stderr
    reports = {Path(r["article"]["path"]).name: r for r in json.loads(out.read_text())}
    bib = {r["index"]: r for r in reports["my-bibliography.bib"]["references"]}
    assert bib[1]["status"] == "verified"
    assert bib[2]["status"] == "discrepant"
    assert bib[2]["discrepancies"] == [{"field": "year", "cited": 2010, "actual": 2009}]
    assert [r["status"] for r in reports["reading-list.ris"]["references"]] == ["verified", "verified"]
    assert [r["status"] for r in reports["references.txt"]["references"]] == [
        "verified", "verified", "not_found", "verified"]
    assert reports["references.txt"]["claims"] == []


def test_identical_references_across_inputs_are_resolved_once(runner, db_path, tmp_path, standin_env):
    chen = (BATCH / "references.txt").read_text().splitlines()[3]
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"{chen}\n{chen.replace('2011;', '2011 ;')}\n")
    standin_env.reset_counts()
    result = _batch(runner, db_path, tmp_path / "a.txt", tmp_path / "b.txt", "--verbose")
    assert result.exit_code == 0, result.output
    first = standin_env.count()
    assert "1 unique references to look up" in result.stderr or "2 unique references to look up" in result.stderr
    standin_env.reset_counts()
    (tmp_path / "c.txt").write_text(f"{chen}\n")
    assert _batch(runner, db_path, tmp_path / "c.txt").exit_code == 0
    assert standin_env.count() == 0  # already known from the database
    assert first <= 6


def _subprocess_batch(db: Path, report: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "citelens.cli", "batch", *map(str, ARTICLES), str(BATCH / "references.txt"),
         "--db", str(db), "--report", str(report), "--jobs", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_an_interrupted_batch_resumes_with_the_same_results_and_no_repeated_lookups(tmp_path, standin_env,
                                                                                      monkeypatch):
    env = {**os.environ, "CITELENS_CACHE_DIR": str(tmp_path / "cache-full")}
    full = _subprocess_batch(tmp_path / "full.db", tmp_path / "full.json", env)
    full.communicate(timeout=300)
    expected = json.loads((tmp_path / "full.json").read_text())

    standin_env.reset_counts()
    standin_env.latency = 0.05
    env = {**os.environ, "CITELENS_CACHE_DIR": str(tmp_path / "cache")}
    first = _subprocess_batch(tmp_path / "run.db", tmp_path / "run.json", env)
    deadline = time.time() + 60
    while standin_env.count() < 15 and time.time() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=60)
    done = {(r.api, r.route, tuple(sorted(r.query.items())) if isinstance(r.query, dict) else r.query)
            for r in standin_env.requests}
    assert len(done) > 0
    standin_env.latency = 0.0
    standin_env.reset_counts()
    second = _subprocess_batch(tmp_path / "run.db", tmp_path / "run.json", env)
    second.communicate(timeout=300)
    assert second.returncode == 1
    again = {(r.api, r.route, tuple(sorted(r.query.items())) if isinstance(r.query, dict) else r.query)
             for r in standin_env.requests}
    # at most the requests that were in flight when the first run was killed are made again
    assert len(done & again) <= 4
    resumed = json.loads((tmp_path / "run.json").read_text())
    assert [[r["status"] for r in a["references"]] for a in resumed] == \
        [[r["status"] for r in a["references"]] for a in expected]
