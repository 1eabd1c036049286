"""Cross-lingual concepts: one feature shared by the words that name the same idea in en, pl, cs, sk and hu.

The character n-grams of the passage model are language-specific: Polish ``ciepłownictwo`` and Czech
``teplárenství`` share little, so what the model learns from one language transfers weakly to the others. A
project-written lexicon (``classifier/lexicon/*.json``) maps the words of each language to language-neutral concept
ids; every word then also yields ``c:<concept>`` features, whose weights are learnt from all languages at once.

Lexicon files: ``{"concepts": {"<concept-id>": {"en": [terms], "pl": [...], "cs": [...], "sk": [...], "hu": [...]}}}``.
A term is lower-case and matches one word (as tokenised by ``classifier.text.words``):

- ``term``   the word itself;
- ``term*``  any word starting with ``term``;
- ``*term*`` any word containing ``term`` (Hungarian and Slavic compounds: ``*hatékony*`` in ``energiahatékonyság``).

``python -m classifier.concepts check`` reports, on the parallel seed groups outside the test split only, how often
a concept found in the English version is found in each translation (the lexicon's cross-lingual recall).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import DataError

LEXICON_DIR = Path(__file__).with_name("lexicon")
LANGS = ("en", "pl", "cs", "sk", "hu")
MIN_PREFIX = 3
MIN_INFIX = 4


def _norm(term: str) -> str:
    return unicodedata.normalize("NFC", term.strip().lower())


@dataclass
class Lexicon:
    """Compiled term tables per language; small and picklable, so a model keeps the lexicon it was trained with."""

    exact: dict = field(default_factory=dict)  # lang -> {word: (concept, ...)}
    prefix: dict = field(default_factory=dict)  # lang -> {prefix: (concept, ...)}
    infix: dict = field(default_factory=dict)  # lang -> ((part, concept), ...)
    n_concepts: int = 0

    def ids(self) -> tuple[str, ...]:
        """Every concept id the tables can yield, sorted (the column order of the concept head)."""
        found = {c for table in (self.exact, self.prefix) for by_term in table.values() for cs in by_term.values() for c in cs}
        found.update(c for pairs in self.infix.values() for _, c in pairs)
        return tuple(sorted(found))

    @classmethod
    def from_entries(cls, entries: dict[str, dict[str, list[str]]]) -> "Lexicon":
        exact: dict = defaultdict(lambda: defaultdict(set))
        prefix: dict = defaultdict(lambda: defaultdict(set))
        infix: dict = defaultdict(set)
        for concept, by_lang in entries.items():
            for lang, terms in by_lang.items():
                for raw in terms:
                    term = _norm(raw)
                    if term.startswith("*") and term.endswith("*") and len(term) > 2:
                        infix[lang].add((term[1:-1], concept))
                    elif term.endswith("*"):
                        prefix[lang][term[:-1]].add(concept)
                    else:
                        exact[lang][term].add(concept)
        freeze = lambda table: {lang: {t: tuple(sorted(c)) for t, c in d.items()} for lang, d in table.items()}  # noqa: E731
        return cls(freeze(exact), freeze(prefix), {lang: tuple(sorted(p)) for lang, p in infix.items()}, len(entries))

    def concepts(self, word: str, lang: str) -> tuple[str, ...]:
        """Concept ids that ``word`` (lower-case, one token) names in ``lang``."""
        found: set[str] = set(self.exact.get(lang, {}).get(word, ()))
        prefixes = self.prefix.get(lang)
        if prefixes:
            for k in range(MIN_PREFIX, len(word) + 1):
                hit = prefixes.get(word[:k])
                if hit:
                    found.update(hit)
        index, short = self._infix_index(lang)
        for i in range(len(word) - MIN_INFIX + 1):  # each infix is looked up by its first MIN_INFIX letters
            for part, concept in index.get(word[i : i + MIN_INFIX], ()):
                if word.startswith(part, i):
                    found.add(concept)
        for part, concept in short:
            if part in word:
                found.add(concept)
        return tuple(sorted(found))

    def _infix_index(self, lang: str) -> tuple[dict, tuple]:
        """``({first MIN_INFIX letters: ((part, concept), ...)}, (shorter infixes, ...))`` of ``lang``, built once:
        the same matches as testing every infix against the word, without scanning all of them per new word."""
        built = self.__dict__.setdefault("_infix_indexes", {})
        if lang not in built:
            index: dict[str, list] = defaultdict(list)
            short = []
            for part, concept in self.infix.get(lang, ()):
                if len(part) >= MIN_INFIX:
                    index[part[:MIN_INFIX]].append((part, concept))
                else:
                    short.append((part, concept))
            built[lang] = ({k: tuple(v) for k, v in index.items()}, tuple(short))
        return built[lang]

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_infix_indexes", None)  # derived from ``infix``; rebuilt on first use
        return state


def lint(entries: dict[str, dict[str, list[str]]], where: str = "lexicon") -> list[str]:
    """Problems in lexicon entries: missing languages, empty or too short terms, malformed stars."""
    problems = []
    for concept, by_lang in entries.items():
        if not isinstance(by_lang, dict):
            problems.append(f"{where}: {concept}: expected an object of languages")
            continue
        for lang in LANGS:
            if not by_lang.get(lang):
                problems.append(f"{where}: {concept}: no terms for '{lang}'")
        for lang, terms in by_lang.items():
            if lang not in LANGS:
                problems.append(f"{where}: {concept}: unknown language '{lang}'")
            for term in terms:
                t = _norm(term)
                bare = t.strip("*")
                if not bare or " " in bare or "*" in bare:
                    problems.append(f"{where}: {concept}/{lang}: malformed term '{term}'")
                elif t.startswith("*") and not t.endswith("*"):
                    problems.append(f"{where}: {concept}/{lang}: suffix-only term '{term}' (use '*x*' or 'x*')")
                elif t.startswith("*") and len(bare) < MIN_INFIX:
                    problems.append(f"{where}: {concept}/{lang}: infix '{term}' shorter than {MIN_INFIX}")
                elif t.endswith("*") and len(bare) < MIN_PREFIX:
                    problems.append(f"{where}: {concept}/{lang}: prefix '{term}' shorter than {MIN_PREFIX}")
    return problems


def read_entries(directory: Path = LEXICON_DIR) -> dict[str, dict[str, list[str]]]:
    entries: dict[str, dict[str, list[str]]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}: not valid JSON ({exc.msg})") from exc
        for concept, by_lang in data.get("concepts", {}).items():
            if concept in entries:
                raise DataError(f"{path}: concept '{concept}' is defined in two lexicon files")
            entries[concept] = by_lang
    return entries


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.from_entries(read_entries())


def passage_concepts(text: str, lang: str, lexicon: Lexicon) -> Counter:
    from classifier.text import words

    out: Counter = Counter()
    for w in words(text, lang):
        out.update(lexicon.concepts(w, lang))
    return out


def check(lexicon: Lexicon | None = None) -> dict:
    """Cross-lingual recall and precision of the lexicon against English, on parallel seed groups outside the test
    split (the held-out groups measure the model, so the lexicon is never tuned on them)."""
    from corpus.sources import seed_passages

    lexicon = lexicon or default_lexicon()
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for r in seed_passages():
        r = r.with_split()
        if r.group and r.split != "test":
            groups[r.group][r.language] = r.text
    per_lang: dict[str, Counter] = {lang: Counter() for lang in LANGS}
    missing: dict[str, Counter] = {lang: Counter() for lang in LANGS}
    extra: dict[str, Counter] = {lang: Counter() for lang in LANGS}
    for texts in groups.values():
        if "en" not in texts:
            continue
        en = set(passage_concepts(texts["en"], "en", lexicon))
        for lang, text in texts.items():
            got = set(passage_concepts(text, lang, lexicon))
            c = per_lang[lang]
            c["groups"] += 1
            c["en"] += len(en)
            c["found"] += len(got)
            c["shared"] += len(en & got)
            missing[lang].update(en - got)
            extra[lang].update(got - en)
    report = {"concepts": lexicon.n_concepts, "languages": {}}
    for lang, c in per_lang.items():
        if not c["groups"]:
            continue
        report["languages"][lang] = {
            "groups": c["groups"],
            "concepts_per_passage": round(c["found"] / c["groups"], 2),
            "recall_vs_en": round(c["shared"] / max(c["en"], 1), 3),
            "precision_vs_en": round(c["shared"] / max(c["found"], 1), 3),
            "most_missing": dict(missing[lang].most_common(15)),
            "most_extra": dict(extra[lang].most_common(15)),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m classifier.concepts")
    parser.add_argument("command", choices=["check", "lint", "lookup"])
    parser.add_argument("args", nargs="*", help="lookup: LANG WORD...")
    ns = parser.parse_args(argv)
    if ns.command == "lint":
        problems = lint(read_entries())
        print("\n".join(problems) or "lexicon ok")
        return 1 if problems else 0
    if ns.command == "lookup":
        lang, *ws = ns.args
        for w in ws:
            print(w, default_lexicon().concepts(_norm(w), lang))
        return 0
    report = check()
    print(f"{report['concepts']} concepts")
    for lang, r in report["languages"].items():
        print(f"{lang}: {r['concepts_per_passage']} concepts/passage, recall vs en {r['recall_vs_en']}, "
              f"precision vs en {r['precision_vs_en']}")
        print(f"    most missing: {r['most_missing']}")
        print(f"    most extra:   {r['most_extra']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
