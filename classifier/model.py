"""The multilabel passage model, keeping the scikit-learn estimator contract.

``X`` is a sequence of ``(text, language)`` pairs; ``Y`` an ``(n_samples, n_labels)`` array with 1 (label applies),
0 (does not) and -1 (unknown: the example's source says nothing about that label's scheme). Each label gets a
logistic regression on hashed word and character n-gram TF-IDF features plus the language-neutral concepts the words
name (``classifier/concepts.py``; each concept hit counts ``concept_weight`` times), trained only on the rows where the
label is known, and a Platt (sigmoid) calibration fitted on cross-validated scores. The weights are pruned to the largest
``max_weights`` per label so that the shipped artifact stays small.

With ``concept_blend`` > 0 a second, small model sees the concepts alone (``classifier/concept_head.py``) and the
probability is ``(1 - concept_blend) * p_ngram + concept_blend * p_concepts``: the concept head scores a passage and
its translation alike, which makes the top label agree more often across languages.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from classifier.concept_head import ConceptHead
from classifier.concepts import default_lexicon
from classifier.invariance import InvariantLogistic, translation_differences
from classifier.linear import UNKNOWN, calibrated, fit_masked_labels
from classifier.text import word_features, words

__all__ = ["PassageClassifier", "UNKNOWN"]


class PassageClassifier(BaseEstimator):
    def __init__(
        self,
        n_features: int = 2**18,
        ngram_range: tuple[int, int] = (3, 5),
        C: float = 4.0,
        class_weight: str | None = "balanced",
        max_weights: int = 40000,
        calibration_folds: int = 3,
        random_state: int = 0,
        concept_weight: int = 16,
        fold_accents: bool = False,
        concept_blend: float = 0.4,
        source_prior: float = 0.0,
        source_marginal: bool = False,
        invariance: float = 0.0,
    ):
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.C = C
        self.class_weight = class_weight
        self.max_weights = max_weights
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.concept_weight = concept_weight
        self.fold_accents = fold_accents
        self.concept_blend = concept_blend
        self.source_prior = source_prior
        self.source_marginal = source_marginal
        self.invariance = invariance

    # -- features -------------------------------------------------------------------------------------------
    def _word_index(self, word: str, lang: str = "") -> np.ndarray:
        """Hashed feature columns of one word (the word, its character n-grams and, with ``concept_weight``, the
        cross-lingual concepts it names in ``lang``, each ``concept_weight`` times)."""
        return self._word_columns(word, lang)[0]

    def _word_columns(self, word: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        """``(hashed n-gram model columns, concept head columns)`` of one word, cached per process."""
        cache = self.__dict__.setdefault("_index_cache", {})
        lexicon = self.__dict__.get("lexicon_")
        key = (lang, word) if lexicon is not None else word
        hit = cache.get(key)
        if hit is None:
            if len(cache) > 500_000:
                cache.clear()
            feats = word_features(word, self.ngram_range, self.fold_accents)
            found = lexicon.concepts(word, lang) if lexicon is not None else ()
            concepts = [f"c:{c}" for c in found] if self.concept_weight > 0 else []
            idx = np.fromiter((murmurhash3_32(f, seed=0, positive=True) % self.n_features for f in feats + concepts),
                              dtype=np.int64, count=len(feats) + len(concepts))
            if concepts and self.concept_weight > 1:  # each concept column counted concept_weight times
                idx = np.concatenate([idx, np.repeat(idx[len(feats):], self.concept_weight - 1)])
            columns = self.__dict__.get("concept_columns_") or {}
            hit = cache[key] = (idx, np.array([columns[c] for c in found if c in columns], dtype=np.int64))
        return hit

    def _counts(self, X) -> sp.csr_matrix:
        return self._count_matrices(X)[0]

    def _count_matrices(self, X) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Occurrence counts of the n-gram model's hashed columns and of the concept head's concepts, in one pass."""
        cols, ccols = [], []
        ends, cends = [0], [0]  # where each passage's columns end (the CSR row pointers)
        n = cn = 0
        for text, lang in X:
            for w in words(text, lang):
                idx, cidx = self._word_columns(w, lang)
                cols.append(idx)
                n += len(idx)
                if len(cidx):
                    ccols.append(cidx)
                    cn += len(cidx)
            ends.append(n)
            cends.append(cn)
        n_concepts = len(self.__dict__.get("concept_columns_") or {})
        return _count_matrix(cols, ends, (len(X), self.n_features)), _count_matrix(ccols, cends, (len(X), n_concepts))

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_index_cache", None)
        state.pop("_coef_csc", None)
        state.pop("_invariance_rows", None)
        return state

    def __setstate__(self, state):
        state.setdefault("concept_weight", 0)  # models saved before the concept lexicon existed
        state.setdefault("fold_accents", False)
        state.setdefault("concept_blend", 0.0)  # models saved before the concept head existed
        state.setdefault("source_prior", 0.0)
        state.setdefault("source_marginal", False)
        state.setdefault("invariance", 0.0)
        self.__dict__.update(state)

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        m = counts.copy()
        m.data = 1.0 + np.log(m.data)
        m = m @ sp.diags(self.idf_.astype(np.float64))
        return normalize(m, copy=False)

    def head_features(self, X) -> sp.csr_matrix:
        """The n-gram TF-IDF columns next to the concept head's (``classifier/primary_head.py`` learns from both)."""
        self._check_fitted()
        counts, concept_counts = self._count_matrices(X)
        return self._head_features(self._tfidf(counts), concept_counts)

    def head_blocks(self) -> tuple[int, ...]:
        """Widths of the blocks of ``head_features``: the n-gram columns, then the concept columns (if any)."""
        head = self.__dict__.get("concept_head_")
        n_concepts = len(self.__dict__.get("concept_columns_") or {})
        return (self.n_features,) + ((n_concepts,) if head is not None else ())

    def _head_features(self, tfidf: sp.csr_matrix, concept_counts: sp.csr_matrix) -> sp.csr_matrix:
        head = self.__dict__.get("concept_head_")
        return sp.hstack([tfidf] + ([head._tfidf(concept_counts)] if head is not None else []), format="csr")

    def transform(self, X) -> sp.csr_matrix:
        self._check_fitted()
        return self._tfidf(self._counts(X))

    # -- fit / predict ----------------------------------------------------------------------------------------
    def fit(self, X, Y, sample_weight=None, sources=None, groups=None):
        """``sample_weight`` (n,) or (n, L): how much each row counts, in both the n-gram model and the concept head.

        ``sources`` (n,): where each row comes from (``""`` for the reference source, the prose written like the
        documents stratag reads). With ``source_prior`` > 0 every other source gets an indicator column of that
        value, seen in training only (``classifier.linear.fit_masked_labels``, ``nuisance``): a source's own label
        rates (EU project titles of one programme, weakly labelled English plans) then go to its indicator instead of
        to the words frequent in that source and language, and new text is scored as reference prose (with
        ``source_marginal``: as the training mix of sources, one shift per label for every language).

        ``groups`` (n,): the parallel group of each row (falsy: none). With ``invariance`` > 0 the n-gram model's
        logistic regressions are ``classifier.invariance.InvariantLogistic``: a score that differs between the
        translations of a group is penalised with that strength."""
        X = list(X)
        Y = np.asarray(Y, dtype=np.int8)
        if Y.ndim != 2 or Y.shape[0] != len(X):
            raise ValueError("Y must be an (n_samples, n_labels) array aligned with X")
        self.__dict__.pop("_index_cache", None)
        self.lexicon_ = default_lexicon() if self.concept_weight > 0 or self.concept_blend > 0 else None
        self.concept_columns_ = {c: i for i, c in enumerate(self.lexicon_.ids())} if self.concept_blend > 0 else None
        counts, concept_counts = self._count_matrices(X)
        df = np.bincount(counts.indices, minlength=self.n_features)
        n = counts.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        # fit on the columns that occur at all; liblinear's cost grows with the width of X
        used = np.flatnonzero(df)
        Xt = self._tfidf(counts)[:, used]
        nuisance = self._source_columns(sources, len(X))
        if self.invariance > 0 and groups is not None:
            if len(groups) != len(X):
                raise ValueError("groups must be aligned with X")
            self._invariance_rows = translation_differences(Xt, groups)
        coef_used, intercept, calib, n_train = fit_masked_labels(Xt, Y, self._base, self.calibration_folds, self.random_state,
                                                                  sample_weight, nuisance, self.source_marginal)
        self.__dict__.pop("_invariance_rows", None)
        coef = np.zeros((Y.shape[1], self.n_features), dtype=np.float32)
        coef[:, used] = coef_used
        if self.max_weights:
            for j in range(Y.shape[1]):
                w = coef[j]
                if np.count_nonzero(w) > self.max_weights:
                    cut = np.partition(np.abs(w), -self.max_weights)[-self.max_weights]
                    w[np.abs(w) < cut] = 0.0
        self.coef_ = sp.csr_matrix(coef)
        self.intercept_ = intercept
        self.calibration_ = calib
        self.n_train_ = n_train
        self.n_labels_ = Y.shape[1]
        self.concept_head_ = None
        if self.concept_blend > 0:
            self.concept_head_ = ConceptHead(self.C, self.class_weight, self.calibration_folds, self.random_state)
            self.concept_head_.fit(concept_counts, Y, sample_weight, nuisance, self.source_marginal)
        return self

    def _source_columns(self, sources, n: int) -> sp.csr_matrix | None:
        self.sources_ = ()
        if not self.source_prior or sources is None:
            return None
        if len(sources) != n:
            raise ValueError("sources must be aligned with X")
        self.sources_ = tuple(sorted({s for s in sources if s}))
        col = {s: i for i, s in enumerate(self.sources_)}
        rows = [i for i, s in enumerate(sources) if s]
        return sp.csr_matrix((np.full(len(rows), float(self.source_prior)), (rows, [col[sources[i]] for i in rows])),
                             shape=(n, len(self.sources_)))

    def _base(self) -> LogisticRegression | InvariantLogistic:
        rows = self.__dict__.get("_invariance_rows")
        if self.invariance > 0 and rows is not None:
            return InvariantLogistic(self.C, self.class_weight, rows=rows, strength=self.invariance)
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000, solver="liblinear")

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("this PassageClassifier is not fitted yet; call fit(X, Y) first")

    def decision_function(self, X) -> np.ndarray:
        """Scores of the n-gram model alone (before calibration and the concept head)."""
        return self._decision(self.transform(X))

    def _decision(self, Xt: sp.csr_matrix) -> np.ndarray:
        return np.asarray((Xt @ self.coef_.T).todense()) + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of every label for every passage, shape (n_samples, n_labels)."""
        return self.predict_proba_and_features(X)[0]

    def predict_proba_and_features(self, X, features: bool = False) -> tuple[np.ndarray, sp.csr_matrix | None]:
        """``(predict_proba(X), head_features(X) if features else None)`` from one tokenisation pass."""
        scores, concepts, head_features = self._parts(X, features)
        return self.blend(scores, concepts), head_features

    def score_parts(self, X) -> tuple[np.ndarray, np.ndarray | None, sp.csr_matrix]:
        """``(n-gram scores, concept-head probabilities or None, head_features)``: the parts ``predict_proba`` and
        the primary head combine (``blend``), for measuring how much each varies between translations."""
        return self._parts(X, features=True)

    def _parts(self, X, features: bool):
        self._check_fitted()
        counts, concept_counts = self._count_matrices(X)
        tfidf = self._tfidf(counts)
        head = self.__dict__.get("concept_head_")
        concepts = head.predict_proba(concept_counts) if head is not None else None
        return self._decision(tfidf), concepts, (self._head_features(tfidf, concept_counts) if features else None)

    def blend(self, scores: np.ndarray, concept_probs: np.ndarray | None) -> np.ndarray:
        """Calibrated probabilities from n-gram ``scores`` and the concept head's probabilities."""
        p = self._calibrate(scores)
        if concept_probs is not None:
            p = (1.0 - self.concept_blend) * p + self.concept_blend * concept_probs
        return p

    def _calibrate(self, scores: np.ndarray) -> np.ndarray:
        return calibrated(scores, self.calibration_)

    def predict(self, X, thresholds=None) -> np.ndarray:
        t = 0.5 if thresholds is None else np.asarray(thresholds)
        return (self.predict_proba(X) >= t).astype(np.int8)

    # -- explanations -----------------------------------------------------------------------------------------
    def top_terms(self, text: str, lang: str, label_index: int, k: int = 5) -> list[str]:
        """Words of ``text`` that push the label's score up most (sum of their features' weights)."""
        return self.top_terms_many(text, lang, [label_index], k)[label_index]

    def top_terms_many(self, text: str, lang: str, label_indices, k: int = 5) -> dict[int, list[str]]:
        """``top_terms`` for several labels of one passage, tokenising and weighting it once."""
        self._check_fitted()
        label_indices = list(label_indices)
        toks = list(dict.fromkeys(words(text, lang)))
        if not toks:
            return {j: [] for j in label_indices}
        tfidf = self._tfidf(self._counts([(text, lang)]))
        value = dict(zip(tfidf.indices.tolist(), tfidf.data.tolist()))
        idx = [self._word_index(w, lang) for w in toks]
        bounds = np.cumsum([0] + [len(i) for i in idx])
        flat = np.concatenate(idx)
        csc = self.__dict__.get("_coef_csc")
        if csc is None:
            csc = self.__dict__["_coef_csc"] = self.coef_.tocsc()
        weights = csc[:, flat].toarray()[label_indices]  # (labels, features of the passage's words)
        contrib = np.add.reduceat(weights * np.array([value.get(int(i), 0.0) for i in flat]), bounds[:-1], axis=1)
        out = {}
        for row, j in enumerate(label_indices):
            order = np.argsort(-contrib[row], kind="stable")[:k]
            out[j] = [toks[i] for i in order if contrib[row, i] > 0]
        return out


def _count_matrix(cols: list[np.ndarray], ends: list[int], shape: tuple[int, int]) -> sp.csr_matrix:
    """Occurrence counts from each row's column indices (``cols`` concatenated, row ``i`` ending at ``ends[i + 1]``)."""
    if not cols:
        return sp.csr_matrix(shape, dtype=np.float64)
    indices = np.concatenate(cols)
    m = sp.csr_matrix((np.ones(len(indices)), indices, np.asarray(ends, dtype=np.int64)), shape=shape)
    m.sum_duplicates()
    return m
