"""Calibration of label probabilities: reliability bins and expected calibration error (ECE).

Every known (passage, label) pair is one prediction with a probability and a 0/1 outcome. Pairs are put in
equal-width probability bins; a calibrated model's observed frequency in each bin equals its mean probability.
ECE is the bin-size-weighted mean of |frequency - mean probability|; MCE is the largest such gap."""

from __future__ import annotations

import numpy as np

from evaluation.metrics import UNKNOWN


def reliability_bins(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[dict]:
    """Per equal-width bin: its edges, number of predictions, mean probability and observed positive frequency."""
    y = np.asarray(y, dtype=float).ravel()
    p = np.asarray(p, dtype=float).ravel()
    which = np.minimum((p * n_bins).astype(int), n_bins - 1)
    out = []
    for b in range(n_bins):
        m = which == b
        n = int(m.sum())
        out.append({
            "lower": round(b / n_bins, 4),
            "upper": round((b + 1) / n_bins, 4),
            "n": n,
            "mean_probability": round(float(p[m].mean()), 4) if n else None,
            "frequency": round(float(y[m].mean()), 4) if n else None,
        })
    return out


def calibration_errors(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> dict:
    """ECE and MCE of probabilities ``p`` for outcomes ``y`` (flat arrays), with the bins they come from."""
    bins = reliability_bins(y, p, n_bins)
    total = sum(b["n"] for b in bins)
    gaps = [(b["n"], abs(b["frequency"] - b["mean_probability"])) for b in bins if b["n"]]
    ece = sum(n * g for n, g in gaps) / total if total else 0.0
    mce = max((g for _, g in gaps), default=0.0)
    return {"n": total, "ece": round(float(ece), 4), "mce": round(float(mce), 4), "bins": bins}


def calibration(Y: np.ndarray, P: np.ndarray, n_bins: int = 10) -> dict:
    """``calibration_errors`` over the known entries of a label matrix ``Y`` and probabilities ``P``."""
    known = Y != UNKNOWN
    return calibration_errors(Y[known], P[known], n_bins)
