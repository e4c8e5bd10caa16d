"""The CLI: ingest and show, and one clear line for every bad input."""

from __future__ import annotations

import json

import pytest

from citelens.cli import cli


def test_ingest_then_show_json_has_the_report_shape(runner, db_path, example_article):
    result = runner.invoke(cli, ["ingest", str(example_article), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "12 references" in result.output
    result = runner.invoke(cli, ["show", "--db", str(db_path), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert set(report) == {"article", "references", "claims", "summary"}
    assert set(report["article"]) == {"path", "title", "sha256"}
    ref = report["references"][0]
    assert {"index", "raw", "parsed", "status", "confidence", "match", "discrepancies", "notes"} <= set(ref)
    assert ref["parsed"]["authors"] == [{"family": "Chen", "given": "F. S."}]
    assert ref["parsed"]["et_al"] is True
    assert ref["parsed"]["pages"] == "19937-19942"
    assert ref["parsed"]["year"] == 2011
    assert ref["status"] is None and ref["match"] is None
    claim = report["claims"][0]
    assert {"id", "section", "text", "references", "status", "evidence", "verdict"} <= set(claim)
    assert claim["verdict"] is None
    assert report["summary"] == {"references": {}, "claims": {}, "unresolved_reasons": {}}


def test_show_prints_tables(runner, db_path, example_article):
    runner.invoke(cli, ["ingest", str(example_article), "--db", str(db_path)])
    result = runner.invoke(cli, ["show", "--db", str(db_path), "--no-claims"])
    assert result.exit_code == 0
    assert "References" in result.output and "Chen et al. (2011)" in result.output


def _bad_inputs(tmp_path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 au lait.\n\nReferences\n- Smith J. A title. 2001.".encode("latin-1"))
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\n")
    no_refs = tmp_path / "norefs.txt"
    no_refs.write_text("A title\n\nOxytocin is a hormone that does many things in the body.\n")
    return {
        "missing": (tmp_path / "nope.txt", "no such file"),
        "directory": (tmp_path, "is a directory"),
        "binary": (binary, "binary file"),
        "not utf-8": (latin1, "not UTF-8"),
        "empty": (empty, "empty file"),
        "no references": (no_refs, "no reference list"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "not utf-8", "empty", "no references"])
def test_bad_input_gives_one_line_and_leaves_the_database_untouched(runner, tmp_path, example_article, case):
    db = tmp_path / "db.sqlite"
    assert runner.invoke(cli, ["ingest", str(example_article), "--db", str(db)]).exit_code == 0
    before = db.read_bytes()
    path, message = _bad_inputs(tmp_path)[case]
    result = runner.invoke(cli, ["ingest", str(path), "--db", str(db)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("citelens: error:")
    assert "Traceback" not in result.output
    assert db.read_bytes() == before


def test_bad_input_does_not_create_a_database(runner, tmp_path):
    db = tmp_path / "new.db"
    result = runner.invoke(cli, ["ingest", str(tmp_path / "missing.txt"), "--db", str(db)])
    assert result.exit_code == 2
    assert not db.exists()


def test_show_without_database_or_article(runner, tmp_path):
    result = runner.invoke(cli, ["show", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such database" in result.stderr
    result = runner.invoke(cli, ["show", "--db", str(tmp_path / "none.db"), "--article", "3"])
    assert result.exit_code == 2


def test_not_a_database_file(runner, tmp_path, example_article):
    fake = tmp_path / "fake.db"
    fake.write_text("this is not sqlite")
    result = runner.invoke(cli, ["ingest", str(example_article), "--db", str(fake)])
    assert result.exit_code == 2 and "not a citelens database" in result.stderr
    assert fake.read_text() == "this is not sqlite"


def test_tui_without_a_database_says_what_to_do(runner, tmp_path):
    result = runner.invoke(cli, ["tui", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "run 'citelens check ARTICLE" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_every_command_has_help(runner):
    for command in ("ingest", "show", "check", "batch", "export", "tui"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
