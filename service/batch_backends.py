"""Where a batch's files are processed: ``local`` worker processes, one per core, or a Dask cluster. Both yield
one Outcome per file in completion order; closing the iterator stops the work and ends the worker processes."""

from __future__ import annotations

import logging
import queue
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Iterator

from corpus.errors import BatchError, WorkerCrashed
from service.batch_files import Candidate
from service.batch_output import error_record
from service.batch_worker import GuardedWorker, Outcome, WorkerOptions, run_guarded

log = logging.getLogger(__name__)

BACKENDS = ("local", "dask")


def iter_outcomes(backend: str, candidates: list[Candidate], options: WorkerOptions, workers: int,
                  scheduler: str | None = None) -> Iterator[Outcome]:
    if backend == "local":
        return iter_local(candidates, options, workers)
    if backend == "dask":
        return iter_dask(candidates, options, workers, scheduler)
    raise BatchError(f"unknown backend '{backend}' (choose from {', '.join(BACKENDS)})")


def iter_local(candidates: list[Candidate], options: WorkerOptions, workers: int) -> Iterator[Outcome]:
    """``workers`` guarded worker processes on this machine, fed by as many threads that wait on them."""
    if not candidates:
        return
    guards = [GuardedWorker(options, f"local-{i}") for i in range(min(workers, len(candidates)))]
    idle: queue.SimpleQueue[GuardedWorker] = queue.SimpleQueue()
    for guard in guards:
        idle.put(guard)

    def run(candidate: Candidate) -> Outcome:
        guard = idle.get()  # never waits: there are as many guards as threads
        try:
            return guard.run(candidate)
        finally:
            idle.put(guard)

    pool = ThreadPoolExecutor(len(guards), thread_name_prefix="stratag-batch")
    futures = [pool.submit(run, c) for c in candidates]
    try:
        for future in as_completed(futures):
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
        for guard in guards:  # a thread still waiting on its child sees it die and returns
            guard.stop()
        pool.shutdown(wait=True)


def iter_dask(candidates: list[Candidate], options: WorkerOptions, workers: int,
              scheduler: str | None = None) -> Iterator[Outcome]:
    """The same work as Dask tasks: on a new LocalCluster of ``workers`` processes, or on the cluster whose
    scheduler address is given. The files must be readable at the same path on every Dask worker."""
    try:
        import dask
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise BatchError("the dask backend needs Dask: pip install 'stratag[distributed]'") from exc
    if not candidates:
        return
    if not log.isEnabledFor(logging.INFO):  # Dask logs every cluster event at INFO; keep them for --verbose
        logging.getLogger("distributed").setLevel(logging.WARNING)
    # Each Dask worker starts guarded child processes, which a daemonic process may not do.
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = None
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(scheduler or cluster)
    futures = []
    try:
        _check_can_start_processes(client)
        futures = client.map(run_guarded, candidates, options=options, pure=False)
        by_key = {f.key: c for f, c in zip(futures, candidates)}
        for future in dask_completed(futures):
            try:
                yield future.result()
            except BatchError:
                raise
            except Exception as exc:  # the Dask worker itself died (KilledWorker) or lost the task
                log.warning("%s: %s", by_key[future.key].path, exc)
                candidate = by_key[future.key]
                error = WorkerCrashed(f"the Dask task failed ({type(exc).__name__}: {exc})")
                yield Outcome(error_record(candidate.source, candidate.document_id, error, 0.0), "dask")
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)
        client.close()
        if cluster is not None:
            cluster.close()


def _check_can_start_processes(client) -> None:
    import multiprocessing

    daemonic = [addr for addr, d in client.run(lambda: multiprocessing.current_process().daemon).items() if d]
    if daemonic:
        raise BatchError(f"Dask workers {', '.join(daemonic)} are daemonic and cannot start guarded worker "
                         "processes; start them with DASK_DISTRIBUTED__WORKER__DAEMON=False")
