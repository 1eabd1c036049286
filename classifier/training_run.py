"""``stratag train``: build the training set from its sources, train, measure, and write the model directory."""

from __future__ import annotations

import logging
from pathlib import Path

from classifier.artifact import save_tagger
from classifier.model_card import render_card
from classifier.train import evaluate_records, train_tagger
from corpus.sources import build_training_set
from evaluation.devsets import DEVSETS, esif_devset_rows, load_devset

log = logging.getLogger(__name__)


def run_training(out: str | Path, sources=("seed", "taxonomy", "sdg-targets", "esif"), seed: int = 0, name: str = "default",
                 estimator_params: dict | None = None) -> dict:
    records = build_training_set(sources, exclude_esif_rows=esif_devset_rows())
    log.info("training set: %d passages", len(records))
    tagger, report = train_tagger(records, name=name, seed=seed, estimator_params=estimator_params)
    report["sources"] = list(sources)
    report["gold"] = {}
    for devset in DEVSETS:
        gold = load_devset(devset)
        if gold:
            report["gold"][devset] = evaluate_records(tagger, gold)
    save_tagger(tagger, out, report, card=render_card(report))
    return report
