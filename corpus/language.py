"""Language of documents and passages: Polish, Czech, Slovak, Hungarian and English are supported.

Primary detector: lingua restricted to the five supported languages (it separates Czech from Slovak on short
passages better than langdetect; ``stratag evaluate-language`` measures both). langdetect, seeded for determinism,
screens whole documents for languages outside the five, which lingua restricted to five cannot name.
"""

from __future__ import annotations

import functools
import re

from corpus.errors import LanguageError

SUPPORTED = ("pl", "cs", "sk", "hu", "en")
UNDETERMINED = "und"
_MIN_LETTERS = 12
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_ISO = {"POLISH": "pl", "CZECH": "cs", "SLOVAK": "sk", "HUNGARIAN": "hu", "ENGLISH": "en"}


@functools.lru_cache(maxsize=1)
def _lingua():
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, name) for name in _ISO]
    return LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()


@functools.lru_cache(maxsize=1)
def _langdetect():
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    import langdetect

    return langdetect


def _enough_text(text: str) -> bool:
    return len(_LETTERS.findall(text[:2000])) >= _MIN_LETTERS


def detect_language(text: str, detector: str = "lingua") -> str:
    """ISO 639-1 code of the supported language ``text`` is most likely in, or ``und`` for too little text."""
    if not _enough_text(text):
        return UNDETERMINED
    if detector == "langdetect":
        return _detect_langdetect(text)
    lang = _lingua().detect_language_of(text[:3000])
    return _ISO[lang.name] if lang is not None else UNDETERMINED


def detect_languages(texts: list[str]) -> list[str]:
    """Languages of many passages at once (lingua, same result as one by one)."""
    idx = [i for i, t in enumerate(texts) if _enough_text(t)]
    out = [UNDETERMINED] * len(texts)
    if idx:
        found = _lingua().detect_languages_in_parallel_of([texts[i][:3000] for i in idx])
        for i, lang in zip(idx, found):
            out[i] = _ISO[lang.name] if lang is not None else UNDETERMINED
    return out


def _detect_langdetect(text: str) -> str:
    ld = _langdetect()
    try:
        code = ld.detect(text[:5000])
    except ld.LangDetectException:
        return UNDETERMINED
    return code


def screen_unsupported(text: str, source: str = "") -> None:
    """Raise LanguageError when a document is clearly written in a language stratag does not support."""
    if not _enough_text(text):
        return
    ld = _langdetect()
    sample = text[:20000]
    try:
        ranked = ld.detect_langs(sample)
    except ld.LangDetectException:
        return
    top = ranked[0]
    if top.lang not in SUPPORTED and top.prob >= 0.9:
        raise LanguageError(
            f"the document appears to be in '{top.lang}', which stratag does not support "
            f"(supported: {', '.join(SUPPORTED)}); pass --language to override",
            source=source,
        )


def document_language(passage_languages: list[str], weights: list[int]) -> tuple[str, dict[str, float]]:
    """Majority language weighted by passage length, and the share of each language."""
    totals: dict[str, float] = {}
    for lang, w in zip(passage_languages, weights):
        if lang != UNDETERMINED:
            totals[lang] = totals.get(lang, 0.0) + w
    whole = sum(totals.values())
    if not whole:
        return UNDETERMINED, {}
    shares = {k: round(v / whole, 4) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}
    return next(iter(shares)), shares
