"""``evaluate(gold, predicted, taxonomy) -> Report``: every number of an evaluation, from gold labels and the
model's probabilities and thresholds. Pure: no model, no files, no clock; rendering is ``render_html``."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from evaluation.bootstrap import N_BOOT, SEED, confidence_intervals, resample_weights
from evaluation.calibration import calibration
from evaluation.confusions import co_errors, worst_errors
from evaluation.gold import GoldSet
from evaluation.metrics import UNKNOWN, breakdown, per_label
from evaluation.ranking import macro_ranking, pr_curves, ranking_scores
from evaluation.thresholds import threshold_report

LEVEL = 0.95


@dataclass(frozen=True, eq=False)
class Predictions:
    """A model's passage-level probabilities for a GoldSet (same row order) and the thresholds it decides with."""

    P: np.ndarray = field(repr=False)
    thresholds: np.ndarray = field(repr=False)
    model: str = "model"
    mode: str = "fast"

    @property
    def decisions(self) -> np.ndarray:
        return (self.P >= self.thresholds).astype(np.int8)


@dataclass
class Report:
    set_name: str
    data_format: str
    data_fingerprint: str
    n: int
    languages: dict
    model: str
    mode: str
    metrics: dict  # language or "all" -> scheme or "all" -> summary, its intervals, ranking, calibration
    labels: dict  # label -> precision/recall/F1/support, F1 interval, ROC-AUC, PR-AUC, threshold (all languages)
    label_f1_by_language: dict  # label -> language -> {"f1" (None without gold positives), "support"}
    pr_curves: dict
    co_errors: dict
    worst_errors: list
    thresholds: dict
    bootstrap: dict
    context: dict = field(default_factory=dict)  # filled by the caller: model fingerprint, date, run id, ...

    def to_dict(self) -> dict:
        return asdict(self)


def breakdown_cells(languages, schemes: list[str]):
    """``(language, scheme, row mask, column mask)`` for every cell of the breakdown, "all" first."""
    langs = np.array(languages)
    scheme_arr = np.array(schemes)
    for lang in ["all"] + sorted(set(languages)):
        rows = np.ones(len(langs), bool) if lang == "all" else langs == lang
        for scheme in ["all"] + sorted(set(schemes), key=schemes.index):
            cols = np.ones(len(schemes), bool) if scheme == "all" else scheme_arr == scheme
            yield lang, scheme, rows, cols


def evaluate(gold: GoldSet, predicted: Predictions, taxonomy, n_boot: int = N_BOOT, seed: int = SEED) -> Report:
    """All metrics of ``predicted`` against ``gold``, per language and per scheme, with bootstrap intervals."""
    ids = taxonomy.ids
    schemes = [taxonomy.scheme_of(i) for i in ids]
    Y, P = gold.Y, predicted.P
    if P.shape != Y.shape:
        raise ValueError(f"predictions {P.shape} do not match the gold matrix {Y.shape}")
    thresholds = np.asarray(predicted.thresholds, dtype=float)
    pred = predicted.decisions
    W = resample_weights(gold.languages, n_boot, seed)
    order = ["all"] + sorted(set(schemes), key=schemes.index)
    metrics = {lang: {s: cells[s] for s in order} for lang, cells in breakdown(Y, pred, ids, schemes, list(gold.languages)).items()}
    ranking_by_lang = {}
    for lang, scheme, rows, cols in breakdown_cells(gold.languages, schemes):
        cell = metrics[lang][scheme]
        sub_ids = [i for i, c in zip(ids, cols) if c]
        Ys, Ps, preds = Y[rows][:, cols], P[rows][:, cols], pred[rows][:, cols]
        cell["positives"] = int((Ys == 1).sum())
        has_known = bool((Ys != UNKNOWN).any())
        cell["intervals"] = confidence_intervals(Ys, preds, W[:, rows], sub_ids, LEVEL) if has_known else None
        if scheme == "all":
            ranking_by_lang[lang] = ranking_scores(Y[rows], P[rows], ids)
        cell.update(macro_ranking({i: ranking_by_lang[lang][i] for i in sub_ids}))
        cell["calibration"] = calibration(Ys, Ps)
    labels = per_label(Y, pred, ids)
    overall_intervals = metrics["all"]["all"]["intervals"] or {"labels": {}}
    for j, label in enumerate(ids):
        labels[label].update(ranking_by_lang["all"][label], scheme=schemes[j], threshold=round(float(thresholds[j]), 4),
                             f1_interval=overall_intervals["labels"].get(label))
    by_language = {label: {} for label in ids}
    for lang in sorted(set(gold.languages)):
        rows = np.array(gold.languages) == lang
        for label, v in per_label(Y[rows], pred[rows], ids).items():
            by_language[label][lang] = {"f1": v["f1"] if v["support"] else None, "support": v["support"]}
    return Report(
        set_name=gold.name,
        data_format=gold.format,
        data_fingerprint=gold.fingerprint,
        n=len(gold),
        languages=dict(sorted(Counter(gold.languages).items())),
        model=predicted.model,
        mode=predicted.mode,
        metrics=metrics,
        labels=labels,
        label_f1_by_language=by_language,
        pr_curves=pr_curves(Y, P, ids),
        co_errors=co_errors(Y, pred, ids, schemes),
        worst_errors=worst_errors(Y, P, thresholds, ids, gold.ids, gold.texts, gold.languages),
        thresholds=threshold_report(Y, P, thresholds, ids),
        bootstrap={"resamples": n_boot, "seed": seed, "level": LEVEL, "stratified_by": "language"},
    )
