"""``stratag evaluate``: score a model on labelled JSONL (the corpus schema) or CSV (text, labels[, language])."""

from __future__ import annotations

import csv
from pathlib import Path

from corpus.dataset import LabelledPassage, parse_record, read_jsonl
from corpus.errors import DataError, FileMissing
from corpus.language import detect_language
from evaluation.devsets import DEVSETS, load_devset


def load_labelled(path: str) -> list[LabelledPassage]:
    """Records from a JSONL or CSV file, or a named hand-labelled set (``city-plans``, ``esif-titles``)."""
    if path in DEVSETS:
        records = load_devset(path)
        if not records:
            raise FileMissing(f"the dev set '{path}' needs ../shared/data, which is not present")
        return records
    p = Path(path)
    if not p.is_file():
        raise FileMissing("no such file", source=path)
    if p.suffix.lower() == ".csv":
        with p.open(encoding="utf-8") as fh:
            records = [parse_record(row, f"{path}:{i + 2}") for i, row in enumerate(csv.DictReader(fh))]
    else:
        records = read_jsonl(p)
    if not records:
        raise DataError(f"{path}: no records")
    return [r if r.language else LabelledPassage(**{**r.__dict__, "language": detect_language(r.text)}) for r in records]


def evaluate_file(path: str, tagger) -> dict:
    from classifier.train import evaluate_records

    records = load_labelled(path)
    return {"data": path, "n": len(records), "model": tagger.meta.get("name", tagger.name),
            "metrics": evaluate_records(tagger, records)}


def format_summary(report: dict) -> str:
    lines = [f"{report['data']}: {report['n']} passages, model {report['model']}",
             f"{'language':8} {'scheme':6} {'n':>5} {'micro-F1':>8} {'macro-F1':>8} {'samples-F1':>10}"]
    for lang, cells in report["metrics"].items():
        for scheme, s in cells.items():
            lines.append(f"{lang:8} {scheme:6} {s['n']:5d} {s['micro_f1']:8.3f} {s['macro_f1']:8.3f} {s['samples_f1']:10.3f}")
    return "\n".join(lines)
