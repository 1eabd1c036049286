"""Cross-lingual consistency measured on the parallel groups of the *train* split, by group folds.

The held-out parallel groups (``evaluation/crosslingual.py``) are the yardstick the consistency target is reported
on; choosing training settings by them would tune on the test set. This measures the same thing on the training
groups instead: the train split's parallel groups are dealt into ``folds`` folds by a hash of the group id; for
each fold a model is trained without that fold's groups (every other training passage stays) and scored on them.

    python -m evaluation.group_folds [--folds 3] [--weight PREFIX=W ...] [--secondary-weight W] [--primary-head]
        [--head-variant NAME=JSON ...] [--threshold-tolerance T ...] [--main-floor F ...] [--param KEY=JSON ...]

Each fold trains a full fast model (about five minutes on two cores); the e5 teacher's steps come from the
embedding cache of ``stratag train``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from dataclasses import replace

import numpy as np

from classifier.invariance import translation_differences
from classifier.model import PassageClassifier
from classifier.primary_head import PrimaryHead
from classifier.taxonomy import default_taxonomy
from classifier.train import label_matrix, label_weights, provenance_weight, source_key
from corpus.dataset import LabelledPassage
from evaluation.crosslingual import consistency_of, label_flips
from evaluation.metrics import best_f1_thresholds

log = logging.getLogger(__name__)


def fold_of(group: str, folds: int) -> int:
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % folds


def group_fold_consistency(records: list[LabelledPassage], folds: int = 3, provenance_weights: dict | None = None,
                           estimator_params: dict | None = None, seed: int = 0, secondary_weight: float = 1.0,
                           primary_head: bool = False, head_variants: dict[str, dict] | None = None,
                           primary_head_params: dict | None = None, threshold_tolerances: tuple[float, ...] = (),
                           main_floors: tuple[float, ...] = (), group_primaries: bool = False,
                           main_labels: dict[str, list[str]] | None = None) -> dict:
    """Same top label (and the single-gold variant) per scheme, summed over the folds: ``{"folds", "groups",
    "same_top_label": {scheme: {agree, groups, share}}, "single_label": {...}, "label_flips": {label: {missed,
    spurious}} (``evaluation.crosslingual.label_flips`` at 0.5), "per_fold": [...]}``. With
    ``primary_head`` also ``main_label``: the same top label when each fold's ``PrimaryHead`` (``primary_head_params``;
    trained on the fold's
    passages that name a primary label) orders the labels above 0.5, and ``main_label:NAME`` for each of
    ``head_variants`` (``{NAME: PrimaryHead parameters}``), scored on the same fold models; and for each head
    ``main_accuracy[:NAME]``: how often a head trained without a third of the primary-labelled passages (chosen by a
    hash of their id) picks their primary label among their gold labels, on the passages with two or more gold labels
    in the scheme (``groups`` there counts passages). Consistency alone would favour a head that ranks labels by a
    fixed preference; the accuracy shows whether the main label is the one the passage is about. For each of
    ``threshold_tolerances`` (with ``primary_head``) also ``main_label:tolT``: the main label with per-label thresholds
    tuned on the dev split by ``best_f1_thresholds(tolerance=T)``, as ``stratag train`` tunes them, instead of 0.5.
    For each of ``main_floors`` (with ``primary_head``) also ``main_label:floorF``: the head chooses the main label
    among the labels at or above F × 0.5 instead of 0.5 (a language whose copy of the main label falls just below
    threshold keeps it as the main label)."""
    taxonomy = default_taxonomy()
    train = [r for r in records if r.split == "train" and provenance_weight(r.provenance, provenance_weights) > 0]
    if group_primaries:
        train = [implied_primary(r, taxonomy) if r.group and not r.primary else r for r in train]
    if main_labels:  # judged main labels of parallel groups (``--main-labels``), for every translation alike
        train = [replace(r, primary=tuple(main_labels[r.group])) if r.group in main_labels else r for r in train]
    heads = ({"": dict(primary_head_params or {})} if primary_head else {}) | {f":{name}": params for name, params in (head_variants or {}).items()}
    tolerances = tuple(threshold_tolerances) if primary_head else ()
    floors = tuple(main_floors) if primary_head else ()
    dev = [r for r in records if r.split == "dev"] if tolerances else []
    totals: dict = {"same_top_label": {}, "single_label": {}, **{f"main_label{key}": {} for key in heads},
                    **{f"main_accuracy{key}": {} for key in heads}, **{f"main_label:tol{t}": {} for t in tolerances},
              **{f"main_label:floor{f}": {} for f in floors}}
    per_fold = []
    flips: dict[str, dict] = {}
    for k in range(folds):
        held = [r for r in train if r.group and fold_of(r.group, folds) == k]
        fit = [r for r in train if not (r.group and fold_of(r.group, folds) == k)]
        if not held:
            continue
        weights = label_weights(fit, taxonomy, np.array([provenance_weight(r.provenance, provenance_weights) for r in fit]),
                                secondary_weight)
        est = PassageClassifier(random_state=seed, **(estimator_params or {}))
        est.fit([(r.text, r.language) for r in fit], label_matrix(fit, taxonomy), sample_weight=weights,
                sources=[source_key(r) for r in fit], groups=[r.group for r in fit])
        P = est.predict_proba([(r.text, r.language) for r in held])
        report = consistency_of(held, P, taxonomy)
        for label, cell in label_flips(held, P >= 0.5, list(taxonomy.ids)).items():
            for key, n in cell.items():
                flips.setdefault(label, {"missed": 0, "spurious": 0})[key] += n
        if heads:
            led = [r for r in fit if r.primary]
            F_led = est.head_features([(r.text, r.language) for r in led])
            F_held = est.head_features([(r.text, r.language) for r in held])
            scored = [i for i, r in enumerate(led) if fold_of(r.id, folds) == k]
            learn = [i for i, r in enumerate(led) if fold_of(r.id, folds) != k]
            grouped = [r for r in fit if r.group] if any(p.get("invariance") for p in heads.values()) else []
            parallel = translation_differences(est.head_features([(r.text, r.language) for r in grouped]),
                                               [r.group for r in grouped]) if grouped else None
            fitted = {}
            for key, params in heads.items():
                head = fitted[key] = PrimaryHead(**params).fit(F_led, [r.primary for r in led], taxonomy,
                                                               blocks=est.head_blocks(), labels=[r.labels for r in led],
                                                               parallel=parallel)
                ordered = head.main_first(F_held, P, list(taxonomy.ids), 0.5, taxonomy)
                report[f"main_label{key}"] = consistency_of(held, ordered, taxonomy)["same_top_label"]
                head = PrimaryHead(**params).fit(F_led[learn], [led[i].primary for i in learn], taxonomy,
                                                 blocks=est.head_blocks(), labels=[led[i].labels for i in learn],
                                                 parallel=parallel)
                report[f"main_accuracy{key}"] = primary_accuracy(head, F_led[scored], [led[i] for i in scored], taxonomy)
            for floor in floors:
                ordered = fitted[""].main_first(F_held, P, list(taxonomy.ids), 0.5 * floor, taxonomy)
                report[f"main_label:floor{floor}"] = consistency_of(held, ordered, taxonomy)["same_top_label"]
            if tolerances:
                head = fitted[""]
                P_dev = est.predict_proba([(r.text, r.language) for r in dev])
                for tol in tolerances:
                    thresholds = best_f1_thresholds(label_matrix(dev, taxonomy), P_dev, tolerance=tol)
                    ordered = head.main_first(F_held, P, list(taxonomy.ids), thresholds, taxonomy)
                    report[f"main_label:tol{tol}"] = consistency_of(held, ordered, taxonomy)["same_top_label"]
        per_fold.append({"fold": k, "groups": len({r.group for r in held}),
                         **{key: {s: c["share"] for s, c in report[key].items()} for key in totals}})
        for key in totals:
            for scheme, cell in report[key].items():
                t = totals[key].setdefault(scheme, {"agree": 0, "groups": 0})
                t["agree"] += cell["agree"]
                t["groups"] += cell["groups"]
        log.info("fold %d/%d: %s", k + 1, folds, per_fold[-1])
    for cells in totals.values():
        for t in cells.values():
            t["share"] = round(t["agree"] / t["groups"], 4) if t["groups"] else 0.0
    flips = dict(sorted(flips.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))
    return {"folds": folds, "groups": sum(f["groups"] for f in per_fold), **totals, "label_flips": flips,
            "per_fold": per_fold}


def implied_primary(record: LabelledPassage, taxonomy) -> LabelledPassage:
    """The record with a primary label in every scheme where it has exactly one gold label."""
    single = tuple(label for label in record.labels
                   if sum(taxonomy.scheme_of(x) == taxonomy.scheme_of(label) for x in record.labels) == 1)
    return replace(record, primary=single)


def primary_accuracy(head: PrimaryHead, features, records: list[LabelledPassage], taxonomy) -> dict:
    """Per scheme ``{agree, groups}``: of the passages with a primary label and two or more gold labels in the
    scheme, how many the head gives that primary label as their main label, choosing among their gold labels."""
    ids = list(taxonomy.ids)
    gold = (label_matrix(records, taxonomy) == 1).astype(np.float64)
    mask = head.main_mask(features, gold, ids, 0.5, taxonomy)
    out = {}
    for scheme in taxonomy.scheme_names():
        rows = [(i, p) for i, r in enumerate(records) for p in r.primary[:1]
                if taxonomy.scheme_of(p) == scheme and sum(taxonomy.scheme_of(x) == scheme for x in r.labels) >= 2]
        agree = int(sum(mask[i, ids.index(p)] for i, p in rows))
        out[scheme] = {"agree": agree, "groups": len(rows), "share": round(agree / len(rows), 4) if rows else 0.0}
    return out


def main(argv: list[str] | None = None) -> int:
    from classifier.train import parse_provenance_weights
    from classifier.training_run import DEFAULT_PRIMARY_HEAD, DEFAULT_SECONDARY_WEIGHT, DEFAULT_WEIGHTS, training_records

    ap = argparse.ArgumentParser(prog="python -m evaluation.group_folds", description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--weight", action="append", metavar="PREFIX=W", help="as for stratag train")
    ap.add_argument("--param", action="append", default=[], metavar="KEY=JSON", help="as for stratag train")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--secondary-weight", type=float, default=None, help="as for stratag train")
    ap.add_argument("--primary-head", action="store_true",
                    help="also score the main label chosen by the primary head stratag train builds")
    ap.add_argument("--head-variant", action="append", default=[], metavar="NAME=JSON",
                    help='also score a primary head with these parameters, e.g. full=\'{"max_weights": 0}\'')
    ap.add_argument("--threshold-tolerance", action="append", type=float, default=[], metavar="T",
                    help="with --primary-head, also score the main label with thresholds tuned on the dev split at "
                         "this F1 tolerance (0: as stratag train tunes them)")
    ap.add_argument("--group-primaries", action="store_true",
                    help="give the training groups' passages a primary label in every scheme where they have one gold "
                         "label, so that the primary head learns from all five translations of those groups")
    ap.add_argument("--main-labels", metavar="FILE", default=None,
                    help="JSON {group: [main label per scheme]}: the judged main labels of training groups (e.g. "
                         "corpus/seed/parallel-train/main-labels.json), given to all five translations as their "
                         "primary label")
    ap.add_argument("--main-floor", action="append", type=float, default=[], metavar="F",
                    help="with --primary-head, also score the main label chosen among the labels at or above F x 0.5")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        weights = parse_provenance_weights(args.weight)
    except ValueError as e:
        ap.error(str(e))
    params = {k: json.loads(v) for k, _, v in (p.partition("=") for p in args.param)}
    records, extra, _ = training_records(seed=args.seed)
    secondary = DEFAULT_SECONDARY_WEIGHT if args.secondary_weight is None else args.secondary_weight
    result = group_fold_consistency(records + extra, args.folds, DEFAULT_WEIGHTS if weights is None else weights,
                                    params or None, args.seed, secondary, args.primary_head,
                                    {k: json.loads(v) for k, _, v in (h.partition("=") for h in args.head_variant)},
                                    DEFAULT_PRIMARY_HEAD, tuple(args.threshold_tolerance),
                                    tuple(args.main_floor), args.group_primaries,
                                    json.loads(open(args.main_labels, encoding="utf-8").read()) if args.main_labels else None)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
