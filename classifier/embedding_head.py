"""Per-label calibrated logistic regressions on multilingual e5 embeddings (the cross-lingual model).

``X`` here is an ``(n, 384)`` embedding matrix (``classifier.embed.embed_texts``), ``Y`` as for PassageClassifier.
Its weights are tiny (32 x 384); it is the teacher for distillation and the second half of the accurate mode.
"""

from __future__ import annotations

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from classifier.linear import LinearHead, calibrated, fit_masked_labels


class EmbeddingHead(LinearHead):
    def _base(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)

    def fit(self, X, Y):
        X = np.asarray(X, dtype=np.float32)
        Y = np.asarray(Y, dtype=np.int8)
        self.coef_, self.intercept_, self.calibration_, self.n_train_ = fit_masked_labels(
            X, Y, self._base, self.calibration_folds, self.random_state)
        return self

    def predict_proba(self, X) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise NotFittedError("this EmbeddingHead is not fitted yet; call fit(X, Y) first")
        scores = np.asarray(X, dtype=np.float32) @ self.coef_.T + self.intercept_
        return calibrated(scores, self.calibration_)
