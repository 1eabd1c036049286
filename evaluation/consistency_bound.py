"""Where the cross-lingual disagreement sits: the same main label when parts of the model see every translation alike.

Each variant replaces one part of the fast model's input to the main-label choice by its mean over the passage's
parallel group (the five translations): the n-gram scores, the concept head's probabilities, both probabilities, the
primary head's features, or everything. ``shipped`` replaces nothing and equals ``stratag evaluate crosslingual``;
``everything`` must reach 100%. A diagnostic on the held-out groups: it says which part's dependence on the language
costs most agreement, and no setting may be chosen by it.

    python -m evaluation.consistency_bound [--model DIR] [--set A|B|C|all|train] [--shrink F ...]

``--shrink F`` moves the chosen parts only a fraction ``F`` of the way to their group's mean (``x - F (x - mean)``,
1: the mean itself): how much of the translations' spread a change would have to remove to reach a given agreement.

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


def shrunk(A, records: list[LabelledPassage], fraction: float = 1.0):
    """``A`` moved ``fraction`` of the way from each row to its group's mean (1: ``group_mean``; 0: ``A``)."""
    if fraction == 1.0:
        return group_mean(A, records)
    out = A - fraction * (A - group_mean(A, records))
    return out.tocsr() if sp.issparse(out) else out


def bound_report(tagger, records: list[LabelledPassage], taxonomy, fraction: float = 1.0, parts=None) -> dict[str, dict]:
    """``{variant: same_top_label per scheme}`` (as ``consistency_of``) in fast mode, main label first; each
    variant's parts moved ``fraction`` of the way to their group's mean (``shrunk``). ``parts``: the records'
    ``score_parts``, when already computed."""
    est = tagger.estimator
    scores, concepts, features = parts or est.score_parts([(r.text, r.language) for r in records])
    thresholds = tagger.passage_thresholds("fast")
    order = [tagger.label_ids.index(i) for i in taxonomy.ids]
    out = {}
    for name, alike in VARIANTS.items():
        s = shrunk(scores, records, fraction) if "ngram" in alike else scores
        c = shrunk(concepts, records, fraction) if "concepts" in alike and concepts is not None else concepts
        F = shrunk(features, records, fraction) if "head" in alike else features
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
    ap.add_argument("--shrink", action="append", type=float, default=[], metavar="F",
                    help="move the parts only this fraction of the way to their group's mean (0 to 1; repeatable; "
                         "default 1)")
    args = ap.parse_args(argv)
    if any(not 0.0 <= f <= 1.0 for f in args.shrink):
        ap.error("--shrink takes fractions from 0 to 1")
    taxonomy = default_taxonomy()
    if args.set == "train":
        from corpus.sources import seed_passages

        records = [r for r in (p.with_split() for p in seed_passages()) if r.group and r.split == "train"]
    else:
        records = heldout_parallel(args.set)
    tagger = load_tagger(args.model)
    lines = []
    parts = tagger.estimator.score_parts([(r.text, r.language) for r in records])
    for fraction in args.shrink or [1.0]:
        report = bound_report(tagger, records, taxonomy, fraction, parts)
        lines.append(f"Same main label in every language, fast mode, set {args.set}, with these parts alike in all "
                     "translations:" if fraction == 1.0 else
                     f"Same main label in every language, fast mode, set {args.set}, with these parts moved "
                     f"{100 * fraction:.0f}% of the way to their group's mean:")
        for name, cells in report.items():
            lines.append(f"  {name:22s}: " + ", ".join(f"{s} {c['agree']}/{c['groups']} = {100 * c['share']:.1f}%"
                                                       for s, c in cells.items() if s != "all"))
    lines.append("Spread between translations (mean |value - group mean| over passages and labels): " +
                 ", ".join(f"{k} {v:.4f}" for k, v in spread(tagger, records).items()))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
