"""Compare two models on the same passages: micro-F1 deltas per language x scheme and F1 deltas per label, each
with a paired bootstrap interval and p-value, and flags for significant regressions and improvements.

Paired means both models are resampled on the same passages in every resample, so the passage-to-passage
variation they share cancels out and small but consistent differences become visible."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corpus.errors import DataError
from evaluation.bootstrap import N_BOOT, SEED, paired_difference, paired_label_differences, resample_weights
from evaluation.gold import GoldSet
from evaluation.report import Predictions, breakdown_cells

MARGIN = 0.02
LEVEL = 0.95


@dataclass(frozen=True, eq=False)
class Scored:
    """A model's predictions on a gold set, from a live evaluation or a recorded run."""

    name: str
    set_name: str
    data_fingerprint: str
    languages: tuple
    Y: np.ndarray = field(repr=False)
    predictions: Predictions = field(repr=False)
    run_id: int | None = None


def scored_from_gold(gold: GoldSet, predicted: Predictions, name: str, run_id: int | None = None) -> Scored:
    return Scored(name, gold.name, gold.fingerprint, gold.languages, gold.Y, predicted, run_id)


def scored_from_run(run) -> Scored:
    return Scored(f"run {run.id} ({run.model_name} {run.model_fingerprint[:8]}, {run.mode})", run.set_name,
                  run.data_fingerprint, run.languages, run.Y, run.predictions, run.id)


def _flag(d: dict, margin: float) -> str | None:
    lo, hi = d["interval"]
    if d["delta"] <= -margin and hi < 0:
        return "regression"
    if d["delta"] >= margin and lo > 0:
        return "improvement"
    return None


def compare(baseline: Scored, candidate: Scored, taxonomy, n_boot: int = N_BOOT, seed: int = SEED, margin: float = MARGIN) -> dict:
    """Deltas ``candidate - baseline``. A delta is flagged when its 95% interval excludes 0 and it is at least
    ``margin`` (absolute F1) in size."""
    if baseline.data_fingerprint != candidate.data_fingerprint:
        raise DataError(f"{baseline.name} and {candidate.name} were measured on different data "
                        f"({baseline.set_name} {baseline.data_fingerprint[:12]} vs {candidate.set_name} "
                        f"{candidate.data_fingerprint[:12]}); compare them on the same set")
    ids = taxonomy.ids
    schemes = [taxonomy.scheme_of(i) for i in ids]
    Y = baseline.Y
    pa, pb = baseline.predictions.decisions, candidate.predictions.decisions
    W = resample_weights(baseline.languages, n_boot, seed)
    cells = []
    for lang, scheme, rows, cols in breakdown_cells(baseline.languages, schemes):
        Ys = Y[rows][:, cols]
        if not (Ys == 1).any():
            continue
        d = paired_difference(Ys, pa[rows][:, cols], pb[rows][:, cols], W[:, rows], "micro_f1", LEVEL)
        a, b = d.pop("a"), d.pop("b")
        cells.append({"language": lang, "scheme": scheme, "n": int(rows.sum()), "baseline": a, "candidate": b, **d,
                      "flag": _flag(d, margin)})
    labels = []
    for label, d in paired_label_differences(Y, pa, pb, W, ids, LEVEL).items():
        a, b = d.pop("a"), d.pop("b")
        labels.append({"label": label, "baseline": a, "candidate": b, **d, "flag": _flag(d, margin)})
    return {
        "baseline": baseline.name, "candidate": candidate.name, "set": baseline.set_name, "n": int(Y.shape[0]),
        "metric": "micro_f1", "margin": margin, "level": LEVEL, "resamples": n_boot, "seed": seed,
        "cells": cells, "labels": labels,
        "regressions": [c for c in cells + labels if c["flag"] == "regression"],
    }


def format_comparison(result: dict) -> str:
    lines = [f"{result['set']}: {result['n']} passages; baseline {result['baseline']}, candidate {result['candidate']}",
             f"micro-F1 deltas (candidate - baseline), paired bootstrap {result['resamples']} resamples, "
             f"flagged when the 95% interval excludes 0 and |delta| >= {result['margin']}",
             f"{'language':8} {'scheme':6} {'n':>5} {'base':>6} {'cand':>6} {'delta':>7} {'95% interval':>17} {'p(worse)':>8}  flag"]
    for c in result["cells"]:
        lo, hi = c["interval"]
        lines.append(f"{c['language']:8} {c['scheme']:6} {c['n']:5d} {c['baseline']:6.3f} {c['candidate']:6.3f} {c['delta']:+7.3f} "
                     f"[{lo:+.3f}, {hi:+.3f}] {c['p_worse']:8.4f}  {c['flag'] or ''}")
    lines += ["", "per-label F1 (all languages), worst delta first",
              f"{'label':22} {'base':>6} {'cand':>6} {'delta':>7} {'95% interval':>17}  flag"]
    for d in sorted(result["labels"], key=lambda d: d["delta"]):
        lo, hi = d["interval"]
        lines.append(f"{d['label']:22} {d['baseline']:6.3f} {d['candidate']:6.3f} {d['delta']:+7.3f} [{lo:+.3f}, {hi:+.3f}]  "
                     f"{d['flag'] or ''}")
    n_reg = len(result["regressions"])
    lines.append("")
    lines.append(f"{n_reg} significant regression(s)" if n_reg else "no significant regression")
    return "\n".join(lines)
