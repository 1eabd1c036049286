"""Training weights by provenance: a source can count less, or not at all."""

import numpy as np

from classifier.train import provenance_weight, train_tagger
from classifier.taxonomy import default_taxonomy
from corpus.dataset import LabelledPassage

SMALL = {"n_features": 2**16, "max_weights": 5000}


def test_provenance_weight_first_matching_prefix_wins():
    weights = {"weak:sdg-queries": 0.0, "weak:": 0.5}
    assert provenance_weight("weak:sdg-queries", weights) == 0.0
    assert provenance_weight("weak:ccc-sections+sdg-queries", weights) == 0.5
    assert provenance_weight("seed", weights) == 1.0
    assert provenance_weight("seed", None) == 1.0


def _noisy(tiny_records, n=12):
    """Copies of the English energy passages, mislabelled as education by a 'noisy' source."""
    energy = [r for r in tiny_records if r.language == "en" and "sdg:7" in r.labels]
    return [LabelledPassage(f"noisy{i}", f"{r.text} [{i}]", "en", ("sdg:4",), "noisy", schemes=("sdg",), split="train")
            for i in range(n) for r in energy[:1]]


def test_weight_zero_leaves_a_source_out(tiny_records):
    records = tiny_records + _noisy(tiny_records)
    _, report = train_tagger(records, estimator_params=SMALL, provenance_weights={"noisy": 0.0})
    _, clean = train_tagger(tiny_records, estimator_params=SMALL)
    assert "noisy" not in report["counts"]["train"]
    assert report["data_fingerprint"] == clean["data_fingerprint"]
    assert report["provenance_weights"] == {"noisy": 0.0}


def test_a_down_weighted_source_moves_the_model_less(tiny_records):
    records = tiny_records + _noisy(tiny_records)
    tax = default_taxonomy()
    text = [(r.text, r.language) for r in tiny_records if r.language == "en" and "sdg:7" in r.labels][:1]
    p = {}
    for w in (1.0, 0.05):
        tagger, _ = train_tagger(records, estimator_params=SMALL, provenance_weights={"noisy": w})
        p[w] = tagger.predict_texts(text)[0]
    assert p[0.05][tax.index("sdg:4")] < p[1.0][tax.index("sdg:4")]
    assert p[0.05][tax.index("sdg:7")] > p[1.0][tax.index("sdg:7")]


def test_cli_weight_options():
    import pytest

    from service.cli import _weights

    assert _weights(None) is None  # the training defaults
    assert _weights(["none"]) == {}
    assert _weights(["weak:sdg-queries=0", "weak:=0.5"]) == {"weak:sdg-queries": 0.0, "weak:": 0.5}
    with pytest.raises(SystemExit, match="PREFIX=NUMBER"):
        _weights(["weak:"])


def test_secondary_labels_count_less_only_where_a_primary_label_is_named():
    from classifier.train import label_weights

    tax = default_taxonomy()
    records = [
        LabelledPassage("a", "x", "en", ("sdg:7", "sdg:13", "gd:energy"), "seed", primary=("sdg:7",)),
        LabelledPassage("b", "y", "en", ("sdg:7", "sdg:13"), "seed"),
    ]
    W = label_weights(records, tax, np.array([1.0, 0.5]), secondary=0.25)
    assert W.shape == (2, len(tax))
    assert W[0, tax.index("sdg:13")] == 0.25  # secondary SDG of a passage about sdg:7
    assert W[0, tax.index("sdg:7")] == 1.0 and W[0, tax.index("gd:energy")] == 1.0  # no Green Deal primary named
    assert W[0, tax.index("sdg:4")] == 1.0  # negatives keep their weight
    assert (W[1] == 0.5).all()  # no primary: the row weight everywhere
    assert label_weights(records, tax, None, secondary=1.0) is None


def test_per_label_weights_in_the_linear_heads_match_row_weights_when_equal(tiny_records):
    from classifier.linear import fit_masked_labels
    from classifier.model import PassageClassifier
    from classifier.train import label_matrix

    tax = default_taxonomy()
    est = PassageClassifier(**SMALL)
    X = est.fit([(r.text, r.language) for r in tiny_records], label_matrix(tiny_records, tax)).transform(
        [(r.text, r.language) for r in tiny_records])
    Y = label_matrix(tiny_records, tax)
    w = np.linspace(0.5, 1.5, len(tiny_records))
    one = fit_masked_labels(X, Y, est._base, sample_weight=w)
    two = fit_masked_labels(X, Y, est._base, sample_weight=np.repeat(w[:, None], Y.shape[1], axis=1))
    for a, b in zip(one, two):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    W = np.repeat(w[:, None], Y.shape[1], axis=1)
    j = tax.index("sdg:7")
    W[Y[:, j] == 1, j] *= 0.1  # the label's positives barely count: its model must change
    three = fit_masked_labels(X, Y, est._base, sample_weight=W)
    pos = np.flatnonzero(Y[:, j] == 1)
    score = lambda fit: np.asarray(X[pos] @ fit[0][j]).ravel() + fit[1][j]  # noqa: E731
    assert score(three).mean() < score(one).mean()
    np.testing.assert_allclose(three[0][j - 1], one[0][j - 1], rtol=1e-5)


def test_a_lower_secondary_weight_lowers_the_secondary_label_score(tiny_records):
    tax = default_taxonomy()
    both = [r for r in tiny_records if "sdg:7" in r.labels and r.kind != "hard-negative"]
    records = [LabelledPassage(**{**r.__dict__, "labels": tuple(sorted(set(r.labels) | {"sdg:13"})), "primary": ("sdg:7",)})
               if r in both else r for r in tiny_records]
    text = [(r.text, r.language) for r in both[:3]]
    p = {}
    for w in (1.0, 0.2):
        tagger, report = train_tagger(records, estimator_params=SMALL, secondary_weight=w)
        p[w] = tagger.predict_texts(text)
        assert report["secondary_weight"] == w
    assert (p[0.2][:, tax.index("sdg:13")] < p[1.0][:, tax.index("sdg:13")]).all()
