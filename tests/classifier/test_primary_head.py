"""The primary head: among the labels a passage earns, the one it is mainly about comes first."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from classifier.model import PassageClassifier
from classifier.primary_head import PrimaryHead
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
