import json

import numpy as np
import pytest

from classifier.taxonomy import default_taxonomy
from evaluation.confusions import co_errors, worst_errors
from evaluation.gold import GoldSet
from evaluation.metrics import UNKNOWN
from evaluation.report import Predictions, evaluate

TAX = default_taxonomy()
IDS = TAX.ids
SCHEMES = [TAX.scheme_of(i) for i in IDS]


def _gold_and_probs(n=40, seed=0):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, len(IDS))) < 0.2).astype(np.int8)
    P = np.clip(Y * 0.6 + rng.random(Y.shape) * 0.5, 0, 1)
    langs = tuple(["pl", "cs"][i % 2] for i in range(n))
    # the Czech passages come from a source that annotates only SDGs
    for i in range(1, n, 2):
        Y[i, [j for j, s in enumerate(SCHEMES) if s != "sdg"]] = UNKNOWN
    gold = GoldSet("toy", "corpus", tuple(f"p{i}" for i in range(n)), tuple(f"text {i}" for i in range(n)), langs, Y)
    return gold, P


def test_report_has_every_metric_per_language_and_scheme():
    gold, P = _gold_and_probs()
    report = evaluate(gold, Predictions(P, np.full(len(IDS), 0.5), "toy-model"), TAX, n_boot=100)
    assert set(report.metrics) == {"all", "cs", "pl"}
    assert list(report.metrics["all"]) == ["all", "sdg", "gd", "smart"]
    cell = report.metrics["pl"]["sdg"]
    for key in ("micro_f1", "macro_f1", "samples_f1", "subset_accuracy", "hamming_loss", "macro_roc_auc", "macro_pr_auc",
                "calibration", "intervals", "positives"):
        assert key in cell, key
    lo, hi = cell["intervals"]["micro_f1"]
    assert lo <= cell["micro_f1"] <= hi
    assert report.labels["sdg:7"]["roc_auc"] is not None and "f1_interval" in report.labels["sdg:7"]
    # Czech passages do not judge Green Deal labels: nothing to measure there
    assert report.metrics["cs"]["gd"]["n"] == 0 and report.metrics["cs"]["gd"]["intervals"] is None
    assert report.label_f1_by_language["gd:energy"]["cs"] == {"f1": None, "support": 0}
    json.dumps(report.to_dict())  # JSON-serialisable


def test_report_unknown_entries_do_not_count():
    gold, P = _gold_and_probs()
    base = evaluate(gold, Predictions(P, np.full(len(IDS), 0.5)), TAX, n_boot=50)
    # changing predictions where the gold is unknown changes nothing
    P2 = P.copy()
    P2[gold.Y == UNKNOWN] = 1 - P2[gold.Y == UNKNOWN]
    other = evaluate(gold, Predictions(P2, np.full(len(IDS), 0.5)), TAX, n_boot=50)
    assert base.metrics == other.metrics and base.labels == other.labels


def test_report_is_a_pure_function_of_its_inputs():
    gold, P = _gold_and_probs()
    a = evaluate(gold, Predictions(P, np.full(len(IDS), 0.5)), TAX, n_boot=80, seed=3).to_dict()
    b = evaluate(gold, Predictions(P, np.full(len(IDS), 0.5)), TAX, n_boot=80, seed=3).to_dict()
    assert a == b


def test_report_rejects_mismatched_shapes():
    gold, P = _gold_and_probs()
    with pytest.raises(ValueError):
        evaluate(gold, Predictions(P[:, :3], np.full(3, 0.5)), TAX)


def test_confusions_co_error_matrix_by_hand():
    ids, schemes = ["s:1", "s:2", "t:1"], ["s", "s", "t"]
    Y = np.array([[1, 0, 0], [1, 0, 1], [0, 1, 0]], dtype=np.int8)
    pred = np.array([[0, 1, 0], [0, 1, 0], [1, 1, 1]], dtype=np.int8)
    out = co_errors(Y, pred, ids, schemes)
    # s:1 missed while s:2 wrongly given: rows 0 and 1; t:1 missed in row 1 but s:* is another scheme
    assert out["matrix"] == [[0, 2, 0], [0, 0, 0], [0, 0, 0]]
    assert out["top_pairs"] == [{"gold": "s:1", "predicted": "s:2", "count": 2}]


def test_confusions_worst_errors_most_confident_first():
    ids = ["a", "b"]
    Y = np.array([[0, 1], [0, 0], [1, 0]], dtype=np.int8)
    P = np.array([[0.9, 0.1], [0.6, 0.2], [0.45, 0.1]])
    out = worst_errors(Y, P, np.array([0.5, 0.5]), ids, ["x", "y", "z"], ["t1", "t2", "t3"], ["en"] * 3)
    fps = [e for e in out if e["kind"] == "false positive"]
    missed = [e for e in out if e["kind"] == "missed"]
    assert [(e["id"], e["label"]) for e in fps] == [("x", "a"), ("y", "a")]
    assert [(e["id"], e["label"]) for e in missed] == [("x", "b"), ("z", "a")]
    assert fps[0]["gold"] == ["b"] and fps[0]["predicted"] == ["a"]
