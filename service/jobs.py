"""Background jobs: classify a large document, and compute partner vectors, with status and progress kept in the
store (``jobs`` table) so any request can read them."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from corpus.errors import StratagError
from service.partners import E5, document_vector

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


class JobRunner:
    """A small thread pool; each job's state is a row that moves queued -> running -> done | failed."""

    def __init__(self, store, settings):
        self.store = store
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=max(1, settings.job_workers), thread_name_prefix="stratag-job")
        self._submit_lock = threading.Lock()

    def submit_ingest(self, doc, meta: dict, tagger) -> dict:
        """Classify and store ``doc`` in the background; a job already queued for the same content is reused."""
        with self._submit_lock:
            active = self.store.active_job(doc.id, "ingest")
            if active:
                return active
            job = self.store.create_job(doc.id, "ingest")

        def work(progress: Progress) -> None:
            progress("classifying", 0.1)
            classification = tagger.classify(doc, mode=self.settings.mode)
            progress("saving", 0.6)
            self.store.save_document(doc, classification, meta)
            self._partner_vector(doc, classification, progress)

        self._pool.submit(self._run, job["id"], work)
        return job

    def submit_partners(self, doc, classification) -> dict | None:
        """Compute the e5 partner vector of a stored document in the background (only with ``partner_method=e5``)."""
        if self.settings.partner_method != E5:
            return None
        job = self.store.create_job(doc.id, "partners")
        self._pool.submit(self._run, job["id"], lambda progress: self._partner_vector(doc, classification, progress))
        return job

    def _partner_vector(self, doc, classification, progress: Progress) -> None:
        if self.settings.partner_method != E5:
            return
        progress("partners", 0.7)
        try:
            vector = document_vector(doc, classification, self.settings.partner_passages)
        except ImportError as exc:  # no embedding package: partners fall back to label profiles
            log.warning("no e5 partner vector for %s (%s); label profiles are used instead", doc.id[:12], exc)
            return
        if vector is not None:
            self.store.save_vector(doc.id, vector, E5)

    def _run(self, job_id: str, work: Callable[[Progress], None]) -> None:
        def progress(stage: str, fraction: float) -> None:
            self.store.update_job(job_id, status="running", stage=stage, progress=round(fraction, 3))

        try:
            progress("started", 0.05)
            work(progress)
        except StratagError as exc:
            log.warning("job %s failed: %s", job_id, exc)
            self.store.update_job(job_id, status="failed", error_code=exc.code, error_message=exc.message)
        except Exception as exc:  # a job must end with a status whatever went wrong
            log.exception("job %s failed", job_id)
            self.store.update_job(job_id, status="failed", error_code="internal_error", error_message=f"{type(exc).__name__}: {exc}")
        else:
            self.store.update_job(job_id, status="done", stage="done", progress=1.0)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.store.fail_unfinished_jobs("the server stopped before the job ran; upload the file again")
