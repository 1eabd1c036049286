import numpy as np
import pytest

from evaluation.calibration import calibration, calibration_errors, reliability_bins
from evaluation.metrics import UNKNOWN


def test_calibration_ece_on_a_constructed_example():
    # bin [0.1, 0.2): mean 0.1, frequency 0.5 (gap 0.4, 2 of 4); bin [0.9, 1.0]: mean 0.9, frequency 1 (gap 0.1, 2 of 4)
    out = calibration_errors(np.array([0, 1, 1, 1]), np.array([0.1, 0.1, 0.9, 0.9]))
    assert out["ece"] == pytest.approx(0.25)
    assert out["mce"] == pytest.approx(0.4)
    assert out["n"] == 4


def test_calibration_ece_is_the_mean_gap_and_zero_when_exact():
    y = np.array([1] * 7 + [0] * 3 + [0] * 10)
    p = np.array([0.75] * 10 + [0.05] * 10)  # 70% of the 0.75s are right: gap 0.05 in one bin, 0.05 in the other
    assert calibration_errors(y, p)["ece"] == pytest.approx(0.05)
    assert calibration_errors(np.array([1, 0]), np.array([1.0, 0.0]))["ece"] == 0.0


def test_calibration_bins_cover_zero_to_one_and_include_one():
    bins = reliability_bins(np.array([1, 0, 1]), np.array([1.0, 0.0, 0.55]), n_bins=10)
    assert len(bins) == 10 and bins[0]["lower"] == 0.0 and bins[-1]["upper"] == 1.0
    assert bins[-1]["n"] == 1 and bins[0]["n"] == 1 and bins[5]["n"] == 1
    assert bins[3]["mean_probability"] is None


def test_calibration_ignores_unknown_entries():
    Y = np.array([[1, UNKNOWN], [0, 0]], dtype=np.int8)
    P = np.array([[0.95, 0.99], [0.05, 0.05]])
    out = calibration(Y, P)
    assert out["n"] == 3
    assert out["ece"] == pytest.approx((0.05 + 0.05 + 0.05) / 3)
