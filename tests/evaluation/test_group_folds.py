"""Consistency by group folds of the training parallel groups: each group is scored by a model that never saw it."""

from dataclasses import replace

from classifier import model as model_module
from evaluation.group_folds import fold_of, group_fold_consistency

SMALL = {"n_features": 2**16, "max_weights": 5000}


def _as_groups(tiny_records):
    """The tiny corpus says the same four things in five languages: topic i, variant v is one parallel group."""
    topic = {}
    out = []
    for r in tiny_records:
        i = topic.setdefault((r.language, r.text.split(" (")[0].strip()), len([k for k in topic if k[0] == r.language]))
        out.append(replace(r, group=f"g{i}-{r.id.rsplit('-', 1)[1]}"))
    return out


def test_every_training_group_is_scored_once_by_a_model_that_did_not_see_it(tiny_records, monkeypatch):
    records = _as_groups(tiny_records)
    seen = []
    fit = model_module.PassageClassifier.fit

    seen_groups = []

    def spy(self, X, Y, sample_weight=None, sources=None, groups=None):
        seen.append({text for text, _ in X})
        seen_groups.append(set(groups or ()))
        return fit(self, X, Y, sample_weight=sample_weight, sources=sources, groups=groups)

    monkeypatch.setattr(model_module.PassageClassifier, "fit", spy)
    out = group_fold_consistency(records, folds=3, estimator_params=SMALL)
    groups = {r.group for r in records}
    assert out["groups"] == len(groups) == 12
    assert sum(f["groups"] for f in out["per_fold"]) == 12
    for k, texts, fit_groups in zip([f["fold"] for f in out["per_fold"]], seen, seen_groups):
        held = {r.text for r in records if fold_of(r.group, 3) == k}
        assert held and not held & texts
        # the groups the model is told of (for the translation-invariance penalty) are the training fold's only
        assert fit_groups and not {r.group for r in records if fold_of(r.group, 3) == k} & fit_groups
    sdg = out["same_top_label"]["sdg"]
    assert sdg["groups"] == 12 and 0 <= sdg["agree"] <= 12
    assert all(set(c) == {"missed", "spurious"} and sum(c.values()) <= 12 for c in out["label_flips"].values())
    # the other variants of a topic are in training, so most held-out groups come out alike in all five languages
    assert sdg["share"] >= 0.5


def test_weight_zero_sources_are_left_out(tiny_records, monkeypatch):
    records = _as_groups(tiny_records)
    sizes = []
    fit = model_module.PassageClassifier.fit

    def counting(self, X, Y, sample_weight=None, sources=None, groups=None):
        sizes.append(len(X))
        return fit(self, X, Y, sample_weight, sources, groups)

    monkeypatch.setattr(model_module.PassageClassifier, "fit", counting)
    hu = [replace(r, provenance="other") if r.language == "hu" else r for r in records]
    group_fold_consistency(hu, folds=2, provenance_weights={"other": 0.0}, estimator_params=SMALL)
    assert sum(sizes) == len([r for r in records if r.language != "hu"])  # each non-Hungarian row fits in one fold


def _led(tiny_records):
    """Copies outside the groups that name a primary label, as the one-label seed files' passages do."""
    main = {"sdg:7", "sdg:4", "sdg:11", "sdg:16"}
    return [replace(r, id=f"{r.id}-led", text=f"{r.text} [led]", group=None,
                    primary=tuple(x for x in r.labels if x in main)) for r in tiny_records]


def test_primary_head_option_scores_the_main_label_on_the_same_groups(tiny_records):
    records = [replace(r, primary=()) for r in _as_groups(tiny_records)]
    led = _led(tiny_records)
    out = group_fold_consistency(records + led, folds=3, estimator_params=SMALL, primary_head=True,
                                 head_variants={"tiny": {"max_weights": 5}})
    assert out["main_label"]["sdg"]["groups"] == out["same_top_label"]["sdg"]["groups"] == 12
    assert out["main_label:tiny"]["sdg"]["groups"] == 12
    assert all("main_label" in f and "main_label:tiny" in f for f in out["per_fold"])
    # accuracy of the main label on primary-labelled passages the head did not learn from (each scored once)
    multi = [r for r in led if r.primary and sum(x.startswith("sdg:") for x in r.labels) >= 2
             and r.primary[0].startswith("sdg:")]
    assert out["main_accuracy"]["sdg"]["groups"] == len(multi) > 0
    assert 0 <= out["main_accuracy"]["sdg"]["agree"] <= len(multi)
    assert "main_label" not in group_fold_consistency(records, folds=3, estimator_params=SMALL)


def test_threshold_tolerances_score_the_main_label_with_thresholds_tuned_on_dev(tiny_records):
    records = _as_groups(tiny_records)
    led = _led(tiny_records)
    dev = [replace(r, id=f"{r.id}-dev", text=f"{r.text} [dev]", group=None, split="dev") for r in tiny_records]
    out = group_fold_consistency(records + led + dev, folds=3, estimator_params=SMALL, primary_head=True,
                                 threshold_tolerances=(0.0, 0.05))
    for key in ("main_label:tol0.0", "main_label:tol0.05"):
        assert out[key]["sdg"]["groups"] == 12 and 0 <= out[key]["sdg"]["agree"] <= 12
        assert all(key in f for f in out["per_fold"])
    assert "main_label:tol0.0" not in group_fold_consistency(records + dev, folds=3, estimator_params=SMALL,
                                                             threshold_tolerances=(0.0,))


def test_main_floors_choose_the_main_label_among_labels_near_threshold(tiny_records):
    records = _as_groups(tiny_records)
    led = _led(tiny_records)
    out = group_fold_consistency(records + led, folds=3, estimator_params=SMALL, primary_head=True,
                                 main_floors=(1.0, 0.0))
    assert out["main_label:floor1.0"] == out["main_label"]  # F 1: the labels at or above 0.5, as main_label
    assert out["main_label:floor0.0"]["sdg"]["groups"] == 12 and all("main_label:floor0.0" in f for f in out["per_fold"])
    assert "main_label:floor1.0" not in group_fold_consistency(records, folds=3, estimator_params=SMALL,
                                                               main_floors=(1.0,))


def test_implied_primary_names_the_only_gold_label_of_each_scheme():
    from classifier.taxonomy import default_taxonomy
    from corpus.dataset import LabelledPassage
    from evaluation.group_folds import implied_primary

    r = LabelledPassage("x", "t", "en", ("sdg:7", "sdg:13", "gd:energy", "smart:environment"), "seed", group="g")
    assert implied_primary(r, default_taxonomy()).primary == ("gd:energy", "smart:environment")
