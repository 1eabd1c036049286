"""The translation-invariance penalty: parallel groups pull a label's score towards one value in every language."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from classifier.invariance import InvariantLogistic, translation_differences


def test_translation_differences_centre_each_group_and_skip_singletons():
    X = sp.csr_matrix(np.array([[1.0, 0.0, 2.0], [3.0, 1.0, 0.0], [5.0, 5.0, 5.0], [0.0, 4.0, 0.0]]))
    D = translation_differences(X, ["g1", "g1", None, "g2"])
    assert D.shape == (2, 3)  # the row without a group and the one-row group g2 give no difference
    np.testing.assert_allclose(D.toarray(), [[-1.0, -0.5, 1.0], [1.0, 0.5, -1.0]])
    assert translation_differences(X, [None, "", "a", "b"]) is None


def _bilingual(rng, n, share_b, k=6):
    """Passages as bags of k concepts; each concept has a column in language A (0..k-1) and in language B (k..2k-1).
    The label is concept 0 present. Language B is the minority, and in B concept 0 also rides with concept 1, so a
    plain model spreads the label's weight over B's columns unlike A's."""
    rows, y, lang = [], [], []
    for _ in range(n):
        bag = rng.random(k) < 0.35
        b = rng.random() < share_b
        if b and bag[0]:
            bag[1] = True
        x = np.zeros(2 * k)
        x[(k if b else 0) + np.flatnonzero(bag)] = 1.0
        rows.append(x)
        y.append(int(bag[0]))
        lang.append(b)
    return np.array(rows), np.array(y), np.array(lang)


def _parallel(rng, n, k=6):
    """Pairs of the same bag of concepts in A and in B."""
    bags = rng.random((n, k)) < 0.35
    return np.hstack([bags, np.zeros_like(bags)]).astype(float), np.hstack([np.zeros_like(bags), bags]).astype(float)


def test_no_penalty_is_liblinears_logistic_regression():
    rng = np.random.default_rng(0)
    X, y, _ = _bilingual(rng, 300, 0.3)
    ours = InvariantLogistic(C=2.0, class_weight="balanced").fit(X, y)
    ref = LogisticRegression(C=2.0, class_weight="balanced", solver="liblinear").fit(X, y)
    np.testing.assert_allclose(ours.coef_[0], ref.coef_[0], atol=2e-3)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-3)
    assert (ours.predict(X) == ref.predict(X)).mean() > 0.99


def test_the_penalty_narrows_the_score_gap_between_unseen_translations():
    rng = np.random.default_rng(1)
    X, y, _ = _bilingual(rng, 400, 0.2)
    A, B = _parallel(rng, 60)  # unlabelled parallel pairs: only their feature differences are used
    groups = [None] * len(X) + [f"p{i}" for i in range(60)] * 2
    D = translation_differences(np.vstack([X, A, B]), groups)
    plain = InvariantLogistic(C=4.0).fit(X, y)
    tied = InvariantLogistic(C=4.0, rows=D, strength=10.0).fit(X, y)
    testA, testB = _parallel(np.random.default_rng(2), 200)  # parallel pairs the penalty never saw

    def gap(model):
        return float(np.abs(model.decision_function(testA) - model.decision_function(testB)).mean())

    assert gap(tied) < 0.5 * gap(plain)
    # the label is still learnt: concept 0 separates in both languages
    for T in (testA, testB):
        truth = T[:, [0, 6]].max(axis=1)
        assert ((tied.decision_function(T) > 0) == (truth > 0)).mean() > 0.9


def test_penalty_rows_may_cover_only_the_first_columns_but_not_more():
    rng = np.random.default_rng(3)
    X, y, _ = _bilingual(rng, 200, 0.3)
    D = translation_differences(X[:10], ["a"] * 5 + ["b"] * 5)
    extra = np.hstack([X, rng.random((len(X), 2))])  # e.g. source indicators, not penalised
    InvariantLogistic(rows=D, strength=1.0).fit(extra, y)
    with pytest.raises(ValueError):
        InvariantLogistic(rows=sp.hstack([D, D]).tocsr(), strength=1.0).fit(X, y)
