"""The ``stratag`` command line. Each command parses arguments and calls one plain function."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path

from corpus.errors import StratagError

log = logging.getLogger("stratag")


def _load(model_dir):
    from classifier.artifact import load_tagger

    return load_tagger(model_dir)


def _read_options(args) -> dict:
    return {"engine": args.engine, "use_ocr": False if args.no_ocr else None, "language": args.language}


def cmd_classify(args) -> int:
    from classifier.pipeline import classify_files
    from service.render import classification_table

    tagger = _load(args.model)
    results = classify_files(args.files, tagger, args.mode, **_read_options(args))
    failed = [r for r in results if isinstance(r, StratagError)]
    if args.json:
        payload = [r.to_dict() if not isinstance(r, StratagError) else {"source": r.source, "error": r.to_dict()} for r in results]
        json.dump(payload if len(payload) != 1 else payload[0], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for r in results:
            if not isinstance(r, StratagError):
                sys.stdout.write(classification_table(r, show_all=args.all, lang=args.ui_language) + "\n")
    for err in failed:
        sys.stderr.write(f"error [{err.code}] {err}\n")
    if failed:
        return failed[0].exit_code if len(failed) == len(results) else 1
    return 0


def cmd_predict(args) -> int:
    from classifier.pipeline import predict_jsonl

    tagger = _load(args.model)
    src = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    try:
        if args.output in (None, "-"):
            n = predict_jsonl(src, sys.stdout, tagger, mode=args.mode)
        else:
            out = Path(args.output)
            tmp = out.with_name(out.name + ".tmp")
            try:
                with tmp.open("w", encoding="utf-8") as dst:
                    n = predict_jsonl(src, dst, tagger, mode=args.mode)
                tmp.replace(out)
            finally:
                tmp.unlink(missing_ok=True)
    finally:
        if src is not sys.stdin:
            src.close()
    log.info("%d records", n)
    return 0


def cmd_train(args) -> int:
    from classifier.training_run import run_training

    params = {}
    for item in args.param:
        key, _, value = item.partition("=")
        params[key] = json.loads(value)
    report = run_training(out=args.out, sources=args.sources.split(","), seed=args.seed, name=args.name,
                          estimator_params=params or None,
                          embeddings=not args.no_embeddings, distill=not args.no_distill, train_fraction=args.train_fraction,
                          complete=not args.no_completion, provenance_weights=_weights(args.weight),
                          secondary_weight=args.secondary_weight, primary_head=not args.no_primary_head,
                          primary_head_params={k: json.loads(v) for k, _, v in (p.partition("=") for p in args.head_param)} or None,
                          threshold_tolerance=args.threshold_tolerance)
    sys.stdout.write(json.dumps(report.get("test", {}).get("all", {}).get("all", {}), indent=2) + "\n")
    sys.stdout.write(f"model written to {args.out}\n")
    return 0


def _weights(items: list[str] | None) -> dict[str, float] | None:
    """``--weight PREFIX=W`` options (None: the training defaults; ``--weight none``: all sources alike)."""
    from classifier.train import parse_provenance_weights

    try:
        return parse_provenance_weights(items)
    except ValueError as e:
        raise SystemExit(str(e)) from None


def _write_json(payload, target: str | None) -> None:
    if not target:
        return
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def cmd_evaluate(args) -> int:
    from evaluation.run import default_report_paths, format_summary, score_model, write_reports

    if not args.data:
        sys.stderr.write("stratag evaluate: --data FILE or SET is required (or a subcommand: history, compare, gate)\n")
        return 2
    ev = score_model(args.data, args.model, mode=args.mode, set_name=args.set_name, db=args.db, record=not args.no_record)
    html, json_out = args.html, args.json if args.json != "-" else None
    if ev.run_id is not None and not html and not args.json:  # recorded runs land where the web portal lists reports
        html, json_out = default_report_paths(ev.report)
    write_reports(ev.report, html=html, json_path=json_out)
    if args.json == "-":
        _write_json(ev.report.to_dict(), "-")
    else:
        sys.stdout.write(format_summary(ev.report) + "\n" + "".join(f"report written to {p}\n" for p in (html, json_out) if p))
    return 0


def cmd_evaluate_history(args) -> int:
    from evaluation.history import History, format_history

    sys.stdout.write(format_history(History(args.db).runs(args.set)) + "\n")
    return 0


def cmd_evaluate_compare(args) -> int:
    from evaluation.compare import format_comparison
    from evaluation.run import compare_models

    result = compare_models(args.a, args.b, args.data, mode=args.mode, db=args.db, record=not args.no_record, margin=args.margin)
    _write_json(result, args.json)
    if args.json != "-":
        sys.stdout.write(format_comparison(result) + "\n")
    return 0


def cmd_evaluate_gate(args) -> int:
    from evaluation.gate import gate
    from evaluation.run import compare_models

    result = compare_models(args.baseline, args.candidate, args.data, mode=args.mode, db=args.db,
                            record=not args.no_record, margin=args.margin)
    consistency = None
    if args.crosslingual:
        from classifier.artifact import load_tagger
        from classifier.taxonomy import default_taxonomy
        from evaluation.crosslingual import compare_consistency, heldout_parallel

        consistency = compare_consistency(load_tagger(args.baseline), load_tagger(args.candidate),
                                          heldout_parallel("all"), default_taxonomy(), args.mode)
    verdict = gate(result, alpha=args.alpha, consistency=consistency)
    _write_json({"passed": verdict.passed, "alpha": verdict.alpha, "margin": verdict.margin, "checks": verdict.checks,
                 "comparison": result, "consistency": consistency}, args.json)
    sys.stdout.write(f"{result['set']}: baseline {result['baseline']}, candidate {result['candidate']}\n{verdict.describe()}\n")
    return 0 if verdict.passed else 1


def cmd_bench(args) -> int:
    from evaluation.benchmark import benchmark_folder

    result = benchmark_folder(args.folder, engines=args.engines.split(","), end_to_end=not args.no_classify,
                              model_dir=args.model, limit=args.limit)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def cmd_batch(args) -> int:
    from service.batch import portal_store_url, run_batch
    from service.batch_output import format_summary

    store_url = portal_store_url() if args.store == "" else args.store
    signal.signal(signal.SIGTERM, _interrupt)  # a plain kill stops the run like Ctrl-C, summary written
    try:
        summary = run_batch(args.folder, args.output, model_dir=args.model, mode=args.mode, engine=args.engine,
                            use_ocr=False if args.no_ocr else None, max_pages=args.max_pages, workers=args.workers,
                            timeout_s=args.timeout,
                            max_memory_mb=args.max_memory or None, backend=args.backend, scheduler=args.scheduler,
                            store_url=store_url, overwrite=args.overwrite, retry_failed=args.retry_failed,
                            progress=not args.no_progress)
    except KeyboardInterrupt:
        sys.stderr.write(f"interrupted: the documents done so far are in {args.output}; "
                         "run the same command again to do the rest\n")
        return 130
    sys.stdout.write(format_summary(summary) + "\n")
    return 1 if summary["run"]["failed"] else 0


def cmd_evaluate_language(args) -> int:
    from corpus.sources import seed_passages
    from evaluation.language_id import evaluate_language_id, short_samples

    samples = short_samples(seed_passages(), max_chars=args.max_chars)
    sys.stdout.write(json.dumps(evaluate_language_id(samples), indent=2, ensure_ascii=False) + "\n")
    return 0


def cmd_labels(args) -> int:
    from classifier.taxonomy import default_taxonomy

    for label in default_taxonomy().labels:
        sys.stdout.write(f"{label.id:22s} {label.display_name(args.ui_language)}\n")
    return 0


def cmd_serve(args) -> int:
    from service.app import run_server
    from service.settings import Settings

    overrides = {"data_dir": args.data_dir, "database_url": args.database_url, "model_dir": args.model}
    run_server(Settings(**{k: v for k, v in overrides.items() if v}), host=args.host, port=args.port)
    return 0


def cmd_bench_service(args) -> int:
    from service.loadcheck import run_load_check

    result = run_load_check(n=args.uploads, concurrency=args.concurrency, model_dir=args.model, partner_method=args.partners)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0 if result["ok"] else 1


def cmd_evaluate_crosslingual(args) -> int:
    from classifier.artifact import load_tagger
    from classifier.taxonomy import default_taxonomy
    from evaluation.crosslingual import (compare_consistency, consistency_report, document_consistency,
                                         heldout_parallel, render, render_comparison, render_documents)

    if (args.baseline or args.readers) and args.documents:
        sys.stderr.write("stratag evaluate crosslingual: --baseline and --readers compare passages; leave out --documents\n")
        return 2
    tagger, records = load_tagger(args.model), heldout_parallel(args.set)
    if args.readers:
        from evaluation.crosslingual import model_flags
        from evaluation.readers import compare_with_readers, load_readings, readers_report, render_readers

        taxonomy = default_taxonomy()
        readings = load_readings(taxonomy=taxonomy)
        flags = {s: f["same"] for s, f in model_flags(tagger, records, taxonomy, args.mode, "main").items() if s != "all"}
        report = {"readers": readers_report(records, readings, taxonomy),
                  "readers_vs_model": compare_with_readers(flags, records, readings, taxonomy)}
        text = render_readers(report, args.set, args.mode)
    elif args.baseline:
        report = compare_consistency(load_tagger(args.baseline), tagger, records, default_taxonomy(), args.mode, args.by)
        text = render_comparison(report, args.mode, args.set, args.by)
    elif args.documents:
        report = document_consistency(tagger, records, default_taxonomy(), args.mode, args.documents)
        text = render_documents(report, args.mode, args.set)
    else:
        report = consistency_report(tagger, records, default_taxonomy(), args.mode, args.by)
        text = render(report, args.mode, args.set, args.by)
    sys.stdout.write((json.dumps(report, indent=1) if args.json else text) + "\n")
    return 0


def cmd_evaluate_agreement(args) -> int:
    from classifier.taxonomy import default_taxonomy
    from evaluation.agreement import agreement, render

    from evaluation.devsets import SECOND_ANNOTATOR

    results = [agreement(name, default_taxonomy()) for name in args.set or list(SECOND_ANNOTATOR)]
    results = [r for r in results if r["passages"]] if not args.set else results
    sys.stdout.write((json.dumps(results, indent=1) if args.json else "\n".join(render(r) for r in results)) + "\n")
    return 0


def _evaluate_parsers(sub, model_opt) -> None:
    """``evaluate`` is a group (run, history, compare, gate); ``stratag evaluate --data X`` means ``evaluate run``."""

    def db_opt(sp):
        sp.add_argument("--db", metavar="URL", default=None,
                        help="history database: SQLAlchemy URL or file (default $STRATAG_DATA_DIR/stratag.sqlite, ./data)")

    def run_opts(sp):
        sp.add_argument("--data", nargs="+", action="extend", default=None, metavar="FILE_OR_SET",
                        help="labelled JSONL, CSV (text,labels[,language]), pairwise CSV (text,label,true/false), or a "
                             "hand-labelled set: city-plans, esif-titles (dev), city-plans-test, esif-titles-test (test), "
                             "with -b for the second annotator and esif-titles[-test]-novel (several are evaluated "
                             "together)")
        model_opt(sp, mode=True)
        sp.add_argument("--html", metavar="OUT.html", default=None,
                        help="write the self-contained HTML report (default for a recorded run: "
                             "$STRATAG_DATA_DIR/reports/run-<id>-<set>.html and .json, listed by the web portal)")
        sp.add_argument("--json", metavar="OUT.json", nargs="?", const="-", default=None,
                        help="write the JSON report (to stdout when no file is given)")
        sp.add_argument("--set-name", default=None, help="name of the data in the history (default: the --data names)")
        sp.add_argument("--no-record", action="store_true", help="do not record the run in the history")
        db_opt(sp)

    def compare_opts(sp):
        sp.add_argument("--data", nargs="+", action="extend", default=None, metavar="FILE_OR_SET",
                        help="data to evaluate model directories on (default: the set of a run id given)")
        sp.add_argument("--mode", choices=["fast", "accurate"], default="fast")
        sp.add_argument("--margin", type=float, default=None, help="smallest F1 drop that counts (default 0.02)")
        sp.add_argument("--json", metavar="OUT.json", nargs="?", const="-", default=None)
        sp.add_argument("--no-record", action="store_true", help="do not record the evaluations in the history")
        db_opt(sp)

    e = sub.add_parser("evaluate", help="measure a model on labelled data; history, compare, gate (see --help)",
                       description="Without a subcommand, the same as 'evaluate run'.")
    run_opts(e)
    e.set_defaults(func=cmd_evaluate)
    es = e.add_subparsers(dest="evaluate_command", required=False, metavar="{run,crosslingual,agreement,history,compare,gate}")
    r = es.add_parser("run", help="metrics, bootstrap intervals, JSON/HTML report; the run is recorded in the history")
    run_opts(r)
    r.set_defaults(func=cmd_evaluate)
    x = es.add_parser("crosslingual", help="same top label in every language on the held-out parallel passages")
    model_opt(x, mode=True)
    x.add_argument("--set", choices=["A", "B", "C", "all"], default="all",
                   help="held-out batch: A (the first 115 groups), B (150 groups written later), C (96 groups on the "
                        "boundaries of the labels that flip most) or all")
    x.add_argument("--by", choices=["main", "score"], default="main",
                   help="a passage's top label: its main label (what stratag shows first; default) or its highest score")
    x.add_argument("--documents", type=int, metavar="N", default=0,
                   help="score whole documents of N held-out groups each (tagged as stratag tags a document) instead "
                        "of single passages")
    x.add_argument("--baseline", metavar="DIR", default=None,
                   help="compare with this model on the same groups: both shares, the difference with its 95%% "
                        "interval over resampled groups, the groups each gets that the other does not")
    x.add_argument("--readers", action="store_true",
                   help="score the independent readers' main labels (evaluation/readings/parallel-heldout.jsonl) the "
                        "same way, and the model against them on the same groups: what careful readers reach")
    x.add_argument("--json", action="store_true", help="print JSON instead of text")
    x.set_defaults(func=cmd_evaluate_crosslingual)
    ag = es.add_parser("agreement", help="agreement of the two annotators of the hand-labelled sets")
    ag.add_argument("--set", choices=["city-plans", "esif-titles", "city-plans-test", "esif-titles-test"],
                    action="append", default=None, help="a hand-labelled set (default: every set with two annotations)")
    ag.add_argument("--json", action="store_true", help="print JSON instead of text")
    ag.set_defaults(func=cmd_evaluate_agreement)
    h = es.add_parser("history", help="the recorded runs per set, with the micro-F1 trend")
    h.add_argument("--set", default=None, help="only this set")
    db_opt(h)
    h.set_defaults(func=cmd_evaluate_history)
    c = es.add_parser("compare", help="per-label and per-language deltas of B against A, with significance")
    c.add_argument("a", help="baseline: a run id from 'evaluate history' or a model directory")
    c.add_argument("b", help="candidate: a run id or a model directory")
    compare_opts(c)
    c.set_defaults(func=cmd_evaluate_compare)
    g = es.add_parser("gate", help="exit 1 when the candidate is significantly worse than the baseline (README: rule)")
    g.add_argument("--candidate", required=True, help="model directory")
    g.add_argument("--baseline", required=True, help="model directory or run id")
    g.add_argument("--alpha", type=float, default=0.05, help="family-wise significance level (Bonferroni over checks)")
    g.add_argument("--crosslingual", action="store_true",
                   help="also check the same top label on all held-out parallel groups per scheme (--baseline must be "
                        "a model directory)")
    compare_opts(g)
    g.set_defaults(func=cmd_evaluate_gate)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="stratag", description="Tag strategy documents with SDG, Green Deal and smart-city labels.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    def model_opt(sp, mode: bool = False):
        sp.add_argument("--model", default=None, help="model directory (default: the shipped models/default)")
        if mode:
            sp.add_argument("--mode", choices=["fast", "accurate"], default="fast",
                            help="accurate adds the multilingual e5 model (about 100x slower)")

    c = sub.add_parser("classify", help="tag PDF/.txt/.md files and show tags with evidence pages")
    c.add_argument("files", nargs="+")
    model_opt(c, mode=True)
    c.add_argument("--json", action="store_true", help="print the full result as JSON")
    c.add_argument("--all", action="store_true", help="list every label, not only the assigned ones")
    c.add_argument("--engine", choices=["pdfium", "pdfplumber"], default="pdfium", help="PDF text engine")
    c.add_argument("--no-ocr", action="store_true", help="do not OCR pages without a text layer")
    c.add_argument("--language", default=None, help="force the document language (pl, cs, sk, hu, en)")
    c.add_argument("--ui-language", default="en", help="language of label names (en, pl, cs, sk, hu)")
    c.set_defaults(func=cmd_classify)

    pr = sub.add_parser("predict", help="JSONL {id, text} in -> JSONL {id, language, labels, scores} out")
    pr.add_argument("input", help="input JSONL file, or - for stdin")
    pr.add_argument("-o", "--output", default="-", help="output JSONL file, or - for stdout")
    model_opt(pr, mode=True)
    pr.set_defaults(func=cmd_predict)

    t = sub.add_parser("train", help="train a model from the corpus sources")
    t.add_argument("--out", default="models/default")
    t.add_argument("--name", default="default")
    t.add_argument("--sources", default="seed,taxonomy,sdg-targets,esif,ccc-weak")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-embeddings", action="store_true", help="skip the e5 teacher (no accurate mode, no distillation)")
    t.add_argument("--no-distill", action="store_true", help="train the e5 head but do not distil it into the fast model")
    t.add_argument("--no-completion", action="store_true",
                   help="do not let the e5 teacher label the schemes a mapped source leaves unknown")
    t.add_argument("--train-fraction", type=float, default=1.0, help="use only this share of the training split")
    t.add_argument("--weight", action="append", metavar="PREFIX=W",
                   help="weight of the training passages whose provenance starts with PREFIX (first match wins; "
                        "replaces the defaults in classifier/training_run.py); '--weight none' weighs all alike")
    t.add_argument("--secondary-weight", type=float, default=None, metavar="W",
                   help="how much a seed passage's labels other than its primary one count (default in "
                        "classifier/training_run.py)")
    t.add_argument("--no-primary-head", action="store_true",
                   help="no primary head: a passage's main label is then its highest-scoring label")
    t.add_argument("--head-param", action="append", default=[], metavar="KEY=JSON",
                   help="primary head parameter (replaces the defaults in classifier/training_run.py), e.g. C=1")
    t.add_argument("--param", action="append", default=[], metavar="KEY=JSON",
                   help="estimator hyperparameter, e.g. --param 'ngram_range=[0,0]' --param C=2")
    t.add_argument("--threshold-tolerance", type=float, default=None, metavar="T",
                   help="per-label thresholds: among those within T of the best dev F1, the one nearest 0.5 (default "
                        "in classifier/training_run.py)")
    t.set_defaults(func=cmd_train)

    _evaluate_parsers(sub, model_opt)

    b = sub.add_parser("bench", help="measure extraction and end-to-end pages/s and peak memory on a PDF folder")
    b.add_argument("folder")
    b.add_argument("--engines", default="pdfium,pdfplumber")
    b.add_argument("--no-classify", action="store_true")
    b.add_argument("--limit", type=int, default=None, help="only the first N files")
    model_opt(b)
    b.set_defaults(func=cmd_bench)

    ba = sub.add_parser("batch", help="classify a folder into JSONL or CSV: parallel, resumable, with a summary")
    ba.add_argument("folder")
    ba.add_argument("-o", "--output", required=True, help="results.jsonl or results.csv (summary: results.summary.json)")
    model_opt(ba, mode=True)
    ba.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    ba.add_argument("--timeout", type=float, default=600.0,
                    help="seconds a file may take before it is recorded as 'timeout' (default %(default)g)")
    ba.add_argument("--max-memory", type=int, default=4096,
                    help="MB of address space per worker before a file is recorded as 'out_of_memory' "
                         "(default %(default)d; 0 = no limit)")
    ba.add_argument("--max-pages", type=int, default=3000,
                    help="documents with more pages are recorded as 'too_large' (default %(default)d)")
    ba.add_argument("--backend", choices=["local", "dask"], default="local",
                    help="local worker processes, or a Dask cluster (needs 'stratag[distributed]')")
    ba.add_argument("--scheduler", default=None, help="address of a running Dask scheduler (default: a local cluster)")
    ba.add_argument("--store", metavar="URL", nargs="?", const="", default=None,
                    help="also save the results into the portal database (default URL: the portal's STRATAG_* settings)")
    ba.add_argument("--overwrite", action="store_true", help="start again instead of resuming the output")
    ba.add_argument("--retry-failed", action="store_true", help="try the documents that failed in earlier runs again")
    ba.add_argument("--engine", choices=["pdfium", "pdfplumber"], default="pdfium", help="PDF text engine")
    ba.add_argument("--no-ocr", action="store_true", help="do not OCR pages without a text layer")
    ba.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    ba.set_defaults(func=cmd_batch)

    el = sub.add_parser("evaluate-language", help="language-ID accuracy of lingua vs langdetect on short seed passages")
    el.add_argument("--max-chars", type=int, default=120)
    el.set_defaults(func=cmd_evaluate_language)

    lb = sub.add_parser("labels", help="list the label taxonomy")
    lb.add_argument("--ui-language", default="en")
    lb.set_defaults(func=cmd_labels)

    sv = sub.add_parser("serve", help="run the HTTP API and web portal (settings: STRATAG_* environment variables)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--data-dir", default=None, help="data directory (default $STRATAG_DATA_DIR or ./data)")
    sv.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: SQLite file in the data directory)")
    model_opt(sv)
    sv.set_defaults(func=cmd_serve)

    bs = sub.add_parser("bench-service", help="loopback load check: concurrent uploads to a local server, latency and req/s")
    bs.add_argument("--uploads", type=int, default=50)
    bs.add_argument("--concurrency", type=int, default=50)
    bs.add_argument("--partners", choices=["labels", "e5"], default="labels", help="partner method of the served app")
    model_opt(bs)
    bs.set_defaults(func=cmd_bench_service)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except StratagError as exc:
        sys.stderr.write(f"error [{exc.code}] {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
