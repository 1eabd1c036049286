import numpy as np
import pytest

from evaluation.bootstrap import weighted_metrics
from evaluation.metrics import UNKNOWN, per_label, same_top_flags, summary
from evaluation.ranking import operating_point, ranking_scores
from evaluation.thresholds import threshold_report

U = UNKNOWN
# 4 passages x 3 labels; passage 3 does not judge label c
Y = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 1], [0, 1, U]], dtype=np.int8)
PRED = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=np.int8)
IDS = ["a", "b", "c"]


def test_metrics_per_label_by_hand():
    out = per_label(Y, PRED, IDS)
    # a: tp 1 (row 0), fp 1 (row 2), fn 1 (row 1) -> P = R = F1 = 0.5
    assert {k: out["a"][k] for k in ("precision", "recall", "f1", "support", "n")} == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "n": 4}
    # b: tp 2, fp 0, fn 0
    assert out["b"]["f1"] == 1.0
    # c: row 3 is unknown and its prediction is ignored: tp 1, fn 1, fp 0 -> P 1, R 0.5, F1 2/3
    assert out["c"]["precision"] == 1.0 and out["c"]["recall"] == 0.5 and out["c"]["n"] == 3
    assert out["c"]["f1"] == pytest.approx(0.6667, abs=1e-4)


def test_metrics_summary_by_hand():
    s = summary(Y, PRED, IDS)
    # pooled: tp 4, fp 1, fn 2 -> P 0.8, R 4/6, F1 = 8/11
    assert s["micro_f1"] == pytest.approx(8 / 11, abs=1e-4)
    assert s["macro_f1"] == pytest.approx((0.5 + 1 + 2 / 3) / 3, abs=1e-4)
    # samples F1 per row: 2/3, 2/3, 2/3, 1 (row 3: gold {b}, pred {b} among known) -> 0.75
    assert s["samples_f1"] == pytest.approx(0.75, abs=1e-4)
    assert s["subset_accuracy"] == 0.25
    # 3 wrong decisions out of 11 known
    assert s["hamming_loss"] == pytest.approx(3 / 11, abs=1e-4)


def test_metrics_weighted_with_unit_weights_equals_summary():
    s = summary(Y, PRED, IDS)
    w = weighted_metrics(Y, PRED, np.ones((1, 4)))
    for m in ("micro_f1", "macro_f1", "samples_f1", "subset_accuracy", "hamming_loss"):
        assert w[m][0] == pytest.approx(s[m], abs=1e-4), m


def test_metrics_weighted_counts_a_passage_twice_like_a_duplicate():
    W = np.array([[2.0, 1, 1, 1]])
    dup = np.vstack([Y, Y[:1]]), np.vstack([PRED, PRED[:1]])
    w = weighted_metrics(Y, PRED, W)
    s = summary(*dup, IDS)
    assert w["micro_f1"][0] == pytest.approx(s["micro_f1"], abs=1e-4)
    assert w["samples_f1"][0] == pytest.approx(s["samples_f1"], abs=1e-4)


def test_ranking_auc_by_hand_and_undefined_for_one_class():
    Yr = np.array([[1, 1], [0, 1], [1, 1], [0, U]], dtype=np.int8)
    P = np.array([[0.9, 0.5], [0.8, 0.4], [0.3, 0.2], [0.1, 0.9]])
    out = ranking_scores(Yr, P, ["x", "y"])
    # positive scores 0.9, 0.3; negatives 0.8, 0.1: 3 of 4 pairs ordered -> ROC-AUC 0.75
    assert out["x"]["roc_auc"] == 0.75
    # AP: ranks 0.9 (+, precision 1), 0.8 (-), 0.3 (+, precision 2/3) -> (1 + 2/3) / 2
    assert out["x"]["pr_auc"] == pytest.approx(5 / 6, abs=1e-4)
    assert out["y"] == {"roc_auc": None, "pr_auc": None}


def test_threshold_report_finds_the_better_threshold():
    y = np.array([[1], [1], [0], [0]], dtype=np.int8)
    P = np.array([[0.4], [0.35], [0.2], [0.1]])
    rep = threshold_report(y, P, np.array([0.5]), ["x"])["x"]
    assert rep["chosen"] == operating_point(y[:, 0], P[:, 0], 0.5) and rep["chosen"]["recall"] == 0.0
    assert rep["best"]["f1"] == 1.0 and 0.2 < rep["best"]["threshold"] <= 0.35
    assert rep["gain"] == 1.0


def test_threshold_tolerance_prefers_the_threshold_nearest_one_half_on_a_flat_peak():
    from evaluation.metrics import best_f1_thresholds

    # 10 positives scored 0.3-0.9 and 10 negatives 0.05-0.26: 0.275 and 0.3 separate them (F1 1.0); 0.325 and 0.35
    # lose the positive at 0.3 (F1 0.947); 0.375 to 0.5 lose two (F1 0.889)
    pos = [0.3, 0.35, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.85, 0.9]
    neg = [0.05, 0.1, 0.1, 0.15, 0.15, 0.2, 0.2, 0.25, 0.25, 0.26]
    P = np.array(pos + neg)[:, None]
    Y = np.array([1] * 10 + [0] * 10)[:, None]
    assert best_f1_thresholds(Y, P)[0] == 0.3  # a tie goes to the threshold nearer 0.5
    assert best_f1_thresholds(Y, P, tolerance=0.06)[0] == 0.35
    assert best_f1_thresholds(Y, P, tolerance=0.12)[0] == 0.5


def test_same_top_flags_mark_the_groups_whose_top_label_agrees():
    P = np.array([[0.9, 0.1], [0.8, 0.3], [0.2, 0.7], [0.6, 0.5]])
    flags = same_top_flags(["g1", "g1", "g2", "g2"], ["en", "pl", "en", "pl"], P, ["sdg", "sdg"])
    assert flags["all"] == flags["sdg"] == {"g1": True, "g2": False}  # two groups, one agrees
    assert same_top_flags(["g1", "g1"], ["en", "pl"], P[:2], ["sdg", "sdg"], ["sdg"]).keys() == {"sdg"}
