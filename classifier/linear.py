"""Per-label logistic regressions on a shared feature matrix, trained only where the label is known, with Platt
calibration on cross-validated scores. Used by the n-gram model and the embedding head alike."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

UNKNOWN = -1


class LinearHead(BaseEstimator):
    """Parameters shared by the small per-label heads (e5 embeddings, concepts); subclasses choose the solver."""

    def __init__(self, C: float = 4.0, class_weight: str | None = "balanced", calibration_folds: int = 3, random_state: int = 0):
        self.C = C
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _base(self) -> LogisticRegression:
        raise NotImplementedError


def fit_masked_labels(X, Y: np.ndarray, make_base, folds: int = 3, random_state: int = 0, sample_weight=None,
                      nuisance=None, marginal: bool = False):
    """Return ``(coef (L, d), intercept (L,), calibration (L, 2), n_train (L, 2))``.

    A label with one class only gets a constant score (large negative, or positive when all examples are positive).
    ``sample_weight`` (n,) weighs the rows in the logistic regressions and in their calibration; (n, L) gives every
    row a weight per label.

    ``nuisance`` (n, k) are extra columns seen in training only (indicators of a passage's source): their weights
    absorb what is peculiar to a source, such as its own label rates, instead of the words that are common in it.
    They are dropped from the returned model, and the calibration is fitted on cross-validated scores without them,
    as the model will score new text. With ``marginal`` their mean effect over the label's training rows goes into
    the intercept instead: new text is scored as if from the training mix of sources, the same for every language.
    """
    n_labels = Y.shape[1]
    coef = np.zeros((n_labels, X.shape[1]), dtype=np.float32)
    intercept = np.zeros(n_labels, dtype=np.float32)
    calib = np.tile(np.array([1.0, 0.0], dtype=np.float32), (n_labels, 1))
    n_train = np.zeros((n_labels, 2), dtype=np.int32)
    for j in range(n_labels):
        known = Y[:, j] != UNKNOWN
        y = Y[known, j]
        n_train[j] = [(y == 1).sum(), (y == 0).sum()]
        if len(np.unique(y)) < 2:
            intercept[j] = 10.0 if len(y) and (y == 1).all() else -10.0
            continue
        Xj = X[known] if nuisance is None else sp.hstack([X[known], nuisance[known]], format="csr")
        w = None if sample_weight is None else _column(np.asarray(sample_weight, dtype=np.float64), j)[known]
        weights = {} if w is None else {"sample_weight": w}
        k = min(folds, int(min((y == 1).sum(), (y == 0).sum())))
        if k >= 2:
            cv = StratifiedKFold(k, shuffle=True, random_state=random_state)
            if nuisance is None:
                scores = cross_val_predict(make_base(), Xj, y, cv=cv, method="decision_function", params=weights or None)
            else:
                scores = _scores_without_nuisance(make_base, Xj, y, cv, w, X.shape[1], marginal)
            platt = LogisticRegression(C=1e4).fit(scores.reshape(-1, 1), y, **weights)
            calib[j] = [platt.coef_[0, 0], platt.intercept_[0]]
        clf = make_base().fit(Xj, y, **weights)
        coef[j] = clf.coef_[0][: X.shape[1]]
        intercept[j] = clf.intercept_[0] + (_mean_effect(Xj, clf.coef_[0], X.shape[1], w) if marginal else 0.0)
    return coef, intercept, calib, n_train


def _scores_without_nuisance(make_base, Xj, y, cv, w, d: int, marginal: bool = False) -> np.ndarray:
    """Out-of-fold decision scores from the first ``d`` columns only (the nuisance columns' weights left out, or with
    ``marginal`` replaced by their mean effect on the fold's training rows)."""
    scores = np.zeros(len(y))
    for fit_rows, score_rows in cv.split(Xj, y):
        fw = None if w is None else w[fit_rows]
        clf = make_base().fit(Xj[fit_rows], y[fit_rows], **({} if fw is None else {"sample_weight": fw}))
        offset = _mean_effect(Xj[fit_rows], clf.coef_[0], d, fw) if marginal else 0.0
        scores[score_rows] = Xj[score_rows][:, :d] @ clf.coef_[0][:d] + clf.intercept_[0] + offset
    return scores


def _mean_effect(Xj, coef: np.ndarray, d: int, w) -> float:
    """The (weighted) mean over rows of the nuisance columns' contribution to the score."""
    per_row = np.asarray(Xj[:, d:] @ coef[d:]).ravel()
    return float(np.average(per_row, weights=w)) if len(per_row) else 0.0


def _column(weights: np.ndarray, j: int) -> np.ndarray:
    return weights[:, j] if weights.ndim == 2 else weights


def calibrated(scores: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    a, b = calibration[:, 0], calibration[:, 1]
    return 1.0 / (1.0 + np.exp(-(scores * a + b)))
