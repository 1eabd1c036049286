"""Hand-labelled sets of real text. The repository keeps only references (file + offsets or row, and a hash);
the text is read from ``../shared/data`` at evaluation time, so none of it is redistributed."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
from pathlib import Path

from corpus.dataset import LabelledPassage
from corpus.errors import DataError
from corpus.shared import shared_data_dir

DEVSET_DIR = Path(__file__).with_name("devsets")
TESTSET_DIR = Path(__file__).with_name("testsets")
DEVSETS = {"city-plans": DEVSET_DIR / "city_plans.jsonl", "esif-titles": DEVSET_DIR / "esif_titles.jsonl"}
# Drawn later from plans and titles no choice had seen (``evaluation/testsets/README.md``): scored, never chosen by.
TESTSETS = {"city-plans-test": TESTSET_DIR / "city_plans.jsonl", "esif-titles-test": TESTSET_DIR / "esif_titles.jsonl"}
HAND_SETS = DEVSETS | TESTSETS
# The same passages labelled again, blind, by a second annotator: ``<set>-b`` scores a model against those labels.
SECOND_DIR = DEVSET_DIR / "second_annotator"
SECOND_ANNOTATOR = {"city-plans": (SECOND_DIR / "city_plans_a.jsonl", SECOND_DIR / "city_plans_b.jsonl"),
                    "esif-titles": (SECOND_DIR / "esif_titles.jsonl",),
                    "city-plans-test": (TESTSET_DIR / "second_annotator" / "city_plans.jsonl",),
                    "esif-titles-test": (TESTSET_DIR / "second_annotator" / "esif_titles.jsonl",)}
SECOND_SETS = {f"{name}-b": name for name in SECOND_ANNOTATOR}
# The ESIF titles that have no near-duplicate (``evaluation/overlap.py``) among the other titles of the file.
NOVEL_SETS = {"esif-titles-novel": "esif-titles", "esif-titles-test-novel": "esif-titles-test"}
NAMED_SETS = tuple(name for base in HAND_SETS for name in (base, f"{base}-b", f"{base}-novel")
                   if name in HAND_SETS or name in SECOND_SETS or name in NOVEL_SETS)


def devset_refs(name: str) -> list[dict]:
    """The reference rows of a hand-labelled set (id, source, offsets or row, hash, language, first labels)."""
    path = HAND_SETS[name]
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def first_labels(name: str) -> dict[str, tuple[str, ...]]:
    """``id -> labels`` of the first annotator (no text needed)."""
    return {r["id"]: tuple(r["labels"]) for r in devset_refs(name)}


def second_labels(name: str) -> dict[str, tuple[str, ...]]:
    """``id -> labels`` of the second annotator; empty when that annotation does not exist."""
    out: dict[str, tuple[str, ...]] = {}
    for path in SECOND_ANNOTATOR.get(name, ()):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    out[row["id"]] = tuple(row["labels"])
    return out


@functools.lru_cache(maxsize=4)
def _esif_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _resolve(ref: dict, shared: Path) -> str:
    src = shared / ref["source"]
    if "row" in ref:
        text = _esif_rows(str(src))[ref["row"]]["text"]
    else:
        text = src.read_text(encoding="utf-8")[ref["start"] : ref["end"]]
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != ref["sha256"]:
        raise DataError(f"{ref['id']}: the text in {ref['source']} changed since it was labelled (hash mismatch)")
    return text


def load_devset(name: str, shared: Path | None = None) -> list[LabelledPassage]:
    """The named hand-labelled set with its texts; empty when the shared data is absent. ``<set>-b`` is the same
    passages with the second annotator's labels (only the passages that annotator labelled)."""
    if name in NOVEL_SETS:
        return novel_titles(load_devset(NOVEL_SETS[name], shared), shared)
    if name in SECOND_SETS:
        second = second_labels(SECOND_SETS[name])
        return [LabelledPassage(**{**r.__dict__, "labels": second[r.id], "provenance": "gold:second"})
                for r in load_devset(SECOND_SETS[name], shared) if r.id in second]
    shared = shared or shared_data_dir()
    if shared is None:
        return []
    out = []
    for ref in devset_refs(name):
        out.append(
            LabelledPassage(ref["id"], _resolve(ref, shared), ref["language"], tuple(ref["labels"]), "gold:hand",
                            split="test", meta={"source": ref["source"]})
        )
    return out


def held_out_esif_rows(names=tuple(HAND_SETS)) -> set[int]:
    """ESIF rows that are in a hand-labelled set (``names``; default dev and test): never used for training."""
    return {ref["row"] for name in names for ref in devset_refs(name) if "row" in ref}


def held_out_cities(names=tuple(HAND_SETS)) -> set[str]:
    """Cities whose plan holds passages of a hand-labelled set (``names``; default dev and test): no passage of theirs
    is trained on, and their plans do not tune the document aggregation."""
    return {Path(ref["source"]).stem.lower() for name in names for ref in devset_refs(name) if "start" in ref}


def novel_titles(records: list[LabelledPassage], shared: Path | None = None) -> list[LabelledPassage]:
    """The hand-labelled titles whose words overlap less than ``NEAR_DUPLICATE`` with every other title of the same
    language in the ESIF file (the rows any mapping could train on), so a template sibling cannot stand in for them."""
    from evaluation.overlap import NEAR_DUPLICATE, max_overlap

    shared = shared or shared_data_dir()
    if shared is None or not records:
        return []
    held_out = held_out_esif_rows()
    (source,) = {r.meta["source"] for r in records}
    rows = _esif_rows(str(shared / source))
    out = []
    for lang in sorted({r.language for r in records}):
        mine = [r for r in records if r.language == lang]
        others = [row["text"] for i, row in enumerate(rows) if i not in held_out and row["lang"] == lang]
        out += [r for r, o in zip(mine, max_overlap([r.text for r in mine], others)) if o < NEAR_DUPLICATE]
    return out
