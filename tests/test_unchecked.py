"""Never hide a run that could not check; never let a failed refresh erase a verdict (issue 15)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from citelens.cli import cli
from citelens.failures import Unchecked, failure_kind

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    monkeypatch.setenv("CITELENS_CROSSREF_URL", "http://127.0.0.1:9")  # nothing listens: connection refused
    monkeypatch.setenv("CITELENS_EUTILS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CITELENS_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.005")


def _warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if "could not be checked" in line]


def test_check_with_no_network_and_an_empty_cache_exits_3_and_says_why(runner, tmp_path, no_network):
    result = runner.invoke(cli, ["check", str(EXAMPLE), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 3
    assert _warnings(result.stderr) == [
        "citelens: warning: 12 of 12 references could not be checked (source unreachable): check the network "
        "(or CITELENS_CROSSREF_URL / CITELENS_EUTILS_URL) and run again."]
    assert "checked 0, unresolved 12, skipped 0 of 12 references" in result.stdout
    # --fail-on unresolved makes it a failure (1); a bad status is bad usage (2)
    assert runner.invoke(cli, ["check", str(EXAMPLE), "--db", str(tmp_path / "x.db"), "--offline", "--fail-on",
                               "unresolved"]).exit_code == 1
    assert runner.invoke(cli, ["check", str(EXAMPLE), "--db", str(tmp_path / "x.db"), "--fail-on",
                               "bogus"]).exit_code == 2


def test_batch_with_no_network_exits_3_and_its_summary_says_0_checked(runner, tmp_path, no_network):
    refs = tmp_path / "refs.txt"
    refs.write_text((ROOT / "tests/data/batch/references.txt").read_text())
    result = runner.invoke(cli, ["batch", str(EXAMPLE), str(refs), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 3, result.output
    assert "checked 0, unresolved 16, skipped 0 of 16 references in 2 inputs" in result.stdout
    assert "resolved 16/16" not in result.output and "unique references" not in result.output
    assert len(_warnings(result.stderr)) == 1 and "source unreachable" in result.stderr


def test_batch_fail_on_wins_over_unchecked(runner, tmp_path, standin_env, monkeypatch):
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.005")
    standin_env.fault_api = "eutils"
    standin_env.fail_5xx = True
    try:
        result = runner.invoke(cli, ["batch", str(EXAMPLE), "--db", str(tmp_path / "b.db")])
    finally:
        standin_env.fault_api = None
    statuses = json.dumps(result.output)
    assert ("not_found" in statuses and result.exit_code == 1) or result.exit_code == 3


def test_refresh_and_offline_together_are_refused(runner, tmp_path, standin_env):
    for command in (["check", str(EXAMPLE)], ["batch", str(EXAMPLE)]):
        result = runner.invoke(cli, [*command, "--db", str(tmp_path / "x.db"), "--refresh", "--offline"])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "contradict" in result.stderr
    assert not (tmp_path / "x.db").exists()


def _stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select ref_index, status, confidence, match, discrepancies, candidates "
                            "from [references] order by ref_index").fetchall()
    finally:
        conn.close()


def _evidence(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select id, status, links, evidence from claims order by id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("command", ["check", "batch"])
def test_refresh_during_an_outage_changes_no_stored_verdict(runner, tmp_path, standin_env, monkeypatch, command):
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.005")
    db = tmp_path / "keep.db"
    first = runner.invoke(cli, [command, str(EXAMPLE), "--db", str(db)])
    assert first.exit_code in (0, 1), first.output
    before, evidence = _stored(db), _evidence(db)
    from citelens.store import Store

    store = Store(db)
    claim = store.load(1).claims[3].claim
    store.set_verdict(1, claim.id, "unclear", "my own note")
    del store
    standin_env.fail_5xx = True  # the outage
    again = runner.invoke(cli, [command, str(EXAMPLE), "--db", str(db), "--refresh", "--fail-on", "retracted"])
    assert again.exit_code == 3, again.output
    assert "refresh of 12 references failed, so the stored verdicts were kept" in again.stderr
    assert _stored(db) == before and _evidence(db) == evidence
    report = json.loads(runner.invoke(cli, ["show", "--db", str(db), "--json"]).output)
    notes = [n for r in report["references"] for n in r["notes"] if n.startswith("refresh failed on ")]
    assert len(notes) == 12 and all("HTTP 5" in n for n in notes)
    verdict = next(c["verdict"] for c in report["claims"] if c["id"] == claim.id)
    assert (verdict["verdict"], verdict["note"]) == ("unclear", "my own note")
    # a second failed refresh keeps one note, not two; a good refresh removes it
    runner.invoke(cli, [command, str(EXAMPLE), "--db", str(db), "--refresh"])
    report = json.loads(runner.invoke(cli, ["show", "--db", str(db), "--json"]).output)
    assert all(sum(n.startswith("refresh failed on ") for n in r["notes"]) == 1 for r in report["references"])
    standin_env.fail_5xx = 0
    assert runner.invoke(cli, [command, str(EXAMPLE), "--db", str(db), "--refresh"]).exit_code in (0, 1)
    report = json.loads(runner.invoke(cli, ["show", "--db", str(db), "--json"]).output)
    assert not any(n.startswith("refresh failed on ") for r in report["references"] for n in r["notes"])


def test_failure_kinds_and_the_line():
    assert failure_kind(["offline and not in the cache: Crossref DOI 10.1/x"]) == "offline"
    assert failure_kind(["crossref cannot be reached (network error: ConnectError); given up"]) == "unreachable"
    assert failure_kind(["Crossref search failed: HTTP 429 after 5 attempts"]) == "rate_limit"
    assert failure_kind(["PubMed efetch: HTTP 503 after 5 attempts"]) == "server_error"
    assert failure_kind(["timeout: timed out"]) == "timeout"
    assert failure_kind(["malformed response body after 5 attempts"]) == "bad_answer"
    u = Unchecked()
    for status, note in [("verified", ""), ("skipped", ""), ("unresolved", "HTTP 429"), ("unresolved", "HTTP 502")]:
        u.add(status, [note])
    assert u.counts() == "checked 1, unresolved 2, skipped 1 of 4 references"
    assert u.line() == ("2 of 4 references could not be checked (rate limited 1, server error 1): try later, or set "
                        "CITELENS_MAILTO / NCBI_API_KEY for higher limits; try later.")
    assert Unchecked().line() is None


def test_exit_codes_are_in_the_help_and_the_readme(runner):
    readme = (ROOT / "README.md").read_text()
    for command in ("check", "batch"):
        text = " ".join(runner.invoke(cli, [command, "--help"]).output.split())
        assert "3 some references could not be checked" in text and "4 the database cannot be written" in text
        assert "--fail-on" in text and "--quiet" in text
    for code in ("| `0` |", "| `1` |", "| `2` |", "| `3` |", "| `4` |"):
        assert code in readme
