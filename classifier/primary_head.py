"""Which label of a scheme a passage is *mainly* about, when several apply.

The per-label probabilities of the passage model say how sure it is that each label applies; with two true SDGs both
are near 1 and which comes first depends on the wording of one language. The primary head is one multinomial
logistic regression per scheme, trained on the seed passages that name a primary label (``LabelledPassage.primary``:
the passages of the one-label seed files), on the passage model's n-gram and concept features (the shipped head: the
concept block alone, ``classifier/training_run.py``). Among the labels of a scheme at or above their thresholds, the
head's choice is the passage's *main label* (``main_mask``); the tagger gives it per passage
(``Tagger.predict_passages``) and per document (``Tagger.document_main``).

``gold_choice`` (λ, 0 to 1) changes what the head is trained to do. At 0 (sklearn's multinomial logistic regression)
it tells the primary label apart from every class of the scheme; but in use it only ever chooses among the labels
that apply. With λ > 0 the loss of a passage is ``(1 - λ) ×`` that softmax over all classes ``+ λ ×`` a softmax over
the passage's own gold labels in the scheme (``fit(..., labels=)``), a conditional logit of the choice the head
makes; passages with one gold label then teach only through the first term. Same penalty (``C``), fitted by L-BFGS.

``score_weight`` (β) adds β × the logit of each label's probability to the head's score when choosing, so that where
the head is unsure the label the passage model is surer of wins (0: the head alone). Neither is the default: on the
training-group folds neither made the main label agree across languages more often (evaluation/EXPERIMENTS.md).

``invariance`` (γ) penalises, with ``γ / 2 × ‖D · W‖²``, the head's scores differing between the translations of the
training set's parallel groups (``fit(..., parallel=D)``, the rows of ``classifier.invariance.translation_differences``;
those groups need no primary label): the head then ranks a passage's labels alike in every language.

Each class keeps its ``max_weights`` largest weights (sparse, float32), as the passage model does, so that the head
adds little to the shipped artifact. ``block_weights`` scales the feature blocks (``fit(..., blocks=)``: the widths
of the n-gram and concept blocks, ``PassageClassifier.head_blocks``): weight 0 leaves a block out, and a larger
weight regularises it less. Measured on the training parallel groups by
``python -m evaluation.group_folds --primary-head`` (evaluation/EXPERIMENTS.md).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression


class PrimaryHead(BaseEstimator):
    def __init__(self, C: float = 4.0, max_weights: int = 10000, block_weights: tuple[float, ...] | None = None,
                 gold_choice: float = 0.0, score_weight: float = 0.0, invariance: float = 0.0):
        self.C = C
        self.max_weights = max_weights
        self.block_weights = block_weights
        self.gold_choice = gold_choice
        self.score_weight = score_weight
        self.invariance = invariance

    def fit(self, features, primaries: list[tuple[str, ...]], taxonomy, blocks: tuple[int, ...] | None = None,
            labels: list[tuple[str, ...]] | None = None, parallel=None) -> "PrimaryHead":
        """``features`` (n, d) of the passages, ``primaries`` their primary labels (may be empty); ``blocks`` the
        widths of the feature blocks that ``block_weights`` scale (needed only with ``block_weights``); ``labels``
        every gold label of each passage (needed only with ``gold_choice`` > 0); ``parallel`` (m, d) the feature
        differences of translations (``classifier.invariance.translation_differences``), penalised with strength
        ``invariance`` so that the head ranks a passage's labels alike in every language."""
        if not 0.0 <= self.gold_choice <= 1.0:
            raise ValueError("gold_choice must be between 0 and 1")
        if self.gold_choice and (labels is None or len(labels) != len(primaries)):
            raise ValueError("gold_choice needs labels: the gold labels of every passage")
        self.scale_ = None
        if self.block_weights is not None:
            if blocks is None or len(blocks) != len(self.block_weights) or sum(blocks) != features.shape[1]:
                raise ValueError("block_weights needs blocks: one width per weight, summing to the feature count")
            self.scale_ = np.repeat(np.asarray(self.block_weights, dtype=np.float64), blocks)
        features = self._scaled(features)
        penalty = self._scaled(parallel) if self.invariance > 0 and parallel is not None else None
        self.models_: dict[str, tuple[tuple[str, ...], sp.csr_matrix, np.ndarray]] = {}
        for scheme in taxonomy.scheme_names():
            rows, y = [], []
            for i, named in enumerate(primaries):
                found = [p for p in named if taxonomy.scheme_of(p) == scheme]
                if found:
                    rows.append(i)
                    y.append(found[0])
            if len(set(y)) < 2:
                continue
            if self.gold_choice or penalty is not None:
                classes = tuple(sorted(set(y)))
                allowed = np.array([[c in labels[i] or c == p for c in classes] for i, p in zip(rows, y)]
                                   if self.gold_choice else np.ones((len(rows), len(classes)), dtype=bool))
                coef, intercept = _fit_choice(features[rows], np.array([classes.index(p) for p in y]), allowed,
                                              self.gold_choice, self.C, penalty, self.invariance)
            else:
                model = LogisticRegression(C=self.C, max_iter=3000).fit(features[rows], y)
                classes, coef, intercept = tuple(model.classes_), model.coef_, model.intercept_.copy()
                if len(classes) == 2:  # sklearn scores the second class against the first: make it two rows
                    coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
            self.models_[scheme] = (classes, self._pruned(coef), np.asarray(intercept, dtype=np.float64))
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
        if scores.shape[1] == 1 and len(classes) == 2:  # heads pickled before binary heads kept two rows
            scores = np.hstack([np.zeros_like(scores), scores])
        return classes, scores

    def main_mask(self, features, P: np.ndarray, label_ids: list[str], thresholds, taxonomy) -> np.ndarray:
        """(n, L) booleans: per passage and scheme, the main label among the labels at or above ``thresholds``: the
        head's choice, or the highest-scoring label where the scheme has no head or the head knows none of them.
        A scheme with no label above threshold has no main label."""
        if not hasattr(self, "models_"):
            raise NotFittedError("this PrimaryHead is not fitted yet")
        keys = {scheme: self.decision(scheme, features) for scheme in self.models_}
        beta = self.__dict__.get("score_weight", 0.0)  # heads pickled before score_weight existed have none
        if beta:
            at = {label: j for j, label in enumerate(label_ids)}
            logit = np.log(np.clip(P, 0.01, 0.99)) - np.log1p(-np.clip(P, 0.01, 0.99))
            keys = {scheme: (classes, scores + beta * logit[:, [at[c] for c in classes]])
                    for scheme, (classes, scores) in keys.items()}
        return main_mask(P, label_ids, thresholds, taxonomy, keys)

    def main_first(self, features, P: np.ndarray, label_ids: list[str], thresholds, taxonomy) -> np.ndarray:
        """``P`` with each passage's main label raised above the rest of its scheme (``ranked_by_main``)."""
        return ranked_by_main(P, self.main_mask(features, P, label_ids, thresholds, taxonomy))


def _fit_choice(X: sp.csr_matrix, y: np.ndarray, allowed: np.ndarray, gold_choice: float, C: float,
                parallel=None, invariance: float = 0.0):
    """Multinomial weights ``(k, d)`` and intercepts ``(k,)`` minimising ``C × Σ loss + ½‖W‖²`` (intercepts not
    penalised, as in sklearn), where a passage's loss mixes the softmax over all ``k`` classes (weight
    ``1 - gold_choice``) and the softmax over its ``allowed`` classes (its gold labels; weight ``gold_choice``);
    with ``parallel`` rows (translation differences) plus ``invariance / 2 × ‖parallel · W‖²``."""
    X = sp.csr_matrix(X)
    X.eliminate_zeros()
    D = None if parallel is None or not invariance else sp.csr_matrix(parallel)
    # columns neither a passage nor a translation difference uses keep weight 0: optimise the others only
    used = np.unique(X.indices) if D is None else np.union1d(X.indices, D.indices)
    full_d, X = X.shape[1], X[:, used]
    D = None if D is None else D[:, used]
    n, d = X.shape
    k = allowed.shape[1]
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    penalty = np.full(allowed.shape, -np.inf)
    penalty[allowed] = 0.0

    def softmax(S):
        """Row-wise softmax and log-sum-exp."""
        top = S.max(axis=1, keepdims=True)
        E = np.exp(S - top)
        Z = E.sum(axis=1, keepdims=True)
        return E / Z, (np.log(Z) + top)[:, 0]

    def loss_grad(theta):
        W, b = theta[:d * k].reshape(d, k), theta[d * k:]
        S = np.asarray(X @ W) + b
        loss, G = 0.0, np.zeros_like(S)
        for weight, mask in ((1.0 - gold_choice, 0.0), (gold_choice, penalty)):
            if weight:
                Q, lse = softmax(S + mask)
                loss += weight * float((lse - S[np.arange(n), y]).sum())
                G += weight * (Q - onehot)
        grad_W = C * np.asarray(X.T @ G) + W
        value = C * loss + 0.5 * float((W * W).sum())
        if D is not None:
            R = np.asarray(D @ W)
            value += 0.5 * invariance * float((R * R).sum())
            grad_W += invariance * np.asarray(D.T @ R)
        return value, np.concatenate([grad_W.ravel(), C * G.sum(axis=0)])

    result = minimize(loss_grad, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 3000})
    coef = np.zeros((k, full_d))
    coef[:, used] = result.x[:d * k].reshape(d, k).T
    return coef, result.x[d * k:]


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
