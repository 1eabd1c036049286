"""The ``stratag`` command line. Each command parses arguments and calls one plain function."""

from __future__ import annotations

import argparse
import json
import logging
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
                          embeddings=not args.no_embeddings, distill=not args.no_distill, train_fraction=args.train_fraction)
    sys.stdout.write(json.dumps(report.get("test", {}).get("all", {}).get("all", {}), indent=2) + "\n")
    sys.stdout.write(f"model written to {args.out}\n")
    return 0


def cmd_evaluate(args) -> int:
    from evaluation.run import evaluate_file, format_summary

    report = evaluate_file(args.data, _load(args.model))
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_summary(report) + "\n")
    return 0


def cmd_bench(args) -> int:
    from evaluation.benchmark import benchmark_folder

    result = benchmark_folder(args.folder, engines=args.engines.split(","), end_to_end=not args.no_classify,
                              model_dir=args.model, limit=args.limit)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


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
    t.add_argument("--train-fraction", type=float, default=1.0, help="use only this share of the training split")
    t.add_argument("--param", action="append", default=[], metavar="KEY=JSON",
                   help="estimator hyperparameter, e.g. --param 'ngram_range=[0,0]' --param C=2")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="measure a model on labelled JSONL or CSV data")
    e.add_argument("--data", required=True)
    model_opt(e)
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_evaluate)

    b = sub.add_parser("bench", help="measure extraction and end-to-end pages/s and peak memory on a PDF folder")
    b.add_argument("folder")
    b.add_argument("--engines", default="pdfium,pdfplumber")
    b.add_argument("--no-classify", action="store_true")
    b.add_argument("--limit", type=int, default=None, help="only the first N files")
    model_opt(b)
    b.set_defaults(func=cmd_bench)

    el = sub.add_parser("evaluate-language", help="language-ID accuracy of lingua vs langdetect on short seed passages")
    el.add_argument("--max-chars", type=int, default=120)
    el.set_defaults(func=cmd_evaluate_language)

    lb = sub.add_parser("labels", help="list the label taxonomy")
    lb.add_argument("--ui-language", default="en")
    lb.set_defaults(func=cmd_labels)
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
