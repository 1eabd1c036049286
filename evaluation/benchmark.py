"""Throughput benchmarks: extraction and end-to-end pages per second, and peak memory, over a folder of PDFs."""

from __future__ import annotations

import resource
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def benchmark_folder(folder: str | Path, engines=("pdfium",), end_to_end: bool = True, model_dir=None,
                     limit: int | None = None) -> dict:
    """Time raw extraction per engine, then the full path (read + language + passages + classify)."""
    from corpus.pdf import extract_raw_pages
    from corpus.read import read_document

    files = sorted(Path(folder).glob("*.pdf"))[:limit]
    out: dict = {"files": len(files), "extraction": {}}
    for engine in engines:
        pages = 0
        t0 = time.perf_counter()
        for f in files:
            pages += len(extract_raw_pages(f.read_bytes(), engine=engine))
        secs = time.perf_counter() - t0
        out["extraction"][engine] = {"pages": pages, "seconds": round(secs, 2), "pages_per_s": round(pages / secs, 1)}
    if end_to_end:
        from classifier.artifact import load_tagger

        t0 = time.perf_counter()
        tagger = load_tagger(model_dir)
        load_s = time.perf_counter() - t0
        pages = passages = 0
        t0 = time.perf_counter()
        for f in files:
            doc = read_document(f)
            tagger.classify(doc)
            pages += doc.n_pages
            passages += len(doc.passages)
        secs = time.perf_counter() - t0
        out["end_to_end"] = {"pages": pages, "passages": passages, "seconds": round(secs, 2),
                             "pages_per_s": round(pages / secs, 1), "model_load_s": round(load_s, 2)}
    out["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return out


def write_predict_input(path: str | Path) -> int:
    """The seed corpus as ``stratag predict`` input (``{"id", "text"}`` lines, corpus order): the fixed input of the
    predict benchmark in the README. Returns the number of lines."""
    import json

    from corpus.sources import seed_passages

    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for p in seed_passages():
            f.write(json.dumps({"id": p.id, "text": p.text}, ensure_ascii=False) + "\n")
            n += 1
    return n


if __name__ == "__main__":  # python -m evaluation.benchmark predict-input OUT.jsonl
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "predict-input":
        raise SystemExit("usage: python -m evaluation.benchmark predict-input OUT.jsonl")
    print(f"{write_predict_input(sys.argv[2])} passages written to {sys.argv[2]}")
