"""Reliability: API faults never change a verdict, damaged caches are refetched, the database survives
concurrent and killed runs, and bad input gets one clear line."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelens.cli import cli
from citelens.errors import ArticleError
from citelens.read.article import parse_article
from citelens.read.references import parse_reference
from citelens.read.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"
CASES = ROOT / "tests" / "data" / "cases" / "resolve-cases.md"
CLEAN = {"discrepant": 1, "not_found": 4, "verified": 7}


def _statuses(runner, db, article, out):
    result = runner.invoke(cli, ["check", str(article), "--db", str(db), "--json", str(out)])
    statuses = [r["status"] for r in json.loads(out.read_text())["references"]]
    # 3: some references could not be checked, and the run says so in one line
    expected = 3 if "unresolved" in statuses else 0
    assert result.exit_code == expected, result.output + (result.stderr or "")
    assert ("could not be checked" in result.stderr) == (expected == 3)
    return statuses


@pytest.fixture
def clean_statuses(runner, tmp_path, standin_env):
    return {a: _statuses(runner, tmp_path / f"clean-{a.stem}.db", a, tmp_path / "clean.json") for a in (EXAMPLE, CASES)}


FAULTS = {
    "429 storm with Retry-After": {"fail_429": 0.4},
    "5xx bursts": {"fail_5xx": 0.4},
    "dropped connections": {"drop": 0.3},
    "truncated bodies": {"malformed": 0.4, "malformed_mode": "truncate"},
    "HTML error page instead of JSON/XML": {"malformed": 0.4, "malformed_mode": "html"},
    "empty bodies": {"malformed": 0.4, "malformed_mode": "empty"},
    "everything fails": {"fail_5xx": True},
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_end_in_the_clean_verdict_or_unresolved(runner, tmp_path, standin_env, clean_statuses, name,
                                                      monkeypatch):
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.005")
    standin_env.retry_after = 0
    standin_env.reseed(7)
    monkeypatch.setenv("CITELENS_CACHE_DIR", str(tmp_path / "fault-cache"))
    for key, value in FAULTS[name].items():
        setattr(standin_env, key, value)
    try:
        for article, clean in clean_statuses.items():
            standin_env.reset_counts()
            got = _statuses(runner, tmp_path / f"fault-{article.stem}.db", article, tmp_path / "fault.json")
            injected = sum(1 for entry in standin_env.log if entry.fault)
            assert injected > 0
            changed = [(c, g) for c, g in zip(clean, got, strict=True) if g not in (c, "unresolved")]
            assert changed == [], f"{name}: verdicts changed {changed}"
            if name == "everything fails":
                assert set(got) - {"skipped"} == {"unresolved"}
                assert standin_env.count() <= 5 * 12 * 4  # retries are bounded
    finally:
        standin_env.malformed_mode = "truncate"


def test_timeouts_are_unresolved_not_verdicts(runner, tmp_path, standin_env, clean_statuses, monkeypatch):
    monkeypatch.setenv("CITELENS_CACHE_DIR", str(tmp_path / "timeout-cache"))
    monkeypatch.setenv("CITELENS_HTTP_TIMEOUT", "0.2")
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.005")
    standin_env.latency = {"eutils": 0.6}
    got = _statuses(runner, tmp_path / "t.db", EXAMPLE, tmp_path / "t.json")
    clean = clean_statuses[EXAMPLE]
    assert all(g in (c, "unresolved") for c, g in zip(clean, got, strict=True))
    assert "unresolved" in got


def test_damaged_cache_files_are_refetched_never_parsed(runner, tmp_path, standin_env, clean_statuses):
    cache = tmp_path / "cache"  # the standin_env cache of the clean run
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    damaged = 0
    for path in files:
        data = path.read_bytes()
        if len(data) > 40:
            path.write_bytes(data[: len(data) // 2])  # a half-written file
            damaged += 1
    assert damaged >= 10
    standin_env.reset_counts()
    got = _statuses(runner, tmp_path / "again.db", EXAMPLE, tmp_path / "again.json")
    assert got == clean_statuses[EXAMPLE]
    assert standin_env.count() > 0
    # and the damaged files were replaced by whole ones: a third run makes no request
    standin_env.reset_counts()
    assert _statuses(runner, tmp_path / "third.db", EXAMPLE, tmp_path / "third.json") == got
    assert standin_env.count() == 0


def _check_process(db: Path, env: dict[str, str], article: Path = EXAMPLE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "citelens.cli", "check", str(article), "--db", str(db)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _integrity(db: Path) -> tuple[str, int, int]:
    conn = sqlite3.connect(db)
    try:
        ok = conn.execute("pragma integrity_check").fetchone()[0]
        claims = conn.execute("select count(*) from claims").fetchone()[0]
        refs = conn.execute("select count(*) from [references]").fetchone()[0]
        return ok, claims, refs
    finally:
        conn.close()


def test_two_runs_on_one_database_at_once(tmp_path, standin_env):
    env = {**os.environ}
    db = tmp_path / "shared.db"
    runs = [_check_process(db, env) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    assert _integrity(db) == ("ok", 162, 12)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_a_killed_run_leaves_the_database_consistent_and_verdicts_intact(runner, tmp_path, standin_env, sig):
    db = tmp_path / "kill.db"
    assert runner.invoke(cli, ["ingest", str(EXAMPLE), "--db", str(db)]).exit_code == 0
    from citelens.store import Store

    store = Store(db)
    claim = store.load(1).claims[10].claim
    store.set_verdict(1, claim.id, "contradicted", "checked by hand")
    del store
    # the example makes about ten requests; at 1 s each, three in flight, the run is still looking
    # references up seconds after the second request arrives, however loaded the machine is
    standin_env.latency = 1.0
    proc = _check_process(db, {**os.environ})
    deadline = time.time() + 60
    while standin_env.count() < 2 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _integrity(db)[0] == "ok"
    standin_env.latency = 0.0
    rerun = _check_process(db, {**os.environ})
    rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    assert _integrity(db)[0] == "ok"
    reloaded = next(c for c in Store(db).load(1).claims if c.claim.id == claim.id)
    assert (reloaded.verdict.verdict, reloaded.verdict.note) == ("contradicted", "checked by hand")


# --- bad input --------------------------------------------------------------------------------

def test_huge_file_is_refused_quickly(runner, tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 10**6)  # 50 MB
    result = runner.invoke(cli, ["ingest", str(huge), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "too large" in result.stderr and "huge.txt" in result.stderr


def test_one_line_file_and_reference_list_without_article(runner, tmp_path, standin_env):
    one = tmp_path / "one.txt"
    one.write_text("Oxytocin is a hormone that makes everyone trust everyone.")
    result = runner.invoke(cli, ["ingest", str(one), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "no reference list" in result.stderr
    refs = tmp_path / "refs.txt"
    refs.write_text((ROOT / "tests/data/batch/references.txt").read_text())
    result = runner.invoke(cli, ["check", str(refs), "--db", str(tmp_path / "y.db"), "--json", "-"])
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert len(report["references"]) == 4 and report["claims"] == []


def test_duplicates_long_references_control_characters_and_malformed_dois(runner, tmp_path, standin_env):
    chen = ("Chen FS, Kumsta R, von Dawans B, Monakhov M, Ebstein RP, Heinrichs M. Common oxytocin receptor gene "
            "(OXTR) polymorphism and social support interact to reduce stress in humans. Proc Natl Acad Sci U S A. "
            "2011;108(50):19937-42.")
    long_ref = "Smith J. " + "A very long and winding title about oxytocin " * 115 + ". J Test. 2020;1(1):1-2."
    control = "Heinrichs M\x07, Baumgartner T\x1b, Kirschbaum C, Ehlert U. Social support and oxytocin interact to " \
              "suppress cortisol and subjective responses to psychosocial stress. Biol Psychiatry. 2003;54(12):1389-98."
    bad_doi = chen + " doi:10.1073/pnas.1113079108xyz"
    article = tmp_path / "odd.md"
    article.write_text("# Odd\n\nSupport lowers cortisol [1]. ⚗️ Ünïcödé claims work too [2].\n\n## References\n\n"
                       f"1. {chen}\n2. {chen}\n3. {long_ref}\n4. {control}\n5. {bad_doi}\n", encoding="utf-8")
    assert len(long_ref) > 5000
    result = runner.invoke(cli, ["check", str(article), "--db", str(tmp_path / "o.db"), "--json", "-"])
    assert result.exit_code == 0, result.stderr
    refs = json.loads(result.output)["references"]
    assert refs[0]["status"] == refs[1]["status"] == "verified"
    assert any("Identical to an earlier reference" in n for n in refs[1]["notes"])
    assert refs[2]["status"] == "not_found"
    assert refs[3]["status"] == "verified"
    assert refs[4]["status"] == "discrepant"
    assert {d["field"] for d in refs[4]["discrepancies"]} == {"doi"}
    assert any("not registered with Crossref" in n for n in refs[4]["notes"])


# --- the parser and the splitter on any input ---------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_reference_parser_never_raises(text):
    parsed = parse_reference(text)
    assert parsed.year is None or 1500 <= parsed.year <= 2099


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["Chen FS, ", "Smith, J. ", "“", "”", "(2011). ", "et al. ", "Title. ", "vol. 3, ",
                                 "108(50):1-2. ", "doi:10.1/x ", ". ", "PMID: 1 ", "& ", "In: ", "\n", "pp. 4-5"]),
                max_size=80))
def test_reference_parser_never_raises_on_citation_fragments(parts):
    parse_reference("".join(parts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_article_reader_and_splitter_never_raise(text):
    split_sentences(text)
    try:
        article = parse_article(text, "<hypothesis>", "0")
    except ArticleError:
        return
    assert all(c.text for c in article.claims)


@pytest.mark.parametrize("adversarial", [
    "A. " * 20000, "Smith J, " * 5000, "(" * 50000, "“" * 30000, "10.1000/" + "x" * 50000, "Aa" * 40000,
    "Chen, F. S., " * 4000, "vol. " * 10000, "1-2-3-4-" * 10000, ". ".join(["Word"] * 20000),
])
def test_no_input_makes_the_parser_or_splitter_backtrack(adversarial):
    """Guards against catastrophic backtracking (a correctness bug, not a speed target)."""
    start = time.perf_counter()
    parse_reference(adversarial)
    split_sentences(adversarial)
    parse_article(adversarial + "\n\nReferences\n- Smith J. A title. J Test. 2020;1:1-2.\n", "<adv>", "0")
    assert time.perf_counter() - start < 20


def test_an_unreachable_source_is_given_up_after_a_few_failures(runner, tmp_path, monkeypatch):
    """No network at all: every reference ends unresolved, and the run stops trying instead of waiting."""
    monkeypatch.setenv("CITELENS_CROSSREF_URL", "http://127.0.0.1:9")  # nothing listens: connection refused
    monkeypatch.setenv("CITELENS_EUTILS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CITELENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.01")
    out = tmp_path / "r.json"
    result = runner.invoke(cli, ["check", str(EXAMPLE), "--db", str(tmp_path / "x.db"), "--json", str(out)])
    assert result.exit_code == 3
    refs = json.loads(out.read_text())["references"]
    assert {r["status"] for r in refs} == {"unresolved"}
    notes = " ".join(n for r in refs for n in r["notes"])
    assert "cannot be reached" in notes and "given up for this run" in notes
