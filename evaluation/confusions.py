"""Which labels are mistaken for which, and the model's most confident mistakes."""

from __future__ import annotations

import numpy as np

from evaluation.metrics import UNKNOWN

TEXT_CHARS = 500


def co_errors(Y: np.ndarray, pred: np.ndarray, label_ids: list[str], schemes: list[str]) -> dict:
    """``matrix[a][b]`` = passages where gold label a was missed while label b of the same scheme was predicted
    although not gold (both judged): the multilabel analogue of "a confused with b"."""
    known = Y != UNKNOWN
    missed = ((Y == 1) & (pred == 0) & known).astype(int)
    wrong = ((Y == 0) & (pred == 1) & known).astype(int)
    M = missed.T @ wrong
    same = np.equal.outer(np.array(schemes), np.array(schemes))
    M = np.where(same, M, 0)
    np.fill_diagonal(M, 0)
    pairs = [{"gold": label_ids[a], "predicted": label_ids[b], "count": int(M[a, b])}
             for a, b in zip(*np.nonzero(M))]
    pairs.sort(key=lambda d: (-d["count"], d["gold"], d["predicted"]))
    return {"labels": list(label_ids), "matrix": M.tolist(), "top_pairs": pairs[:15]}


def worst_errors(Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray, label_ids: list[str], ids, texts, languages,
                 k: int = 8, per_label: int = 2) -> list[dict]:
    """The ``k`` most confident false positives and the ``k`` most confident misses (by distance of the score from
    the label's threshold), at most one per passage and ``per_label`` per label in each list, so that one label
    with a badly placed threshold does not fill the list."""
    known = Y != UNKNOWN
    pred = P >= thresholds
    out = []
    for kind, mask, margin in (("false positive", known & (Y == 0) & pred, P - thresholds),
                               ("missed", known & (Y == 1) & ~pred, thresholds - P)):
        rows, cols = np.nonzero(mask)
        order = np.argsort(-margin[rows, cols], kind="stable")
        seen: set[int] = set()
        per: dict[int, int] = {}
        for o in order:
            i, j = int(rows[o]), int(cols[o])
            if i in seen or per.get(j, 0) >= per_label:
                continue
            seen.add(i)
            per[j] = per.get(j, 0) + 1
            text = texts[i]
            out.append({
                "kind": kind, "id": ids[i], "language": languages[i], "label": label_ids[j],
                "score": round(float(P[i, j]), 4), "threshold": round(float(thresholds[j]), 4),
                "gold": [label_ids[c] for c in np.flatnonzero(Y[i] == 1)],
                "predicted": [label_ids[c] for c in np.flatnonzero(pred[i])],
                "text": text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS].rsplit(" ", 1)[0] + " …",
                "terms": [],
                "index": i, "label_index": j,
            })
            if len(seen) == k:
                break
    return out
