"""Document scores from passage scores.

A document is about a label when a meaningful share of its passages are: the document score is the mean of the
label's top-k passage probabilities, with k growing with the document (``share`` of its passages, at least
``k_min``). One sentence about fish in an energy strategy lifts a single passage, not the top-k mean.
"""

from __future__ import annotations

import math

import numpy as np


def top_k(n_passages: int, share: float = 0.05, k_min: int = 3) -> int:
    return max(1, min(n_passages, max(k_min, math.ceil(share * n_passages))))


def aggregate_document_scores(passage_probs: np.ndarray, share: float = 0.05, k_min: int = 3) -> np.ndarray:
    """(n_passages, n_labels) probabilities -> (n_labels,) document scores in [0, 1]."""
    n = passage_probs.shape[0]
    if n == 0:
        return np.zeros(passage_probs.shape[1])
    k = top_k(n, share, k_min)
    top = -np.partition(-passage_probs, k - 1, axis=0)[:k]
    return top.mean(axis=0)
