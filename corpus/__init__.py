"""Documents in: files to text per page, language, passages, and the labelled corpus."""

from corpus.document import Document, Page, Passage

__all__ = ["Document", "Page", "Passage"]
