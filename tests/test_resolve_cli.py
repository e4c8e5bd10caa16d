"""End to end through the CLI against the loopback stand-in: verdicts, evidence, cache and offline runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citelens.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "cases" / "resolve-cases.md"

# A synthetic retracted work (test fixture only): the stand-in serves it with Crossref's
# retraction metadata and PubMed's "Retracted Publication" type.
RETRACTED_WORK = {
    "doi": "10.5555/citelens.retracted.2019", "pmid": "99000002", "pmcid": None,
    "title": "Oxytocin nasal spray doubles trust between strangers: a randomized crossover trial",
    "authors": [{"family": "Lindqvist", "given": "Anna"}, {"family": "Moreau", "given": "Claire"},
                {"family": "Tanaka", "given": "Hiro"}],
    "container_title": "Journal of Social Neuroendocrinology", "container_abbrev": "J Soc Neuroendocr",
    "issn": None, "publisher": "Test Publisher", "type": "journal-article", "volume": "7", "issue": "2",
    "pages": "101-109", "year": 2019, "published": "2019-04-01", "epub": None,
    "abstract": "Intranasal oxytocin doubled trust between strangers in a crossover trial of 40 adults.",
    "publication_types": ["Journal Article"], "keywords": [], "retracted": True, "sources": [],
}


def _check(runner, db, article, *extra, code=0):
    out = db.parent / "report.json"
    result = runner.invoke(cli, ["check", str(article), "--db", str(db), "--json", str(out), *extra])
    assert result.exit_code == code, result.output + (result.stderr or "")
    return json.loads(out.read_text()), result


def test_example_article_verdicts(runner, db_path, example_article, standin_env):
    report, result = _check(runner, db_path, example_article)
    refs = {r["index"]: r for r in report["references"]}
    status = {i: r["status"] for i, r in refs.items()}
    assert status == {1: "verified", 2: "verified", 3: "not_found", 4: "discrepant", 5: "verified",
                      6: "verified", 7: "verified", 8: "verified", 9: "not_found", 10: "not_found",
                      11: "verified", 12: "not_found"}
    chen = refs[1]["match"]
    assert (chen["doi"], chen["pmid"]) == ("10.1073/pnas.1113079108", "22123970")
    assert chen["abstract"].startswith("The neuropeptide oxytocin")
    krol = {d["field"]: (d["cited"], d["actual"]) for d in refs[4]["discrepancies"]}
    assert krol == {"first_author": ("Krol", "Oláh"), "year": (2019, 2017), "volume": ("10", "8"),
                    "pages": ("193", "2156")}
    assert refs[4]["match"]["doi"] == "10.3389/fpsyg.2017.02156"
    assert all(r["discrepancies"] == [] for i, r in refs.items() if status[i] == "verified")
    for i in (3, 9, 10, 12):
        assert refs[i]["match"] is None
        assert "No matching record in Crossref or PubMed" in refs[i]["notes"][0]
        assert "not proof" in refs[i]["notes"][0]
    assert "Crossref" in refs[1]["notes"][0] or any("Crossref" in n for n in refs[1]["notes"])
    assert report["summary"]["references"] == {"discrepant": 1, "not_found": 4, "verified": 7}
    assert "verified" in result.output


def test_wrong_year_wrong_authors_fabricated_retracted_and_web_page(runner, db_path, standin_env):
    standin_env.add_records([RETRACTED_WORK])
    report, _ = _check(runner, db_path, CASES)
    refs = {r["index"]: r for r in report["references"]}
    assert refs[1]["status"] == "verified" and refs[1]["match"]["pmid"] == "14675803"
    assert refs[2]["status"] == "discrepant"
    assert {d["field"]: (d["cited"], d["actual"]) for d in refs[2]["discrepancies"]} == {"year": (2014, 2012)}
    assert refs[3]["status"] == "discrepant"
    fields = {d["field"] for d in refs[3]["discrepancies"]}
    assert fields == {"first_author", "authors"}
    assert refs[3]["match"]["doi"] == "10.1073/pnas.0909579106"
    assert refs[4]["status"] == "not_found" and refs[4]["match"] is None
    assert refs[5]["status"] == "retracted" and "retracted" in refs[5]["notes"][0]
    assert refs[6]["status"] == "skipped" and "web page" in refs[6]["notes"][0]


def test_second_run_uses_the_cache_and_the_database(runner, db_path, example_article, standin_env):
    first, _ = _check(runner, db_path, example_article)
    standin_env.reset_counts()
    second, _ = _check(runner, db_path, example_article)
    assert standin_env.count() == 0
    assert [r["status"] for r in first["references"]] == [r["status"] for r in second["references"]]
    # a fresh database with the same cache: no requests either
    third, _ = _check(runner, db_path.parent / "other.db", example_article)
    assert standin_env.count() == 0
    assert [r["status"] for r in third["references"]] == [r["status"] for r in first["references"]]


def test_offline_miss_is_unresolved_not_a_verdict(runner, db_path, example_article, standin_env, tmp_path):
    report, result = _check(runner, db_path, example_article, "--offline", "--cache-dir", str(tmp_path / "empty"),
                            code=3)
    assert {r["status"] for r in report["references"]} == {"unresolved"}
    assert "offline" in report["references"][0]["notes"][0]
    assert {r["unresolved_reason"] for r in report["references"]} == {"offline"}
    assert report["summary"]["unresolved_reasons"] == {"offline": 12}
    assert standin_env.count() == 0
    warnings = [line for line in result.stderr.splitlines() if "could not be checked" in line]
    assert warnings == ["citelens: warning: 12 of 12 references could not be checked (offline and not in the "
                        "cache): run again without --offline."]
    assert "checked 0, unresolved 12, skipped 0 of 12 references" in result.stdout


def test_committed_cache_answers_every_example_request(runner, tmp_path, example_article, monkeypatch):
    """The README's main command on a fresh clone: no network, verdicts from cache/."""
    monkeypatch.setenv("CITELENS_CROSSREF_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("CITELENS_EUTILS_URL", "http://127.0.0.1:9")
    cache = tmp_path / "cache"
    shutil.copytree(ROOT / "cache", cache)
    report, _ = _check(runner, tmp_path / "x.db", example_article, "--offline", "--cache-dir", str(cache))
    statuses = [r["status"] for r in report["references"]]
    assert "unresolved" not in statuses, [r["notes"] for r in report["references"] if r["status"] == "unresolved"]
    assert statuses.count("verified") == 7
    chen = report["references"][0]["match"]
    assert (chen["doi"], chen["pmid"]) == ("10.1073/pnas.1113079108", "22123970") and chen["abstract"]


@pytest.mark.parametrize("fault", ["fail_429", "fail_5xx", "malformed", "drop"])
def test_transient_faults_are_retried_to_the_same_verdicts(runner, db_path, example_article, standin_env, fault,
                                                          monkeypatch):
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.01")
    standin_env.retry_after = 0
    setattr(standin_env, fault, 3)
    report, _ = _check(runner, db_path, example_article)
    assert report["summary"]["references"] == {"discrepant": 1, "not_found": 4, "verified": 7}


def test_persistent_failure_gives_unresolved_never_not_found(runner, db_path, example_article, standin_env,
                                                            monkeypatch):
    monkeypatch.setenv("CITELENS_BACKOFF_BASE", "0.01")
    standin_env.fail_5xx = True
    report, result = _check(runner, db_path, example_article, code=3)
    statuses = {r["status"] for r in report["references"]}
    assert statuses == {"unresolved"}
    assert all("failed" in r["notes"][0] for r in report["references"])
    assert {r["unresolved_reason"] for r in report["references"]} == {"server_error"}
    assert "12 of 12 references could not be checked (server error): try later." in result.stderr
    standin_env.fail_5xx = 0
    # the next run retries what was unresolved and reaches the real verdicts
    report, _ = _check(runner, db_path, example_article)
    assert report["summary"]["references"] == {"discrepant": 1, "not_found": 4, "verified": 7}


def test_two_records_that_fit_equally_are_ambiguous(runner, db_path, standin_env, tmp_path):
    """A work published twice under one title (synthetic fixtures): neither can be preferred."""
    twin = {**RETRACTED_WORK, "retracted": False, "title": "Oxytocin and trust in economic games: a twin study",
            "doi": "10.5555/citelens.twin.a", "pmid": None, "container_title": "Journal of Twin Research",
            "container_abbrev": "J Twin Res", "volume": "3", "issue": "1", "pages": "1-9", "year": 2018}
    other = {**twin, "doi": "10.5555/citelens.twin.b", "container_title": "Twin Studies Quarterly",
             "container_abbrev": "Twin Stud Q", "volume": "11", "issue": "4", "pages": "200-208"}
    standin_env.add_records([twin, other])
    article = tmp_path / "twins.md"
    article.write_text("# Twins\n\nTrust rose after oxytocin in twins [1].\n\n## References\n\n"
                       "1. Lindqvist A, Moreau C, Tanaka H. Oxytocin and trust in economic games: a twin study. 2018.\n")
    report, _ = _check(runner, db_path, article)
    ref = report["references"][0]
    assert ref["status"] == "ambiguous"
    assert ref["match"] is None
    assert "records fit this reference equally well" in ref["notes"][0]
