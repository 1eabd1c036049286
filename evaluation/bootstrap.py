"""Bootstrap over passages: 95% confidence intervals of the summary metrics and paired comparisons of two models
on the same passages.

A resample is a vector of counts (how often each passage is drawn). Resampling is stratified by language, so a
language's interval reflects its own number of passages. All metrics of all resamples are computed at once from
per-passage true/false positive counts, so 1,000 resamples of a few thousand passages take well under a second.
The same seed gives the same resamples, hence the same intervals."""

from __future__ import annotations

import numpy as np

from evaluation.metrics import UNKNOWN

N_BOOT = 1000
SEED = 0
SUMMARY_METRICS = ("micro_f1", "macro_f1", "samples_f1", "subset_accuracy", "hamming_loss")


def resample_weights(strata, n_boot: int = N_BOOT, seed: int = SEED) -> np.ndarray:
    """``(n_boot, n)`` draw counts; each stratum (e.g. language) keeps its size in every resample."""
    strata = np.asarray(strata)
    rng = np.random.default_rng(seed)
    W = np.zeros((n_boot, len(strata)), dtype=np.float64)
    for s in sorted(set(strata.tolist())):
        rows = np.flatnonzero(strata == s)
        W[:, rows] = rng.multinomial(len(rows), np.full(len(rows), 1.0 / len(rows)), size=n_boot)
    return W


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b > 0)


def weighted_metrics(Y: np.ndarray, pred: np.ndarray, W: np.ndarray) -> dict[str, np.ndarray]:
    """Summary metrics (each shape ``(len(W),)``) and per-label F1 (``label_f1``, shape ``(len(W), n_labels)``)
    for every row of passage weights ``W``; ``W = ones((1, n))`` gives the plain point estimates."""
    known = Y != UNKNOWN
    gold = (Y == 1) & known
    hit = (pred == 1) & known
    tp, fp, fn = (gold & hit).astype(float), (~gold & hit).astype(float), (gold & ~hit).astype(float)
    TP, FP, FN, G = np.split(W @ np.hstack([tp, fp, fn, gold.astype(float)]), 4, axis=1)  # one product for all four
    label_f1 = _div(2 * TP, 2 * TP + FP + FN)
    supported = G > 0
    micro = _div(2 * TP.sum(1), (2 * TP + FP + FN).sum(1))
    macro = _div((label_f1 * supported).sum(1), supported.sum(1).astype(float))
    rows = known.any(axis=1)
    Wr = W[:, rows]
    denom = gold.sum(1) + hit.sum(1)
    sample_f = np.where(denom == 0, 1.0, _div(2 * tp.sum(1), denom.astype(float)))
    exact = ((fp + fn).sum(1) == 0).astype(float)
    n_rows = Wr.sum(1)
    return {
        "micro_f1": micro,
        "macro_f1": macro,
        "samples_f1": _div(Wr @ sample_f[rows], n_rows),
        "subset_accuracy": _div(Wr @ exact[rows], n_rows),
        "hamming_loss": _div(W @ (fp + fn).sum(1), W @ known.sum(1).astype(float)),
        "label_f1": label_f1,
    }


def _interval(values: np.ndarray, level: float) -> list[float]:
    lo, hi = np.percentile(values, [50 * (1 - level), 50 * (1 + level)])
    return [round(float(lo), 4), round(float(hi), 4)]


def confidence_intervals(Y: np.ndarray, pred: np.ndarray, W: np.ndarray, label_ids: list[str], level: float = 0.95) -> dict:
    """Percentile intervals of the summary metrics and of each supported label's F1 under the resamples ``W``."""
    boot = weighted_metrics(Y, pred, W)
    out = {m: _interval(boot[m], level) for m in SUMMARY_METRICS}
    support = ((Y == 1)).sum(0)
    out["labels"] = {label: _interval(boot["label_f1"][:, j], level) for j, label in enumerate(label_ids) if support[j] > 0}
    return out


def paired_difference(Y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray, W: np.ndarray, metric: str = "micro_f1",
                      level: float = 0.95) -> dict:
    """Difference ``b - a`` of a metric on the same passages under the same resamples: both values, the delta, its
    interval, and one-sided p-values that b is worse (``p_worse``) or better (``p_better``) than a."""
    ones = np.ones((1, Y.shape[0]))
    a, b = float(weighted_metrics(Y, pred_a, ones)[metric][0]), float(weighted_metrics(Y, pred_b, ones)[metric][0])
    delta = weighted_metrics(Y, pred_b, W)[metric] - weighted_metrics(Y, pred_a, W)[metric]
    return {"a": round(a, 4), "b": round(b, 4), **_delta_summary(b - a, delta, level)}


def paired_label_differences(Y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray, W: np.ndarray, label_ids: list[str],
                             level: float = 0.95) -> dict:
    """``paired_difference`` of F1 for every label with gold positives."""
    ones = np.ones((1, Y.shape[0]))
    a, b = weighted_metrics(Y, pred_a, ones)["label_f1"][0], weighted_metrics(Y, pred_b, ones)["label_f1"][0]
    delta = weighted_metrics(Y, pred_b, W)["label_f1"] - weighted_metrics(Y, pred_a, W)["label_f1"]
    support = (Y == 1).sum(0)
    return {label: {"a": round(float(a[j]), 4), "b": round(float(b[j]), 4), **_delta_summary(float(b[j] - a[j]), delta[:, j], level)}
            for j, label in enumerate(label_ids) if support[j] > 0}


def _delta_summary(point: float, delta: np.ndarray, level: float) -> dict:
    n = len(delta)
    return {
        "delta": round(point, 4),
        "interval": _interval(delta, level),
        # +1 in numerator and denominator: a p-value from n resamples is never below 1/(n+1)
        "p_worse": round(float((np.sum(delta >= 0) + 1) / (n + 1)), 4),
        "p_better": round(float((np.sum(delta <= 0) + 1) / (n + 1)), 4),
    }


def _group_weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    return resample_weights(np.zeros(n, dtype=int), n_boot, seed)


def share_interval(flags, n_boot: int = N_BOOT, seed: int = SEED, level: float = 0.95) -> list[float]:
    """Percentile interval of the share of true ``flags`` (one per group) when the groups are resampled."""
    flags = np.asarray(flags, dtype=np.float64)
    if not len(flags):
        return [0.0, 0.0]
    W = _group_weights(len(flags), n_boot, seed)
    return _interval(W @ flags / len(flags), level)


def paired_share_difference(flags_a, flags_b, n_boot: int = N_BOOT, seed: int = SEED, level: float = 0.95) -> dict:
    """Share of true flags for two models on the same groups (``b - a``) under the same resamples: both shares, the
    delta with its interval and one-sided p-values (as ``paired_difference``), and how many groups only b
    (``gained``) or only a (``lost``) gets right."""
    a, b = np.asarray(flags_a, dtype=bool), np.asarray(flags_b, dtype=bool)
    if a.shape != b.shape:
        raise ValueError("both models must be scored on the same groups")
    n = max(len(a), 1)
    W = _group_weights(len(a), n_boot, seed)
    delta = W @ (b.astype(np.float64) - a.astype(np.float64)) / n
    return {"groups": len(a), "a": round(float(a.mean()), 4) if len(a) else 0.0, "b": round(float(b.mean()), 4) if len(b) else 0.0,
            **_delta_summary(float(b.mean() - a.mean()) if len(a) else 0.0, delta, level),
            "gained": int((b & ~a).sum()), "lost": int((a & ~b).sum())}
