"""Load the shipped reference labeller and label token sequences with it."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

from ...errors import CitelensError
from .features import LEXICON_NAME, Lexicon, read_lexicon, sequence_features
from .names import NAMES_MODEL_NAME
from .tokens import Token

MODEL_NAME = "reference-crf-v4.crfsuite"
__all__ = ["LEXICON_NAME", "MODEL_NAME", "NAMES_MODEL_NAME", "ModelMissing", "label", "lexicon", "model_path", "tag",
           "tag_names"]


class ModelMissing(CitelensError):
    """The reference model file is not where the package puts it."""


_lock = threading.Lock()
_local = threading.local()
_model_path: Path | None = None


def model_path(name: str = MODEL_NAME) -> Path:
    """The shipped model file `name` (the reference labeller by default)."""
    global _model_path
    if _model_path is None:
        _model_path = Path(str(resources.files(__package__) / "model"))
    path = _model_path / name
    if not path.is_file():
        raise ModelMissing(f"reference model not found: {path} (retrain with python -m "
                           "citelens.read.references.train)")
    return path


def _tagger(path: Path | None = None, name: str = MODEL_NAME):  # type: ignore[no-untyped-def]
    """One crfsuite tagger per thread (a tagger object is not safe to share between threads).

    With no `path` the shipped model `name` is used; its file is looked up (and checked) once per thread.
    """
    cache = getattr(_local, "taggers", None)
    if cache is None:
        cache = _local.taggers = {}
    key = path if path is not None else name
    tagger = cache.get(key)
    if tagger is None:
        import pycrfsuite

        with _lock:
            tagger = pycrfsuite.Tagger()
            tagger.open(str(path if path is not None else model_path(name)))
        cache[key] = tagger
    return tagger


_lexicons: dict[Path | None, Lexicon] = {}


def lexicon(path: Path | None = None) -> Lexicon:
    """The word lexicon trained with the reference model `path` (the file beside it; the shipped one by
    default), read once."""
    got = _lexicons.get(path)
    if got is None:
        with _lock:
            got = _lexicons.get(path)
            if got is None:
                file = path.with_name(LEXICON_NAME) if path is not None else model_path(LEXICON_NAME)
                if not file.is_file():
                    raise ModelMissing(f"reference model lexicon not found: {file} (retrain with python -m "
                                       "citelens.read.references.train)")
                got = _lexicons[path] = read_lexicon(file)
    return got


def label(tokens: list[Token], path: Path | None = None, hints: list[str] | None = None) -> list[str]:
    """One label per token ("O" for none); `hints` are the rule parser's readings when the model uses them."""
    return tag(sequence_features(tokens, hints, lexicon(path)), path)


def tag(features: list[list[str]], path: Path | None = None) -> list[str]:
    """Labels for already computed token features (`features.sequence_features`).

    The lists go to the tagger as they are: building a `pycrfsuite.ItemSequence` first costs a copy more.
    """
    if not features:
        return []
    return list(_tagger(path).tag(features))


def tag_names(features: list[list[str]], path: Path | None = None) -> list[str]:
    """Person labels (see `names`) for the features of an author list's tokens, cut out of the whole string's.

    `path` is a reference model; the author-list model is the file beside it.
    """
    if not features:
        return []
    names = path.with_name(NAMES_MODEL_NAME) if path is not None else None
    return list(_tagger(names, NAMES_MODEL_NAME).tag(features))
