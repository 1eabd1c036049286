"""Plain functions behind the CLI and the service: files to Classifications, JSONL records to predictions."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import IO, Iterable

from classifier.result import Classification
from classifier.tagger import Tagger
from corpus.errors import DataError, StratagError
from corpus.read import documents_from_texts, read_document

log = logging.getLogger(__name__)


def classify_file(path: str | Path, tagger: Tagger, mode: str = "fast", **read_options) -> Classification:
    return tagger.classify(read_document(path, **read_options), mode=mode)


def classify_files(paths: Iterable[str | Path], tagger: Tagger, mode: str = "fast", **read_options) -> list[Classification | StratagError]:
    """Classify each file; a file that fails yields its StratagError and the others go on."""
    out: list[Classification | StratagError] = []
    for path in paths:
        try:
            out.append(classify_file(path, tagger, mode, **read_options))
        except StratagError as exc:
            if not exc.source:
                exc.source = str(path)
            out.append(exc)
    return out


_SUPPORTED = {"pl", "cs", "sk", "hu", "en"}
BATCH = 256


def predict_records(objs: list[dict], tagger: Tagger, mode: str = "fast") -> list[dict]:
    """Input records ``{"id", "text", ...}`` -> ``{"id", "language", "labels", "main", "scores"}``, in order
    (``main``: the main label of each scheme with a label, ``Tagger.document_main``).

    All passages of a batch go through the model in one call; each record's passages are then aggregated as a
    document, so a long text is scored like a document and a short one like a passage.
    """
    docs = documents_from_texts(
        [(str(obj.get("id")), obj["text"], obj.get("language") if obj.get("language") in _SUPPORTED else None) for obj in objs]
    )
    probs, mains = tagger.predict_passages([(p.text, p.language) for d in docs for p in d.passages], mode)
    thresholds = tagger.thresholds_for(mode)
    out, at = [], 0
    for obj, doc in zip(objs, docs):
        n = len(doc.passages)
        scores = tagger.document_scores(probs[at : at + n])
        main = tagger.document_main(mains[at : at + n], scores, thresholds)
        at += n
        labels = [label for label, s, t in zip(tagger.label_ids, scores, thresholds) if n and s >= t]
        out.append({
            "id": obj.get("id"),
            "language": doc.language,
            "labels": labels,
            "main": main,
            "scores": {label: round(float(s), 4) for label, s in zip(tagger.label_ids, scores)},
        })
    return out


def _parse_line(line: str, lineno: int) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(f"line {lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise DataError(f"line {lineno}: each line needs a JSON object with a string 'text'")
    return obj


def predict_jsonl(src: IO[str], dst: IO[str], tagger: Tagger, batch: int = BATCH, mode: str = "fast") -> int:
    """Stream predictions, one output line per input line in the same order; returns the count."""
    n = 0
    pending: list[dict] = []

    def flush() -> None:
        for rec in predict_records(pending, tagger, mode):
            dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
        pending.clear()

    for lineno, line in enumerate(src, 1):
        if not line.strip():
            continue
        pending.append(_parse_line(line, lineno))
        n += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return n
