"""Language-aware tokens for the passage model: spaCy tokenisation and stop words per language.

Each word yields itself and its character n-grams (inside word boundaries). The n-grams carry the signal across
inflected forms (Polish ``energii``/``energia``, Hungarian ``energiahatékonyság``) and across the related
vocabularies of Czech and Slovak, without a lemmatiser (spacy-lookups-data has no Slovak table).
"""

from __future__ import annotations

import functools
import unicodedata

SPACY_LANGS = ("en", "pl", "cs", "sk", "hu")
_MIN_WORD = 2


@functools.lru_cache(maxsize=None)
def _nlp(lang: str):
    """A blank spaCy pipeline for ``lang`` whose vocabulary computes only the lexeme attributes ``words`` reads.

    Every word spaCy has not seen gets a lexeme, and computing the twenty-odd attributes of the language's defaults
    (shape, prefix, like_num, ...) for each was a third of the tokenising time; token boundaries do not depend on
    them."""
    import spacy
    from spacy.attrs import IS_ALPHA, LOWER

    nlp = spacy.blank(lang if lang in SPACY_LANGS else "xx")
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attr: getters[attr] for attr in (IS_ALPHA, LOWER) if attr in getters}
    return nlp


@functools.lru_cache(maxsize=None)
def _stop_words(lang: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _nlp(lang).Defaults.stop_words)


def words(text: str, lang: str) -> list[str]:
    """Lower-cased alphabetic tokens (and the alphabetic parts of hyphenated ones) that are not stop words of ``lang``."""
    stops = _stop_words(lang)
    out: list[str] = []
    keep = out.append
    for tok in _nlp(lang).tokenizer(text):
        if tok.is_alpha:
            w = tok.lower_
            if len(w) >= _MIN_WORD and w not in stops:
                keep(w)
        elif "-" in tok.text:  # hyphenated compounds (Hungarian szén-dioxid, Polish biało-czerwony): their parts
            for w in tok.lower_.split("-"):
                if w.isalpha() and len(w) >= _MIN_WORD and w not in stops:
                    keep(w)
    return out


def fold_accents(word: str) -> str:
    """``účinnosť`` -> ``ucinnost``: Czech, Slovak and Polish spellings of shared roots meet (ł and ø are kept)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def word_features(word: str, ngram_range: tuple[int, int] = (3, 5), fold: bool = False) -> list[str]:
    """The features one word contributes: the whole word and its boundary-padded character n-grams (of the
    accent-folded word when ``fold``)."""
    padded = f" {fold_accents(word) if fold else word} "
    lo, hi = ngram_range  # (0, 0): whole words only
    feats = [f"w:{word}"]
    if lo <= 0:
        return feats
    for n in range(lo, hi + 1):
        feats.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return feats


def features(text: str, lang: str, ngram_range: tuple[int, int] = (3, 5)) -> list[str]:
    out: list[str] = []
    for w in words(text, lang):
        out.extend(word_features(w, ngram_range))
    return out
