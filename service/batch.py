"""``stratag batch``: classify every document of a folder into a JSONL or CSV file, in parallel, resumably.

Documents are identified by the SHA-256 of their content, so a re-run skips every document already in the output
(wherever it lies in the folder now) and a killed run is finished by running the same command again.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import time
from pathlib import Path

from corpus.errors import BatchError, FileMissing
from corpus.read import DEFAULT_MAX_PAGES
from service.batch_backends import BACKENDS, iter_outcomes
from service.batch_files import Candidate, find_documents
from service.batch_output import OK, Journal, summarize, write_csv, write_summary
from service.batch_worker import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, Outcome, WorkerOptions

log = logging.getLogger(__name__)

OUTPUT_SUFFIXES = (".jsonl", ".csv")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def output_paths(output: str | Path) -> tuple[Path, Path | None, Path]:
    """``(journal, csv or None, summary)``. A CSV output keeps its JSONL journal beside it as ``NAME.csv.jsonl``."""
    output = Path(output).absolute()
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise BatchError(f"the output must end in .jsonl or .csv, not '{output.name}'")
    summary = output.with_suffix(".summary.json")
    if output.suffix.lower() == ".csv":
        return output.with_name(output.name + ".jsonl"), output, summary
    return output, None, summary


def run_batch(
    folder: str | Path,
    output: str | Path,
    *,
    model_dir: str | None = None,
    mode: str = "fast",
    engine: str = "pdfium",
    use_ocr: bool | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    workers: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    backend: str = "local",
    scheduler: str | None = None,
    store_url: str | None = None,
    overwrite: bool = False,
    retry_failed: bool = False,
    progress: bool = False,
) -> dict:
    """Classify the folder's documents not yet in ``output`` and return the summary (also written beside it).

    Worker processes are spawned, so a script calling this needs the ``if __name__ == "__main__":`` guard.
    """
    started = time.monotonic()
    if backend not in BACKENDS:
        raise BatchError(f"unknown backend '{backend}' (choose from {', '.join(BACKENDS)})")
    root = Path(folder).resolve()
    if not root.is_dir():
        raise FileMissing("no such folder", source=str(folder))
    journal_path, csv_path, summary_path = output_paths(output)
    candidates, skipped = find_documents(root, exclude={journal_path, summary_path, csv_path})
    for s in skipped:
        log.info("skipped %s: %s %s", s.source, s.reason, s.detail)
    store = _open_store(store_url) if store_url else None
    workers = workers or default_workers()
    options = WorkerOptions(model_dir=model_dir, mode=mode, engine=engine, use_ocr=use_ocr, max_pages=max_pages,
                            timeout_s=timeout_s, max_memory_mb=max_memory_mb, keep_objects=store is not None)
    journal = Journal.open(journal_path, start_over=overwrite, drop_failures=retry_failed)
    stats = _RunStats(backend, workers, started)
    try:
        todo = [c for c in candidates if c.document_id not in journal or _missing_from_store(store, journal, c)]
        todo.sort(key=lambda c: -c.size)  # largest first, so that no long document starts last and runs alone
        stats.already_done = len(candidates) - len(todo)
        log.info("%d documents: %d to do, %d already in %s", len(candidates), len(todo), stats.already_done, journal_path)
        _process(iter_outcomes(backend, todo, options, workers, scheduler), len(todo), journal, store, stats, progress)
    finally:
        journal.close()
        records = list(journal.records.values())
        if csv_path is not None:
            write_csv(records, csv_path)
        summary = summarize(records, [s.to_dict() for s in skipped], stats.to_dict())
        summary.update(folder=str(root), output=str(csv_path or journal_path))
        write_summary(summary, summary_path)
    return summary


def _process(outcomes, total: int, journal: Journal, store, stats: _RunStats, progress: bool) -> None:
    """Record each outcome as it arrives; on Ctrl-C stop the workers, keeping everything recorded so far."""
    bar = _progress_bar(total, progress)
    try:
        for outcome in outcomes:
            record = outcome.record
            if record["document_id"] not in journal:
                journal.append(record)
            if store is not None and outcome.objects is not None:
                store.save_document(*outcome.objects, {"source": record["source"]})
            stats.add(outcome)
            bar.update(1)
            bar.set_postfix_str(f"{stats.pages_per_s():.0f} pages/s, {stats.failed} failed", refresh=False)
    except KeyboardInterrupt:
        stats.interrupted = True
        raise
    finally:
        bar.close()
        outcomes.close()


def portal_store_url() -> str:
    """The database the portal uses (its ``STRATAG_*`` settings), for ``--store`` given without a URL."""
    try:
        from service.settings import Settings
    except ImportError as exc:
        raise BatchError("name the database: --store sqlite:///path/to/portal.sqlite") from exc
    return Settings().store_url()


def _open_store(url: str):
    try:
        from service.store import Store
    except ImportError as exc:
        raise BatchError("--store needs the portal database (service/store.py), which this installation does not "
                         f"have yet ({exc})") from exc
    return Store(url)


def _missing_from_store(store, journal: Journal, candidate: Candidate) -> bool:
    """A document classified by an earlier run without --store is classified again to be stored, not rewritten."""
    if store is None or journal.records[candidate.document_id]["status"] != OK:
        return False
    return not store.has_document(candidate.document_id)


class _RunStats:
    def __init__(self, backend: str, workers: int, started: float):
        self.started = started
        self.backend, self.workers = backend, workers
        self.processed = self.failed = self.pages = self.already_done = 0
        self.interrupted = False
        self._peak_by_slot: dict[str, float] = {}

    def add(self, outcome: Outcome) -> None:
        self.processed += 1
        if outcome.record["status"] == OK:
            self.pages += outcome.pages
        else:
            self.failed += 1
        slot = outcome.slot
        self._peak_by_slot[slot] = max(self._peak_by_slot.get(slot, 0.0), outcome.peak_rss_mb)

    def pages_per_s(self) -> float:
        return self.pages / max(time.monotonic() - self.started, 1e-9)

    def to_dict(self) -> dict:
        seconds = time.monotonic() - self.started
        workers_mb = sum(self._peak_by_slot.values())
        main_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "processed": self.processed,
            "failed": self.failed,
            "already_done": self.already_done,
            "pages": self.pages,
            "seconds": round(seconds, 2),
            "pages_per_s": round(self.pages_per_s(), 1),
            "backend": self.backend,
            "workers": self.workers,
            # Each worker's own peak RSS, summed: an upper bound of what the workers held at any one time.
            "peak_memory_mb": {"workers": round(workers_mb, 1), "main": round(main_mb, 1),
                               "total": round(workers_mb + main_mb, 1)},
            "interrupted": self.interrupted,
        }


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    # Documents done of the total, with their rate, pages/s and the ETA; shown only on a terminal.
    return tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, disable=None if enabled else True)
