"""Tune document-level aggregation on whole documents.

Documents: the Climate City Contract action plans that are *not* among the 20 evaluation cities (those with a PDF)
nor the cities of the test set (``evaluation/testsets/``).
They share one template, which gives document-level facts without hand labels: every plan has energy, buildings and
transport sectors and a climate-neutrality target (so ``POSITIVES`` must be tagged), and none is about the sea or
gender equality as a theme (``NEGATIVES`` must not be). The share of top passages averaged per label is chosen to
tag the positives while keeping the negatives off.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from classifier.aggregate import aggregate_document_scores
from corpus.shared import shared_data_dir

log = logging.getLogger(__name__)

POSITIVES = ("sdg:7", "sdg:11", "sdg:13", "gd:climate", "gd:energy", "gd:buildings", "gd:mobility")
NEGATIVES = ("sdg:5", "sdg:14")
SHARES = (0.01, 0.02, 0.03, 0.05, 0.08)
MAX_DOCS = 40


def tuning_documents(shared: Path | None = None, limit: int = MAX_DOCS) -> list[Path]:
    shared = shared or shared_data_dir()
    if shared is None:
        return []
    from evaluation.devsets import held_out_cities

    ccc = shared / "city-climate-contracts"
    held_out = {p.stem.lower() for p in (ccc / "pdf").glob("*.pdf")} | held_out_cities()
    return sorted(p for p in (ccc / "md").glob("*.md") if p.stem.lower() not in held_out)[:limit]


def tune_share(tagger, docs: list[Path], mode: str = "fast") -> dict:
    """Pick ``tagger.share``: the largest share whose recall on POSITIVES is within 2 points of the best, among
    those with the fewest NEGATIVES assigned. Returns the table of candidates."""
    from corpus.read import read_document

    ids = tagger.label_ids
    pos = [ids.index(i) for i in POSITIVES]
    neg = [ids.index(i) for i in NEGATIVES]
    thresholds = tagger.thresholds_for(mode)
    probs = []
    for path in docs:
        doc = read_document(path, language="en")
        probs.append(tagger.passage_probs(doc, mode))
    table = []
    for share in SHARES:
        assigned = np.array([aggregate_document_scores(P, share, tagger.k_min) >= thresholds for P in probs])
        table.append({"share": share, "positive_recall": round(float(assigned[:, pos].mean()), 4),
                      "negatives_assigned": int(assigned[:, neg].sum()), "labels_per_document": round(float(assigned.sum(1).mean()), 2)})
    fewest = min(row["negatives_assigned"] for row in table)
    ok = [row for row in table if row["negatives_assigned"] <= fewest + max(1, len(docs) // 20)]
    best_recall = max(row["positive_recall"] for row in ok)
    chosen = max((row for row in ok if row["positive_recall"] >= best_recall - 0.02), key=lambda r: r["share"])
    tagger.share = chosen["share"]
    return {"documents": len(docs), "chosen_share": chosen["share"], "candidates": table,
            "positives": list(POSITIVES), "negatives": list(NEGATIVES)}
