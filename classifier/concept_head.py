"""The concept head: per-label logistic regressions on the language-neutral concepts of a passage alone.

Its input is the concept count matrix (one column per lexicon concept, ``classifier/concepts.py``), so a passage and
its translation get the same features wherever the lexicon names the same concepts in both. The n-gram model sees
the concepts too, but next to thousands of language-specific n-grams whose weights differ per language; blending in
a model that sees *only* the concepts pulls the five languages' scores together (measured in evaluation/EXPERIMENTS.md,
"Concept head"). TF-IDF weighting, liblinear and Platt calibration are those of the n-gram model.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from classifier.linear import LinearHead, calibrated, fit_masked_labels


class ConceptHead(LinearHead):
    def _base(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000, solver="liblinear")

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        m = sp.csr_matrix(counts, dtype=np.float64, copy=True)
        m.data = 1.0 + np.log(m.data)
        return normalize(m @ sp.diags(self.idf_.astype(np.float64)), copy=False)

    def fit(self, counts: sp.csr_matrix, Y: np.ndarray, sample_weight=None, nuisance=None,
            marginal: bool = False) -> "ConceptHead":
        """``counts``: (n_samples, n_concepts) concept occurrences; ``Y``, ``sample_weight`` as for PassageClassifier;
        ``nuisance``: source indicator columns seen in training only (``fit_masked_labels``)."""
        counts = sp.csr_matrix(counts)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = counts.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        self.coef_, self.intercept_, self.calibration_, self.n_train_ = fit_masked_labels(
            self._tfidf(counts), np.asarray(Y, dtype=np.int8), self._base, self.calibration_folds, self.random_state,
            sample_weight, nuisance, marginal)
        return self

    def predict_proba(self, counts: sp.csr_matrix) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise NotFittedError("this ConceptHead is not fitted yet; call fit(counts, Y) first")
        scores = np.asarray(self._tfidf(counts) @ self.coef_.T) + self.intercept_
        return calibrated(scores, self.calibration_)
