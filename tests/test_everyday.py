"""Everyday use from the CLI: list, --article all, exports that keep the user's keys, readable reports,
JSON Lines, the config file, and unusable inputs that leave no database behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bibtexparser
import pytest

from citelens.cli import cli
from citelens.output import export_references
from citelens.read import load_input
from citelens.records import ParsedReference, Reference, Resolution, StoredArticle, StoredReference
from citelens.settings import Settings, load_config

ROOT = Path(__file__).resolve().parents[1]
BATCH = ROOT / "tests" / "data" / "batch"
EXAMPLE = ROOT / "references" / "oxytocin-sensitivity.txt"


def _batch(runner, db, *args):
    return runner.invoke(cli, ["batch", *map(str, args), "--db", str(db)])


@pytest.fixture
def two_articles(runner, db_path, standin_env):
    result = _batch(runner, db_path, EXAMPLE, BATCH / "my-bibliography.bib")
    assert result.exit_code in (0, 1), result.output
    return db_path


def test_list_shows_every_article_with_counts(runner, two_articles):
    result = runner.invoke(cli, ["list", "--db", str(two_articles), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [Path(r["path"]).name for r in rows] == ["oxytocin-sensitivity.txt", "my-bibliography.bib"]
    assert rows[1]["references"] == {"discrepant": 1, "verified": 1}
    assert rows[0]["checked_at"] and sum(rows[0]["claims"].values()) == 162
    table = runner.invoke(cli, ["list", "--db", str(two_articles)])
    assert "my-bibliography.bib" in table.stdout and "verified 1" in table.stdout


def test_show_accepts_article_all_an_id_or_a_path(runner, two_articles):
    result = runner.invoke(cli, ["show", "--db", str(two_articles), "--article", "all", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 2
    by_path = runner.invoke(cli, ["show", "--db", str(two_articles), "--article", str(BATCH / "my-bibliography.bib"),
                                  "--json"])
    assert json.loads(by_path.stdout)["references"][0]["parsed"]["key"] == "chen2011"


def test_export_without_article_exports_all_deduplicated_and_says_so(runner, two_articles):
    result = runner.invoke(cli, ["export", "bibtex", "--db", str(two_articles)])
    assert result.exit_code == 0, result.output
    assert "exporting all 2 articles" in result.stderr and "deduplicated by DOI" in result.stderr
    keys = [e.key for e in bibtexparser.parse_string(result.stdout).entries]
    # Chen 2011 is in both: once, under the user's key; the user's other key is kept too
    assert keys.count("chen2011") == 1 and "rimmele2009" in keys
    assert not any(k.startswith("chen2011common") for k in keys)
    assert len(keys) == len(set(keys)) == 9  # 8 resolved of the article + Rimmele


def test_user_keys_are_kept_in_every_format(runner, two_articles):
    for fmt, needle in (("csljson", '"id": "chen2011"'), ("ris", "ID  - rimmele2009")):
        result = runner.invoke(cli, ["export", fmt, "--db", str(two_articles), "--article", "2"])
        assert needle in result.stdout


def test_and_others_is_et_al_not_an_author_error(tmp_path):
    bib = tmp_path / "x.bib"
    bib.write_text("@article{k1, author = {Chen, F. S. and others}, title = {T}, year = 2011}\n")
    ris = tmp_path / "x.ris"
    ris.write_text("TY  - JOUR\nID  - k2\nAU  - Chen, F. S.\nAU  - et al.\nTI  - T\nPY  - 2011\nER  - \n")
    for path, key in ((bib, "k1"), (ris, "k2")):
        ref = load_input(path).article.references[0]
        assert [a.family for a in ref.parsed.authors] == ["Chen"]
        assert ref.parsed.et_al is True and ref.parsed.key == key
        assert ref.line == 1


def _made_up(index: int, raw: str) -> StoredReference:
    parsed = ParsedReference(title="A wholly invented study", year=2020)
    return StoredReference(Reference(index, raw, parsed), Resolution("not_found"))


def test_include_unresolved_exports_a_made_up_reference_once():
    articles = [StoredArticle(n, f"<{n}>", "t", "", "", None, [], [_made_up(1, f"Invented ({n}). A wholly invented "
                                                                             "study.")]) for n in (1, 2)]
    text = export_references(articles, "bibtex", include_unresolved=True)
    assert text.count("@misc{") == 1


def test_markdown_and_jsonl_reports_are_readable(runner, db_path, tmp_path, standin_env):
    md, jl = tmp_path / "r.md", tmp_path / "r.jsonl"
    result = _batch(runner, db_path, BATCH / "my-bibliography.bib", "--report", md, "--jsonl", jl)
    assert result.exit_code in (0, 1), result.output
    text = md.read_text(encoding="utf-8")
    assert "first_author" not in text and "['" not in text and "[{" not in text
    assert "| 2 | discrepant | Rimmele et al. (2010) [rimmele2009] |" in text
    assert "year: cited 2010, actual 2009" in text
    lines = [json.loads(line) for line in jl.read_text(encoding="utf-8").splitlines()]
    assert [(Path(r["article"]).name, r["index"], r["status"]) for r in lines] == [
        ("my-bibliography.bib", 1, "verified"), ("my-bibliography.bib", 2, "discrepant")]
    html = tmp_path / "r.html"
    again = _batch(runner, db_path, BATCH / "my-bibliography.bib", BATCH / "reading-list.ris", "--report", html)
    assert again.exit_code in (0, 1), again.output
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "2 articles." in page and page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert '<span class="key">rimmele2009</span>' in page


@pytest.mark.parametrize("command", [["batch", "missing.txt"], ["check", "missing.txt"], ["fix", "missing.bib"],
                                     ["ingest", "missing.txt"], ["tui", "missing.txt"], ["show"], ["list"],
                                     ["export", "bibtex"]])
def test_unusable_input_leaves_no_database(runner, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, command)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "citelens.db").exists()


# --- the config file ---------------------------------------------------------------------------


def test_config_file_sets_defaults_that_env_and_flags_override(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("CITELENS_MAILTO", "NCBI_API_KEY", "CITELENS_CACHE_DIR", "CITELENS_CROSSREF_RPS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "citelens.toml").write_text('mailto = "me@example.org"\nncbi_api_key = "abc"\ncrossref_rps = 2\n'
                                            'cache_dir = "responses"\ndb = "refs.db"\nfail_on = ["not_found"]\n')
    config = load_config()
    assert config.get("db") == str(tmp_path / "refs.db") and config.get("fail_on") == "not_found"
    settings = Settings.from_env()
    assert settings.mailto == "me@example.org" and settings.ncbi_api_key == "abc"
    assert settings.crossref_rps == 2 and settings.cache_dir == tmp_path / "responses"
    monkeypatch.setenv("CITELENS_MAILTO", "env@example.org")
    assert Settings.from_env().mailto == "env@example.org"
    assert Settings.from_env(cache_dir=tmp_path / "flag").cache_dir == tmp_path / "flag"


def test_pyproject_tool_table_and_the_default_database(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "paper"\n\n[tool.citelens]\ndb = "mine.db"\n')
    shutil.copytree(ROOT / "cache", tmp_path / "cache")
    result = runner.invoke(cli, ["check", str(EXAMPLE), "--offline", "--cache-dir", "cache"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine.db").exists() and not (tmp_path / "citelens.db").exists()
    assert runner.invoke(cli, ["list", "--db", "other.db"]).exit_code == 2  # the flag wins


def test_a_bad_config_file_is_one_line(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "citelens.toml").write_text('mail_to = "x"\n')
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("citelens: error:") and "unknown setting 'mail_to'" in result.stderr
    (tmp_path / "citelens.toml").write_text('mailto = \n')
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 2 and "not valid TOML" in result.stderr
