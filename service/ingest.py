"""An upload from bytes to a stored, classified document: the one function the API and the web form share."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass

from corpus.errors import InputTooLarge
from corpus.read import read_bytes

log = logging.getLogger(__name__)

# PDFium is not thread-safe: one extraction at a time per process (it reads ~800 pages/s, so this is cheap).
_READ_LOCK = threading.Lock()


@dataclass(frozen=True)
class UploadOutcome:
    document_id: str
    status: str  # done | queued | running
    duplicate: bool
    job: dict | None = None


_WARM_UP_TEXTS = {
    "en": "The city will insulate schools and build cycle lanes.",
    "pl": "Miasto ociepli szkoły i zbuduje drogi rowerowe.",
    "cs": "Město zateplí školy a postaví cyklostezky.",
    "sk": "Mesto zateplí školy a postaví cyklotrasy.",
    "hu": "A város hőszigeteli az iskolákat és kerékpárutakat épít.",
}


def warm_up(tagger) -> None:
    """Load what the reader and the model load lazily (language detectors, tokenizers), so the first upload
    after start-up is not seconds slower than the others."""
    text = " ".join([_WARM_UP_TEXTS["en"]] * 6).encode("utf-8")
    tagger.classify(read_bytes(text, name="warm-up.txt"))
    tagger.predict_texts([(t, lang) for lang, t in _WARM_UP_TEXTS.items()])


def read_upload(data: bytes, filename: str, settings):
    """Read uploaded bytes into a Document under the size and page limits; raises the corpus errors."""
    if len(data) > settings.max_upload_bytes:
        raise InputTooLarge(f"the file has {len(data):,} bytes, more than the limit of {settings.max_upload_bytes:,}", source=filename)
    with _READ_LOCK:
        return read_bytes(data, name=filename, max_pages=settings.max_pages, use_ocr=None if settings.use_ocr else False)


def accept_upload(data: bytes, filename: str, meta: dict, *, tagger, store, jobs, settings) -> UploadOutcome:
    """Recognise a known file by its content hash; otherwise read it (errors surface here, before anything is
    stored), then classify it now if it is short or in a background job if it is long."""
    doc_id = hashlib.sha256(data).hexdigest()
    if store.has_document(doc_id):
        return UploadOutcome(doc_id, "done", duplicate=True)
    active = store.active_job(doc_id, "ingest")
    if active:
        return UploadOutcome(doc_id, active["status"], duplicate=True, job=active)
    doc = read_upload(data, filename, settings)
    if doc.n_pages > settings.sync_max_pages:
        job = jobs.submit_ingest(doc, meta, tagger)
        return UploadOutcome(doc.id, job["status"], duplicate=False, job=job)
    classification = tagger.classify(doc, mode=settings.mode)
    store.save_document(doc, classification, meta)
    return UploadOutcome(doc.id, "done", duplicate=False, job=jobs.submit_partners(doc, classification))
