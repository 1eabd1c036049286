"""``stratag evaluate``: score a model on gold data, build the Report, record the run in the history, and write
the JSON and HTML reports. The commands ``compare`` and ``gate`` reuse ``score_model``."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from corpus.errors import ModelIncompatible
from evaluation.bootstrap import N_BOOT, SEED
from evaluation.gold import GoldSet, load_gold
from evaluation.report import Predictions, Report, evaluate

log = logging.getLogger(__name__)


def model_fingerprint(model_dir: str | Path) -> str:
    """sha256 of ``model.joblib``; the training-data fingerprint plus creation time when that file is absent."""
    from classifier.artifact import MODEL_FILE, read_meta

    path = Path(model_dir) / MODEL_FILE
    h = hashlib.sha256()
    if path.is_file():
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    else:
        meta = read_meta(model_dir)
        h.update(f"{meta.get('data_fingerprint', '')}\t{meta.get('created', '')}".encode())
    return h.hexdigest()


def predict_gold(tagger, gold: GoldSet, taxonomy, mode: str = "fast") -> Predictions:
    """The tagger's passage probabilities for the gold texts, columns in taxonomy order."""
    if sorted(tagger.label_ids) != sorted(taxonomy.ids):
        raise ModelIncompatible("the model's labels differ from the taxonomy's; retrain it")
    order = [tagger.label_ids.index(i) for i in taxonomy.ids]
    P = tagger.predict_texts(list(zip(gold.texts, gold.languages)), mode)[:, order]
    thresholds = np.asarray(tagger.thresholds_for(mode), dtype=float)[order]
    return Predictions(P, thresholds, tagger.meta.get("name", tagger.name), mode)


def explain_errors(report: Report, tagger, gold: GoldSet) -> None:
    """Fill the worst errors' evidence terms: the words that pushed the label's score up most (fast model)."""
    for e in report.worst_errors:
        i = e["index"]
        e["terms"] = list(tagger.estimator.top_terms(gold.texts[i], gold.languages[i], tagger.label_ids.index(e["label"])))


@dataclass
class Evaluation:
    report: Report
    gold: GoldSet
    predictions: Predictions
    run_id: int | None


def score_model(data, model_dir=None, *, mode: str = "fast", set_name: str | None = None, db: str | None = None,
                record: bool = True, n_boot: int = N_BOOT, seed: int = SEED, gold: GoldSet | None = None) -> Evaluation:
    """Evaluate the model in ``model_dir`` (default: the shipped model) on ``data`` (files or named sets) and record
    the run in the history unless ``record`` is False."""
    from classifier.artifact import DEFAULT_MODEL_DIR, load_tagger
    from classifier.taxonomy import default_taxonomy
    from evaluation.history import History

    taxonomy = default_taxonomy()
    gold = gold or load_gold(data, taxonomy, name=set_name)
    model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    tagger = load_tagger(model_dir)
    predicted = predict_gold(tagger, gold, taxonomy, mode)
    report = evaluate(gold, predicted, taxonomy, n_boot, seed)
    explain_errors(report, tagger, gold)
    report.context.update(created=datetime.now(timezone.utc).isoformat(timespec="seconds"), model_dir=str(model_dir),
                          model_fingerprint=model_fingerprint(model_dir))
    run_id = None
    if record:
        run_id = History(db).record(report, gold.Y, predicted, ids=gold.ids, languages=gold.languages,
                                    created=report.context["created"], model_fingerprint=report.context["model_fingerprint"],
                                    model_dir=str(model_dir))
        report.context["run_id"] = run_id
    return Evaluation(report, gold, predicted, run_id)


def write_reports(report: Report, html: str | None = None, json_path: str | None = None) -> None:
    """The JSON report and/or the self-contained HTML report, each written atomically."""
    from classifier.taxonomy import default_taxonomy
    from evaluation.render_html import render_html

    data = report.to_dict()
    for path, render in ((json_path, lambda: json.dumps(data, indent=1, ensure_ascii=False) + "\n"),
                         (html, lambda: render_html(data, default_taxonomy()))):
        if not path:
            continue
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(render(), encoding="utf-8")
        tmp.replace(out)


def reports_dir() -> Path:
    """Where the web portal lists evaluation reports: ``$STRATAG_REPORTS_DIR``, else ``$STRATAG_DATA_DIR/reports``."""
    from evaluation.history import data_dir

    return Path(os.environ.get("STRATAG_REPORTS_DIR") or data_dir() / "reports")


def default_report_paths(report: Report) -> tuple[Path, Path]:
    """``run-<id>-<set>.html`` and ``.json`` in the reports folder."""
    stem = f"run-{report.context.get('run_id', 'x')}-" + re.sub(r"[^\w.+-]+", "_", Path(report.set_name).name)[:80]
    return reports_dir() / f"{stem}.html", reports_dir() / f"{stem}.json"


def format_summary(report: Report) -> str:
    langs = ", ".join(f"{k} {v}" for k, v in report.languages.items())
    run = report.context.get("run_id")
    lines = [f"{report.set_name}: {report.n} passages ({langs}), model {report.model} ({report.mode})"
             + (f", recorded as run {run}" if run is not None else ""),
             f"{'language':8} {'scheme':6} {'n':>5} {'micro-F1':>8} {'95% interval':>14} {'macro-F1':>8} {'samples-F1':>10} "
             f"{'subset-acc':>10} {'hamming':>7} {'ECE':>6}"]
    for lang, cells in report.metrics.items():
        for scheme, s in cells.items():
            if not s["n"]:
                continue
            if s["positives"]:
                lo, hi = (s.get("intervals") or {}).get("micro_f1") or (float("nan"), float("nan"))
                f1 = f"{s['micro_f1']:8.3f} [{lo:5.3f}, {hi:5.3f}] {s['macro_f1']:8.3f}"
            else:  # F1 is undefined without gold positives
                f1 = f"{'-':>8} {'':14} {'-':>8}"
            lines.append(f"{lang:8} {scheme:6} {s['n']:5d} {f1} {s['samples_f1']:10.3f} {s['subset_accuracy']:10.3f} "
                         f"{s['hamming_loss']:7.3f} {s['calibration']['ece']:6.3f}")
    if report.data_format == "pairwise":
        top = report.metrics["all"]["all"]
        lines.append(f"judgements agreed with: {1 - top['hamming_loss']:.3f} (share of judged (text, label) pairs where "
                     "'label in the model's tags' matches the judgement)")
    return "\n".join(lines)


def _scored(ref: str, data, gold: GoldSet | None, *, mode: str, db: str | None, record: bool):
    """A run id from the history, or a model directory evaluated on ``data``."""
    from evaluation.compare import scored_from_gold, scored_from_run
    from evaluation.history import History

    if ref.isdigit():
        return scored_from_run(History(db).get(int(ref)))
    ev = score_model(data, ref, mode=mode, db=db, record=record, gold=gold)
    return scored_from_gold(ev.gold, ev.predictions, f"{ref} ({ev.report.model}, {mode})", ev.run_id)


def compare_models(baseline: str, candidate: str, data=None, *, mode: str = "fast", db: str | None = None,
                   record: bool = True, margin: float | None = None, n_boot: int = N_BOOT, seed: int = SEED) -> dict:
    """``compare`` for two references, each a recorded run id or a model directory. Model directories are
    evaluated on ``data``, which defaults to the set of a run given as the other reference."""
    from classifier.taxonomy import default_taxonomy
    from corpus.errors import DataError
    from evaluation.compare import MARGIN, compare
    from evaluation.history import History

    taxonomy = default_taxonomy()
    if not data:
        runs = [History(db).get(int(r)) for r in (baseline, candidate) if r.isdigit()]
        if not runs:
            raise DataError("comparing model directories needs --data (a file or a named set)")
        data = runs[0].set_name.split("+")
    gold = None if baseline.isdigit() and candidate.isdigit() else load_gold(data, taxonomy)
    a = _scored(baseline, data, gold, mode=mode, db=db, record=record)
    b = _scored(candidate, data, gold, mode=mode, db=db, record=record)
    return compare(a, b, taxonomy, n_boot, seed, MARGIN if margin is None else margin)
