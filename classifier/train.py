"""Train a Tagger from labelled passages: fit on the train split, tune thresholds on dev, report on test."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime, timezone

import numpy as np

from classifier.invariance import translation_differences
from classifier.model import UNKNOWN, PassageClassifier
from classifier.primary_head import PrimaryHead
from classifier.tagger import Tagger
from classifier.taxonomy import Taxonomy, default_taxonomy
from corpus.dataset import LabelledPassage
from evaluation.metrics import best_f1_thresholds, breakdown

log = logging.getLogger(__name__)


def label_matrix(records: list[LabelledPassage], taxonomy: Taxonomy) -> np.ndarray:
    """1 / 0 where a record's source annotates the label's scheme, UNKNOWN elsewhere."""
    ids = taxonomy.ids
    schemes = [taxonomy.scheme_of(i) for i in ids]
    Y = np.full((len(records), len(ids)), UNKNOWN, dtype=np.int8)
    for r, rec in enumerate(records):
        taxonomy.validate(rec.labels)
        annotated = set(rec.schemes) if rec.schemes else set(schemes)
        on = set(rec.labels)
        unjudged = set(rec.unknown)
        for j, (label, scheme) in enumerate(zip(ids, schemes)):
            if scheme in annotated and label not in unjudged:
                Y[r, j] = 1 if label in on else 0
    return Y


def data_fingerprint(records: list[LabelledPassage]) -> str:
    h = hashlib.sha256()
    for rec in sorted(records, key=lambda r: r.hash):
        h.update(f"{rec.hash}\t{','.join(sorted(rec.labels))}\t{rec.split}\n".encode())
    return h.hexdigest()


def split_counts(records: list[LabelledPassage]) -> dict:
    out: dict = {}
    for r in records:
        cell = out.setdefault(r.split, {}).setdefault(r.provenance, {})
        cell[r.language] = cell.get(r.language, 0) + 1
    return out


def label_counts(records: list[LabelledPassage], taxonomy: Taxonomy, split: str = "train") -> dict:
    """What the model learnt from, per provenance x language x scheme: passages that annotate the scheme and label
    assignments in it; and positive passages per label and language."""
    schemes: dict = {}
    labels: dict = {i: {} for i in taxonomy.ids}
    for r in records:
        if r.split != split:
            continue
        by_scheme = schemes.setdefault(r.provenance, {}).setdefault(r.language, {})
        for scheme in r.schemes or taxonomy.scheme_names():
            cell = by_scheme.setdefault(scheme, {"annotated": 0, "positives": 0})
            cell["annotated"] += 1
            cell["positives"] += sum(taxonomy.scheme_of(x) == scheme for x in r.labels)
        for x in r.labels:
            labels[x][r.language] = labels[x].get(r.language, 0) + 1
    return {"split": split, "schemes": schemes, "labels": labels}


def provenance_weight(provenance: str, weights: dict[str, float] | None) -> float:
    """The weight of the first ``weights`` key that ``provenance`` starts with (1.0 when none does)."""
    return next((w for prefix, w in (weights or {}).items() if provenance.startswith(prefix)), 1.0)


def label_weights(records: list[LabelledPassage], taxonomy: Taxonomy, row_weights: np.ndarray | None = None,
                  secondary: float = 1.0) -> np.ndarray | None:
    """Training weights: ``row_weights`` (n,) as they are when ``secondary`` is 1, otherwise an (n, L) matrix in which
    a positive label that is *not* the passage's primary label, in a scheme where the passage names one (seed
    passages written about one label), counts ``secondary`` times the row's weight. With ``secondary`` < 1 the model
    learns that a passage about energy that also serves the climate is more about energy, so the label it ranks
    first follows the passage's main topic rather than the wording of one language."""
    if secondary == 1.0:
        return row_weights
    ids = taxonomy.ids
    schemes = [taxonomy.scheme_of(i) for i in ids]
    W = np.ones((len(records), len(ids))) if row_weights is None else np.repeat(
        np.asarray(row_weights, dtype=np.float64)[:, None], len(ids), axis=1)
    for r, rec in enumerate(records):
        led = {taxonomy.scheme_of(p) for p in rec.primary}
        for j, (label, scheme) in enumerate(zip(ids, schemes)):
            if scheme in led and label in rec.labels and label not in rec.primary:
                W[r, j] *= secondary
    return W


def source_key(record: LabelledPassage) -> str:
    """The source a training passage comes from, for ``PassageClassifier(source_prior=...)``: ``""`` for the seed
    corpus (prose written like the strategies stratag reads), else the provenance without its completion suffix and
    the language (``mapped:esif|hu``): each programme's titles have their own label rates in each language."""
    if record.provenance == "seed":
        return ""
    return f"{record.provenance.split('+')[0]}|{record.language}"


def parse_provenance_weights(items: list[str] | None) -> dict[str, float] | None:
    """``PREFIX=W`` options as a weight table: None without options (the caller's defaults), ``{}`` for ``none``
    (every source alike). Raises ValueError on an item that is not ``PREFIX=NUMBER``."""
    if not items:
        return None
    if items == ["none"]:
        return {}
    out = {}
    for item in items:
        prefix, _, value = item.partition("=")
        try:
            out[prefix] = float(value)
        except ValueError:
            raise ValueError(f"--weight expects PREFIX=NUMBER, got {item!r}") from None
    return out


def train_tagger(
    records: list[LabelledPassage],
    *,
    taxonomy: Taxonomy | None = None,
    name: str = "default",
    seed: int = 0,
    estimator_params: dict | None = None,
    train_splits: tuple[str, ...] = ("train",),
    provenance_weights: dict[str, float] | None = None,
    secondary_weight: float = 1.0,
    primary_head: bool = True,
    primary_head_params: dict | None = None,
    threshold_tolerance: float = 0.0,
) -> tuple[Tagger, dict]:
    """Fit, tune per-label thresholds on the dev split, and measure on the test split (per language and scheme).

    ``provenance_weights`` (prefix -> weight, first match wins) weighs training passages by their source; weight 0
    leaves them out; ``secondary_weight`` weighs the non-primary labels of seed passages (``label_weights``);
    ``primary_head`` trains the tagger's ``PrimaryHead`` (with ``primary_head_params``) on the training passages that
    name a primary label; ``threshold_tolerance`` as for ``best_f1_thresholds``."""
    taxonomy = taxonomy or default_taxonomy()
    started = time.time()
    records = [r for r in records if r.split not in train_splits or provenance_weight(r.provenance, provenance_weights) > 0]
    train = [r for r in records if r.split in train_splits]
    weights = np.array([provenance_weight(r.provenance, provenance_weights) for r in train]) if provenance_weights else None
    weights = label_weights(train, taxonomy, weights, secondary_weight)
    dev = [r for r in records if r.split == "dev"]
    test = [r for r in records if r.split == "test"]
    est = PassageClassifier(random_state=seed, **(estimator_params or {}))
    est.fit([(r.text, r.language) for r in train], label_matrix(train, taxonomy), sample_weight=weights,
            sources=[source_key(r) for r in train], groups=[r.group for r in train])
    thresholds = np.full(len(taxonomy), 0.5)
    if dev:
        Yd = label_matrix(dev, taxonomy)
        thresholds = best_f1_thresholds(Yd, est.predict_proba([(r.text, r.language) for r in dev]),
                                        tolerance=threshold_tolerance)
    tagger = Tagger(est, taxonomy.ids, thresholds, name=name)
    led = [r for r in train if r.primary] if primary_head else []
    primary_head_params = dict(primary_head_params or {})
    if len(primary_head_params.get("block_weights") or ()) > len(est.head_blocks()):
        log.warning("the passage model has no concept head; the primary head uses the n-gram features")
        primary_head_params.pop("block_weights")
    if led:
        parallel = None
        if primary_head_params.get("invariance"):
            grouped = [r for r in train if r.group]
            parallel = translation_differences(est.head_features([(r.text, r.language) for r in grouped]),
                                               [r.group for r in grouped]) if grouped else None
        tagger.primary_head = PrimaryHead(**primary_head_params).fit(
            est.head_features([(r.text, r.language) for r in led]), [r.primary for r in led], taxonomy,
            blocks=est.head_blocks(), labels=[r.labels for r in led], parallel=parallel)
    report = {
        "name": name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "estimator": est.get_params(),
        "provenance_weights": dict(provenance_weights or {}),
        "secondary_weight": secondary_weight,
        "threshold_tolerance": threshold_tolerance,
        "primary_head_params": dict(primary_head_params or {}),
        "primary_head": {scheme: sum(any(taxonomy.scheme_of(p) == scheme for p in r.primary) for r in led)
                         for scheme in (tagger.primary_head.models_ if tagger.primary_head else ())},
        "data_fingerprint": data_fingerprint(records),
        "counts": split_counts(records),
        "label_counts": label_counts(records, taxonomy),
        "train_seconds": round(time.time() - started, 1),
    }
    if test:
        report["test"] = evaluate_records(tagger, test, taxonomy)
    return tagger, report


def evaluate_records(tagger: Tagger, records: list[LabelledPassage], taxonomy: Taxonomy | None = None, mode: str = "fast") -> dict:
    """Passage-level metrics of a tagger on labelled records, per language and scheme."""
    taxonomy = taxonomy or default_taxonomy()
    Y = label_matrix(records, taxonomy)
    P = tagger.predict_texts([(r.text, r.language) for r in records], mode)
    pred = (P >= tagger.thresholds_for(mode)).astype(np.int8)
    return breakdown(Y, pred, taxonomy.ids, [taxonomy.scheme_of(i) for i in taxonomy.ids], [r.language for r in records])
