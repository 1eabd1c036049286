"""Cross-lingual transfer: an e5-embedding teacher trained on every language's labelled passages labels real,
unlabelled Polish/Czech/Hungarian text; its confident decisions become training data for the fast n-gram model.

A teacher probability >= ``hi`` becomes a positive, <= ``lo`` a negative, anything between stays unknown, so the
student only learns what the teacher is sure of.
"""

from __future__ import annotations

import logging

import numpy as np

from classifier.embed import EmbeddingCache, embed_texts
from classifier.embedding_head import EmbeddingHead
from classifier.taxonomy import Taxonomy
from classifier.train import label_matrix
from corpus.dataset import LabelledPassage

log = logging.getLogger(__name__)


def train_teacher(records: list[LabelledPassage], taxonomy: Taxonomy, seed: int = 0, cache: EmbeddingCache | None = None) -> EmbeddingHead:
    E = embed_texts([r.text for r in records], cache, progress=True)
    return EmbeddingHead(random_state=seed).fit(E, label_matrix(records, taxonomy))


def pseudo_labels(teacher: EmbeddingHead, pool: list[tuple[str, str, str]], taxonomy: Taxonomy, lo: float = 0.1, hi: float = 0.9,
                  cache: EmbeddingCache | None = None) -> list[LabelledPassage]:
    """``pool`` holds ``(id, text, language)``; returns passages whose labels the teacher is sure of per scheme.

    A passage's scheme counts as annotated only when every label of that scheme is decided (>= hi or <= lo);
    partly decided schemes are left unknown, because the corpus schema marks whole schemes.
    """
    if not pool:
        return []
    P = teacher.predict_proba(embed_texts([t for _, t, _ in pool], cache, progress=True))
    ids = np.array(taxonomy.ids)
    schemes = np.array([taxonomy.scheme_of(i) for i in taxonomy.ids])
    out = []
    for (pid, text, lang), p in zip(pool, P):
        decided = (p >= hi) | (p <= lo)
        sure = tuple(s for s in dict.fromkeys(schemes) if decided[schemes == s].all())
        if not sure:
            continue
        on = [i for i, s, v in zip(ids, schemes, p) if s in sure and v >= hi]
        out.append(LabelledPassage(f"distil-{pid}", text, lang, tuple(on), "distilled:e5", schemes=sure))
    log.info("pseudo-labelled %d of %d pool passages", len(out), len(pool))
    return out



def complete_schemes(teacher: EmbeddingHead, records: list[LabelledPassage], taxonomy: Taxonomy, lo: float = 0.1,
                     hi: float = 0.9, cache: EmbeddingCache | None = None) -> list[LabelledPassage]:
    """Fill the schemes a source leaves unknown (the ESIF mapping knows a title's SDG, not its smart-city area) with
    the teacher's labels where it is sure of the whole scheme and gives it at least one label; the source's own
    labels are kept as they are."""
    all_schemes = list(dict.fromkeys(taxonomy.scheme_of(i) for i in taxonomy.ids))
    todo = [i for i, r in enumerate(records)
            if r.split == "train" and r.schemes and set(r.schemes) < set(all_schemes) and r.provenance.startswith("mapped:")]
    if not todo:
        return records
    P = teacher.predict_proba(embed_texts([records[i].text for i in todo], cache, progress=True))
    ids = np.array(taxonomy.ids)
    schemes = np.array([taxonomy.scheme_of(i) for i in taxonomy.ids])
    out = list(records)
    filled = 0
    for i, p in zip(todo, P):
        r = records[i]
        decided = (p >= hi) | (p <= lo)
        # a scheme is filled only when the teacher names a label in it: "none of these" from the teacher taught the
        # student, on Hungarian titles, that water and retrofit projects are no Green Deal area at all
        sure = [s for s in all_schemes
                if s not in r.schemes and decided[schemes == s].all() and (p[schemes == s] >= hi).any()]
        if not sure:
            continue
        extra = tuple(label for label, s, v in zip(ids, schemes, p) if s in sure and v >= hi)
        out[i] = LabelledPassage(**{**r.__dict__, "labels": r.labels + extra, "schemes": r.schemes + tuple(sure),
                                    "provenance": r.provenance + "+e5"})
        filled += 1
    log.info("teacher completed unknown schemes of %d of %d mapped passages", filled, len(todo))
    return out
