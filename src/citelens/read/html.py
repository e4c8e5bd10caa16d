"""Read a web page: the article's main content (lxml), without the site around it.

The main content is the page's `<article>`, else its `<main>`, else the element with the most
paragraph text; navigation, headers, footers, sidebars, share bars, scripts, forms and
elements whose class or id names them (nav, menu, share, social, cookie, footer, sidebar,
related, comments, banner, ad) are dropped. Headings (`<h1>`-`<h6>`) become sections,
paragraphs and list items claims, `<table>` rows table rows; the `<ol>`/`<ul>` (or the
paragraphs) under a References-like heading, or a list whose class or id says references,
are the reference list, one entry per `<li>`. A claim's or reference's `line` is the source line
of its element.
"""

from __future__ import annotations

import hashlib
import re

from citelens.errors import ArticleError
from citelens.read.article import Block, RefEntry, build_article, is_reference_heading
from citelens.read.pdf import REFERENCE_HEADING_RE
from citelens.read.references import strip_list_marker
from citelens.records import Article

_DROP_TAGS = {"nav", "header", "footer", "aside", "script", "style", "noscript", "form", "button", "svg",
              "iframe", "template", "select", "input", "figure"}
_CHROME_RE = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|share|sharing|social|cookie|footer|sidebar|related|"
                        r"comments?|banner|advert|ads?|breadcrumbs?|toolbar|masthead|subscribe|newsletter|"
                        r"skip)(?:$|[\s_-])", re.I)
_REF_LIST_RE = re.compile(r"ref(?:erence)?s?(?:-?list)?|bibliograph|citation-list|ref-list", re.I)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _is_chrome(el) -> bool:
    names = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
    return bool(names.strip()) and bool(_CHROME_RE.search(names)) and not _REF_LIST_RE.search(names)


def _main_content(root):
    for xpath in ("//article", "//main", "//*[@role='main']"):
        found = root.xpath(xpath)
        if found:
            return max(found, key=lambda e: len(_text(e)))
    best, best_len = root, 0
    for el in root.iter("div", "section"):
        length = sum(len(_text(p)) for p in el.iter("p"))
        if length > best_len:
            best, best_len = el, length
    return best


def read_html_text(text: str, path: str, sha: str, *, require_references: bool = True) -> Article:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises ParserError on an empty or broken document
        raise ArticleError(f"{path}: not a readable HTML page: {exc}") from None
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.tag in _DROP_TAGS or _is_chrome(el):
            parent = el.getparent()
            if parent is not None and not (el.tag == "header" and el.getparent().tag == "article"):
                el.drop_tree()
    title_el = root.find(".//title")
    main = _main_content(root)
    blocks: list[Block] = []
    references: list[RefEntry] = []
    in_refs = False

    def add_refs(items) -> None:
        for li in items:
            raw = strip_list_marker(_text(li)).strip()
            if raw:
                references.append(RefEntry(raw, li.sourceline or 0, key=li.get("id")))

    def walk(el) -> None:
        nonlocal in_refs
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            if tag in _HEADINGS:
                heading = _text(child)
                if not heading:
                    continue
                in_refs = bool(REFERENCE_HEADING_RE.match(heading) or is_reference_heading(heading))
                blocks.append(Block("heading", [heading], child.sourceline or 0, level=int(tag[1])))
            elif tag in ("ol", "ul"):
                names = f"{child.get('class', '')} {child.get('id', '')}"
                if in_refs or _REF_LIST_RE.search(names):
                    add_refs(child.findall("li"))
                else:
                    for li in child.findall("li"):
                        if _text(li):
                            blocks.append(Block("item", [_text(li)], li.sourceline or 0))
            elif tag == "table":
                rows = child.xpath(".//tr")
                cells = [[_text(c) for c in r.xpath("./th|./td")] for r in rows]
                if len(cells) >= 2:
                    body = ["| " + " | ".join(c) + " |" for c in cells[1:]]
                    blocks.append(Block("table", body, (child.sourceline or 0) - 2, extra={"headers": cells[0]}))
            elif tag in ("p", "blockquote", "li", "dd"):
                t = _text(child)
                if not t:
                    continue
                if in_refs:
                    references.append(RefEntry(strip_list_marker(t).strip(), child.sourceline or 0,
                                               key=child.get("id")))
                else:
                    blocks.append(Block("paragraph", [t], child.sourceline or 0))
            else:
                walk(child)

    walk(main)
    if not blocks and not references:
        raise ArticleError(f"{path}: the page has no article text (no headings, paragraphs or reference list)")
    if not references and require_references:
        raise ArticleError(f"{path}: not an article: the page has no reference list")
    title = None
    h1 = main.find(".//h1")
    if h1 is not None and _text(h1):
        title = _text(h1)
    elif title_el is not None and _text(title_el):
        title = _text(title_el).split(" | ")[0]
    return build_article(blocks, path, sha, require_references=require_references, references=references,
                         title=title)


def read_html(data: bytes, path: str, *, require_references: bool = True) -> Article:
    sha = hashlib.sha256(data).hexdigest()
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    encoding = m.group(1).decode("ascii") if m else "utf-8"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    return read_html_text(text, path, sha, require_references=require_references)
