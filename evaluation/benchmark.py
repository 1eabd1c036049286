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
