"""`citelens fix`: a corrected bibliography that keeps the user's keys, fields and untouched entries."""

from __future__ import annotations

import bibtexparser
import rispy

from citelens.cli import cli

BIB = """% my references, kept as they are
@article{chen2011,
  author = {Chen, Frances S. and Kumsta, Robert and others},
  title = {Common oxytocin receptor gene ({OXTR}) polymorphism and social support interact to reduce stress in humans},
  journal = {Proceedings of the National Academy of Sciences},
  year = {2011},
  file = {papers/chen2011.pdf},
  keywords = {oxytocin, stress}
}

@article{rimmele2009,
  author = {Rimmele, Ulrike and Hediger, Karin and Heinrichs, Markus and Klaver, Peter},
  title = {Oxytocin Makes a Face in Memory Familiar},
  journal = {The Journal of Neuroscience},
  volume = {29}, number = {1}, pages = {38--42}, year = {2010},
  annote = {read in 2019; {important}},
  month = jan
}

@article{madeup2021,
    author = {Imaginary, Ann},
    title   = {A wholly invented study of oxytocin and zebra finches in space},
    journal = {Journal of Things That Are Not},
    year = 2021
}
"""

RIS = """TY  - JOUR
ID  - neumann2012
AU  - Neumann, Inga D.
AU  - Landgraf, Rainer
TI  - Balance of brain oxytocin and vasopressin: implications for anxiety, depression, and social behaviors
JO  - Trends in Neurosciences
PY  - 2013
KW  - anxiety
ER  -

TY  - JOUR
ID  - nobody2020
AU  - Nobody, A.
TI  - A wholly invented study of oxytocin and zebra finches in space
PY  - 2020
ER  -
"""


def _fix(runner, tmp_path, name, text, *args):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / f"fixed-{name}"
    result = runner.invoke(cli, ["fix", str(source), "-o", str(out), "--db", str(tmp_path / "c.db"), *args])
    return result, source, out


def test_fix_bibtex_keeps_keys_extra_fields_and_untouched_entries(runner, tmp_path, standin_env):
    result, _, out = _fix(runner, tmp_path, "refs.bib", BIB)
    assert result.exit_code == 0, result.output
    assert "2 entries corrected, 1 unchanged" in result.stderr
    fixed = out.read_text(encoding="utf-8")
    # the made-up entry and the file's own comment are kept byte for byte
    made_up = BIB[BIB.index("@article{madeup2021"):]
    assert made_up in fixed
    assert fixed.startswith("% my references, kept as they are\n")
    # a comment per changed entry says what changed and where the value comes from
    assert "% citelens: year 2010 → 2009; DOI added (10.1523/jneurosci.4260-08.2009)" in fixed
    assert "from Crossref 10.1523/jneurosci.4260-08.2009\n@article{rimmele2009," in fixed
    library = bibtexparser.parse_string(fixed)
    assert not library.failed_blocks
    entries = {e.key: {f.key: f.value for f in e.fields} for e in library.entries}
    assert list(entries) == ["chen2011", "rimmele2009", "madeup2021"]
    chen, rimmele = entries["chen2011"], entries["rimmele2009"]
    assert chen["file"] == "papers/chen2011.pdf" and chen["keywords"] == "oxytocin, stress"
    assert chen["doi"] == "10.1073/pnas.1113079108" and chen["volume"] == "108" and chen["pages"] == "19937--19942"
    assert chen["author"] == "Chen, Frances S. and Kumsta, Robert and others"  # "and others" is not an error
    assert rimmele["year"] == "2009" and rimmele["annote"] == "read in 2019; {important}"
    assert rimmele["title"] == "Oxytocin Makes a Face in Memory Familiar"
    # a changed value is replaced in place: the entry's layout and its macros stay as the user wrote them
    assert "  volume = {29}, number = {1}, pages = {38--42}, year = {2009},\n" in fixed
    assert "  month = jan,\n  doi = {10.1523/jneurosci.4260-08.2009},\n  pmid = {19129382}\n}" in fixed


def test_fix_dry_run_prints_a_diff_and_writes_nothing(runner, tmp_path, standin_env):
    result, _, out = _fix(runner, tmp_path, "refs.bib", BIB, "--dry-run")
    assert result.exit_code == 0, result.output
    assert not out.exists()
    assert "--- " in result.stdout and "+++ " in result.stdout
    assert "-  volume = {29}, number = {1}, pages = {38--42}, year = {2010}," in result.stdout
    assert "nothing written" in result.stderr


def test_fix_ris_keeps_ids_and_other_tags(runner, tmp_path, standin_env):
    result, _, out = _fix(runner, tmp_path, "refs.ris", RIS)
    assert result.exit_code == 0, result.output
    fixed = out.read_text(encoding="utf-8")
    records = rispy.loads(fixed)
    assert [r["id"] for r in records] == ["neumann2012", "nobody2020"]
    neumann = records[0]
    assert neumann["year"] == "2012" and neumann["keywords"] == ["anxiety"]
    assert neumann["doi"] == "10.1016/j.tins.2012.08.004"
    assert any("year 2013 → 2012" in n for n in neumann["notes"])
    assert RIS[RIS.index("TY  - JOUR\nID  - nobody2020"):] in fixed


def test_fix_of_a_missing_or_wrong_file_leaves_no_database(runner, tmp_path):
    for name in ("missing.bib", "notes.txt"):
        if name == "notes.txt":
            (tmp_path / name).write_text("hello")
        result = runner.invoke(cli, ["fix", str(tmp_path / name), "--db", str(tmp_path / "c.db")])
        assert result.exit_code == 2
        assert result.stderr.startswith("citelens: error:") and len(result.stderr.splitlines()) == 1
        assert not (tmp_path / "c.db").exists()
