"""One exception hierarchy for stratag, each error with a stable machine-readable code.

The CLI prints ``code: message`` and exits non-zero; the HTTP service maps the classes to status codes in
``service/errors.py``. Third-party exceptions are translated where they are caught (``raise ... from exc``).
"""

from __future__ import annotations


class StratagError(Exception):
    """Base class. ``code`` is stable across releases; ``message`` tells the user what to do."""

    code = "stratag_error"
    exit_code = 1

    def __init__(self, message: str, *, source: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source

    def to_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.source:
            out["source"] = self.source
        return out

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return f"{prefix}{self.message}"


class InputError(StratagError):
    """The input cannot be read as a document."""

    code = "invalid_input"
    exit_code = 2


class FileMissing(InputError):
    code = "file_not_found"


class UnsupportedInput(InputError):
    """A file type stratag does not read (it reads PDF, .txt and .md)."""

    code = "unsupported_type"


class InputTooLarge(InputError):
    code = "too_large"


class ExtractionError(StratagError):
    """A PDF that could not be turned into text."""

    code = "extraction_failed"
    exit_code = 3


class NotAPdf(ExtractionError):
    code = "not_a_pdf"


class CorruptPdf(ExtractionError):
    code = "corrupt_pdf"


class EncryptedPdf(ExtractionError):
    code = "encrypted_pdf"


class EmptyDocument(ExtractionError):
    """No page yielded any text (and none could be OCRed)."""

    code = "empty_document"


class NoTextLayer(ExtractionError):
    """Scanned pages without a text layer and no OCR engine available."""

    code = "no_text_layer"


class LanguageError(StratagError):
    code = "unsupported_language"
    exit_code = 4


class ModelError(StratagError):
    code = "model_error"
    exit_code = 5


class ModelMissing(ModelError):
    code = "model_missing"


class ModelIncompatible(ModelError):
    code = "model_incompatible"


class TaxonomyError(StratagError):
    code = "unknown_label"
    exit_code = 6


class DataError(StratagError):
    """Malformed training or evaluation data (bad JSONL line, missing field)."""

    code = "invalid_data"
    exit_code = 7


class BatchError(StratagError):
    """A batch run that cannot go on (its output is locked by another run, a backend is missing), or one
    document that overran a per-document limit of the batch."""

    code = "batch_failed"
    exit_code = 8


class DocumentTimeout(BatchError):
    code = "timeout"


class OutOfMemory(BatchError):
    code = "out_of_memory"


class WorkerCrashed(BatchError):
    """The worker process died while reading the document (a crash in a PDF library, or killed by the OS)."""

    code = "worker_crashed"


class InternalError(StratagError):
    """An unexpected exception: a bug in stratag or an untranslated library error; please report it."""

    code = "internal_error"
    exit_code = 9
