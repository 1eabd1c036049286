"""Language-identification accuracy of the available detectors on short passages of known language.

The test set is built from the seed corpus (its language is known by construction; the detectors were never
trained on it): the first sentence of every passage, cut to ``max_chars``. Czech vs Slovak is the pair to watch.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from corpus.language import SUPPORTED, detect_language

_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)")


def short_samples(records, max_chars: int = 120) -> list[tuple[str, str]]:
    out = []
    for r in records:
        if r.language not in SUPPORTED:
            continue
        m = _FIRST_SENTENCE.match(r.text)
        text = (m.group(1) if m else r.text)[:max_chars]
        out.append((text, r.language))
    return out


def evaluate_language_id(samples: list[tuple[str, str]], detectors=("lingua", "langdetect")) -> dict:
    report = {}
    for det in detectors:
        per_lang: dict[str, Counter] = defaultdict(Counter)
        for text, gold in samples:
            per_lang[gold][detect_language(text, detector=det)] += 1
        correct = sum(c[g] for g, c in per_lang.items())
        report[det] = {
            "accuracy": round(correct / max(1, len(samples)), 4),
            "correct": correct,
            "n": len(samples),
            "per_language": {g: {"accuracy": round(c[g] / sum(c.values()), 4), "n": sum(c.values()),
                                 "confused_with": dict(c.most_common()[1:] if c.most_common()[0][0] == g else c.most_common())}
                             for g, c in sorted(per_lang.items())},
        }
    return report
