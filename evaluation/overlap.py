"""Near-duplicates between evaluation text and the text a model can learn from.

EU project titles come in templates: the same call gives "Aktywizacja zawodowa osób bezrobotnych ... w powiecie
nyskim (I)" and "... w powiecie kluczborskim (II)". A hand-labelled title whose sibling is in the training data is
nearly a training example, so the ESIF dev set is also scored without such titles (``esif-titles-novel``).
Overlap is the Jaccard similarity of the two titles' word sets (lower-case words of three or more letters).
"""

from __future__ import annotations

import re
from collections import defaultdict

NEAR_DUPLICATE = 0.6  # Jaccard from which two titles count as one template
_WORD = re.compile(r"[^\W\d_]{3,}")
_COMMON = 400  # words in more titles than this (county, "project") are skipped when looking for candidates


def title_words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def max_overlap(texts: list[str], others: list[str]) -> list[float]:
    """For each text, the highest word-set Jaccard similarity with any of ``others`` (0 when nothing is shared)."""
    sets = [title_words(t) for t in others]
    index: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(sets):
        for w in words:
            index[w].append(i)
    out = []
    for text in texts:
        words = title_words(text)
        shared: dict[int, int] = defaultdict(int)
        for w in words:
            hits = index.get(w, ())
            if len(hits) <= _COMMON:
                for i in hits:
                    shared[i] += 1
        out.append(max((n / len(words | sets[i]) for i, n in shared.items()), default=0.0))
    return out
