import numpy as np
import pytest

from evaluation.bootstrap import (confidence_intervals, paired_difference, paired_share_difference, resample_weights,
                                 share_interval, weighted_metrics)


def _data(n=200, seed=3):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, 6)) < 0.3).astype(np.int8)
    noise = rng.random((n, 6)) < 0.15
    pred = np.where(noise, 1 - Y, Y).astype(np.int8)
    return Y, pred


def test_bootstrap_weights_keep_each_stratum_size():
    strata = ["pl"] * 5 + ["cs"] * 3 + ["en"] * 7
    W = resample_weights(strata, n_boot=50, seed=1)
    assert W.shape == (50, 15)
    assert (W[:, :5].sum(1) == 5).all() and (W[:, 5:8].sum(1) == 3).all() and (W[:, 8:].sum(1) == 7).all()


def test_bootstrap_interval_contains_the_point_estimate():
    Y, pred = _data()
    W = resample_weights(["x"] * len(Y), n_boot=500, seed=0)
    ci = confidence_intervals(Y, pred, W, [f"l{j}" for j in range(6)])
    point = weighted_metrics(Y, pred, np.ones((1, len(Y))))
    for m in ("micro_f1", "macro_f1", "samples_f1", "subset_accuracy", "hamming_loss"):
        lo, hi = ci[m]
        assert lo <= point[m][0] <= hi, m
        assert hi - lo > 0, m
    assert set(ci["labels"]) == {f"l{j}" for j in range(6)}


def test_bootstrap_is_deterministic_with_the_seed():
    Y, pred = _data()
    ids = [f"l{j}" for j in range(6)]
    a = confidence_intervals(Y, pred, resample_weights(["x"] * len(Y), 300, seed=7), ids)
    b = confidence_intervals(Y, pred, resample_weights(["x"] * len(Y), 300, seed=7), ids)
    c = confidence_intervals(Y, pred, resample_weights(["x"] * len(Y), 300, seed=8), ids)
    assert a == b
    assert a != c


def test_bootstrap_paired_difference_of_a_model_with_itself_is_zero_and_not_significant():
    Y, pred = _data()
    W = resample_weights(["x"] * len(Y), 200, seed=0)
    d = paired_difference(Y, pred, pred, W)
    assert d["delta"] == 0 and d["interval"] == [0.0, 0.0] and d["p_worse"] == 1.0


def test_bootstrap_paired_difference_detects_a_worse_model():
    Y, pred = _data()
    worse = pred.copy()
    worse[: len(Y) // 2] = 0  # half of the passages lose all their tags
    W = resample_weights(["x"] * len(Y), 500, seed=0)
    d = paired_difference(Y, pred, worse, W)
    assert d["delta"] < -0.1 and d["interval"][1] < 0 and d["p_worse"] < 0.01


def test_share_interval_over_resampled_groups_brackets_the_share_and_narrows_with_more_groups():
    few, many = [True] * 8 + [False] * 2, [True] * 80 + [False] * 20
    lo, hi = share_interval(few)
    assert lo <= 0.8 <= hi and lo < hi
    lo2, hi2 = share_interval(many)
    assert lo2 <= 0.8 <= hi2 and hi2 - lo2 < hi - lo
    assert share_interval([True] * 5) == [1.0, 1.0]


def test_paired_share_difference_counts_the_groups_each_model_alone_gets():
    a = [True] * 90 + [False] * 10
    same = paired_share_difference(a, a)
    assert same["delta"] == 0.0 and same["interval"] == [0.0, 0.0] and same["gained"] == same["lost"] == 0
    b = [False] * 10 + [True] * 90  # the first ten lost, the last ten gained: same share
    swap = paired_share_difference(a, b)
    assert swap["delta"] == 0.0 and swap["gained"] == 10 and swap["lost"] == 10 and swap["interval"][0] < 0 < swap["interval"][1]
    worse = paired_share_difference(a, [False] * 30 + [True] * 60 + [False] * 10)
    assert worse["delta"] == -0.3 and worse["interval"][1] < 0 and worse["p_worse"] < 0.01 and worse["lost"] == 30
    with pytest.raises(ValueError):
        paired_share_difference(a, a[:-1])
