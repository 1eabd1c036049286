"""Source indicators seen in training only: a source's own label habits stay with the source."""

import numpy as np
import pytest

from classifier.model import PassageClassifier
from classifier.taxonomy import default_taxonomy
from classifier.train import label_matrix, source_key, train_tagger
from corpus.dataset import LabelledPassage

SMALL = {"n_features": 2**16, "max_weights": 5000}


def _with_habit(tiny_records, n=12):
    """Copies of an English energy passage from a source that also tags every passage sdg:4."""
    energy = [r for r in tiny_records if r.language == "en" and "sdg:7" in r.labels]
    habit = [LabelledPassage(f"h{i}", f"{energy[0].text} [{i}]", "en", tuple(sorted(set(energy[0].labels) | {"sdg:4"})),
                             "mapped:habit", split="train") for i in range(n)]
    seed = [LabelledPassage(**{**r.__dict__, "provenance": "seed"}) for r in tiny_records]
    return seed + habit, [(r.text, r.language) for r in energy[1:3]]


def test_source_key_names_source_and_language_and_leaves_seed_as_reference():
    assert source_key(LabelledPassage("a", "t", "pl", (), "seed")) == ""
    assert source_key(LabelledPassage("a", "t", "hu", (), "mapped:esif+e5")) == "mapped:esif|hu"
    assert source_key(LabelledPassage("a", "t", "en", (), "weak:ccc-sections+sdg-queries")) == "weak:ccc-sections|en"


def test_a_source_indicator_absorbs_the_source_label_habit(tiny_records):
    records, energy_texts = _with_habit(tiny_records)
    j = default_taxonomy().index("sdg:4")
    p = {}
    for prior, marginal in ((0.0, False), (1.0, False), (1.0, True)):
        tagger, _ = train_tagger(records, estimator_params={**SMALL, "source_prior": prior, "source_marginal": marginal})
        p[prior, marginal] = tagger.predict_texts(energy_texts)[:, j]
        assert tagger.estimator.sources_ == (("mapped:habit|en",) if prior else ())
    assert (p[1.0, False] < p[0.0, False] - 0.1).all()
    # scored as the training mix of sources: the habit's share of the rows comes back, the same for every text
    assert (p[1.0, False] < p[1.0, True]).all() and (p[1.0, True] < p[0.0, False]).all()


def test_indicators_are_dropped_from_the_model_and_need_aligned_sources(tiny_records):
    records, _ = _with_habit(tiny_records)
    X = [(r.text, r.language) for r in records]
    Y = label_matrix(records, default_taxonomy())
    est = PassageClassifier(**SMALL, source_prior=1.0).fit(X, Y, sources=[source_key(r) for r in records])
    assert est.coef_.shape == (Y.shape[1], SMALL["n_features"])
    assert np.isfinite(est.predict_proba(X[:3])).all()
    with pytest.raises(ValueError, match="aligned"):
        PassageClassifier(**SMALL, source_prior=1.0).fit(X, Y, sources=["x"])
    # without the option the sources change nothing
    a = PassageClassifier(**SMALL).fit(X, Y, sources=[source_key(r) for r in records]).predict_proba(X[:5])
    b = PassageClassifier(**SMALL).fit(X, Y).predict_proba(X[:5])
    np.testing.assert_allclose(a, b)
