"""Read a LaTeX article: `\\section` headings, prose claims, and the references its cite keys name.

The reference list is the document's `thebibliography` (`\\bibitem{key}`), else a `.bbl` beside
the file, else the `.bib` named by `\\bibliography{...}`/`\\addbibresource{...}` (or of the same
name) beside it, of which the cited entries are kept, in the order they are first cited. Each
`\\cite{a,b}` (and `\\citep`, `\\citet`, `\\parencite`, `\\textcite`, `\\autocite`...) is written as
a numbered marker `[1,2]` for the entries it names, so claims link through their cite keys the
way they do through numbered markers; each reference keeps its key. The text is converted with
pylatexenc.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from citelens.errors import ArticleError
from citelens.read.article import RefEntry, _blocks, build_article
from citelens.records import Article

_CITE_RE = re.compile(r"\\(?:no)?(?:[cC]ite[a-z]*|[pP]arencite|[tT]extcite|[aA]utocite|footcite)\*?"
                      r"(?:\[[^\]]*\]){0,2}\{([^}]*)\}")
_SECTION_RE = re.compile(r"\\(section|subsection|subsubsection|paragraph)\*?(?:\[[^\]]*\])?\{([^}]*)\}")
_BIBITEM_RE = re.compile(r"\\bibitem(?:\[[^\]]*\])?\{([^}]+)\}")
_BIBFILE_RE = re.compile(r"\\(?:bibliography|addbibresource)\{([^}]+)\}")
_THEBIB_RE = re.compile(r"\\begin\{thebibliography\}(?:\{[^}]*\})?(.*?)\\end\{thebibliography\}", re.S)
_DROP_ENVS_RE = re.compile(r"\\begin\{(figure|table|equation|align|tabular|thebibliography)\*?\}.*?"
                           r"\\end\{\1\*?\}", re.S)


def _to_text(latex: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return LatexNodes2Text(math_mode="verbatim").latex_to_text(latex)
    except Exception:  # pylatexenc is lenient; a broken group falls back to the raw text
        return latex


def _bibitems(body: str) -> list[tuple[str, str]]:
    items = []
    parts = _BIBITEM_RE.split(body)
    for k in range(1, len(parts) - 1, 2):
        text = " ".join(_to_text(parts[k + 1]).split())
        items.append((parts[k].strip(), text))
    return items


def read_tex(path: str | Path) -> Article:
    from citelens.read.article import decode_text, read_bytes

    p = Path(path)
    data = read_bytes(p)
    text = decode_text(data, str(p))
    text = re.sub(r"(?<!\\)%.*", "", text)  # comments
    begin = text.find("\\begin{document}")
    end = text.find("\\end{document}")
    body = text[begin + len("\\begin{document}"): end if end > 0 else None] if begin >= 0 else text
    cite_order: list[str] = []
    for m in _CITE_RE.finditer(body):
        for key in m.group(1).split(","):
            if key.strip() and key.strip() not in cite_order:
                cite_order.append(key.strip())

    entries: list[tuple[str, str]] = []  # (key, printed text) in list order
    parsed_by_key: dict = {}
    bib = _THEBIB_RE.search(body)
    bbl = p.with_suffix(".bbl")
    if bib:
        entries = _bibitems(bib.group(1))
    elif bbl.exists() and _THEBIB_RE.search(bbl.read_text(encoding="utf-8", errors="replace")):
        entries = _bibitems(_THEBIB_RE.search(bbl.read_text(encoding="utf-8", errors="replace")).group(1))
    else:
        names = [n.strip() for m in _BIBFILE_RE.finditer(text) for n in m.group(1).split(",")]
        candidates = [p.parent / (n if n.endswith(".bib") else n + ".bib") for n in names] + [p.with_suffix(".bib")]
        bibfile = next((c for c in candidates if c.exists()), None)
        if bibfile is not None:
            from citelens.read.inputs import load_input

            loaded = load_input(bibfile)
            by_key = {r.parsed.key: r for r in loaded.article.references if r.parsed.key}
            keys = [k for k in cite_order if k in by_key] or list(by_key)
            entries = [(k, by_key[k].raw) for k in keys]
            parsed_by_key = {k: by_key[k].parsed for k in keys}
    if not entries:
        raise ArticleError(f"{p}: no reference list found (no thebibliography, .bbl or .bib beside the file)")
    number = {key: n for n, (key, _) in enumerate(entries, 1)}

    def cite(m: re.Match) -> str:
        numbers = [str(number[k.strip()]) for k in m.group(1).split(",") if k.strip() in number]
        return f"[{','.join(numbers)}]" if numbers else ""

    title_m = re.search(r"\\title\{([^}]*)\}", text)
    body = _DROP_ENVS_RE.sub("\n\n", body)
    body = _CITE_RE.sub(cite, body)
    levels = {"section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5}
    body = _SECTION_RE.sub(lambda m: f"\n\n\uE000{levels[m.group(1)]}\uE001{m.group(2)}\n\n", body)
    body = re.sub(r"\\(?:maketitle|tableofcontents|bibliographystyle\{[^}]*\}|bibliography\{[^}]*\}|"
                  r"printbibliography|addbibresource\{[^}]*\})", "", body)
    plain = _to_text(body)
    plain = re.sub(r"\uE000(\d)\uE001([^\n]*)", lambda m: "#" * int(m.group(1)) + " " + m.group(2).strip(), plain)
    blocks = _blocks(plain)
    references = [RefEntry(raw, 0, key=key, parsed=parsed_by_key.get(key)) for key, raw in entries]
    title = " ".join(_to_text(title_m.group(1)).split()) if title_m else None
    return build_article(blocks, str(p), hashlib.sha256(data).hexdigest(), references=references, title=title)
