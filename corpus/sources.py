"""Training sources, each turned into LabelledPassages with a provenance tag.

- ``seed``: the project-written corpus in ``corpus/seed/`` (all schemes annotated).
- ``taxonomy``: the label descriptions of ``classifier/taxonomy.json`` in five languages (own scheme only).
- ``sdg-targets``: the UN goal and target wording (English, SDG scheme only), from ``../shared/data``.
- ``esif``: EU project titles in pl/cs/hu with a documented topic -> label mapping (``corpus/esif_mapping.json``).
- ``ccc-weak``: passages of the English Climate City Contract plans, weakly labelled from their section headings and
  SDG query terms (``corpus/weak.py``); the plans of the hand-labelled dev set are excluded.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

from classifier.taxonomy import Taxonomy, default_taxonomy
from corpus.dataset import LabelledPassage, deduplicate, read_jsonl, text_hash
from corpus.shared import shared_data_dir

log = logging.getLogger(__name__)

SEED_DIR = Path(__file__).with_name("seed")
ESIF_MAPPING = Path(__file__).with_name("esif_mapping.json")
LANGUAGES = ("en", "pl", "cs", "sk", "hu")
ALL_SOURCES = ("seed", "taxonomy", "sdg-targets", "esif", "ccc-weak")


def seed_passages(seed_dir: Path = SEED_DIR) -> list[LabelledPassage]:
    """Every seed file. A passage of a one-label file (``<lang>/<scheme>-<label>.jsonl``, e.g. ``pl/sdg-7.jsonl``)
    written about that label gets it as its ``primary`` label unless the line names one."""
    out = []
    for path in sorted(seed_dir.rglob("*.jsonl")):
        one_label_file = path.parent.parent == seed_dir and path.parent.name in LANGUAGES
        focus = path.stem.replace("-", ":", 1) if one_label_file else ""
        for r in read_jsonl(path, default_provenance="seed"):
            if focus and not r.primary and r.kind != "hard-negative" and focus in r.labels:
                r = replace(r, primary=(focus,))
            out.append(r)
    return out


def taxonomy_passages(taxonomy: Taxonomy | None = None) -> list[LabelledPassage]:
    taxonomy = taxonomy or default_taxonomy()
    out = []
    for label in taxonomy.labels:
        for lang, text in label.description.items():
            out.append(
                LabelledPassage(f"tax-{label.id}-{lang}", f"{label.name[lang]}. {text}", lang, (label.id,),
                                "taxonomy", schemes=(label.scheme,))
            )
    return out


def sdg_target_passages(shared: Path | None = None) -> list[LabelledPassage]:
    shared = shared or shared_data_dir()
    if shared is None:
        return []
    path = shared / "sdg-targets" / "sdg_goals_targets_indicators_en.csv"
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("text") or "").strip()
            if len(text.split()) < 4 or not row.get("sdg"):
                continue
            out.append(LabelledPassage(f"sdgt-{row['key']}", text, "en", (f"sdg:{int(row['sdg'])}",),
                                       "weak:sdg-targets", schemes=("sdg",)))
    return out


_PATTERNS = {"context": "context", "title": "text"}  # rule field -> CSV column it is matched against


def esif_rules() -> dict[tuple[str, str, str], list[dict]]:
    """The mapping's rules per official topic ``(lang, label_field, label)``: rules with a ``context`` or ``title``
    pattern first, in file order, then the topic's plain rule."""
    rules: dict[tuple[str, str, str], list[dict]] = {}
    for r in json.loads(ESIF_MAPPING.read_text(encoding="utf-8"))["rules"]:
        rules.setdefault((r["lang"], r["label_field"], r["label"]), []).append(r)
    return {k: sorted(v, key=lambda r: not _PATTERNS.keys() & r.keys()) for k, v in rules.items()}


def match_rule(rules: dict[tuple[str, str, str], list[dict]], row: dict) -> dict | None:
    """The first rule of the row's topic whose patterns all match (``context`` on the row's context column, ``title``
    on its title), else the topic's rule without a pattern, else None."""
    for rule in rules.get((row["lang"], row["label_field"], row["label"]), ()):
        if all(re.search(rule[field], row.get(column) or "", re.IGNORECASE)
               for field, column in _PATTERNS.items() if field in rule):
            return rule
    return None


def esif_passages(shared: Path | None = None, exclude_rows: set[int] | None = None) -> list[LabelledPassage]:
    """Project titles whose official topic maps to labels; the rows of the hand-labelled sets (``exclude_rows``) and
    their repeats are left out."""
    shared = shared or shared_data_dir()
    if shared is None or not ESIF_MAPPING.is_file():
        return []
    rules = esif_rules()
    out = []
    for row_no, row, text in _esif_rows_kept(shared, exclude_rows):
        rule = match_rule(rules, row)
        if rule is not None and len(text.split()) >= 3:
            out.append(LabelledPassage(f"esif-{row_no}", text, row["lang"], tuple(rule["labels"]), "mapped:esif",
                                       schemes=tuple(rule["schemes"]), unknown=tuple(rule.get("unknown", ()))))
    return out


def ccc_weak_passages(exclude_cities: set[str] | None = None) -> list[LabelledPassage]:
    from corpus.weak import city_plan_passages  # reads 45 MB of plans: only when asked for

    return city_plan_passages(exclude=exclude_cities)


def build_training_set(sources=ALL_SOURCES, exclude_esif_rows: set[int] | None = None,
                       exclude_cities: set[str] | None = None) -> list[LabelledPassage]:
    """All requested sources, deduplicated (earlier sources win), each with its fixed split; the ESIF rows and the
    cities' plans of the hand-labelled sets (``exclude_*``) are left out."""
    loaders = {
        "seed": seed_passages,
        "taxonomy": taxonomy_passages,
        "sdg-targets": sdg_target_passages,
        "esif": lambda: esif_passages(exclude_rows=exclude_esif_rows),
        "ccc-weak": lambda: ccc_weak_passages(exclude_cities),
    }
    records = []
    for name in sources:
        got = loaders[name]()
        log.info("source %s: %d passages", name, len(got))
        records.extend(got)
    return [r.with_split() for r in deduplicate(records)]


def unlabelled_pool(exclude_rows: set[int] | None = None) -> list[tuple[str, str, str]]:
    """Real Polish/Czech/Hungarian text without our labels (ESIF project titles, hand-labelled rows excluded),
    as ``(id, text, language)`` for distillation."""
    shared = shared_data_dir()
    if shared is None:
        return []
    out = []
    for row_no, row, text in _esif_rows_kept(shared, exclude_rows):
        if row.get("lang") in {"pl", "cs", "hu"} and len(text.split()) >= 4:
            out.append((f"esif-{row_no}", text, row["lang"]))
    return out


def _esif_rows_kept(shared: Path, exclude_rows: set[int] | None) -> list[tuple[int, dict, str]]:
    """``(row number, row, stripped text)`` of the ESIF rows training may read: not in ``exclude_rows`` (the
    hand-labelled sets) and not the same normalised text as one of them (a title repeated under another row)."""
    with (shared / "esif" / "esif_projects_pl_cz_hu.csv").open(encoding="utf-8") as fh:
        rows = [(i, row, (row.get("text") or "").strip()) for i, row in enumerate(csv.DictReader(fh))]
    exclude_rows = exclude_rows or set()
    held = {text_hash(text) for i, _, text in rows if i in exclude_rows}
    return [(i, row, text) for i, row, text in rows if i not in exclude_rows and text_hash(text) not in held]
