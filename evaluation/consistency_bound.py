"""Where the cross-lingual disagreement sits: the same main label when parts of the model see every translation alike.

Each variant replaces one part of the fast model's input to the main-label choice by its mean over the passage's
parallel group (the five translations): the n-gram scores, the concept head's probabilities, both probabilities, the
primary head's features, or everything. ``shipped`` replaces nothing and equals ``stratag evaluate crosslingual``;
``everything`` must reach 100%. A diagnostic on the held-out groups: it says which part's dependence on the language
costs most agreement, and no setting may be chosen by it.

    python -m evaluation.consistency_bound [--model DIR] [--set A|B|C|all|train]

It also prints how far the translations' n-gram scores and probabilities lie from their group's mean (``spread``),
the quantity a change such as the translation-invariance penalty (``classifier/invariance.py``) should shrink.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import scipy.sparse as sp

from classifier.primary_head import main_mask, ranked_by_main
from corpus.dataset import LabelledPassage
from evaluation.crosslingual import HELD_OUT_SETS, consistency_of, heldout_parallel

VARIANTS = {  # name: which parts are averaged over the group (n-gram scores, concept probabilities, head features)
    "shipped": (), "n-gram scores": ("ngram",), "concept probabilities": ("concepts",),
    "both probabilities": ("ngram", "concepts"), "head features": ("head",), "everything": ("ngram", "concepts", "head"),
}


def group_mean(A, records: list[LabelledPassage]):
    """``A`` (n, ...) with every row replaced by the mean of its parallel group's rows (sparse stays sparse)."""
    members: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        members.setdefault(r.group or r.id, []).append(i)
    rows, cols = [], []
    for idx in members.values():
        rows += [i for i in idx for _ in idx]
        cols += idx * len(idx)
    weights = np.array([1.0 / len(members[records[i].group or records[i].id]) for i in rows])
    M = sp.csr_matrix((weights, (rows, cols)), shape=(len(records), len(records)))
    out = M @ A
    return out.tocsr() if sp.issparse(out) else np.asarray(out)


def spread(tagger, records: list[LabelledPassage]) -> dict[str, float]:
    """How far a translation's n-gram scores and final probabilities lie from its group's mean: the mean absolute
    difference over passages and labels."""
    est = tagger.estimator
    scores, concepts, _ = est.score_parts([(r.text, r.language) for r in records])
    P = est.blend(scores, concepts)
    return {"n-gram score": float(np.abs(scores - group_mean(scores, records)).mean()),
            "probability": float(np.abs(P - group_mean(P, records)).mean())}


def bound_report(tagger, records: list[LabelledPassage], taxonomy) -> dict[str, dict]:
    """``{variant: same_top_label per scheme}`` (as ``consistency_of``) in fast mode, main label first."""
    est = tagger.estimator
    scores, concepts, features = est.score_parts([(r.text, r.language) for r in records])
    thresholds = tagger.passage_thresholds("fast")
    order = [tagger.label_ids.index(i) for i in taxonomy.ids]
    out = {}
    for name, alike in VARIANTS.items():
        s = group_mean(scores, records) if "ngram" in alike else scores
        c = group_mean(concepts, records) if "concepts" in alike and concepts is not None else concepts
        F = group_mean(features, records) if "head" in alike else features
        P = est.blend(s, c)
        if tagger.primary_head is None:
            main = main_mask(P, tagger.label_ids, thresholds, taxonomy)
        else:
            main = tagger.primary_head.main_mask(F, P, tagger.label_ids, thresholds, taxonomy)
        out[name] = consistency_of(records, ranked_by_main(P, main)[:, order], taxonomy)["same_top_label"]
    return out


def main(argv: list[str] | None = None) -> int:
    from classifier.artifact import load_tagger
    from classifier.taxonomy import default_taxonomy

    ap = argparse.ArgumentParser(prog="python -m evaluation.consistency_bound", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--set", default="all", choices=list(HELD_OUT_SETS) + ["all", "train"],
                    help="held-out batch, all of them, or 'train': the training split's parallel groups (which the "
                         "model learnt from: how well it ties what it saw, against how well that carries over)")
    args = ap.parse_args(argv)
    taxonomy = default_taxonomy()
    if args.set == "train":
        from corpus.sources import seed_passages

        records = [r for r in (p.with_split() for p in seed_passages()) if r.group and r.split == "train"]
    else:
        records = heldout_parallel(args.set)
    tagger = load_tagger(args.model)
    report = bound_report(tagger, records, taxonomy)
    lines = [f"Same main label in every language, fast mode, set {args.set}, with these parts alike in all "
             "translations:"]
    for name, cells in report.items():
        lines.append(f"  {name:22s}: " + ", ".join(f"{s} {c['agree']}/{c['groups']} = {100 * c['share']:.1f}%"
                                                   for s, c in cells.items() if s != "all"))
    lines.append("Spread between translations (mean |value - group mean| over passages and labels): " +
                 ", ".join(f"{k} {v:.4f}" for k, v in spread(tagger, records).items()))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
