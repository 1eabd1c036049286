"""Gold data for evaluation: one ``GoldSet`` (texts, languages and a label matrix with UNKNOWN entries) read from
corpus JSONL, CSV (``text,labels[,language]``), the pairwise-judgement CSV of expert benchmarks
(``text,label,<true/false>``) or a named hand-labelled set (``city-plans``, ``esif-titles``)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.dataset import LabelledPassage, parse_record, read_jsonl, text_hash
from corpus.errors import DataError, FileMissing
from evaluation.devsets import NAMED_SETS, load_devset
from evaluation.metrics import UNKNOWN

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_PLAIN_COLUMNS = {"id", "text", "label", "labels", "language", "lang"}


@dataclass(frozen=True, eq=False)
class GoldSet:
    """``Y[i, j]`` is 1 / 0 when passage i is judged for label j, ``UNKNOWN`` when it is not (a scheme its source
    does not annotate, or a pair no expert judged)."""

    name: str
    format: str  # "corpus" (JSONL), "csv", "pairwise" or "hand-labelled"
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    languages: tuple[str, ...]
    Y: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def fingerprint(self) -> str:
        """Hash of the normalised texts, languages and gold matrix, in order: equal fingerprints mean paired data."""
        h = hashlib.sha256()
        for text, lang, row in zip(self.texts, self.languages, self.Y):
            h.update(f"{text_hash(text)}\t{lang}\t{','.join(map(str, row.tolist()))}\n".encode())
        return h.hexdigest()


def gold_from_records(records: list[LabelledPassage], taxonomy, name: str, fmt: str) -> GoldSet:
    from classifier.train import label_matrix

    return GoldSet(name, fmt, tuple(r.id for r in records), tuple(r.text for r in records),
                   tuple(r.language for r in records), label_matrix(records, taxonomy))


def _boolean(value: str) -> bool | None:
    v = (value or "").strip().lower()
    return True if v in _TRUE else False if v in _FALSE else None


def judgement_column(columns: list[str], rows: list[dict]) -> str | None:
    """The pairwise format is recognised by a ``label`` column plus exactly one other column (any name) whose
    every value is true/false (also yes/no, 1/0); returns that column's name, or None."""
    lowered = {c.strip().lower(): c for c in columns if c}
    if "text" not in lowered or "label" not in lowered or "labels" in lowered:
        return None
    candidates = [c for low, c in lowered.items() if low not in _PLAIN_COLUMNS
                  and rows and all(_boolean(r.get(c, "")) is not None for r in rows)]
    return candidates[0] if len(candidates) == 1 else None


def parse_pairwise(rows: list[dict], judgement: str, taxonomy, where: str = "") -> tuple[list[str], list[str], list[str], np.ndarray]:
    """Group ``text,label,judgement`` rows by text into (ids, texts, languages, Y). Pairs nobody judged stay UNKNOWN;
    several judgements of one pair are decided by majority, and a tie leaves the pair UNKNOWN."""
    ids = taxonomy.ids
    order: dict[str, int] = {}
    texts, languages, row_ids, votes = [], [], [], []
    for n, row in enumerate(rows, 2):
        text = (row.get("text") or "").strip()
        label = (row.get("label") or "").strip().lower()
        if not text or not label:
            raise DataError(f"{where}:{n}: a pairwise row needs a text and a label")
        taxonomy.validate([label])
        key = text_hash(text)
        if key not in order:
            order[key] = len(texts)
            texts.append(text)
            languages.append((row.get("language") or row.get("lang") or "").strip())
            row_ids.append((row.get("id") or "").strip() or key[:16])
            votes.append({})
        cell = votes[order[key]].setdefault(ids.index(label), [0, 0])
        cell[0 if _boolean(row[judgement]) else 1] += 1
    Y = np.full((len(texts), len(ids)), UNKNOWN, dtype=np.int8)
    for i, pairs in enumerate(votes):
        for j, (yes, no) in pairs.items():
            if yes != no:
                Y[i, j] = 1 if yes > no else 0
    return row_ids, texts, languages, Y


def _read_csv(path: Path, taxonomy) -> GoldSet:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    judgement = judgement_column(columns, rows)
    if judgement is not None:
        ids, texts, languages, Y = parse_pairwise(rows, judgement, taxonomy, str(path))
        return GoldSet(str(path), "pairwise", tuple(ids), tuple(texts), tuple(languages), Y)
    if "labels" not in {c.strip().lower() for c in columns} or "text" not in {c.strip().lower() for c in columns}:
        raise DataError(f"{path}: a CSV needs columns text,labels[,language] or text,label,<true/false> "
                        f"(found {', '.join(columns) or 'none'})")
    records = [parse_record({k.strip().lower(): v for k, v in row.items() if k}, f"{path}:{i + 2}") for i, row in enumerate(rows)]
    return gold_from_records(records, taxonomy, str(path), "csv")


def _load_one(source: str, taxonomy) -> GoldSet:
    if source in NAMED_SETS:
        records = load_devset(source)
        if not records:
            raise FileMissing(f"the hand-labelled set '{source}' needs ../shared/data (and, for a '-b' set, the "
                              "second annotator's labels), which is not present")
        return gold_from_records(records, taxonomy, source, "hand-labelled")
    path = Path(source)
    if not path.is_file():
        raise FileMissing(f"no such file (named sets: {', '.join(NAMED_SETS)})", source=source)
    if path.suffix.lower() == ".csv":
        return _read_csv(path, taxonomy)
    return gold_from_records(read_jsonl(path), taxonomy, source, "corpus")


def _with_languages(gold: GoldSet) -> GoldSet:
    if all(gold.languages):
        return gold
    from corpus.language import detect_language

    langs = tuple(lang or detect_language(text) for text, lang in zip(gold.texts, gold.languages))
    return GoldSet(gold.name, gold.format, gold.ids, gold.texts, langs, gold.Y)


def load_gold(sources: str | list[str], taxonomy=None, name: str | None = None) -> GoldSet:
    """One GoldSet from one or more sources (files or named sets), concatenated; missing languages are detected."""
    from classifier.taxonomy import default_taxonomy

    taxonomy = taxonomy or default_taxonomy()
    sources = [sources] if isinstance(sources, str) else list(sources)
    parts = [_load_one(s, taxonomy) for s in sources]
    if not any(len(p) for p in parts):
        raise DataError(f"{', '.join(sources)}: no records")
    gold = GoldSet(
        name or "+".join(p.name for p in parts),
        parts[0].format if len({p.format for p in parts}) == 1 else "+".join(p.format for p in parts),
        tuple(i for p in parts for i in p.ids),
        tuple(t for p in parts for t in p.texts),
        tuple(lang for p in parts for lang in p.languages),
        np.concatenate([p.Y for p in parts]),
    )
    return _with_languages(gold)
