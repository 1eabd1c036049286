"""A fitted passage model plus everything needed to tag whole documents: label ids, per-label thresholds,
aggregation settings. This object is what ``models/<name>/model.joblib`` holds."""

from __future__ import annotations

import numpy as np

from classifier.aggregate import aggregate_document_scores
from classifier.primary_head import main_mask
from classifier.result import Classification, Evidence, LabelScore
from classifier.taxonomy import default_taxonomy
from corpus.document import Document
from corpus.errors import ModelIncompatible

EVIDENCE_PER_LABEL = 3


MODES = ("fast", "accurate")


class Tagger:
    """``fast`` mode scores passages with the n-gram model alone; ``accurate`` mode averages it with the e5
    embedding head (cross-lingual, ~100x slower), with its own thresholds.

    ``primary_head`` (``classifier/primary_head.py``) chooses each passage's *main label* per scheme among the labels
    above threshold; a document's main label in a scheme is the assigned label that is the main label of the most
    passages. Without a head (models trained before it) the main label is the highest-scoring one."""

    primary_head = None  # class default: models pickled before the primary head existed have none

    def __init__(self, estimator, label_ids, thresholds, doc_thresholds=None, share: float = 0.05, k_min: int = 3,
                 name: str = "model", embedding_head=None, accurate_thresholds=None):
        self.estimator = estimator
        self.embedding_head = embedding_head
        self.accurate_thresholds = None if accurate_thresholds is None else np.asarray(accurate_thresholds, dtype=float)
        self.label_ids = list(label_ids)
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.doc_thresholds = np.asarray(doc_thresholds if doc_thresholds is not None else thresholds, dtype=float)
        self.share = share
        self.k_min = k_min
        self.name = name
        self.meta: dict = {}

    def passage_probs(self, doc: Document, mode: str = "fast") -> np.ndarray:
        return self.predict_texts([(p.text, p.language) for p in doc.passages], mode)

    def passage_thresholds(self, mode: str = "fast") -> np.ndarray:
        return self.thresholds_for(mode) if mode == "accurate" else self.thresholds

    def thresholds_for(self, mode: str = "fast") -> np.ndarray:
        if mode == "accurate":
            self._check_accurate()
            return self.accurate_thresholds
        return self.doc_thresholds

    def _check_accurate(self) -> None:
        if self.embedding_head is None or self.accurate_thresholds is None:
            raise ModelIncompatible("this model has no embedding head for accurate mode; retrain it with embeddings")

    def document_scores(self, probs: np.ndarray) -> np.ndarray:
        return aggregate_document_scores(probs, self.share, self.k_min)

    def classify(self, doc: Document, evidence_per_label: int = EVIDENCE_PER_LABEL, ui_lang: str = "en",
                 mode: str = "fast") -> Classification:
        taxonomy = default_taxonomy()
        probs, mains = self.predict_passages([(p.text, p.language) for p in doc.passages], mode)
        scores = self.document_scores(probs)
        thresholds = self.thresholds_for(mode)
        main = set(self.document_main(mains, scores, thresholds).values())
        chosen = {j: self._evidence_rows(probs[:, j], thresholds[j], evidence_per_label) for j in range(len(self.label_ids))}
        terms = self._terms(doc, chosen)
        labels = []
        for j, label_id in enumerate(self.label_ids):
            assigned = bool(scores[j] >= thresholds[j]) and len(doc.passages) > 0
            evidence = tuple(
                Evidence(doc.passages[i].index, doc.passages[i].page_start, doc.passages[i].page_end,
                         round(float(probs[i, j]), 4), doc.passages[i].text, tuple(terms.get((i, j), ())),
                         bool(mains[i, j]))
                for i in chosen[j]
            )
            label = taxonomy[label_id]
            labels.append(
                LabelScore(label_id, label.scheme, label.display_name(ui_lang), round(float(scores[j]), 4),
                           round(float(thresholds[j]), 4), assigned, evidence, label_id in main)
            )
        return Classification(
            document_id=doc.id,
            source=doc.source,
            language=doc.language,
            n_pages=doc.n_pages,
            n_passages=len(doc.passages),
            model=self.meta.get("name", self.name) + ("" if mode == "fast" else f" ({mode})"),
            labels=tuple(labels),
            language_shares=doc.language_shares,
            warnings=doc.warnings,
        )

    @staticmethod
    def _evidence_rows(col: np.ndarray, threshold: float, k: int) -> list[int]:
        """The label's top passages, as long as they score at least half its threshold."""
        order = np.argsort(-col, kind="stable")[:k]
        return [int(i) for i in order if col[i] >= 0.5 * threshold]

    def _terms(self, doc: Document, chosen: dict[int, list[int]]) -> dict[tuple[int, int], list[str]]:
        """Top terms for every (passage, label) pair in the evidence, tokenising each passage once."""
        by_passage: dict[int, list[int]] = {}
        for j, rows in chosen.items():
            for i in rows:
                by_passage.setdefault(i, []).append(j)
        out = {}
        for i, labels in by_passage.items():
            p = doc.passages[i]
            for j, terms in self.estimator.top_terms_many(p.text, p.language, labels).items():
                out[(i, j)] = terms
        return out

    def predict_texts(self, texts: list[tuple[str, str]], mode: str = "fast") -> np.ndarray:
        """Passage-level probabilities for ``(text, language)`` pairs."""
        return self._predict(texts, mode, features=False)[0]

    def predict_passages(self, texts: list[tuple[str, str]], mode: str = "fast") -> tuple[np.ndarray, np.ndarray]:
        """``(probabilities, main)`` for ``(text, language)`` pairs, both (n, L): ``main`` marks each passage's main
        label per scheme (none where no label of the scheme reaches its threshold)."""
        P, features = self._predict(texts, mode, features=self.primary_head is not None)
        thresholds = self.passage_thresholds(mode)
        if self.primary_head is None or not len(P):
            return P, main_mask(P, self.label_ids, thresholds, default_taxonomy())
        return P, self.primary_head.main_mask(features, P, self.label_ids, thresholds, default_taxonomy())

    def document_main(self, mains: np.ndarray, scores: np.ndarray, thresholds: np.ndarray) -> dict[str, str]:
        """Per scheme, among the document's assigned labels, the main label of the most passages (ties: the higher
        document score); schemes with no assigned label are left out."""
        taxonomy = default_taxonomy()
        votes = mains.sum(axis=0) if len(mains) else np.zeros(len(self.label_ids))
        best: dict[str, tuple] = {}
        for j, label in enumerate(self.label_ids):
            if len(mains) and scores[j] >= thresholds[j]:
                scheme = taxonomy.scheme_of(label)
                key = (votes[j], scores[j])
                if scheme not in best or key > best[scheme][0]:
                    best[scheme] = (key, label)
        return {scheme: label for scheme, (_, label) in best.items()}

    def _predict(self, texts, mode: str, features: bool):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if not texts:
            return np.zeros((0, len(self.label_ids))), None
        fast, F = self.estimator.predict_proba_and_features(texts, features)
        if mode == "fast":
            return fast, F
        self._check_accurate()
        from classifier.embed import embed_texts

        return (fast + self.embedding_head.predict_proba(embed_texts([t for t, _ in texts]))) / 2, F
