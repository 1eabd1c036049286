"""The one document type that flows through stratag: file -> Document -> Classification."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """Text of one page. ``number`` is 1-based as printed in PDF viewers."""

    number: int
    text: str
    method: str = "text"  # "text" (text layer), "ocr", or "none" (no text could be had)
    warning: str | None = None


@dataclass(frozen=True)
class Passage:
    """A paragraph-sized piece of a document with the pages it spans and its language."""

    index: int
    text: str
    page_start: int
    page_end: int
    language: str

    @property
    def pages(self) -> str:
        if self.page_start == self.page_end:
            return str(self.page_start)
        return f"{self.page_start}-{self.page_end}"


@dataclass(frozen=True)
class Document:
    """A read document: ``id`` is the SHA-256 of the source bytes, so re-reading a file gives the same id."""

    id: str
    source: str
    language: str
    pages: tuple[Page, ...]
    passages: tuple[Passage, ...]
    language_shares: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    extractor: str = ""

    @property
    def n_pages(self) -> int:
        return len(self.pages)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.text)
