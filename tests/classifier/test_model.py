import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from classifier.artifact import load_tagger, save_tagger
from classifier.model import PassageClassifier
from classifier.taxonomy import default_taxonomy
from classifier.train import label_matrix
from corpus.dataset import LabelledPassage
from corpus.errors import ModelIncompatible, ModelMissing, TaxonomyError

PROBES = [
    ("Instalacja pomp ciepła i paneli fotowoltaicznych w budynkach szkół.", "pl"),
    ("Nová tramvajová trať a cyklostezky.", "cs"),
    ("Rekvalifikačné kurzy pre nezamestnaných.", "sk"),
    ("Online ügyintézés és részvételi költségvetés.", "hu"),
    ("Heat pumps and solar panels on school buildings.", "en"),
]


def test_model_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        PassageClassifier().predict_proba(PROBES)


def test_model_keeps_the_sklearn_contract(tiny_tagger):
    est = tiny_tagger.estimator
    fresh = clone(est)
    assert fresh.get_params() == est.get_params()
    assert not hasattr(fresh, "coef_")


def test_model_probabilities_are_in_unit_interval_and_rank_the_topic(tiny_tagger):
    ids = tiny_tagger.label_ids
    P = tiny_tagger.predict_texts(PROBES)
    assert P.shape == (len(PROBES), len(ids))
    assert ((P >= 0) & (P <= 1)).all()
    energy, mobility = ids.index("gd:energy"), ids.index("gd:mobility")
    assert P[0, energy] > P[0, mobility]
    assert P[1, mobility] > P[1, energy]


def test_model_train_save_load_gives_identical_predictions(tiny_tagger, tiny_records, tmp_path):
    saved = save_tagger(tiny_tagger, tmp_path / "m", {"name": "copy"})
    again = load_tagger(saved)
    np.testing.assert_array_equal(tiny_tagger.predict_texts(PROBES), again.predict_texts(PROBES))
    np.testing.assert_array_equal(tiny_tagger.thresholds, again.thresholds)


def test_model_batch_prediction_equals_one_by_one(tiny_tagger):
    batch = tiny_tagger.predict_texts(PROBES)
    single = np.vstack([tiny_tagger.predict_texts([p]) for p in PROBES])
    np.testing.assert_allclose(batch, single, rtol=1e-6)


def test_model_unknown_labels_are_masked_not_negative():
    tax = default_taxonomy()
    recs = [LabelledPassage("a", "text", "en", ("sdg:7",), "x", schemes=("sdg",))]
    Y = label_matrix(recs, tax)
    assert Y[0, tax.index("sdg:7")] == 1
    assert Y[0, tax.index("sdg:3")] == 0
    assert Y[0, tax.index("gd:energy")] == -1


def test_model_unknown_label_in_data_raises():
    with pytest.raises(TaxonomyError) as info:
        label_matrix([LabelledPassage("a", "t", "en", ("sdg:18",), "x")], default_taxonomy())
    assert info.value.code == "unknown_label"


def test_model_missing_and_incompatible_artifacts(tmp_path, tiny_model_dir):
    with pytest.raises(ModelMissing) as info:
        load_tagger(tmp_path / "nothing")
    assert info.value.code == "model_missing"
    broken = tmp_path / "broken"
    broken.mkdir()
    meta = (tiny_model_dir / "model.json").read_text().replace('"format_version": 1', '"format_version": 99')
    (broken / "model.json").write_text(meta)
    with pytest.raises(ModelIncompatible) as info:
        load_tagger(broken)
    assert info.value.code == "model_incompatible"
    (broken / "model.json").write_text((tiny_model_dir / "model.json").read_text())
    (broken / "model.joblib").write_bytes(b"not a pickle")
    with pytest.raises(ModelIncompatible):
        load_tagger(broken)


def test_model_unjudged_labels_of_an_annotated_scheme_are_unknown():
    tax = default_taxonomy()
    rec = LabelledPassage("a", "text", "en", ("sdg:13",), "weak:x", schemes=("sdg",), unknown=("sdg:17",))
    Y = label_matrix([rec], tax)
    assert Y[0, tax.index("sdg:13")] == 1 and Y[0, tax.index("sdg:7")] == 0
    assert Y[0, tax.index("sdg:17")] == -1


def test_threshold_tolerance_reaches_the_threshold_tuning_and_is_recorded(tiny_records, monkeypatch):
    from dataclasses import replace

    from classifier import train as train_module

    seen = []
    real = train_module.best_f1_thresholds

    def spy(Y, P, **kwargs):
        seen.append(kwargs.get("tolerance"))
        return real(Y, P, **kwargs)

    monkeypatch.setattr(train_module, "best_f1_thresholds", spy)
    dev = [replace(r, id=f"{r.id}-dev", text=f"{r.text} (dev)", split="dev") for r in tiny_records[::2]]
    _, report = train_module.train_tagger(tiny_records + dev, estimator_params={"n_features": 2**16, "max_weights": 5000},
                                          threshold_tolerance=0.02)
    assert seen == [0.02] and report["threshold_tolerance"] == 0.02
