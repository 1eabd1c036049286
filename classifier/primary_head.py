"""Which label of a scheme a passage is *mainly* about, when several apply.

The per-label probabilities of the passage model say how sure it is that each label applies; with two true SDGs both
are near 1 and which comes first depends on the wording of one language. The primary head is one multinomial
logistic regression per scheme, trained on the seed passages that name a primary label (``LabelledPassage.primary``:
the passages of the one-label seed files), on the passage model's n-gram and concept features (the shipped head: the
concept block alone, ``classifier/training_run.py``). Among the labels of a scheme at or above their thresholds, the
head's choice is the passage's *main label* (``main_mask``); the tagger gives it per passage
(``Tagger.predict_passages``) and per document (``Tagger.document_main``).

Each class keeps its ``max_weights`` largest weights (sparse, float32), as the passage model does, so that the head
adds little to the shipped artifact. ``block_weights`` scales the feature blocks (``fit(..., blocks=)``: the widths
of the n-gram and concept blocks, ``PassageClassifier.head_blocks``): weight 0 leaves a block out, and a larger
weight regularises it less. Measured on the training parallel groups by
``python -m evaluation.group_folds --primary-head`` (README).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression


class PrimaryHead(BaseEstimator):
    def __init__(self, C: float = 4.0, max_weights: int = 10000, block_weights: tuple[float, ...] | None = None):
        self.C = C
        self.max_weights = max_weights
        self.block_weights = block_weights

    def fit(self, features, primaries: list[tuple[str, ...]], taxonomy, blocks: tuple[int, ...] | None = None) -> "PrimaryHead":
        """``features`` (n, d) of the passages, ``primaries`` their primary labels (may be empty); ``blocks`` the
        widths of the feature blocks that ``block_weights`` scale (needed only with ``block_weights``)."""
        self.scale_ = None
        if self.block_weights is not None:
            if blocks is None or len(blocks) != len(self.block_weights) or sum(blocks) != features.shape[1]:
                raise ValueError("block_weights needs blocks: one width per weight, summing to the feature count")
            self.scale_ = np.repeat(np.asarray(self.block_weights, dtype=np.float64), blocks)
        features = self._scaled(features)
        self.models_: dict[str, tuple[tuple[str, ...], sp.csr_matrix, np.ndarray]] = {}
        for scheme in taxonomy.scheme_names():
            rows, y = [], []
            for i, labels in enumerate(primaries):
                found = [p for p in labels if taxonomy.scheme_of(p) == scheme]
                if found:
                    rows.append(i)
                    y.append(found[0])
            if len(set(y)) >= 2:
                model = LogisticRegression(C=self.C, max_iter=3000).fit(features[rows], y)
                self.models_[scheme] = (tuple(model.classes_), self._pruned(model.coef_), model.intercept_.copy())
        return self

    def _pruned(self, coef: np.ndarray) -> sp.csr_matrix:
        coef = np.array(coef, dtype=np.float32)
        if self.max_weights:
            for w in coef:
                if np.count_nonzero(w) > self.max_weights:  # exactly the largest max_weights, ties or not
                    drop = np.ones(len(w), dtype=bool)
                    drop[np.argpartition(np.abs(w), -self.max_weights)[-self.max_weights:]] = False
                    w[drop] = 0.0
        return sp.csr_matrix(coef)

    def _scaled(self, features) -> sp.csr_matrix:
        features = sp.csr_matrix(features)
        scale = self.__dict__.get("scale_")
        return features if scale is None else features @ sp.diags(scale)

    def decision(self, scheme: str, features) -> tuple[tuple[str, ...], np.ndarray]:
        """``(classes, scores)``: the head's score of each class for each passage (higher = more the main topic)."""
        classes, coef, intercept = self.models_[scheme]
        scores = np.asarray((self._scaled(features) @ coef.T).todense()) + intercept
        if len(classes) == 2:  # a binary model scores the second class against the first
            scores = np.hstack([np.zeros_like(scores), scores])
        return classes, scores

    def main_mask(self, features, P: np.ndarray, label_ids: list[str], thresholds, taxonomy) -> np.ndarray:
        """(n, L) booleans: per passage and scheme, the main label among the labels at or above ``thresholds``: the
        head's choice, or the highest-scoring label where the scheme has no head or the head knows none of them.
        A scheme with no label above threshold has no main label."""
        if not hasattr(self, "models_"):
            raise NotFittedError("this PrimaryHead is not fitted yet")
        keys = {scheme: self.decision(scheme, features) for scheme in self.models_}
        return main_mask(P, label_ids, thresholds, taxonomy, keys)

    def main_first(self, features, P: np.ndarray, label_ids: list[str], thresholds, taxonomy) -> np.ndarray:
        """``P`` with each passage's main label raised above the rest of its scheme (``ranked_by_main``)."""
        return ranked_by_main(P, self.main_mask(features, P, label_ids, thresholds, taxonomy))


def main_mask(P: np.ndarray, label_ids: list[str], thresholds, taxonomy, head_scores: dict | None = None) -> np.ndarray:
    """The main label of each passage and scheme among its labels at or above threshold: the one ``head_scores``
    (``{scheme: (classes, scores (n, k))}``) ranks highest, else the one with the highest probability."""
    P = np.asarray(P, dtype=np.float64)
    above = P >= np.asarray(thresholds)
    mask = np.zeros(P.shape, dtype=bool)
    schemes: dict[str, list[int]] = {}
    for j, label in enumerate(label_ids):
        schemes.setdefault(taxonomy.scheme_of(label), []).append(j)
    for scheme, cols in schemes.items():
        cols = np.array(cols)
        # rank: head score for labels the head knows, then probability (a label the head does not know comes last)
        key = P[:, cols] - 1e6
        if head_scores and scheme in head_scores:
            classes, scores = head_scores[scheme]
            at = {c: k for k, c in enumerate(classes)}
            for m, j in enumerate(cols):
                if label_ids[j] in at:
                    key[:, m] = scores[:, at[label_ids[j]]]
        key = np.where(above[:, cols], key, -np.inf)
        rows = np.flatnonzero(above[:, cols].any(axis=1))
        mask[rows, cols[np.argmax(key[rows], axis=1)]] = True
    return mask


def ranked_by_main(P: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of ``P`` (n, L) in which every main label scores 2 more (probabilities are at most 1, so the main
    label ranks first in its scheme and the other labels keep their order): the ranking the product shows."""
    return np.asarray(P, dtype=np.float64) + 2.0 * mask
