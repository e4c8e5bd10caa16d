"""Where a claim and a source sentence differ, found by rules that explain themselves (no model).

`compare(claim, sentence)` returns the contrasts between a claim and one sentence of an abstract,
each with the claim's words and the source's words, so a note can say plainly what differs:

- `negation`: one side is negated (NegEx-style cues with a scope that ends at "but", "however",
  a semicolon or after a few words) or reports a null result ("no significant difference",
  "did not differ", "was not associated with"), the other is not;
- `direction`: opposite directions on the same axis (increase/decrease, higher/lower, more/fewer,
  risk/protective, improve/worsen);
- `antonym`: a word and its opposite ("effective"/"ineffective", "likely"/"unlikely");
- `number`: the same kind of quantity (percent, days, fold, ...) with values or ranges that
  do not agree after alignment ("between 3 and 4 days" against "2-3 days");
- `quantifier`: the claim says "all", "always", "only" where the source says "some", "most", a share;
- `hedge`: the source hedges ("may", "suggests", "could") and the claim states it as fact.

The first four are contradictions; the last two are overreach (a `partial` claim). Abstract
sentences also get the part of the abstract they come from (`label_parts`): background, methods,
results or conclusions, from structured labels ("RESULTS:") or from cues and position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from citelens.claims.terms import genotype_groups

CONTRADICTING = ("negation", "direction", "antonym", "number")
OVERREACH = ("quantifier", "hedge")
PARTS = ("background", "methods", "results", "conclusions")

# --- parts of an abstract ------------------------------------------------------------------------
_LABELS = {
    "background": ("background", "introduction", "importance", "context", "rationale", "objective", "objectives",
                   "aim", "aims", "purpose", "question", "hypothesis", "goal", "study objective"),
    "methods": ("methods", "method", "design", "setting", "settings", "participants", "patients", "subjects",
                "exposure", "exposures", "intervention", "interventions", "measurements", "measures",
                "main outcomes and measures", "main outcome measures", "outcomes", "materials and methods",
                "methodology", "study design", "design, setting, and participants", "approach", "procedure",
                "data sources", "study selection", "data extraction", "analysis", "methods and findings"),
    "results": ("results", "result", "findings", "main results", "key results", "observations"),
    "conclusions": ("conclusions", "conclusion", "interpretation", "conclusions and relevance", "discussion",
                    "significance", "implications", "summary", "relevance", "conclusions/significance",
                    "clinical relevance", "author summary", "comment"),
}
_LABEL_OF = {name: part for part, names in _LABELS.items() for name in names}
_LABEL_RE = re.compile(
    r"^\s*(" + "|".join(sorted((re.escape(n) for n in _LABEL_OF), key=len, reverse=True))
    + r")\s*(?::|\.|-|\u2014|\s(?=[A-Z]))\s*",
    re.I,
)
_RESULT_CUE_RE = re.compile(
    r"\b(?:we\s+(?:found|observed|show(?:ed)?|report|identified|detected|estimate[ds]?)|(?:was|were|is|are)\s+"
    r"(?:(?:positively|negatively|significantly|strongly|inversely|not)\s+)?(?:associated|correlated|linked)|"
    r"(?:significantly|markedly)\s+\w+|(?:increased|decreased|reduced|improved|elevated|lowered)\s|"
    r"(?:odds|hazard|risk)\s+ratio|confidence\s+interval|95\s*%|\bp\s*[<=>\u2264]\s*0?\.\d|(?-i:\b(?:OR|HR|RR|aOR|aHR)\b)|"
    r"compared\s+(?:with|to)|than\s|revealed|resulted\s+in|led\s+to|had\s+(?:a\s+)?(?:higher|lower|greater)|"
    r"\d+(?:\.\d+)?\s*(?:%|percent|fold|mg|ml|days?|weeks?|months?|hours?))",
    re.I,
)
_CONCLUSION_CUE_RE = re.compile(
    r"^(?:in\s+conclusion|in\s+summary|taken\s+together|overall|together|thus|hence|therefore|these\s+(?:results|"
    r"findings|data|observations)|our\s+(?:results|findings|data|study)|this\s+(?:study|work|finding)\s+"
    r"(?:shows|suggests|demonstrates|provides|indicates|highlights))\b|\b(?:we\s+conclude|suggest\s+that|"
    r"indicate\s+that|demonstrate\s+that|support\s+the|highlight|implications?)\b",
    re.I,
)
_AIM_CUE_RE = re.compile(
    r"\b(?:we\s+(?:aimed|sought|investigated\s+whether|examined\s+whether|asked|hypothesi[sz]ed|set\s+out)|"
    r"(?:the\s+)?(?:aim|purpose|objective|goal)s?\s+of\s+(?:this|the|our)|here,?\s+we\s+(?:investigate|examine|"
    r"test|assess|explore)|this\s+(?:study|paper|review)\s+(?:aims|examines|investigates|explores|reviews)|"
    r"remains?\s+(?:unknown|unclear|poorly\s+understood)|little\s+is\s+known|is\s+(?:known|thought|believed)\s+to)\b",
    re.I,
)
_METHOD_CUE_RE = re.compile(
    r"\b(?:were\s+(?:randomi[sz]ed|recruited|enrolled|assigned|included|measured|collected|assessed|"
    r"administered|asked|tested|genotyped|screened)|we\s+(?:recruited|enrolled|measured|used|conducted|"
    r"performed|collected|analy[sz]ed|genotyped|surveyed)|double-?blind|placebo-controlled|cross-sectional|"
    r"cohort\s+of|retrospective|questionnaire|participants\s+(?:were|completed)|was\s+(?:measured|assessed|"
    r"collected|performed|conducted))\b",
    re.I,
)


_REVIEW_RE = re.compile(r"\b(?:(?:this|the\s+present|our)\s+(?:review|overview|chapter|article|paper)\s+"
                        r"(?:\w+\s+)?(?:summari[sz]es|reviews|discusses|describes|examines|highlights|focuses|"
                        r"outlines|covers|considers|provides)|we\s+(?:review|summari[sz]e|discuss|outline|highlight)|"
                        r"(?:is|are)\s+reviewed|in\s+this\s+review)\b", re.I)
_SYSTEMATIC_RE = re.compile(r"\b(?:systematic(?:ally)?\s+review|meta-?analys[ie]s|randomi[sz]ed|"
                            r"trials?\s+(?:were|was)\s+"
                            r"included)\b", re.I)


_STATS_RE = re.compile(r"\bp\s*[<=>\u2264]\s*0?\.\d|\d\s*%|\bCI\b|\b[nN]\s*=\s*\d|\b\d+\s+(?:participants|patients|"
                       r"subjects|volunteers|men|women|children|infants|adults|individuals|mice|rats|dogs)\b")


def strip_label(sentence: str) -> tuple[str, str | None]:
    """'RESULTS: The ...' -> ('The ...', 'results'); an unlabelled sentence -> (sentence, None)."""
    m = _LABEL_RE.match(sentence)
    if not m:
        return sentence, None
    rest = sentence[m.end():].strip()
    label = m.group(1)
    # a word like "Results" opening prose ("Results from ...") is not a label unless capitalised as one
    if not rest or (not label.isupper() and sentence[m.end(1):m.end(1) + 1] not in ":.-\u2014"
                    and not rest[:1].isupper()):
        return sentence, None
    return rest, _LABEL_OF[label.lower()]


def label_parts(sentences: list[str]) -> list[tuple[str, str]]:
    """Each sentence of an abstract (labels stripped) with the part it belongs to.

    A structured label holds until the next one; unlabelled sentences are read from cues
    (aims and "is known to" are background, recruitment and measurement are methods, findings
    with numbers or "was associated with" are results, "these results suggest" is a conclusion)
    and, failing those, from their position (the first sentence is background, the last a conclusion).
    """
    out: list[tuple[str, str]] = []
    current: str | None = None
    labelled = False
    n = len(sentences)
    # a narrative review or essay (it says so, or it reports no methods and no statistics)
    empirical = any(_METHOD_CUE_RE.search(s) or _STATS_RE.search(s) or _SYSTEMATIC_RE.search(s) for s in sentences)
    review = not empirical and n > 1 and (any(_REVIEW_RE.search(s) for s in sentences) or not any(
        _RESULT_CUE_RE.search(s) and re.search(r"\bwe\s", s, re.I) for s in sentences))
    for i, raw in enumerate(sentences):
        text, label = strip_label(raw)
        if label:
            current, labelled = label, True
        if labelled and current:
            part = current
        elif review:
            # a narrative review's statements are its findings; only its aims are background
            part = "background" if _AIM_CUE_RE.search(text) or _REVIEW_RE.search(text) else "conclusions"
        else:
            part = _cue_part(text, i, n)
        out.append((text, part))
    return out


def _cue_part(text: str, i: int, n: int) -> str:
    if _AIM_CUE_RE.search(text):
        return "background"
    if _CONCLUSION_CUE_RE.search(text) and i >= n // 2:
        return "conclusions"
    if _METHOD_CUE_RE.search(text) and not _RESULT_CUE_RE.search(text):
        return "methods"
    if _RESULT_CUE_RE.search(text):
        return "results" if i < n - 1 or n == 1 else "conclusions"
    if i == 0 and n > 2:
        return "background"
    if i == n - 1 and n > 1:
        return "conclusions"
    return "results" if i >= n // 2 else "background"


def has_result_cue(text: str) -> bool:
    return bool(_RESULT_CUE_RE.search(text))


# --- tokens --------------------------------------------------------------------------------------
_BLIND_RE = re.compile(r"\b(?:double|triple|single)[\s-]+blind(?:ed)?\b")
_TOKEN_RE = re.compile(r"\d+(?:[,.]\d+)*|[a-z]+(?:['\u2019]t)?|[;:()\u2013\u2014]|-")


@lru_cache(maxsize=8192)
def tokens(text: str) -> list[str]:
    """Lower-case words, numbers and clause punctuation (cached: abstract sentences recur; do not mutate)."""
    text = _BLIND_RE.sub("blinded", text.lower().replace("\u2212", "-"))
    return _TOKEN_RE.findall(text)


# --- negation ------------------------------------------------------------------------------------
_NEG_SINGLE = {"no", "not", "never", "none", "neither", "nor", "without", "cannot", "nothing", "nobody",
               "lack", "lacks", "lacked", "lacking", "absence", "absent", "fail", "fails", "failed", "unable",
               "free"}
_NEG_CONTRACTED = re.compile(r"n['\u2019]t$")
# "no", "without", "absence of" negate a noun: a condition ("who received no social support") unless
# the noun is an effect or a change ("no effect", "without improvement") or a direction word follows
_NOMINAL_NEG = {"no", "none", "without", "nothing", "nobody", "lack", "lacks", "lacked", "lacking", "absence",
                "absent", "free"}
_EFFECT_NOUNS = {"effect", "effects", "difference", "differences", "association", "associations", "change",
                 "changes", "correlation", "relationship", "impact", "benefit", "benefits", "link", "evidence",
                 "improvement", "influence", "role", "sign", "signs", "risk", "transmission", "increase",
                 "decrease", "reduction", "response", "responses", "protection", "immunity", "symptoms"}
_PSEUDO = (("not", "only"), ("not", "just"), ("not", "merely"), ("no", "doubt"), ("not", "necessarily"),
           ("whether", "or", "not"), ("with", "or", "without"), ("not", "always"), ("nothing", "but"),
           ("no", "longer", "than"), ("not", "limited"), ("if", "not"), ("free", "of", "charge"))
_PSEUDO_WORDS = {w for p in _PSEUDO for w in p}
_SCOPE_END = {"but", "however", "although", "though", "whereas", "while", "except", "yet", "which", "who",
              "whom", ";", ":", "(", ")", "unlike", "instead", "rather", "nevertheless", "nonetheless"}
SCOPE = 7  # words a negation cue reaches, as in NegEx
BACK_SCOPE = 4  # words back to the clause's subject
_NULL_RE = re.compile(
    r"\b(?:no\s+(?:statistically\s+)?(?:significant\s+|clear\s+|major\s+|meaningful\s+|detectable\s+|evident\s+|"
    r"apparent\s+)?(?:difference|differences|association|associations|effect|effects|change|changes|correlation|"
    r"relationship|impact|benefit|link|increase|decrease|reduction|improvement|influence|evidence)|"
    r"(?:did|does|do|was|were|is|are)\s+not\s+(?:significantly\s+)?(?:differ|change|affect|alter|improve|"
    r"reduce|increase|decrease|influence|predict|correlate|associate|lower|raise|result|associated|related|"
    r"correlated|different|linked|significant)|not\s+significantly|"
    r"(?:were|was|remained|are|is)\s+(?:similar|comparable|unchanged|unaffected|unrelated|independent)|"
    r"similar\s+(?:between|in|among|across)|no\s+longer|unrelated\s+to|independent(?:ly)?\s+of|(?<=\w\s)(?:equally|similarly)(?!,)|"
    r"equivalent(?:ly)?|indistinguishable|no\s+different|no\s+more\s+\w+\s+than|(?:is|are|was|were)\s+the\s+same|"
    r"(?:remained|remains|stayed|stays|was|were|is|are)\s+(?:fairly\s+|relatively\s+|largely\s+)?(?:stable|"
    r"constant|unchanged|flat|steady|level|stagnant)|"
    r"(?:negligible|insignificant|minimal|little(?:\s+or\s+no)?)\s+(?:\w+\s+)?(?:effect|effects|impact|role|"
    r"difference|benefit|change|factor|amount|association|influence)|had\s+no\s+(?:\w+\s+)?(?:effect|impact|"
    r"influence|role)|the\s+same\s+(?:as|amount|rate|risk|level)|just\s+as\s+\w+\s+as|in\s+line\s+with)\b",
    re.I,
)


@dataclass(frozen=True)
class Negation:
    cue: str
    start: int  # token index of the cue
    end: int  # token index after the scope
    begin: int = -1  # the clause's first token before the cue (its subject: "cats are not able ...")


def negations(toks: list[str]) -> list[Negation]:
    """Negation cues with their scopes (forward, ended by a conjunction or after SCOPE words)."""
    out: list[Negation] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in _PSEUDO_WORDS and any(tuple(toks[i - k:i - k + len(p)]) == p for p in _PSEUDO
                                      for k, w in enumerate(p) if w == t and i - k >= 0):
            i += 1
            continue
        if t in _NEG_SINGLE or (t.endswith("t") and _NEG_CONTRACTED.search(t)):
            if t == "free" and not (i + 1 < len(toks) and toks[i + 1] == "of"):
                i += 1
                continue
            if t == "no" and i + 1 < len(toks) and toks[i + 1].replace(",", "").isdigit():  # "no. 5"
                i += 1
                continue
            end = i + 1
            while end < len(toks) and end - i <= SCOPE and toks[end] not in _SCOPE_END:
                end += 1
            begin = i
            while begin > 0 and i - begin < BACK_SCOPE and toks[begin - 1] not in _SCOPE_END \
                    and toks[begin - 1] not in ("and", "that", "if", "when", "because", "since"):
                begin -= 1
            out.append(Negation(t, i, end, begin))
        i += 1
    return out


@lru_cache(maxsize=8192)
def is_null_result(text: str) -> str | None:
    m = _NULL_RE.search(text)
    return m.group(0) if m else None


# --- directions ----------------------------------------------------------------------------------
# (axis, sign) for word roots; axes: amount (up/down), outcome (better/worse), risk (risk/protective)
_DIRECTION_WORDS: dict[str, tuple[str, int]] = {}
for _w in ("increas rais rise rises rising rose risen higher high elevat enhanc boost exceed larger longer faster "
           "doubl tripl upregulat up-regulat surg spike grow grew growing accelerat amplif more greater gain gains "
           "heighten stronger augment expand promot stimulat highest most greatest largest longest fastest "
           "strongest maximum maxim fast quick quicker quickest rapid rapidly sooner twice").split():
    _DIRECTION_WORDS[_w] = ("amount", 1)
for _w in ("decreas reduc lower low declin drop dropp diminish attenuat fell fall falls shorter slower smaller "
           "downregulat down-regulat lessen shrink shrank less fewer weaker inhibit suppress curb cut cuts "
           "lowered lowering slow slowed depress impair deplet loss lose lowest least smallest shortest "
           "slowest weakest minimum minim fewest half halv mitigat alleviat relie shorten").split():
    _DIRECTION_WORDS[_w] = ("amount", -1)
for _w in ("improv benefit beneficial better best effective efficac help helps helped protect protective safe "
           "succeed success promis superior favorabl favourabl").split():
    _DIRECTION_WORDS[_w] = ("outcome", 1)
for _w in ("worsen worse worst harm harmful detrimental deteriorat ineffective unsafe adverse aggravat exacerbat "
           "damag inferior disappoint unfavorabl unfavourabl fail").split():
    _DIRECTION_WORDS[_w] = ("outcome", -1)
_DIRECTION_ROOTS = sorted(_DIRECTION_WORDS, key=len, reverse=True)
# words read only whole ("most" is not "mostly", "fast" not "fasting", "half" not "halfway")
_EXACT_DIRECTION = {"high", "low", "more", "less", "cut", "cuts", "fall", "loss", "lose", "safe", "help", "helps",
                    "most", "least", "fast", "half", "best", "worst", "fail", "quick", "rapid", "slow", "minim",
                    "maxim", "twice"}


# endings a direction root takes ("reduc-ed", "increas-ing", "declin-e", "reduc-tion"); others make another
# word ("surg-ical", "drop-lets", "depress-ion")
_DIRECTION_ENDINGS = ("", "e", "s", "es", "ed", "d", "ing", "er", "ers", "est", "ly", "tion", "tions", "ment",
                      "ments", "ation", "ations", "ive", "ively", "ial", "ially", "al", "ally", "ness", "ure", "ures",
                      "y", "ies", "ied", "ant", "ance", "ous", "ation")


@lru_cache(maxsize=65536)  # a pure function of the word, asked for every word of every sentence
def direction_of(word: str) -> tuple[str, int] | None:
    if word in _EXACT_DIRECTION:
        return _DIRECTION_WORDS[word]
    for root in _DIRECTION_ROOTS:
        if len(root) >= 4 and word.startswith(root) and root not in _EXACT_DIRECTION \
                and word[len(root):] in _DIRECTION_ENDINGS:
            return _DIRECTION_WORDS[root]
    return None


_DEGREE_NEXT = {"likely", "common", "frequent", "frequently", "vulnerable", "susceptible", "affected", "effective",
                "important", "severe", "severely", "at", "dangerous", "deadly", "infectious", "contagious", "risk"}
ALIGN_WINDOW = 4  # a direction word speaks of the shared terms this many words around it


def _direction_at(toks: list[str], i: int) -> tuple[str, int] | None:
    """The direction of the word at i in its context: "most"/"least" only as a degree ("the most likely",
    not "most studies"), "half" not in "half-life"."""
    t = toks[i]
    if t in ("most", "least"):
        prev = toks[i - 1] if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if prev not in ("the", "at") and nxt not in _DEGREE_NEXT:
            return None
    if t in ("half", "fall", "falls", "cut", "cuts") and i + 1 < len(toks) and toks[i + 1] in ("-", "into", "of"):
        return None
    return direction_of(t)


def aligned_directions(toks: list[str], negs: list[Negation], anchors: set[str]
                       ) -> list[tuple[str, int, str, frozenset[str]]]:
    """The un-negated direction words, each with the shared terms (first five letters) it is the nearest
    direction word to, within ALIGN_WINDOW words ("decreased likelihood of death despite higher
    superinfection": "death" goes with "decreased")."""
    found = [(i, _direction_at(toks, i)) for i in range(len(toks))]
    found = [(i, d) for i, d in found if d]
    near: dict[int, set[str]] = {i: set() for i, _ in found}
    for j, w in enumerate(toks):
        if w[:5] not in anchors or direction_of(w):
            continue
        close = [(abs(i - j), i > j, i) for i, _ in found if abs(i - j) <= ALIGN_WINDOW]
        if close:
            near[min(close)[2]].add(w[:5])
    return [(d[0], d[1], toks[i], frozenset(near[i])) for i, d in found
            if not any(n.start < i < n.end for n in negs)]


def _opposite_direction(c_dirs: list[tuple[str, int, str, frozenset[str]]],
                        s_dirs: list[tuple[str, int, str, frozenset[str]]]) -> tuple[str, str] | None:
    """A claim direction and a source direction on the same axis, opposite, about the same shared term,
    with no source direction of the same sign about that term."""
    for axis, sign, word, near in c_dirs:
        if not near:
            continue
        opposite = [d for d in s_dirs if d[0] == axis and d[1] == -sign and d[3] & near]
        same = [d for d in s_dirs if d[0] == axis and d[1] == sign and d[3] & near]
        if opposite and not same:
            return word, opposite[0][2]
    return None


# --- antonyms ------------------------------------------------------------------------------------
_ANTONYMS = [
    ("effective", "ineffective"), ("likely", "unlikely"), ("possible", "impossible"), ("present", "absent"),
    ("symptomatic", "asymptomatic"), ("sufficient", "insufficient"), ("common", "rare"), ("accurate", "inaccurate"),
    ("reliable", "unreliable"), ("stable", "unstable"), ("safe", "unsafe"), ("mild", "severe"), ("early", "late"),
    ("before", "after"), ("positive", "negative"), ("survived", "died"), ("survival", "death"),
    ("beneficial", "harmful"), ("benefit", "harm"), ("efficient", "inefficient"), ("adequate", "inadequate"),
    ("consistent", "inconsistent"), ("necessary", "unnecessary"), ("successful", "unsuccessful"),
    ("increase", "decrease"), ("rapid", "slow"), ("strong", "weak"), ("confirmed", "refuted"), ("able", "unable"),
    ("detectable", "undetectable"), ("infectious", "noninfectious"), ("airborne", "contact"),
    ("protective", "risk"), ("major", "minor"), ("majority", "minority"), ("most", "few"), ("many", "few"),
    ("usual", "unusual"), ("known", "unknown"), ("indoor", "outdoor"), ("indoors", "outdoors"),
    ("inside", "outside"), ("acute", "chronic"), ("younger", "older"), ("young", "old"), ("children", "adults"),
]
_ANTONYM_OF: dict[str, set[str]] = {}
for _a, _b in _ANTONYMS:
    _ANTONYM_OF.setdefault(_a, set()).add(_b)
    _ANTONYM_OF.setdefault(_b, set()).add(_a)

# --- quantifiers and hedges ----------------------------------------------------------------------
_UNIVERSAL_RE = re.compile(r"\b(?:all|every|always|everyone|everybody|entirely|completely|only|solely|any|"
                           r"universally|guarantee[sd]?|no\s+one|nobody|never|none)\b", re.I)
_PARTIAL_RE = re.compile(r"\b(?:some|most|many|several|majority|minority|few|subset|part\s+of|proportion|"
                         r"partly|partially|\d+(?:\.\d+)?\s*%|percent|sometimes|often|certain)\b", re.I)
_HEDGE_RE = re.compile(r"\b(?:may|might|could|possibly|perhaps|potential(?:ly)?|suggests?|suggested|suggesting|"
                       r"appears?|seems?|hypothes\w+|likely|plausibl\w+|preliminary|speculat\w+|warrant)\b", re.I)
_POLAR_WORDS = {"no", "not", "never", "none", "neither", "nor", "without", "cannot", "all", "every", "always",
                "only", "some", "most", "least", "few", "many", "same", "different", "similar", "likely", "unlikely",
                "against", "both", "nothing", "little", "negligible", "insignificant", "major", "minor"}


def polarity_word(word: str) -> bool:
    """A word whose change turns a finding around: a negation, a quantifier, a direction, an antonym."""
    return word in _POLAR_WORDS or bool(_NEG_CONTRACTED.search(word)) or word in _ANTONYM_OF or bool(
        direction_of(word))


def is_universal(text: str) -> bool:
    return bool(_UNIVERSAL_RE.search(text))


def is_hedged(text: str) -> bool:
    return bool(_HEDGE_RE.search(text))


_DEFINITE_RE = re.compile(r"\b(?:will|causes?|caused|prevents?|prevented|cures?|"
                          r"proves?|proved|shows?|showed|found|confirms?|kills?|stops?|reduces?|increases?|"
                          r"protects?|leads?\s+to)\b", re.I)

# --- numbers -------------------------------------------------------------------------------------
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_VAGUE = {"a few": (2, 9), "few": (2, 9), "several": (3, 9), "a couple of": (2, 3), "dozens of": (24, 99),
          "a dozen": (12, 12), "hundreds of": (200, 999), "thousands of": (2000, 9999)}
_SCALE = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_UNITS = {
    "%": "percent", "percent": "percent", "per cent": "percent", "percentage points": "percent",
    "day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
    "year": "years", "years": "years", "hour": "hours", "hours": "hours", "h": "hours", "hrs": "hours",
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes", "second": "seconds",
    "seconds": "seconds", "s": "seconds", "fold": "fold", "times": "fold", "x": "fold",
    "mg": "mg", "g": "g", "kg": "kg", "ml": "ml", "l": "l", "feet": "feet", "ft": "feet", "foot": "feet",
    "meters": "meters", "metres": "meters", "meter": "meters", "metre": "meters", "m": "meters",
    "cm": "cm", "mm": "mm", "km": "km", "miles": "miles", "mile": "miles", "degrees": "degrees",
    "people": "people", "persons": "people", "patients": "people", "participants": "people",
    "individuals": "people", "adults": "people", "children": "people", "subjects": "people",
    "cases": "cases", "deaths": "deaths", "infections": "cases", "countries": "countries",
}
_TO_DAYS = {"days": 1, "weeks": 7, "months": 30.4, "years": 365.25, "hours": 1 / 24, "minutes": 1 / 1440,
            "seconds": 1 / 86400}
_TO_METERS = {"meters": 1, "feet": 0.3048, "cm": 0.01, "mm": 0.001, "km": 1000, "miles": 1609.34}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_WORDNUM = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_VALUE = rf"(?:{_NUM}|(?:{_WORDNUM})(?:[\s-](?:{_WORDNUM}))?)(?:\s+(?:hundred|thousand|million|billion))?"
_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_VAGUE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _VAGUE), key=len, reverse=True)) + r")\s+(?P<unit>"
                       + _UNIT + r")\b", re.I)
_QUANTITY_RE = re.compile(
    rf"(?:(?P<between>between|from)\s+)?(?P<a>{_VALUE})\s*(?P<unit_a>{_UNIT})?\s*"
    rf"(?:(?:-|\u2013|to|and)\s*(?P<b>{_VALUE})\s*)?(?:-\s*)?(?P<unit>{_UNIT})?(?![a-z])",
    re.I,
)


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    unit: str
    text: str

    def agrees(self, other: Quantity) -> bool:
        """Same unit and values that fit: a point inside the other's range, or ranges that nest or nearly match."""
        if self.unit != other.unit:
            return True
        scale = max(abs(self.high), abs(other.high), 1e-9)
        tol = max(1.0, 0.05 * scale) if self.unit == "percent" else 0.1 * scale

        def inside(lo: float, hi: float, a: float, b: float) -> bool:  # [lo, hi] within [a, b]
            return lo >= a - tol and hi <= b + tol

        a_point, b_point = self.low == self.high, other.low == other.high
        if a_point or b_point:
            return inside(self.low, self.high, other.low, other.high) or inside(other.low, other.high, self.low,
                                                                               self.high)
        close = abs(self.low - other.low) <= tol / 2 and abs(self.high - other.high) <= tol / 2
        return close or inside(self.low, self.high, other.low, other.high) or inside(
            other.low, other.high, self.low, self.high) and (self.high - self.low) <= 3 * (other.high - other.low)


def _value(text: str) -> float | None:
    text = text.lower().strip()
    scale = 1.0
    for word, factor in _SCALE.items():
        if text.endswith(" " + word):
            text, scale = text[: -len(word) - 1].strip(), factor
            break
    if re.fullmatch(_NUM, text):
        return float(text.replace(",", "")) * scale
    total = 0.0
    for part in re.split(r"[\s-]+", text):
        if part not in _WORD_NUMBERS:
            return None
        total += _WORD_NUMBERS[part]
    return total * scale


@lru_cache(maxsize=8192)
def quantities(text: str) -> list[Quantity]:
    """Numbers and ranges with a unit ('30%', 'between 3 and 4 days', 'thirty minutes', '2-fold')."""
    out: list[Quantity] = []
    folded = text.replace("\u2009", " ").replace("\u00a0", " ")
    for m in _QUANTITY_RE.finditer(folded):
        unit_word = (m.group("unit") or m.group("unit_a") or "").lower()
        if not unit_word:
            continue
        a = _value(m.group("a"))
        b = _value(m.group("b")) if m.group("b") else None
        if a is None:
            continue
        if m.group("b") and " and " in m.group(0).lower() and not m.group("between"):
            b = None  # "30% and 40 days" is two quantities, not a range
        if b is not None and b < a:
            b = None
        if unit_word in ("s", "m", "h", "l", "g", "x", "min") and not re.search(r"\d\s*" + re.escape(unit_word)
                                                                              + r"\b", m.group(0), re.I):
            continue  # a lone letter after a word number is not a unit
        if re.match(r"\s*(?:CI|confidence|credible|CrI|UI|uncertainty)\b", folded[m.end():], re.I):
            continue  # "95% CI" is the interval's level, not a finding
        if 1900 <= a <= 2100 and b is None and unit_word not in ("%", "percent", "people", "cases", "deaths"):
            continue
        unit = _UNITS[unit_word]
        low, high = a, b if b is not None else a
        out.append(_normalised(low, high, unit, m.group(0).strip()))
    for m in _VAGUE_RE.finditer(folded):
        low, high = _VAGUE[m.group(1).lower()]
        out.append(_normalised(low, high, _UNITS[m.group("unit").lower()], m.group(0).strip()))
    return out


def _normalised(low: float, high: float, unit: str, text: str) -> Quantity:
    """Times in days and lengths in metres, so '2 weeks' meets '14 days'."""
    if unit in _TO_DAYS:
        return Quantity(low * _TO_DAYS[unit], high * _TO_DAYS[unit], "time", text)
    if unit in _TO_METERS:
        return Quantity(low * _TO_METERS[unit], high * _TO_METERS[unit], "distance", text)
    return Quantity(low, high, unit, text)


# --- the comparison ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contrast:
    """One difference between a claim and a source sentence, in words a reader can check."""

    kind: str  # negation | direction | antonym | number | quantifier | hedge
    claim: str
    source: str

    @property
    def contradicts(self) -> bool:
        return self.kind in CONTRADICTING

    def note(self, where: str = "") -> str:
        text = f'claim says "{self.claim}", source says "{self.source}"'
        return f"{text} ({where})" if where else text


def _polarity(toks: list[str], anchors: set[str]) -> tuple[bool, str, int]:
    """Whether the statement about the anchor words is negated (odd number of covering negations),
    the negation's words, and how many anchor words its clause holds."""
    negs = negations(toks)
    covering: list[tuple[Negation, int]] = []
    for n in negs:
        scope = toks[n.start + 1:n.end]
        held = len({t[:5] for t in toks[n.begin:n.end] if t[:5] in anchors})
        if n.cue in _NOMINAL_NEG:
            if any(direction_of(t) or t in _EFFECT_NOUNS for t in scope[:4]):
                covering.append((n, held))
        elif held or any(direction_of(t) for t in scope):
            covering.append((n, held))
    if not covering:
        return False, "", 0
    first = covering[0][0]
    phrase = " ".join(toks[first.start:min(first.end, first.start + 4)])
    return len(covering) % 2 == 1, phrase, max(h for _, h in covering)


def directions(toks: list[str], negs: list[Negation]) -> list[tuple[str, int, str, bool]]:
    out = []
    for i, t in enumerate(toks):
        d = direction_of(t)
        if d:
            negated = any(n.start < i < n.end for n in negs)
            out.append((d[0], d[1], t, negated))
    return out


_COMPARATIVE_RE = re.compile(r"\b(?:more|less|fewer|higher|lower|greater|smaller|larger|worse|better|older|"
                             r"younger|faster|slower|stronger|weaker|longer|shorter|earlier|later|bigger|deadlier|"
                             r"riskier|likely|susceptible|vulnerable|times)\b(?P<between>(?:[\s,]+[\w-]+){0,14}?)"
                             r"\s+(?:than|compared\s+(?:with|to)|versus|vs\.?|relative\s+to|as\s+opposed\s+to)\s+"
                             r"(?P<right>(?:[\w-]+\s*){1,4})", re.I)
_COMPARISON_CUE_RE = re.compile(r"\b(?:than|compared\s+(?:with|to)|versus|vs|relative\s+to|as\s+opposed\s+to)\b",
                                re.I)
_COMPARISON_SKIP = {"than", "the", "a", "an", "in", "of", "among", "for", "those", "that", "with", "people", "persons",
                    "patients", "individuals", "adults", "groups", "group", "aged", "were", "was", "is", "are"}


def _similar(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a))


def comparison_swap(claim: str, sentence: str) -> Contrast | None:
    """'more dangerous for young people than old people' against '... older adults ... than younger persons'."""
    for cm in _COMPARATIVE_RE.finditer(claim):
        c_right = [w for w in tokens(cm.group("right")) if w not in _COMPARISON_SKIP][:1]
        c_left = [w for w in tokens(claim[:cm.start("right")]) if w not in _COMPARISON_SKIP]
        if not c_right:
            continue
        for sm in _COMPARATIVE_RE.finditer(sentence):
            s_right = [w for w in tokens(sm.group("right")) if w not in _COMPARISON_SKIP][:1]
            s_left = [w for w in tokens(sentence[:sm.start("right")]) if w not in _COMPARISON_SKIP]
            if not s_right or _similar(c_right[0], s_right[0]):
                continue
            if any(_similar(s_right[0], w) for w in c_left) and any(_similar(c_right[0], w) for w in s_left):
                return Contrast("direction", " ".join(cm.group(0).split()[:8]), " ".join(sm.group(0).split()[:8]))
    return None


_RESTRICTIVE_RE = re.compile(r"(?<!not )\bonly\b(?!\s+(?:a\s+)?(?:few|one|some|slight|modest|marginal))", re.I)


_CLAUSE_RE = re.compile(r"\s*(?:;|,?\s+whereas\s+|,\s+while\s+|,\s+but\s+|,\s+in\s+contrast,?\s+)\s*", re.I)


def best_clause(claim: str, sentence: str) -> str:
    """Of a sentence that contrasts two findings ('in dogs ..., whereas in children ...'), the clause
    that shares most words with the claim."""
    clauses = [c for c in _CLAUSE_RE.split(sentence) if c.strip()]
    if len(clauses) < 2:
        return sentence
    words = {t[:5] for t in tokens(claim) if len(t) > 3}
    return max(clauses, key=lambda c: len(words & {t[:5] for t in tokens(c) if len(t) > 3}))


def _complementary_groups(claim: str, sentence: str) -> bool:
    """The claim and the sentence speak of genotype groups that do not overlap (AA against GG)."""
    a, b = genotype_groups(claim), genotype_groups(sentence)
    return bool(a and b and not a & b)


def compare(claim: str, sentence: str, anchors: set[str] | None = None) -> list[Contrast]:
    """The contrasts between a claim and one source sentence (empty when none is found).

    `anchors` are the terms the two share (the claim's subject and outcome), compared by their
    first five letters; negation only counts when its scope reaches one of them or a direction
    word. By default the words of four letters or more that the two texts share are used.
    """
    sentence = best_clause(claim, sentence)
    ct, st = tokens(claim), tokens(sentence)
    if anchors is None:
        anchors = {t[:5] for t in ct if len(t) > 3} & {t[:5] for t in st if len(t) > 3}
    else:
        anchors = {a[:5] for a in anchors}
    out: list[Contrast] = []
    cneg, sneg = negations(ct), negations(st)
    c_negated, c_phrase, c_held = _polarity(ct, anchors)
    s_negated, s_phrase, s_held = _polarity(st, anchors)
    c_null, s_null = is_null_result(claim), is_null_result(sentence)
    c_dirs, s_dirs = directions(ct, cneg), directions(st, sneg)
    c_plain = [d for d in c_dirs if not d[3]]
    s_plain = [d for d in s_dirs if not d[3]]
    # negation: "does not reduce" against "reduced"; "reduced" against "no significant difference".
    # The other side must assert an effect (a direction word), or the negated clause must hold two of
    # the shared words. A restrictive "only" ("only G carriers showed lower cortisol") says the others
    # did not, and complementary groups (GG against A carriers) make opposite statements agree.
    restrictive = bool(_RESTRICTIVE_RE.search(claim) or _RESTRICTIVE_RE.search(sentence))
    complementary = _complementary_groups(claim, sentence)
    c_verbal = c_negated and c_held >= 2 and c_phrase.split()[0] not in _NOMINAL_NEG
    s_verbal = s_negated and s_held >= 2 and s_phrase.split()[0] not in _NOMINAL_NEG
    if restrictive or complementary:
        pass
    elif (c_negated or c_null) and not (s_negated or s_null) and (s_plain or c_verbal):
        source_words = s_plain[0][2] if s_plain else _key_phrase(st, anchors)
        out.append(Contrast("negation", c_null or c_phrase, source_words))
    elif (s_negated or s_null) and not (c_negated or c_null) and (c_plain or s_verbal):
        claim_words = c_plain[0][2] if c_plain else _key_phrase(ct, anchors)
        out.append(Contrast("negation", claim_words, s_null or s_phrase))
    # direction: "higher" against "lower" on the same axis, neither negated
    if not any(c.kind == "negation" for c in out) and not complementary:
        # first the direction words that only one side uses (an edit: "higher" where the source says "lower");
        # a direction word both sides share says nothing about the difference. Each direction must speak of
        # the same shared term on both sides ("higher risk" against "risk was reduced"). A direction word
        # the other side also uses leaves the contrast unclear ("increased ... and reduced" against "increased").
        c_al, s_al = aligned_directions(ct, cneg, anchors), aligned_directions(st, sneg, anchors)
        s_set, c_set = set(st), set(ct)
        hit = _opposite_direction([d for d in c_al if d[2] not in s_set], [d for d in s_al if d[2] not in c_set])
        if hit:
            out.append(Contrast("direction", hit[0], hit[1]))
    if not any(c.kind in ("negation", "direction") for c in out) and _COMPARISON_CUE_RE.search(claim) \
            and _COMPARISON_CUE_RE.search(sentence):
        swap = comparison_swap(claim, sentence)
        if swap:
            out.append(swap)
    # antonyms: a word of the claim and its opposite in the source (and not the word itself)
    c_words, s_words = set(ct), set(st)
    for w in ct:
        opp = _ANTONYM_OF.get(w)
        if opp and w not in s_words:
            hit = sorted(opp & s_words)
            if hit and not (opp & c_words) and not any(c.kind == "direction" for c in out):
                out.append(Contrast("antonym", w, hit[0]))
                break
    if not any(c.kind in ("antonym", "direction", "negation") for c in out) and not complementary:
        m = morphological_antonym(ct, st)
        if m:
            out.append(Contrast("antonym", m[0], m[1]))
    # numbers of the same kind that do not agree
    cq, sq = quantities(claim), quantities(sentence)
    for q in cq:
        same_unit = [s for s in sq if s.unit == q.unit]
        if same_unit and not any(q.agrees(s) for s in same_unit):
            out.append(Contrast("number", q.text, same_unit[0].text))
            break
    # overreach: universal claim, partial source; definite claim, hedged source
    cu = _UNIVERSAL_RE.search(claim)
    sp = _PARTIAL_RE.search(sentence)
    if cu and sp and not _UNIVERSAL_RE.search(sentence):
        out.append(Contrast("quantifier", cu.group(0), sp.group(0)))
    sh = _HEDGE_RE.search(sentence)
    if sh and not _HEDGE_RE.search(claim) and _DEFINITE_RE.search(claim):
        out.append(Contrast("hedge", _DEFINITE_RE.search(claim).group(0), sh.group(0)))  # type: ignore[union-attr]
    return out


_NEG_PREFIXES = ("non", "un", "in", "im", "ir", "il", "dis", "a", "anti")
_ADJECTIVE_PREFIXES = ("in", "im", "ir", "il", "dis", "a")
_ADJECTIVE_ENDINGS = ("able", "ible", "ent", "ant", "ive", "ate", "al", "ous", "ful", "ic", "ar", "ary", "ile")


def _negated_form(word: str, other: set[str]) -> str | None:
    """The word of `other` that is `word` with a negating prefix ("possible" -> "impossible")."""
    if len(word) < 5:
        return None
    for prefix in _NEG_PREFIXES:
        if prefix in _ADJECTIVE_PREFIXES and not word.endswith(_ADJECTIVE_ENDINGS):
            continue  # "in-", "im-", "a-", "dis-" negate adjectives ("impossible"), not "im-proved" or "in-fected"
        for candidate in (prefix + word, *((prefix + "-" + word,) if len(prefix) > 1 else ())):
            if candidate in other:
                return candidate
    return None


def morphological_antonym(ct: list[str], st: list[str]) -> tuple[str, str] | None:
    """A word of one side whose prefixed negation ("non-", "un-", "in-", "anti-" ...) stands on the
    other side, where the word itself does not; or "pro-" against "anti-" before the same word."""
    c_words, s_words = set(_joined(ct)), set(_joined(st))
    for w in sorted(c_words - s_words):
        hit = _negated_form(w, s_words - c_words)
        if hit:
            return w, hit
    for w in sorted(s_words - c_words):
        hit = _negated_form(w, c_words - s_words)
        if hit:
            return hit, w
    for w in sorted(c_words - s_words):
        for a, b in (("pro-", "anti-"), ("anti-", "pro-")):
            if w.startswith(a) and b + w[len(a):] in s_words - c_words:
                return w, b + w[len(a):]
    return None


def _joined(toks: list[str]) -> list[str]:
    """Tokens with hyphenated words joined back ("non", "-", "absorptive" -> "non-absorptive")."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        if i + 2 < len(toks) and toks[i + 1] == "-" and toks[i].isalpha() and toks[i + 2].isalpha():
            out.append(f"{toks[i]}-{toks[i + 2]}")
            i += 3
        else:
            out.append(toks[i])
            i += 1
    return out


def _key_phrase(toks: list[str], anchors: set[str]) -> str:
    words = [t for t in toks if t[:5] in anchors]
    return " ".join(words[:3]) if words else " ".join(toks[:3])


def contradiction(contrasts: list[Contrast], quantifiers: bool = False) -> Contrast | None:
    """The first contradicting contrast (negation before direction, antonym, number); with
    `quantifiers`, an "only"/"all" against "some"/"most" counts too."""
    for kind in CONTRADICTING + (("quantifier",) if quantifiers else ()):
        for c in contrasts:
            if c.kind == kind:
                return c
    return None
