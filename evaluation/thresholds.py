"""Threshold tuning report: for each label, precision and recall at the threshold the model uses and at the
threshold that would have given the best F1 on the evaluated data."""

from __future__ import annotations

import numpy as np

from evaluation.metrics import UNKNOWN, best_f1_thresholds
from evaluation.ranking import operating_point


def threshold_report(Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray, label_ids: list[str]) -> dict:
    """Per label with gold positives: ``chosen`` and ``best`` operating points and the F1 ``gain`` of switching.
    The best threshold is fitted on the evaluated data itself, so its F1 is optimistic: a hint, not a measurement."""
    best = best_f1_thresholds(Y, P)
    out = {}
    for j, label in enumerate(label_ids):
        m = Y[:, j] != UNKNOWN
        y, p = Y[m, j], P[m, j]
        if not (y == 1).any():
            continue
        chosen = operating_point(y, p, thresholds[j])
        tuned = operating_point(y, p, best[j])
        out[label] = {"chosen": chosen, "best": tuned, "gain": round(tuned["f1"] - chosen["f1"], 4),
                      "support": int((y == 1).sum()), "n": int(m.sum())}
    return out
