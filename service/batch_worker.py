"""One guarded worker: a child process that loads the model once, then reads and tags one file at a time under a
per-file time limit and an address-space limit. A child that overruns is killed and a fresh one takes its place,
so one pathological PDF costs its own result and a model load, never the batch.

Both backends use it: the local one holds one ``GuardedWorker`` per core, and on Dask each worker thread keeps one
(``run_guarded``), so the limits are the same wherever a document is read.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import (
    DocumentTimeout,
    InternalError,
    OutOfMemory,
    StratagError,
    WorkerCrashed,
)
from corpus.read import DEFAULT_MAX_PAGES
from service.batch_files import Candidate
from service.batch_output import document_record, error_record

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 600.0  # generous: OCR of a long scanned document takes minutes
DEFAULT_MAX_MEMORY_MB = 4096
MODEL_LOAD_TIMEOUT_S = 300.0
# Each worker is one process on one core: libraries must not start thread pools of their own on top.
_ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")}


@dataclass(frozen=True)
class WorkerOptions:
    model_dir: str | None = None
    mode: str = "fast"
    engine: str = "pdfium"
    use_ocr: bool | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    keep_objects: bool = False  # send the Document and Classification back too (for --store)


@dataclass
class Outcome:
    """The result of one file: its output record, and where and with how much memory it was made."""

    record: dict
    slot: str  # the GuardedWorker (one per core or Dask thread) that made it, whichever child process it was
    peak_rss_mb: float = 0.0
    objects: tuple | None = None  # (Document, Classification) when WorkerOptions.keep_objects

    @property
    def pages(self) -> int:
        return self.record.get("pages", 0)


class GuardedWorker:
    """Runs files in a child process; ``run`` always returns an Outcome for the file, whatever the child does."""

    def __init__(self, options: WorkerOptions, slot: str):
        self.options = options
        self.slot = slot
        self._process = None
        self._conn = None
        self._peak_rss_mb = 0.0
        self._stopped = False

    def run(self, candidate: Candidate) -> Outcome:
        conn, started = self._send(candidate), time.monotonic()
        if not conn.poll(self.options.timeout_s):
            self.close()
            return self._failure(candidate, DocumentTimeout(
                f"reading and tagging took longer than the per-file limit of {self.options.timeout_s:g} s; "
                "pass a larger --timeout for very long documents"), started)
        try:
            outcome = conn.recv()
        except (EOFError, OSError):
            limit = self.options.max_memory_mb
            return self._failure(candidate, WorkerCrashed(
                f"the worker process died while reading this file ({_describe_exit(self._reap())})"
                + (f"; with --max-memory {limit} MB it may have run out of memory" if limit else "")), started)
        outcome.slot = self.slot
        self._peak_rss_mb = max(self._peak_rss_mb, outcome.peak_rss_mb)
        if outcome.record.get("error", {}).get("code") == OutOfMemory.code:
            self.close()  # the child retires after running out of memory; start the next file in a fresh one
        return outcome

    def _send(self, candidate: Candidate):
        if self._stopped:
            raise WorkerCrashed("the batch is stopping")
        for _ in range(2):
            if self._process is None or not self._process.is_alive():
                self._start()
            try:
                self._conn.send(candidate)
                return self._conn
            except OSError:  # the child died while idle (killed from outside): the file is not to blame
                self._reap()
        raise WorkerCrashed("worker processes keep dying before they are given a file")

    def stop(self) -> None:
        """Kill the child for good: the batch is over or interrupted."""
        self._stopped = True
        self.close()

    def close(self) -> None:
        """Kill the child (if any); the next ``run`` starts a new one."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            process.kill()
            process.join()
        if conn is not None:
            conn.close()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: safe from threads, nothing inherited
        parent_conn, child_conn = ctx.Pipe()
        process = ctx.Process(target=_child_main, args=(child_conn, self.options), daemon=True,
                              name=f"stratag-batch-{self.slot}")
        process.start()
        child_conn.close()
        self._process, self._conn = process, parent_conn
        if not parent_conn.poll(MODEL_LOAD_TIMEOUT_S):
            self.close()
            raise WorkerCrashed(f"a worker did not load the model within {MODEL_LOAD_TIMEOUT_S:g} s")
        try:
            kind, payload = parent_conn.recv()
        except (EOFError, OSError):
            raise WorkerCrashed(f"a worker died while loading the model ({_describe_exit(self._reap())})") from None
        if kind == "fatal":  # the model cannot be loaded: no file can be tagged, so the batch stops
            self.close()
            raise payload

    def _reap(self) -> int | None:
        process = self._process
        self.close()
        return process.exitcode if process is not None else None

    def _failure(self, candidate: Candidate, error: StratagError, started: float) -> Outcome:
        record = error_record(candidate.source, candidate.document_id, error, time.monotonic() - started)
        return Outcome(record, self.slot, self._peak_rss_mb)


def _describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit status"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _child_main(conn, options: WorkerOptions) -> None:
    os.environ.update(_ONE_THREAD)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends the children
    _die_with_parent()
    from classifier.artifact import load_tagger

    try:
        tagger = load_tagger(options.model_dir)
        _warm_up(tagger, options.mode)
        _limit_memory(options.max_memory_mb)
    except StratagError as exc:
        conn.send(("fatal", exc))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            candidate = conn.recv()
        except EOFError:  # the parent is gone
            return
        outcome = _classify(candidate, tagger, options)
        conn.send(outcome)
        if outcome.record.get("error", {}).get("code") == OutOfMemory.code:
            return


def _warm_up(tagger, mode: str) -> None:
    """Load what the first document would load lazily (the language detectors and spaCy take seconds), so that
    the per-file time limit measures the file alone, also in a worker just started to replace a killed one."""
    from corpus.read import read_bytes

    text = "The city will renovate its schools and extend the tram network to cut energy use and emissions. " * 3
    tagger.classify(read_bytes(text.encode(), name="warm-up.txt"), mode=mode)


def _classify(candidate: Candidate, tagger, options: WorkerOptions) -> Outcome:
    from corpus.read import read_document

    started, objects = time.monotonic(), None
    try:
        doc = read_document(candidate.path, engine=options.engine, use_ocr=options.use_ocr, max_pages=options.max_pages)
        classification = tagger.classify(doc, mode=options.mode)
        record = document_record(candidate.source, classification, time.monotonic() - started)
        objects = (doc, classification) if options.keep_objects else None
    except Exception as exc:  # one file's failure, whatever it is, is recorded and the batch goes on
        error = _as_stratag_error(exc, candidate, options)
        record = error_record(candidate.source, candidate.document_id, error, time.monotonic() - started)
    return Outcome(record, "", _peak_rss_mb(), objects)


def _as_stratag_error(exc: Exception, candidate: Candidate, options: WorkerOptions) -> StratagError:
    if isinstance(exc, StratagError):
        return exc
    if isinstance(exc, MemoryError):
        return OutOfMemory(f"the file needed more than the per-worker limit of {options.max_memory_mb} MB; "
                           "pass a larger --max-memory to read it")
    log.error("%s: unexpected error", candidate.path, exc_info=exc)
    return InternalError(f"unexpected {type(exc).__name__}: {exc}; please report this file")


def _limit_memory(max_memory_mb: int | None) -> None:
    """Cap the address space, so that a file needing more fails with MemoryError instead of taking the machine."""
    if not max_memory_mb:
        return
    limit = max_memory_mb * 1024 * 1024
    in_use = _address_space_bytes()
    if in_use >= limit:
        raise OutOfMemory(f"--max-memory {max_memory_mb} MB is less than the loaded model already takes "
                          f"({in_use // 2**20} MB of address space); raise it")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _address_space_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _die_with_parent() -> None:
    # Linux: if the batch is killed (even with kill -9), its workers get SIGKILL instead of running on.
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


_guards = threading.local()


def run_guarded(candidate: Candidate, options: WorkerOptions) -> Outcome:
    """Classify one file in this thread's guarded worker (started on first use): the task a Dask worker runs."""
    guard = getattr(_guards, "worker", None)
    if guard is None or guard.options != options:
        if guard is not None:
            guard.close()
        guard = _guards.worker = GuardedWorker(options, f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}")
    return guard.run(candidate)
