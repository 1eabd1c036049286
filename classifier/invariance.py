"""A logistic regression that scores a passage and its translations alike.

The training set holds parallel groups: the same passage in en/pl/cs/sk/hu (``LabelledPassage.group``). A plain
logistic regression only asks each translation to land on the right side of the label's boundary; how far on which
side is left to the words of each language, and where a translation is near a threshold one language gains a label
the others do not. ``translation_differences`` turns the groups into rows ``x_i - mean(x of i's group)``;
``InvariantLogistic`` adds ``strength / 2 × Σ (row · w)²`` to liblinear's objective (``C × Σ loss + ½‖w‖² + ½b²``),
so that the weights that tell translations apart are penalised: every label's score, applying or not, is pulled
towards the same value in all five languages. Fitted by L-BFGS; with ``strength`` 0 it is liblinear's model.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_sample_weight


def translation_differences(X, groups) -> sp.csr_matrix | None:
    """Rows ``x_i - mean_g(x)`` for every row ``i`` of a group ``g`` of at least two rows (``groups[i]`` falsy: no
    group). None when there is no such group."""
    X = sp.csr_matrix(X)
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        if g:
            members.setdefault(g, []).append(i)
    blocks = []
    for rows in members.values():
        if len(rows) >= 2:
            M = X[rows]
            mean = sp.csr_matrix(np.ones((len(rows), 1))) @ sp.csr_matrix(M.mean(axis=0))
            blocks.append(sp.csr_matrix(M - mean))
    return sp.vstack(blocks, format="csr") if blocks else None


class InvariantLogistic(ClassifierMixin, BaseEstimator):
    """Binary L2 logistic regression with the translation-invariance penalty on its first ``rows.shape[1]`` weights
    (the columns after those, e.g. source indicators, are not penalised)."""

    def __init__(self, C: float = 4.0, class_weight: str | None = "balanced", rows=None, strength: float = 0.0,
                 max_iter: int = 2000, tol: float = 1e-4):
        self.C = C
        self.class_weight = class_weight
        self.rows = rows
        self.strength = strength
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y, sample_weight=None):
        X = sp.csr_matrix(X, dtype=np.float64)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("InvariantLogistic is a binary classifier")
        sign = np.where(y == self.classes_[1], 1.0, -1.0)
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if self.class_weight is not None:
            weight = weight * compute_sample_weight(self.class_weight, y)
        D = None if self.rows is None or not self.strength else sp.csr_matrix(self.rows, dtype=np.float64)
        d = X.shape[1]
        if D is not None and D.shape[1] > d:
            raise ValueError("the penalty rows have more columns than X")
        XT = X.T.tocsr()
        DT = None if D is None else D.T.tocsr()

        def objective(theta):
            w, b = theta[:d], theta[d]
            margin = sign * (X @ w + b)
            g = -weight * sign * expit(-margin)
            value = self.C * float(weight @ np.logaddexp(0.0, -margin)) + 0.5 * float(w @ w) + 0.5 * b * b
            grad_w = self.C * (XT @ g) + w
            if D is not None:
                r = D @ w[: D.shape[1]]
                value += 0.5 * self.strength * float(r @ r)
                grad_w[: D.shape[1]] += self.strength * (DT @ r)
            return value, np.concatenate([grad_w, [self.C * g.sum() + b]])

        result = minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                          options={"maxiter": self.max_iter, "gtol": self.tol})
        self.coef_ = result.x[:d].reshape(1, -1)
        self.intercept_ = result.x[d:]
        self.n_iter_ = np.array([result.nit])
        return self

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(sp.csr_matrix(X) @ self.coef_[0]).ravel() + self.intercept_[0]

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
