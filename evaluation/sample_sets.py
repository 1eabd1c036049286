"""Draw passages of real text for a hand-labelled set, reproducibly, without reading any model output.

    python -m evaluation.sample_sets --seed 20261128 --cities 10 --per-city 15 --titles 100 --out DIR

Plans: ``--cities`` cities drawn from the Climate City Contract plans that are not in the dev set and have no PDF
(the PDF cities hold the dev set); each plan's candidate paragraphs, in document order, are cut into
``--per-city`` strata and one is drawn from each (``evaluation/devsets/README.md`` describes the candidates); a drawn
passage that shares a run of ``RUN`` words with a plan training may read (template text of the Mission), or that
langdetect does not take for English (the German parts of a plan), is dropped.
Titles: ``--titles`` ESIF project titles per language (pl, cs, hu) of at least six words, not in the dev set,
whose text occurs once in the file (a repeated title would stay in training under its other row).

Writes ``DIR/city_plans.jsonl`` and ``DIR/esif_titles.jsonl`` (reference rows, ``labels`` empty) and
``DIR/texts/*.jsonl`` (``{"id", "text"}`` for the annotators; outside the repository, since the texts may not be
redistributed).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

from corpus.shared import shared_data_dir

MIN_CHARS, MAX_CHARS, MIN_WORDS = 200, 1200, 30
TITLE_WORDS = 6
RUN = 12
_TOC = re.compile(r"\.{4,}|…\s*\d+\s*$|\.\s?\.\s?\.\s*\d+\s*$")
_SENTENCE_END = re.compile(r"[.;:!?)][\"'”’]?$")
_EN = {"the", "and", "of", "to", "in", "for", "is", "are", "with", "on", "by", "be", "will", "this", "that", "as",
       "from", "which", "or", "an", "at", "it", "we", "our", "has", "have"}
_OTHER = {"de", "het", "een", "van", "en", "voor", "op", "la", "el", "los", "las", "que", "da", "do", "dos", "das",
          "não", "um", "uma", "και", "το", "της", "των", "ir", "kad", "je", "su", "za", "od", "na", "ili", "ja",
          "ka", "un", "uz", "kā", "ar"}


def candidate_units(markdown: str) -> list[str]:
    """Paragraph-sized prose units of one plan in document order: lines, and table cells of table lines."""
    units, seen = [], set()
    for line in markdown.splitlines():
        for unit in (line.strip("|").split("|") if line.lstrip().startswith("|") else [line]):
            unit = unit.strip()
            if unit and unit not in seen and is_candidate(unit):
                seen.add(unit)
                units.append(unit)
    return units


def is_candidate(unit: str) -> bool:
    if not MIN_CHARS <= len(unit) <= MAX_CHARS or len(unit.split()) < MIN_WORDS or unit[0] in "#|!>":
        return False
    if _TOC.search(unit) or re.search(r"img-\S*\.jpe?g", unit) or not _SENTENCE_END.search(unit):
        return False
    letters = sum(c.isalpha() for c in unit)
    digits = sum(c.isdigit() for c in unit)
    return letters >= 0.6 * len(unit) and digits <= 0.15 * len(unit)


def is_english(unit: str) -> bool:
    words = re.findall(r"\w+", unit.lower())
    en = sum(w in _EN for w in words)
    return bool(words) and en >= 0.1 * len(words) and en > 2 * sum(w in _OTHER for w in words)


def draw_plan_passages(text: str, per_city: int, rng: random.Random) -> list[tuple[int, str]]:
    """``(stratum, unit)``: one English candidate from each of ``per_city`` consecutive strata (a stratum without an
    English candidate draws from the plan's other English candidates)."""
    units = candidate_units(text)
    if not units:
        return []
    bounds = [round(k * len(units) / per_city) for k in range(per_city + 1)]
    chosen: list[tuple[int, str]] = []
    taken: set[str] = set()
    for k in range(per_city):
        stratum = [u for u in units[bounds[k]:bounds[k + 1]] if is_english(u) and u not in taken]
        pool = stratum or [u for u in units if is_english(u) and u not in taken]
        if pool:
            unit = rng.choice(pool)
            taken.add(unit)
            chosen.append((k + 1, unit))
    return chosen


def word_runs(text: str, n: int = RUN) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def main(argv: list[str] | None = None) -> int:
    from corpus.language import detect_language
    from corpus.weak import pdf_cities
    from evaluation.devsets import DEVSETS, held_out_cities, held_out_esif_rows

    ap = argparse.ArgumentParser(prog="python -m evaluation.sample_sets", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--cities", type=int, default=10)
    ap.add_argument("--per-city", type=int, default=15)
    ap.add_argument("--titles", type=int, default=100)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    shared = shared_data_dir()
    if shared is None:
        ap.error("../shared/data is not there")
    out = Path(args.out)
    (out / "texts").mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)

    ccc = shared / "city-climate-contracts" / "md"
    taken = pdf_cities(shared) | held_out_cities(tuple(DEVSETS))  # the test set was drawn beside the dev set only
    cities = rng.sample(sorted(p.stem.lower() for p in ccc.glob("*.md") if p.stem.lower() not in taken), args.cities)
    trainable: set[str] = set()
    for path in sorted(ccc.glob("*.md")):
        if path.stem.lower() not in taken | set(cities):
            trainable |= word_runs(path.read_text(encoding="utf-8"))
    plan_rows, plan_texts, dropped = [], [], []
    for city in sorted(cities):
        source = f"city-climate-contracts/md/{city}.md"
        text = (shared / source).read_text(encoding="utf-8")
        for stratum, unit in draw_plan_passages(text, args.per_city, rng):
            if word_runs(unit) & trainable or detect_language(unit, "langdetect") != "en":
                dropped.append(f"{city}-{stratum:02d}")
                continue
            start = text.index(unit)
            ref = {"id": f"ccct-{city}-{stratum:02d}", "source": source, "start": start, "end": start + len(unit),
                   "sha256": hashlib.sha256(unit.encode("utf-8")).hexdigest(), "language": "en", "labels": []}
            plan_rows.append(ref)
            plan_texts.append({"id": ref["id"], "text": unit})

    source = "esif/esif_projects_pl_cz_hu.csv"
    with (shared / source).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    counts = Counter(r["text"].strip().lower() for r in rows)
    held = held_out_esif_rows(tuple(DEVSETS))
    title_rows, title_texts = [], []
    for lang in ("pl", "cs", "hu"):
        eligible = [i for i, r in enumerate(rows) if r["lang"] == lang and i not in held
                    and len(r["text"].split()) >= TITLE_WORDS and counts[r["text"].strip().lower()] == 1]
        for n, i in enumerate(sorted(rng.sample(eligible, args.titles)), 1):
            text = rows[i]["text"]
            ref = {"id": f"esift-{lang}-{n:03d}", "source": source, "row": i,
                   "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "language": lang, "labels": []}
            title_rows.append(ref)
            title_texts.append({"id": ref["id"], "text": text, "label_field": rows[i]["label_field"],
                                "label": rows[i]["label"], "context": rows[i]["context"]})

    for name, items in (("city_plans.jsonl", plan_rows), ("esif_titles.jsonl", title_rows),
                        ("texts/city_plans.jsonl", plan_texts), ("texts/esif_titles.jsonl", title_texts)):
        (out / name).write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in items), encoding="utf-8")
    print(f"{len(plan_rows)} plan passages from {', '.join(sorted(cities))} (dropped, shared with a training plan or not English: "
          f"{', '.join(dropped) or 'none'}); {len(title_rows)} titles -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
