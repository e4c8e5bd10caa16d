"""Token features for the reference labeller: small, fast functions of a token and its neighbours.

Each token becomes a list of string features (crfsuite's binary attributes): its lower-cased
form, its shape, digit and capitalisation classes, membership of a few small dictionaries
(months, given names, surname particles, journal-abbreviation words, keywords such as "vol.",
"pp.", "In:", "et al."), where it stands in the string, whether it sits inside quotes or
brackets, and the same for its neighbours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .tokens import Token

# A word's usual field in the training strings ("physical" -> container, "press" -> publisher), learned
# from the train split when the model is trained and shipped beside it (`build_lexicon`).
Lexicon = dict[str, str]
LEXICON_NAME = "reference-lexicon-v4.tsv"
LEXICON_FIELDS = {"author": "A", "editor": "E", "title": "T", "container_title": "C", "publisher": "P",
                  "location": "L", "note": "N", "date": "D"}
LEXICON_MIN_COUNT = 3
LEXICON_MIN_SHARE = 0.6

# The reference model is trained with the rule parser's readings as extra features (see `rule_hints`).
RULE_HINTS = True

MONTHS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december janvier fevrier février mars avril mai juin juillet aout août "
    "septembre octobre novembre decembre décembre januar februar märz maerz juni juli oktober dezember "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre "
    "janeiro fevereiro março marco maio junho julho setembro outubro novembro dezembro spring summer "
    "autumn fall winter".split()
)
PARTICLES = frozenset("von van de der den da di del della la le du dos das do ter ten vander van't al el bin "
                      "ibn mac st".split())
GIVEN_NAMES = frozenset(
    "john james robert michael william david richard joseph thomas charles christopher daniel matthew anthony "
    "mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan "
    "jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory frank "
    "alexander raymond patrick jack dennis jerry tyler aaron jose adam henry nathan douglas zachary peter kyle "
    "walter harold jeremy ethan carl keith roger gerald christian terry sean arthur austin noah lawrence jesse "
    "joe bryan billy jordan albert dylan bruce willie gabriel alan juan logan wayne ralph roy eugene randy "
    "vincent russell louis philip bobby johnny bradley mary patricia jennifer linda elizabeth barbara susan "
    "jessica sarah karen nancy lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol "
    "amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna "
    "brenda pamela nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria "
    "heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith megan cheryl "
    "andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice jean alice madison doris "
    "abigail julia judy grace denise amber marilyn beverly danielle theresa sophia marie diana brittany "
    "natalie isabella charlotte rose alexis kayla hans jürgen jurgen klaus wolfgang stefan andreas markus "
    "thomas michael peter martin christian frank uwe ulrich bernd dieter gerhard karl heinz jan jens lars sven "
    "pierre jean jacques michel philippe alain françois francois nicolas laurent éric olivier christophe "
    "marc sophie isabelle nathalie sylvie catherine valérie valerie giovanni giuseppe marco luca andrea "
    "francesco alessandro paolo roberto stefano antonio carlos luis miguel josé manuel pedro pablo jorge "
    "javier fernando ana carmen isabel laura lucia joão joao paulo marcos rafael bruno gustavo felipe "
    "fernanda juliana mariana beatriz camila wei li zhang wang liu chen yang huang zhao wu zhou xu sun ma "
    "hiroshi takashi yuki kenji satoshi akira kazuo ivan sergei sergey alexei dmitri vladimir igor olga "
    "natalia elena tatiana mohammed mohamed ahmed ali hassan omar fatima raj rahul amit priya sanjay "
    "vijay anil sunil kim lee park choi jung kang cho yoon jang lim".split()
)
JOURNAL_WORDS = frozenset(
    "j jour journal proc proceedings natl nat acad sci science sciences rev review reviews phys chem soc "
    "am amer med biol res lett int intl ann annu trans bull eur clin appl math neurosci psychol psychiatry "
    "eng comput ieee acm conf symp mol cell gen exp physiol biochem biophys immunol microbiol genet "
    "pharmacol endocrinol neurol cardiol oncol surg pediatr epidemiol ecol evol zool bot geol astron "
    "astrophys opt mater mech stat theor q quart br brit can aust jpn japan ger engl lancet bmj jama nature "
    "plos one front adv curr opin arch acta commun nucl part atom struct syst technol inf anal mag "
    "chim chem lett sect ser sér rep rept pap ztschr z zeitschrift bd semin reprod behav dev hum psychopharmacol "
    "neuroendocrinol horm metab nutr obstet gynecol assoc hosp public health environ ind polym".split()
)
KEYWORDS = {
    "vol": "vol", "volume": "vol", "vols": "vol", "bd": "vol", "tome": "vol", "t": "vol",
    "no": "no", "nr": "no", "issue": "no", "iss": "no", "num": "no", "number": "no", "heft": "no", "n": "no",
    "pp": "pp", "p": "pp", "pages": "pp", "page": "pp", "pg": "pp", "s": "pp", "seiten": "pp", "págs": "pp",
    "ed": "ed", "eds": "ed", "editor": "ed", "editors": "ed", "edited": "ed", "hrsg": "ed", "hg": "ed",
    "coord": "ed", "org": "ed", "orgs": "ed", "dir": "ed",
    "in": "in", "dans": "in", "en": "in",
    "doi": "doi", "pmid": "pmid", "pmcid": "pmid", "arxiv": "arxiv", "isbn": "isbn", "issn": "isbn",
    "url": "url", "available": "url", "accessed": "url", "retrieved": "url", "cited": "url", "online": "url",
    "et": "etal", "al": "etal", "others": "etal",
    "edn": "edition", "edition": "edition", "ed.": "edition", "aufl": "edition", "édition": "edition",
    "edición": "edition", "edição": "edition",
    "press": "publisher", "publishers": "publisher", "publishing": "publisher", "verlag": "publisher",
    "university": "publisher", "univ": "publisher", "springer": "publisher", "wiley": "publisher",
    "elsevier": "publisher", "academic": "publisher", "inc": "publisher", "ltd": "publisher",
    "editora": "publisher", "editorial": "publisher", "éditions": "publisher", "books": "publisher",
    "suppl": "suppl", "supplement": "suppl", "spec": "suppl", "art": "artno", "article": "artno",
    "thesis": "thesis", "dissertation": "thesis", "phd": "thesis", "diss": "thesis", "tese": "thesis",
    "report": "report", "tech": "report", "technical": "report", "preprint": "report",
    "and": "and", "und": "and", "et.": "and", "y": "and", "e": "and",
}
ORDINAL_SUFFIXES = frozenset("st nd rd th e er ème eme a ª º".split())
QUOTES_OPEN = frozenset("\u201c\u201e\u00ab\u2018\u201a\"'")
QUOTES_CLOSE = frozenset("\u201d\u00bb\u2019\"'")
OPEN_BR = frozenset("([{")
CLOSE_BR = frozenset(")]}")


def shape(word: str) -> str:
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if len(out) >= 2 and out[-1] == c and out[-2] == c:
            continue
        out.append(c)
    return "".join(out[:6])


class _Word:
    """A token text's features, with the strings its neighbours see, computed once per distinct text.

    The feature strings are kept UTF-8 encoded: crfsuite takes bytes as they are, and a `str` it
    would encode again on every string it labels.
    """

    __slots__ = ("lower", "word", "shape", "own", "year", "lex", "m2", "m1", "p1", "p2")

    def __init__(self, text: str, lexicon: Lexicon | None = None) -> None:
        lw, s, own = _word_features(text)
        self.lex = lexicon.get(lw, "") if lexicon else ""
        if self.lex:
            own.append("lex=" + self.lex)
        self.lower = lw
        self.word = ("w=" + lw).encode()
        self.shape = ("s=" + s).encode()
        self.own = [x.encode() for x in own]
        self.year = "year" in own
        self.m2 = [x.encode() for x in ("-2w=" + lw, "-2s=" + s, *("-2" + x for x in own))]
        self.m1 = [x.encode() for x in ("-1w=" + lw, "-1s=" + s, *("-1" + x for x in own))]
        self.p1 = [x.encode() for x in ("1w=" + lw, "1s=" + s, *("1" + x for x in own))]
        self.p2 = [x.encode() for x in ("2w=" + lw, "2s=" + s, *("2" + x for x in own))]


# one cache per lexicon, by identity; the entry holds the lexicon too, so that its id is never reused
_CACHES: dict[int, tuple[Lexicon | None, dict[str, _Word]]] = {}
_CACHE_SIZE = 50_000


def clear_caches() -> None:
    """Let go of the per-word and per-stretch features remembered while labelling (tens of MB after
    10,000 references; the next string labelled builds them again)."""
    _CACHES.clear()
    _segment_features.cache_clear()


def _token_features(tok: Token, cache: dict[str, _Word], lexicon: Lexicon | None) -> _Word:
    got = cache.get(tok.text)
    if got is None:
        got = _Word(tok.text, lexicon)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[tok.text] = got
    return got


def lexicon_key(text: str) -> str | None:
    """The lexicon's key for a token: its lower-cased form, for words of two letters or more."""
    return text.lower()[:24] if len(text) > 1 and text.isalpha() else None


def build_lexicon(occurrences: Iterable[tuple[str, str]]) -> Lexicon:
    """From (token text, label) pairs of the training strings: each word seen at least `LEXICON_MIN_COUNT`
    times in the fields of `LEXICON_FIELDS`, with the field it stands in at least `LEXICON_MIN_SHARE` of
    those times ("M", mixed, when none does)."""
    counts: dict[str, Counter[str]] = {}
    for text, label in occurrences:
        key = lexicon_key(text)
        code = LEXICON_FIELDS.get(label)
        if key is not None and code is not None:
            counts.setdefault(key, Counter())[code] += 1
    out: Lexicon = {}
    for word in sorted(counts):
        c = counts[word]
        total = sum(c.values())
        if total < LEXICON_MIN_COUNT:
            continue
        code, top = min(c.items(), key=lambda kv: (-kv[1], kv[0]))
        out[word] = code if top >= LEXICON_MIN_SHARE * total else "M"
    return out


def write_lexicon(lexicon: Lexicon, path: Path) -> None:
    path.write_text("".join(f"{w}\t{c}\n" for w, c in sorted(lexicon.items())), encoding="utf-8")


def read_lexicon(path: Path) -> Lexicon:
    out: Lexicon = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, _, code = line.rstrip("\n").partition("\t")
            if word and code:
                out[word] = code
    return out


def _word_features(w: str) -> tuple[str, str, list[str]]:
    feats: list[str] = []
    if len(w) > 4 and (w.startswith(("http", "www.")) or w.startswith("10.")) and ("/" in w or "." in w[4:]):
        lw = "<url>" if not w.startswith("10.") else "<doi>"
        return lw, lw, ["cls=" + lw]
    lw = w.lower()
    s = shape(w)
    if w.isdigit() and w.isascii():
        n = len(w)
        feats.append(f"nd={n if n < 5 else 5}")
        if n == 4 and 1500 <= int(w) <= 2039:
            feats.append("year")
        elif n <= 2 and 1 <= int(w) <= 31:
            feats.append("day")
    elif w.isalpha():
        n = len(w)
        feats.append("len=" + ("1" if n == 1 else "2" if n == 2 else "3" if n <= 4 else "5"))
        if w.isupper():
            feats.append("cap=upper")
        elif w[0].isupper():
            feats.append("cap=init")
        elif w.islower():
            feats.append("cap=lower")
        else:
            feats.append("cap=mixed")
        if lw in MONTHS:
            feats.append("d=month")
        if lw in GIVEN_NAMES:
            feats.append("d=given")
        if lw in PARTICLES:
            feats.append("d=particle")
        if lw in JOURNAL_WORDS:
            feats.append("d=journal")
        kw = KEYWORDS.get(lw)
        if kw:
            feats.append("kw=" + kw)
        if lw in ORDINAL_SUFFIXES:
            feats.append("d=ordsuffix")
        if n > 1 and lw in ("ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xv", "xx"):
            feats.append("roman")
    else:
        feats.append("punct")
    if lw in KEYWORDS and not w.isalpha():
        feats.append("kw=" + KEYWORDS[lw])
    return lw[:24], s, feats


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n <= 3 else "4" if n <= 8 else "9" if n <= 20 else "21"


Feature = str | bytes  # a crfsuite attribute: the cached per-word ones are UTF-8 bytes


def _segments(tokens: list[Token], commas: bool, lex: list[str] | None = None) -> list[list[Feature]]:
    """Per token, features of the stretch it sits in: between sentence periods (and commas, with `commas`).

    A stretch's length, whether it holds digits or a year, and whether digits follow it tell a
    title ("a long stretch of words") from a journal ("short, abbreviated, then numbers"); the
    usual field of most of its words (`lex`, from the lexicon) what the stretch as a whole is likely to be.
    """
    n = len(tokens)
    tag = "c" if commas else "p"
    bound_feature: list[Feature] = [(tag + "bound").encode()]
    texts = [tok.text for tok in tokens]
    bounds: list[int] = []
    for i, t in enumerate(texts):
        if (t == "." and i > 0 and len(texts[i - 1]) > 1 and (i + 1 == n or tokens[i + 1].space_before)) or \
                (commas and t in ",;:") or t in "\u201c\u201d\"()[]":
            bounds.append(i)
    out: list[list[Feature]] = [bound_feature] * n
    prev = -1
    last = len(bounds)
    bounds.append(n)
    stretches: list[tuple[int, int, bool, str, str, str, str]] = []
    for b in bounds:
        lo = prev + 1
        if b > lo:
            has_digit = False
            caps = alpha = 0
            for k in range(lo, b):
                t = texts[k]
                c = t[:1]
                if c.isdigit():
                    has_digit = True
                elif c.isalpha() and len(t) > 3:
                    alpha += 1
                    caps += c.isupper()
            nxt = b + 1
            after = ("d" if texts[nxt][:1].isdigit() else "w") if nxt < n else "end"
            opener = texts[prev] if prev >= 0 else "^"
            closer = texts[b] if b < n else "$"
            case = "-" if not alpha else "all" if caps == alpha else "none" if not caps else \
                "most" if 2 * caps > alpha else "few"
            stretches.append((lo, b, has_digit, after, opener, closer, case, _usual_field(lex, lo, b)))
        prev = b
    # each stretch also sees what its neighbours look like: "a long stretch of words, then a short
    # one, then numbers" is a title before a journal
    looks = [_bucket(b - lo) + ("d" if dig else "") + case for lo, b, dig, _, _, _, case, _ in stretches]
    count = len(stretches)
    for index, (lo, b, has_digit, after, opener, closer, case, usual) in enumerate(stretches):
        before = looks[index - 1] if index else "^"
        then = looks[index + 1] if index + 1 < count else "$"
        f = _segment_features(tag, b - lo, has_digit, after, opener, closer, case, index, last, before, then, usual)
        out[lo:b] = [f] * (b - lo)
    return out


def _usual_field(lex: list[str] | None, lo: int, hi: int) -> str:
    """The lexicon field most words of tokens[lo:hi] stand in ("+" when three in four do), "0" for none."""
    if lex is None:
        return "0"
    counts: dict[str, int] = {}
    for k in range(lo, hi):
        code = lex[k]
        if code and code != "M":
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "0"
    code, top = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return code + ("+" if 4 * top >= 3 * sum(counts.values()) else "")


@lru_cache(maxsize=32768)
def _segment_features(tag: str, words: int, has_digit: bool, after: str, opener: str, closer: str, case: str,
                      index: int, last: int, before: str, then: str, usual: str) -> list[Feature]:
    """A stretch's features (shared, never changed: the same list for every token of the stretch)."""
    # encoded once here: crfsuite would encode a str again for every token that shares the list
    return [x.encode() for x in (
        f"{tag}lex={usual}", f"{tag}len={_bucket(words)}", f"{tag}dig={int(has_digit)}", f"{tag}after={after}",
        f"{tag}open={opener}", f"{tag}close={closer}", f"{tag}case={case}",
        f"{tag}idx={index if index < 4 else 4}", f"{tag}rest={min(last - index, 3)}",
        f"{tag}pv={before}", f"{tag}nx={then}")]


def sequence_features(tokens: list[Token], hints: list[str] | None = None, lexicon: Lexicon | None = None
                      ) -> list[list[Feature]]:
    """The feature lists of a token sequence, one list per token; `hints` are the rule parser's readings,
    `lexicon` the words' usual fields (the one trained with the model)."""
    n = len(tokens)
    if n == 0:
        return []
    entry = _CACHES.get(id(lexicon))
    if entry is None:
        entry = _CACHES[id(lexicon)] = (lexicon, {})
    cache = entry[1]
    base = [_token_features(t, cache, lexicon) for t in tokens]
    lex = [w.lex for w in base] if lexicon else None
    seg_p = _segments(tokens, False, lex)
    seg_c = _segments(tokens, True, lex)
    out: list[list[Feature]] = []
    in_quote = False
    depth = 0
    sentences = 0
    years_seen = 0
    last = n - 1
    for i, tok in enumerate(tokens):
        own = base[i]
        f: list[Feature] = [b"b", own.word, own.shape, _POS[10 * i // n], *seg_p[i], *seg_c[i], *own.own]
        if i == 0:
            f.append(b"first")
        if i == last:
            f.append(b"last")
        else:
            nxt = tokens[i + 1]
        if not tok.space_before:
            f.append(b"nosp")
        if i < last and not nxt.space_before:
            f.append(b"nosp+1")
        ch = tok.text
        if len(ch) == 1:
            if ch in QUOTES_OPEN and not in_quote and (tok.space_before or i == 0 or ch in "\u201c\u201e\u00ab"):
                in_quote = True
                f.append(b"qopen")
            elif ch in QUOTES_CLOSE and in_quote:
                in_quote = False
                f.append(b"qclose")
            elif in_quote:
                f.append(b"inq")
            if ch in OPEN_BR:
                depth += 1
            elif ch in CLOSE_BR:
                depth = max(0, depth - 1)
            elif depth:
                f.append(b"inbr")
        else:
            if in_quote:
                f.append(b"inq")
            if depth:
                f.append(b"inbr")
        f.append(_SENT[sentences if sentences < 6 else 6])
        f.append(_YRS[years_seen if years_seen < 2 else 2])
        if own.year:
            years_seen += 1
        if ch == "." and 0 < i < last and nxt.space_before and len(tokens[i - 1].text) > 2:
            sentences += 1
        if i >= 2:
            f.extend(base[i - 2].m2)
        else:
            f.append(b"-2w=<edge>")
        if i >= 1:
            f.extend(base[i - 1].m1)
            f.append("bi=" + base[i - 1].lower + "|" + own.lower)
        else:
            f.append(b"-1w=<edge>")
        if i < last:
            f.extend(base[i + 1].p1)
        else:
            f.append(b"1w=<edge>")
        if i + 2 < n:
            f.extend(base[i + 2].p2)
        else:
            f.append(b"2w=<edge>")
        if hints is not None:
            h = hints[i]
            f.append(_hint("r=", h))
            if i > 0 and hints[i - 1] != h:
                f.append(_hint("r<", hints[i - 1]))
            if i < last and hints[i + 1] != h:
                f.append(_hint("r>", hints[i + 1]))
        out.append(f)
    return out


@lru_cache(maxsize=256)
def _hint(prefix: str, hint: str) -> bytes:
    return (prefix + hint).encode()


_POS = [f"pos={k}".encode() for k in range(10)]
_SENT = [f"sent={k}".encode() for k in range(7)]
_YRS = [f"yrs={k}".encode() for k in range(3)]


def rule_hints(raw: str, tokens: list[Token], parsed: object) -> list[str]:
    """Per token, which field the rule parser (`rules`) read it as, or "" (a hint, not a label).

    The rules' fields are found back in the string: the author list from the first to the last
    family name, then the title, then the container after it, then volume, issue and pages after that.
    """
    n = len(tokens)
    hints = [""] * n
    marks: list[tuple[str, int, int]] = []
    pos = 0
    authors = getattr(parsed, "authors", [])
    if authors:
        a = raw.find(authors[0].family)
        b = raw.find(authors[-1].family, max(a, 0))
        if a != -1 and b != -1:
            marks.append(("author", a, b + len(authors[-1].family)))
            pos = b + len(authors[-1].family)
    for name in ("title", "container_title", "volume", "issue", "first_page", "last_page"):
        value = getattr(parsed, name, None)
        if not value:
            continue
        at = raw.find(value, pos)
        if at == -1 and name in ("title", "container_title"):
            at = raw.find(value)
        if at == -1:
            continue
        marks.append((name, at, at + len(value)))
        pos = at + len(value)
    year = getattr(parsed, "year", None)
    if year:
        at = raw.rfind(str(year))
        if at != -1:
            marks.append(("year", at, at + 4))
    if not marks:
        return hints
    for i, tok in enumerate(tokens):
        for name, a, b in marks:
            if a <= tok.start < b:
                hints[i] = name
                break
    return hints
