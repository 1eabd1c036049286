"""Which label of a scheme a passage is *mainly* about, when several apply.

The per-label probabilities of the passage model say how sure it is that each label applies; with two true SDGs both
are near 1 and which comes first depends on the wording of one language. The primary head is one multinomial
logistic regression per scheme, trained on the seed passages that name a primary label (``LabelledPassage.primary``:
the passages of the one-label seed files), on the passage model's n-gram and concept features. ``main_first`` orders
a passage's labels so that, among those above threshold, the head's choice comes first.

Measured on the training parallel groups by ``python -m evaluation.group_folds --primary-head`` (README).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression


class PrimaryHead(BaseEstimator):
    def __init__(self, C: float = 4.0):
        self.C = C

    def fit(self, features, primaries: list[tuple[str, ...]], taxonomy) -> "PrimaryHead":
        """``features`` (n, d) of the passages, ``primaries`` their primary labels (may be empty)."""
        self.models_: dict[str, LogisticRegression] = {}
        for scheme in taxonomy.scheme_names():
            rows, y = [], []
            for i, labels in enumerate(primaries):
                found = [p for p in labels if taxonomy.scheme_of(p) == scheme]
                if found:
                    rows.append(i)
                    y.append(found[0])
            if len(set(y)) >= 2:
                self.models_[scheme] = LogisticRegression(C=self.C, max_iter=3000).fit(features[rows], y)
        return self

    def main_first(self, features, P: np.ndarray, label_ids: list[str], thresholds, taxonomy) -> np.ndarray:
        """A copy of ``P`` (n, L) in which, per scheme, the head's choice among the labels at or above ``thresholds``
        is raised above every other label of the scheme (its score + 1), so that it ranks first; rows with no label
        above threshold keep their order."""
        if not hasattr(self, "models_"):
            raise NotFittedError("this PrimaryHead is not fitted yet")
        out = np.array(P, dtype=np.float64, copy=True)
        above = P >= np.asarray(thresholds)
        for scheme, model in self.models_.items():
            classes = {lab: k for k, lab in enumerate(model.classes_)}
            in_scheme = [j for j, lab in enumerate(label_ids) if taxonomy.scheme_of(lab) == scheme]
            cols = [j for j in in_scheme if label_ids[j] in classes]
            Q = model.predict_proba(features)
            for i in range(len(out)):
                chosen = [j for j in cols if above[i, j]]
                if chosen:
                    best = max(chosen, key=lambda j: Q[i, classes[label_ids[j]]])
                    out[i, best] = P[i, in_scheme].max() + 1.0
        return out
