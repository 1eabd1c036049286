"""Partner search: documents from other cities and countries that deal with the same things.

Primary: each document's vector is the mean multilingual-e5 embedding of its top passages (the evidence of its
assigned labels), so a Polish strategy finds its Czech and Hungarian counterparts without translation. It is
computed once per document by the background job. Fallback (no vector yet, or ``partner_method=labels``): cosine
of the documents' label-score profiles, which is cross-lingual too, because the labels are.
"""

from __future__ import annotations

import logging

import numpy as np

from classifier.taxonomy import default_taxonomy

log = logging.getLogger(__name__)

E5 = "e5"
LABELS = "labels"
SCOPES = ("other-countries", "other-cities", "all")
_SUMMARY = ("id", "title", "source", "city", "country", "language", "year")


def top_passage_texts(doc, classification, n: int) -> list[str]:
    """Texts of the document's most telling passages: evidence of assigned labels first, strongest first."""
    ranked = sorted(((e.score, e.passage_index) for s in classification.labels if s.assigned for e in s.evidence), reverse=True)
    if not ranked:
        ranked = sorted(((e.score, e.passage_index) for s in classification.labels for e in s.evidence), reverse=True)
    chosen = list(dict.fromkeys(i for _, i in ranked))[:n] or [p.index for p in doc.passages[:n]]
    by_index = {p.index: p.text for p in doc.passages}
    return [by_index[i] for i in chosen]


def document_vector(doc, classification, n_passages: int = 8) -> bytes | None:
    """The e5 partner vector as float32 bytes (L2-normalised), or None for a document without passages."""
    from classifier.embed import embed_texts

    texts = top_passage_texts(doc, classification, n_passages)
    if not texts:
        return None
    mean = embed_texts(texts).mean(axis=0)
    return _normalise(mean).astype(np.float32).tobytes()


def _normalise(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _profile(scores: dict, label_ids: list[str]) -> np.ndarray:
    return _normalise(np.array([scores.get(i, 0.0) for i in label_ids], dtype=np.float64))


def _in_scope(target: dict, other: dict, scope: str) -> bool:
    if other["id"] == target["id"]:
        return False
    if scope == "all":
        return True
    if target.get("city") and other.get("city") and target["city"].casefold() == other["city"].casefold():
        return False
    if scope == "other-countries" and target.get("country") and other.get("country") == target["country"]:
        return False
    return True


def rank_partners(target_id: str, candidates: list[dict], k: int = 10, scope: str = "other-countries") -> dict:
    """The ``k`` documents most similar to ``target_id`` among ``candidates`` (``Store.partner_candidates()``)."""
    by_id = {c["id"]: c for c in candidates}
    target = by_id[target_id]
    others = [c for c in candidates if _in_scope(target, c, scope)]
    if target.get("vector") and target.get("vector_method") == E5:
        method = E5
        others = [c for c in others if c.get("vector") and c.get("vector_method") == E5]
        query = np.frombuffer(target["vector"], dtype=np.float32)
        sims = [float(np.frombuffer(c["vector"], dtype=np.float32) @ query) for c in others]
    else:
        method = LABELS
        label_ids = default_taxonomy().ids
        query = _profile(target["scores"], label_ids)
        sims = [float(_profile(c["scores"], label_ids) @ query) for c in others]
    mine = set(target["assigned"])
    ranked = sorted(zip(sims, others, strict=True), key=lambda t: -t[0])[:k]
    partners = [
        {**{f: c.get(f) for f in _SUMMARY}, "similarity": round(s, 4),
         "shared_labels": [label for label in c["assigned"] if label in mine]}
        for s, c in ranked
    ]
    return {"document_id": target_id, "method": method, "scope": scope, "partners": partners}


def label_partners(label: str, candidates: list[dict], k: int = 10, exclude_country: str | None = None,
                   exclude_city: str | None = None) -> dict:
    """The strongest documents on ``label``, one per city (or per document without a city), best first."""
    best: dict = {}
    for c in candidates:
        if exclude_country and c.get("country") == exclude_country:
            continue
        if exclude_city and c.get("city") and c["city"].casefold() == exclude_city.casefold():
            continue
        key = ("city", c["city"].casefold(), c.get("country")) if c.get("city") else ("doc", c["id"])
        score = c["scores"].get(label, 0.0)
        if key not in best or score > best[key][0]:
            best[key] = (score, c)
    ranked = sorted(best.values(), key=lambda t: -t[0])[:k]
    partners = [
        {**{f: c.get(f) for f in _SUMMARY}, "similarity": round(float(s), 4), "shared_labels": [label] if label in c["assigned"] else []}
        for s, c in ranked
    ]
    return {"label": label, "method": "label-score", "partners": partners}
