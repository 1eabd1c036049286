"""Multilabel metrics, broken down per scheme and per language. Pure functions: arrays in, dicts out."""

from __future__ import annotations

import numpy as np

UNKNOWN = -1


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def per_label(Y: np.ndarray, pred: np.ndarray, label_ids: list[str]) -> dict:
    """Precision, recall, F1 and support per label, counting only rows where the gold label is known."""
    out = {}
    for j, label in enumerate(label_ids):
        known = Y[:, j] != UNKNOWN
        y, p = Y[known, j], pred[known, j]
        tp = float(((y == 1) & (p == 1)).sum())
        fp = float(((y == 0) & (p == 1)).sum())
        fn = float(((y == 1) & (p == 0)).sum())
        prec, rec, f1 = _prf(tp, fp, fn)
        acc = float((y == p).mean()) if len(y) else 0.0
        out[label] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "accuracy": round(acc, 4),
                      "support": int((y == 1).sum()), "n": int(known.sum())}
    return out


def summary(Y: np.ndarray, pred: np.ndarray, label_ids: list[str]) -> dict:
    """Micro and macro F1 (macro over labels with support), samples F1, subset accuracy, Hamming loss."""
    labels = per_label(Y, pred, label_ids)
    known = Y != UNKNOWN
    tp = float(((Y == 1) & (pred == 1) & known).sum())
    fp = float(((Y == 0) & (pred == 1) & known).sum())
    fn = float(((Y == 1) & (pred == 0) & known).sum())
    micro_p, micro_r, micro_f = _prf(tp, fp, fn)
    supported = [v["f1"] for v in labels.values() if v["support"] > 0]
    rows_known = known.any(axis=1)
    sample_f = []
    subset = []
    for i in np.flatnonzero(rows_known):
        k = known[i]
        g, p = Y[i, k] == 1, pred[i, k] == 1
        inter = float((g & p).sum())
        denom = float(g.sum() + p.sum())
        sample_f.append(1.0 if denom == 0 else 2 * inter / denom)
        subset.append(bool((g == p).all()))
    return {
        "n": int(rows_known.sum()),
        "micro_precision": round(micro_p, 4),
        "micro_recall": round(micro_r, 4),
        "micro_f1": round(micro_f, 4),
        "macro_f1": round(float(np.mean(supported)), 4) if supported else 0.0,
        "samples_f1": round(float(np.mean(sample_f)), 4) if sample_f else 0.0,
        "subset_accuracy": round(float(np.mean(subset)), 4) if subset else 0.0,
        "hamming_loss": round(float(((Y != pred) & known).sum() / max(1, known.sum())), 4),
        # the metric published SDG classifiers report: binary accuracy per label, averaged over labels
        "mean_label_accuracy": round(float(np.mean(judged)), 4) if (judged := [v["accuracy"] for v in labels.values() if v["n"]]) else 0.0,
        "labels": labels,
    }


def breakdown(Y: np.ndarray, pred: np.ndarray, label_ids: list[str], schemes: list[str], languages: list[str]) -> dict:
    """``summary`` for every (language or 'all') x (scheme or 'all') cell."""
    schemes_of = np.array(schemes)
    langs = np.array(languages)
    out: dict = {}
    for lang in ["all"] + sorted(set(languages)):
        rows = np.ones(len(langs), bool) if lang == "all" else langs == lang
        cell = {}
        for scheme in ["all"] + sorted(set(schemes)):
            cols = np.ones(len(label_ids), bool) if scheme == "all" else schemes_of == scheme
            ids = [l for l, c in zip(label_ids, cols) if c]
            s = summary(Y[rows][:, cols], pred[rows][:, cols], ids)
            if scheme == "all":
                s.pop("labels")
            cell[scheme] = s
        out[lang] = cell
    return out


def best_f1_thresholds(Y: np.ndarray, P: np.ndarray, default: float = 0.5, grid=None, tolerance: float = 0.0) -> np.ndarray:
    """Per label, the probability threshold with the best F1 on (dev) data; ``default`` where there is no positive.
    Ties, and with ``tolerance`` every threshold whose F1 is within ``tolerance`` of the best, go to the threshold
    nearest 0.5, which transfers better to unseen text (an F1 curve is often flat around its peak)."""
    grid = np.round(np.arange(0.05, 0.96, 0.025), 3) if grid is None else grid
    out = np.full(Y.shape[1], default)
    for j in range(Y.shape[1]):
        known = Y[:, j] != UNKNOWN
        y, p = Y[known, j], P[known, j]
        if (y == 1).sum() == 0:
            continue
        scores = []
        for t in grid:
            pred = p >= t
            tp = float((pred & (y == 1)).sum())
            fp = float((pred & (y == 0)).sum())
            fn = float((~pred & (y == 1)).sum())
            scores.append((_prf(tp, fp, fn)[2], float(t)))
        best = max(f for f, _ in scores)
        near = [t for f, t in scores if f >= best - tolerance - 1e-9]
        out[j] = min(near, key=lambda t: (abs(t - 0.5), t))
    return out


def same_top_flags(groups: list[str], languages: list[str], P: np.ndarray, scheme_of: list[str],
                   schemes: list[str] | None = None) -> dict:
    """Per scheme (and ``all``; or only ``schemes``), ``{group: whether its top label is the same in every
    language}`` for the groups in two or more languages, in first-seen order."""
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    full = {g: rows for g, rows in by_group.items() if len({languages[i] for i in rows}) >= 2}
    column_scheme = np.array(scheme_of)
    out = {}
    for scheme in schemes or ["all"] + sorted(set(scheme_of)):
        cols = np.flatnonzero(column_scheme == scheme) if scheme != "all" else np.arange(P.shape[1])
        out[scheme] = {g: len({int(cols[np.argmax(P[i, cols])]) for i in rows}) == 1 for g, rows in full.items()}
    return out
