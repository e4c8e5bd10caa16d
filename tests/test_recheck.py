"""A re-check does no work twice: an unchanged input is not read again, unchanged claims are not re-assessed,
and anything that changed (the file, a verdict) is computed again. Reviewer verdicts survive either way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import citelens.claims
import citelens.read.inputs
from citelens.cli import cli
from citelens.records import Resolution
from citelens.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"


def _batch(runner, db, *args):
    return runner.invoke(cli, ["batch", *map(str, args), "--db", str(db)])


def _no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(citelens.read.inputs, "parse_article", refuse)
    monkeypatch.setattr(citelens.claims, "assess_article", refuse)


def test_batch_recheck_of_an_unchanged_article_reuses_what_is_stored(runner, db_path, tmp_path, standin_env,
                                                                     monkeypatch):
    article = tmp_path / "a.txt"
    shutil.copy(EXAMPLE, article)
    first = _batch(runner, db_path, article, "--report", tmp_path / "1.json")
    assert first.exit_code == 1, first.output
    store = Store(db_path)
    claim_id = store.load(1).claims[0].claim.id
    store.set_verdict(1, claim_id, "unclear", "reviewer's note")
    standin_env.reset_counts()
    with monkeypatch.context() as patch:
        _no_parsing(patch)
        again = _batch(runner, db_path, article, "--report", tmp_path / "2.json")
    assert again.exit_code == 1, again.output
    assert standin_env.count() == 0
    one, two = (json.loads((tmp_path / f"{n}.json").read_text()) for n in (1, 2))
    for report in one + two:
        report["article"].pop("checked_at", None)
        report["article"].pop("ingested_at", None)
    assert [r["references"] for r in two] == [r["references"] for r in one]
    assert [[(c["id"], c["status"], c["references"]) for c in r["claims"]] for r in two] == \
        [[(c["id"], c["status"], c["references"]) for c in r["claims"]] for r in one]
    assert Store(db_path).load(1).claims[0].verdict.verdict == "unclear"


def test_a_changed_file_is_read_again_and_a_changed_verdict_reassessed(runner, db_path, tmp_path, standin_env,
                                                                      monkeypatch):
    article = tmp_path / "a.txt"
    shutil.copy(EXAMPLE, article)
    assert _batch(runner, db_path, article).exit_code == 1
    article.write_text(article.read_text() + "\nOne more sentence that cites nothing at all here.\n")
    calls = []
    real = citelens.read.inputs.parse_article
    monkeypatch.setattr(citelens.read.inputs, "parse_article", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert _batch(runner, db_path, article).exit_code == 1
    assert calls == [1]  # the bytes changed: read again
    store = Store(db_path)
    cited = next(c for c in store.load(1).claims if c.references)
    index = cited.references[0]
    store.save_resolution(1, index, Resolution("not_found", 0.9))
    assessed = []
    real_assess = citelens.claims.assess_article
    monkeypatch.setattr(citelens.claims, "assess_article", lambda s: assessed.append(1) or real_assess(s))
    assert _batch(runner, db_path, article).exit_code == 1
    assert calls == [1] and assessed == [1]  # the file is as stored; a verdict changed: re-assessed
    after = next(c for c in Store(db_path).load(1).claims if c.claim.id == cited.claim.id)
    assert after.status != "supported" or after.references != [index]


def test_check_recheck_does_not_parse_again(runner, db_path, tmp_path, standin_env, monkeypatch):
    article = tmp_path / "a.txt"
    shutil.copy(EXAMPLE, article)
    first = runner.invoke(cli, ["check", str(article), "--db", str(db_path), "--json", "-"])
    assert first.exit_code in (0, 1), first.output
    import citelens.read.article

    def refuse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(citelens.read.article, "parse_article", refuse)
    monkeypatch.setattr(citelens.claims, "assess_article", refuse)
    again = runner.invoke(cli, ["check", str(article), "--db", str(db_path), "--json", "-"])
    assert again.exit_code == first.exit_code, again.output
    assert json.loads(again.stdout)["references"] == json.loads(first.stdout)["references"]


@pytest.mark.parametrize("changed", ["code"])
def test_other_code_reads_and_assesses_again(runner, db_path, tmp_path, standin_env, monkeypatch, changed):
    import citelens.pipeline

    article = tmp_path / "a.txt"
    shutil.copy(EXAMPLE, article)
    assert _batch(runner, db_path, article).exit_code == 1
    monkeypatch.setattr(citelens.pipeline, "_CODE_KEY", "another version")
    calls = []
    real = citelens.read.inputs.parse_article
    monkeypatch.setattr(citelens.read.inputs, "parse_article", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert _batch(runner, db_path, article).exit_code == 1
    assert calls == [1]
