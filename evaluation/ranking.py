"""Threshold-free quality of the label scores: ROC-AUC, PR-AUC (average precision) and precision-recall curves,
per label over the passages where the label is known."""

from __future__ import annotations

import numpy as np

from evaluation.metrics import UNKNOWN, _prf

CURVE_POINTS = 60


def _known(Y: np.ndarray, P: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
    m = Y[:, j] != UNKNOWN
    return Y[m, j].astype(int), P[m, j]


def _pr_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall of ``p >= t`` at every distinct score t, highest t first."""
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    last = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]  # the last passage of each run of tied scores
    tp = np.cumsum(ys)[last]
    fp = (last + 1) - tp
    return ps[last], tp / (tp + fp), tp / max(1, ys.sum())


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """The chance that a random positive scores above a random negative (ties count half): Mann-Whitney U."""
    from scipy.stats import rankdata

    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    ranks = rankdata(p)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the precision-recall step curve: the sum of precision at each threshold times the recall gained."""
    _, precision, recall = _pr_points(y, p)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def ranking_scores(Y: np.ndarray, P: np.ndarray, label_ids: list[str]) -> dict:
    """Per label ``{"roc_auc", "pr_auc"}``; None where the known passages hold only one class."""
    out = {}
    for j, label in enumerate(label_ids):
        y, p = _known(Y, P, j)
        if len(set(y.tolist())) < 2:
            out[label] = {"roc_auc": None, "pr_auc": None}
            continue
        out[label] = {"roc_auc": round(roc_auc(y, p), 4), "pr_auc": round(average_precision(y, p), 4)}
    return out


def macro_ranking(scores: dict) -> dict:
    """Means of the defined per-label ROC-AUC and PR-AUC."""
    out = {}
    for key in ("roc_auc", "pr_auc"):
        vals = [v[key] for v in scores.values() if v[key] is not None]
        out[f"macro_{key}"] = round(float(np.mean(vals)), 4) if vals else None
    return out


def pr_curve(y: np.ndarray, p: np.ndarray, points: int = CURVE_POINTS) -> dict:
    """Precision and recall at up to ``points`` thresholds (evenly spread over the distinct scores, both ends kept)."""
    thresholds, precision, recall = _pr_points(y, p)
    keep = np.unique(np.linspace(0, len(thresholds) - 1, min(points, len(thresholds))).round().astype(int))
    return {"threshold": [round(float(t), 4) for t in thresholds[keep]],
            "precision": [round(float(v), 4) for v in precision[keep]],
            "recall": [round(float(v), 4) for v in recall[keep]]}


def pr_curves(Y: np.ndarray, P: np.ndarray, label_ids: list[str]) -> dict:
    """``pr_curve`` for every label with gold positives and negatives."""
    out = {}
    for j, label in enumerate(label_ids):
        y, p = _known(Y, P, j)
        if y.sum() and (y == 0).sum():
            out[label] = pr_curve(y, p)
    return out


def operating_point(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Precision, recall and F1 of deciding ``p >= threshold``."""
    hit = p >= threshold
    tp = float((hit & (y == 1)).sum())
    prec, rec, f1 = _prf(tp, float((hit & (y == 0)).sum()), float((~hit & (y == 1)).sum()))
    return {"threshold": round(float(threshold), 4), "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}
