"""Lookups that start while the input is still being read (citelens.lookahead, batch)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from citelens import defaults
from citelens.lookahead import Lookahead
from citelens.pipeline import build_resolver
from citelens.read import load_article, reading_references
from citelens.records import raw_key
from citelens.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"


def _resolver(standin, tmp_path, cache="cache"):
    settings = Settings(crossref_url=standin.crossref_url, eutils_url=standin.eutils_url, mailto="t@example.org",
                        cache_dir=tmp_path / cache, crossref_rps=200, eutils_rps=200)
    return build_resolver(settings)[0]


def test_references_are_looked_up_as_they_are_read_with_the_verdicts_of_a_lookup_after(standin, tmp_path,
                                                                                        monkeypatch):
    monkeypatch.setattr(defaults, "RESOLVE_CHUNK", 4)
    resolver = _resolver(standin, tmp_path, "ahead")
    lookahead = Lookahead(resolver)
    standin.reset_counts()
    with reading_references(lookahead.add):
        article = load_article(EXAMPLE)
    assert len(lookahead.keys) == 12
    seen_before_close = threading.Event()
    for _ in range(200):  # the first chunks went out while the list was read, before `close`
        if standin.count() > 0:
            seen_before_close.set()
            break
        threading.Event().wait(0.01)
    assert seen_before_close.is_set()
    lookahead.close()
    ahead = {key: r for keys, rs in lookahead.completed() for key, r in zip(keys, rs, strict=True)}
    resolver.close()

    after = _resolver(standin, tmp_path, "after")
    alone = after.resolve_all([(r.raw, r.parsed) for r in article.references])
    after.close()
    assert [(ahead[raw_key(r.raw)].status, ahead[raw_key(r.raw)].match and ahead[raw_key(r.raw)].match.doi)
            for r in article.references] == [(r.status, r.match and r.match.doi) for r in alone]


def test_a_reference_already_checked_or_already_taken_is_not_taken_again(standin, tmp_path):
    resolver = _resolver(standin, tmp_path)
    article = load_article(EXAMPLE)
    first, second = article.references[0], article.references[1]
    lookahead = Lookahead(resolver, skip={raw_key(second.raw)}.__contains__)
    lookahead.add(first.raw, first.parsed)
    lookahead.add(first.raw + " ", first.parsed)  # the same string, normalised
    lookahead.add(second.raw, second.parsed)
    assert lookahead.keys == {raw_key(first.raw)}
    lookahead.add(second.raw, second.parsed, checked=True)  # the caller asks for it after all
    lookahead.close()
    done = [key for keys, _ in lookahead.completed() for key in keys]
    resolver.close()
    assert done == [raw_key(first.raw), raw_key(second.raw)]


def test_a_failure_of_the_lookups_reaches_the_caller_and_stop_never_hangs(standin, tmp_path):
    class Broken:
        def resolve_chunks(self, chunks, progress=None):
            next(iter(chunks))
            raise RuntimeError("the resolver broke")
            yield  # a generator, like the real one

    article = load_article(EXAMPLE)
    lookahead = Lookahead(Broken())  # type: ignore[arg-type]
    for r in article.references:
        lookahead.add(r.raw, r.parsed)
    lookahead.close()
    with pytest.raises(RuntimeError, match="the resolver broke"):
        list(lookahead.completed())

    resolver = _resolver(standin, tmp_path)
    stopped = Lookahead(resolver)
    for r in article.references:
        stopped.add(r.raw, r.parsed)
    stopped.stop()  # an interrupted run: returns once the chunks in flight are done
    resolver.close()


def test_batch_gives_the_same_report_with_its_lookups_started_while_reading(runner, db_path, tmp_path, standin_env,
                                                                            monkeypatch):
    from citelens.cli import cli as main

    monkeypatch.setattr(defaults, "RESOLVE_CHUNK", 5)
    out = tmp_path / "report.json"
    result = runner.invoke(main, ["batch", str(EXAMPLE), "--db", str(db_path), "--report", str(out),
                                  "--fail-on", "retracted"])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())[0]
    counts = {s: sum(1 for r in report["references"] if r["status"] == s) for s in ("verified", "discrepant",
                                                                                    "not_found")}
    assert counts == {"verified": 7, "discrepant": 1, "not_found": 4}
    requests = standin_env.count()
    standin_env.reset_counts()
    again = runner.invoke(main, ["batch", str(EXAMPLE), "--db", str(db_path), "--report", str(out)])
    assert again.exit_code in (0, 1), again.output
    assert standin_env.count() == 0 and requests > 0  # every verdict was stored: nothing looked up again
