"""The primary head: among the labels a passage earns, the one it is mainly about comes first."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from classifier.model import PassageClassifier
from classifier.primary_head import PrimaryHead, main_mask, ranked_by_main
from classifier.taxonomy import default_taxonomy
from classifier.train import label_matrix

SMALL = {"n_features": 2**16, "max_weights": 5000}


@pytest.fixture(scope="module")
def fitted(tiny_records):
    tax = default_taxonomy()
    main = {"sdg:7": "sdg:7", "sdg:4": "sdg:4", "sdg:11": "sdg:11", "sdg:16": "sdg:16"}
    records = [replace(r, primary=tuple(main[x] for x in r.labels if x in main)) for r in tiny_records]
    est = PassageClassifier(**SMALL).fit([(r.text, r.language) for r in records], label_matrix(records, tax))
    X = [(r.text, r.language) for r in records]
    head = PrimaryHead().fit(est.head_features(X), [r.primary for r in records], tax)
    return tax, est, head, records


def test_the_main_label_is_raised_among_the_labels_above_threshold(fitted):
    tax, est, head, records = fitted
    ids = list(tax.ids)
    training = [r for r in records if "sdg:4" in r.labels and r.language == "pl"][:1]
    F = est.head_features([(r.text, r.language) for r in training])
    P = np.full((1, len(ids)), 0.1)
    P[0, ids.index("sdg:8")] = 0.97  # the secondary SDG scored highest
    P[0, ids.index("sdg:4")] = 0.95
    ordered = head.main_first(F, P, ids, 0.5, tax)
    sdg = [j for j, x in enumerate(ids) if x.startswith("sdg:")]
    assert ids[sdg[int(np.argmax(ordered[0, sdg]))]] == "sdg:4"
    assert np.argmax(P[0, sdg]) != np.argmax(ordered[0, sdg])
    # a label below threshold is never promoted, and a scheme without one above threshold keeps its order
    P[0, ids.index("sdg:4")] = 0.3
    again = head.main_first(F, P, ids, 0.5, tax)
    assert ids[sdg[int(np.argmax(again[0, sdg]))]] == "sdg:8"
    gd = [j for j, x in enumerate(ids) if x.startswith("gd:")]
    np.testing.assert_array_equal(again[0, gd], P[0, gd])


def test_only_schemes_with_two_primary_labels_get_a_model(fitted):
    _, _, head, _ = fitted
    assert set(head.models_) == {"sdg"}
    with pytest.raises(NotFittedError):
        PrimaryHead().main_first(None, np.zeros((1, 2)), ["sdg:1", "sdg:2"], 0.5, None)


def test_main_mask_marks_one_label_per_scheme_above_threshold(fitted):
    tax, est, head, records = fitted
    ids = list(tax.ids)
    X = [(r.text, r.language) for r in records]
    P = est.predict_proba(X)
    mask = head.main_mask(est.head_features(X), P, ids, 0.5, tax)
    for scheme in tax.scheme_names():
        cols = [j for j, x in enumerate(ids) if tax.scheme_of(x) == scheme]
        any_above = (P[:, cols] >= 0.5).any(axis=1)
        np.testing.assert_array_equal(mask[:, cols].sum(axis=1), any_above.astype(int))
        assert (P[:, cols][mask[:, cols]] >= 0.5).all()


def test_without_a_head_the_main_label_is_the_highest_scoring_label_above_threshold():
    tax = default_taxonomy()
    ids = list(tax.ids)
    P = np.full((2, len(ids)), 0.1)
    P[0, ids.index("sdg:7")], P[0, ids.index("sdg:13")] = 0.8, 0.9
    P[1, ids.index("sdg:7")] = 0.4  # nothing above threshold in the second row
    mask = main_mask(P, ids, 0.5, tax)
    assert [ids[j] for j in np.flatnonzero(mask[0])] == ["sdg:13"]
    assert not mask[1].any()
    # ranked_by_main puts the main label first and keeps the order of the others
    ranked = ranked_by_main(P, mask)
    assert ids[int(np.argmax(ranked[0]))] == "sdg:13"
    np.testing.assert_array_equal(ranked[1], P[1])


def test_weights_are_pruned_to_max_weights_per_class(tiny_records):
    tax = default_taxonomy()
    main = {"sdg:7": "sdg:7", "sdg:4": "sdg:4", "sdg:11": "sdg:11"}
    records = [replace(r, primary=tuple(main[x] for x in r.labels if x in main)) for r in tiny_records]
    est = PassageClassifier(**SMALL).fit([(r.text, r.language) for r in records], label_matrix(records, tax))
    F = est.head_features([(r.text, r.language) for r in records])
    full = PrimaryHead(max_weights=0).fit(F, [r.primary for r in records], tax)
    small = PrimaryHead(max_weights=50).fit(F, [r.primary for r in records], tax)
    _, coef_full, _ = full.models_["sdg"]
    _, coef_small, _ = small.models_["sdg"]
    assert coef_full.getnnz(axis=1).min() > 50
    assert (coef_small.getnnz(axis=1) <= 50).all()


def test_a_two_class_head_scores_both_classes(tiny_records):
    tax = default_taxonomy()
    records = [replace(r, primary=(x,)) for r in tiny_records for x in r.labels if x in ("sdg:7", "sdg:4")]
    est = PassageClassifier(**SMALL).fit([(r.text, r.language) for r in tiny_records], label_matrix(tiny_records, tax))
    F = est.head_features([(r.text, r.language) for r in records])
    head = PrimaryHead().fit(F, [r.primary for r in records], tax)
    classes, scores = head.decision("sdg", F)
    assert classes == ("sdg:4", "sdg:7") and scores.shape == (len(records), 2)
    picked = [classes[k] for k in np.argmax(scores, axis=1)]
    assert np.mean([p == r.primary[0] for p, r in zip(picked, records)]) == 1.0


def test_block_weights_scale_the_feature_blocks(fitted):
    tax, est, _, records = fitted
    X = [(r.text, r.language) for r in records]
    F = est.head_features(X)
    blocks = est.head_blocks()
    assert sum(blocks) == F.shape[1] and len(blocks) == 2
    with pytest.raises(ValueError):
        PrimaryHead(block_weights=(0.0, 1.0)).fit(F, [r.primary for r in records], tax)
    concepts_only = PrimaryHead(block_weights=(0.0, 1.0)).fit(F, [r.primary for r in records], tax, blocks=blocks)
    _, coef, _ = concepts_only.models_["sdg"]
    assert coef[:, : blocks[0]].nnz == 0 and coef[:, blocks[0]:].nnz > 0  # the n-gram block is left out
    # the scaling applies at prediction too: the head chooses from the concepts alone
    P = est.predict_proba(X)
    mask = concepts_only.main_mask(F, P, list(tax.ids), 0.5, tax)
    F_no_ngrams = F.tolil()
    F_no_ngrams[:, : blocks[0]] = 0
    np.testing.assert_array_equal(mask, concepts_only.main_mask(F_no_ngrams.tocsr(), P, list(tax.ids), 0.5, tax))


def _choice_data():
    """Word 0 marks passages *mainly* about sdg:4 among {sdg:4, sdg:8}; but most passages with word 0 are about
    sdg:8 alone. A head asked "which label of the scheme" learns word 0 -> sdg:8; one asked "which of your labels"
    learns that with both labels word 0 means sdg:4."""
    rows, primaries, labels = [], [], []
    for _ in range(40):  # word 0, both labels, mainly sdg:4
        rows.append([1, 0, 0]); primaries.append(("sdg:4",)); labels.append(("sdg:4", "sdg:8"))
    for _ in range(40):  # word 1, both labels, mainly sdg:8
        rows.append([0, 1, 0]); primaries.append(("sdg:8",)); labels.append(("sdg:4", "sdg:8"))
    for _ in range(200):  # word 0 on passages about sdg:8 alone
        rows.append([1, 0, 1]); primaries.append(("sdg:8",)); labels.append(("sdg:8",))
    for _ in range(200):  # word 1 on passages about sdg:4 alone
        rows.append([0, 1, 1]); primaries.append(("sdg:4",)); labels.append(("sdg:4",))
    return np.array(rows, dtype=float), primaries, labels


def test_gold_choice_trains_the_choice_among_a_passages_own_labels():
    tax = default_taxonomy()
    X, primaries, labels = _choice_data()
    ids = list(tax.ids)
    P = np.zeros((2, len(ids)))
    P[:, [ids.index("sdg:4"), ids.index("sdg:8")]] = 0.9  # both apply
    both = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    main = {}
    for lam in (0.0, 1.0):
        head = PrimaryHead(gold_choice=lam).fit(X, primaries, tax, labels=labels)
        mask = head.main_mask(both, P, ids, 0.5, tax)
        main[lam] = [ids[j] for j in np.flatnonzero(mask[0])] + [ids[j] for j in np.flatnonzero(mask[1])]
    assert main[1.0] == ["sdg:4", "sdg:8"]
    assert main[0.0] == ["sdg:8", "sdg:4"]  # the all-class head follows the single-label passages


def test_gold_choice_zero_matches_the_plain_multinomial_model():
    from classifier.primary_head import _fit_choice
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    import scipy.sparse as sp
    X = sp.random(400, 30, density=0.2, random_state=0, format="csr")
    y = rng.integers(0, 4, 400)
    W, b = _fit_choice(X, y, np.ones((400, 4), dtype=bool), 0.0, 4.0)
    reference = LogisticRegression(C=4.0, max_iter=3000).fit(X, y)
    np.testing.assert_allclose(W - W.mean(axis=0), reference.coef_ - reference.coef_.mean(axis=0), atol=0.05)


def test_gold_choice_needs_the_gold_labels():
    tax = default_taxonomy()
    X, primaries, labels = _choice_data()
    with pytest.raises(ValueError, match="labels"):
        PrimaryHead(gold_choice=0.5).fit(X, primaries, tax)
    with pytest.raises(ValueError, match="between 0 and 1"):
        PrimaryHead(gold_choice=2.0).fit(X, primaries, tax, labels=labels)


def test_score_weight_lets_a_much_surer_label_win_over_the_heads_choice():
    tax = default_taxonomy()
    X, primaries, labels = _choice_data()
    ids = list(tax.ids)
    P = np.zeros((1, len(ids)))
    P[0, ids.index("sdg:4")] = 0.99
    P[0, ids.index("sdg:8")] = 0.55
    word0 = np.array([[1.0, 0, 0]])
    picked = {}
    for beta in (0.0, 50.0):
        head = PrimaryHead(score_weight=beta).fit(X, primaries, tax)
        picked[beta] = ids[int(np.flatnonzero(head.main_mask(word0, P, ids, 0.5, tax)[0])[0])]
    assert picked == {0.0: "sdg:8", 50.0: "sdg:4"}


def test_invariance_makes_translations_of_a_two_label_passage_get_one_main_label():
    """Columns 0-1 are the sdg:4 / sdg:8 words of language A, 3-4 of language B. Each language's training passages
    resolve the two-label passage differently (A: sdg:4, B: sdg:8, on fewer passages); parallel rows (the same
    two-label passage in both languages, no primary label needed) make the head choose one main label for both, the
    one most training passages chose."""
    from classifier.invariance import translation_differences

    tax = default_taxonomy()
    ids = list(tax.ids)
    rows, primaries = [], []
    for lang, mixed, n_mixed in ((0, "sdg:4", 30), (3, "sdg:8", 10)):
        for cols, label, n in (((0,), "sdg:4", 40), ((1,), "sdg:8", 40), ((0, 1), mixed, n_mixed)):
            x = np.zeros(6)
            x[[lang + c for c in cols]] = 1.0
            rows += [x] * n
            primaries += [(label,)] * n
    X = np.array(rows)
    pair = np.array([[1.0, 1.0, 0, 0, 0, 0], [0, 0, 0, 1.0, 1.0, 0]])
    parallel = translation_differences(np.vstack([pair] * 3), ["a", "a", "b", "b", "c", "c"])
    P = np.zeros((2, len(ids)))
    P[:, [ids.index("sdg:4"), ids.index("sdg:8")]] = 0.9
    singles = np.array([[1.0, 0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0, 0], [0, 0, 0, 1.0, 0, 0], [0, 0, 0, 0, 1.0, 0]])
    P4 = np.zeros((4, len(ids)))
    P4[:, [ids.index("sdg:4"), ids.index("sdg:8")]] = 0.9

    def mains(head, F, probs):
        return [ids[int(j)] for j in np.flatnonzero(head.main_mask(F, probs, ids, 0.5, tax)) % len(ids)]

    plain = PrimaryHead().fit(X, primaries, tax)
    tied = PrimaryHead(invariance=100.0).fit(X, primaries, tax, parallel=parallel)
    assert mains(plain, pair, P) == ["sdg:4", "sdg:8"]
    assert mains(tied, pair, P) == ["sdg:4", "sdg:4"]
    # the words of one topic still choose that topic in both languages
    assert mains(tied, singles, P4) == ["sdg:4", "sdg:8", "sdg:4", "sdg:8"]
    # without parallel rows the penalty has nothing to act on: the plain head
    again = PrimaryHead(invariance=100.0).fit(X, primaries, tax)
    assert mains(again, pair, P) == mains(plain, pair, P)
