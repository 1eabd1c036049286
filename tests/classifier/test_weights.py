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
