"""Files in, Documents out: type sniffing, extraction, OCR fallback, clean-up, language, passages."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from corpus import ocr
from corpus.clean import clean_pages
from corpus.document import Document, Page, Passage
from corpus.errors import (
    EmptyDocument,
    FileMissing,
    InputTooLarge,
    LanguageError,
    NoTextLayer,
    UnsupportedInput,
)
from corpus.language import SUPPORTED, UNDETERMINED, detect_languages, document_language, screen_unsupported
from corpus.passages import split_passages
from corpus.pdf import extract_raw_pages, looks_like_pdf

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_PAGES = 3000
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def read_document(
    path: str | Path,
    *,
    engine: str = "pdfium",
    use_ocr: bool | None = None,
    language: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Document:
    """Read a PDF, .txt or .md file into a Document. ``use_ocr=None`` OCRs image-only pages when tesseract exists."""
    path = Path(path)
    if not path.is_file():
        raise FileMissing("no such file", source=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"the file has {size:,} bytes, more than the limit of {max_bytes:,}", source=str(path))
    data = path.read_bytes()
    return read_bytes(data, name=path.name, source=str(path), engine=engine, use_ocr=use_ocr, language=language, max_pages=max_pages)


def read_bytes(
    data: bytes,
    *,
    name: str,
    source: str | None = None,
    engine: str = "pdfium",
    use_ocr: bool | None = None,
    language: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Document:
    """Like read_document for bytes already in memory (uploads); ``name`` decides the type with the content."""
    source = source or name
    suffix = Path(name).suffix.lower()
    if looks_like_pdf(data):
        pages, extractor = _pdf_pages(data, source, engine, use_ocr, max_pages)
    elif suffix == ".pdf":
        from corpus.errors import NotAPdf

        raise NotAPdf("the file is named .pdf but is not a PDF (no %PDF header); is it renamed from another format?", source=source)
    elif suffix in TEXT_SUFFIXES:
        pages, extractor = _text_pages(data, suffix, source), "text"
    else:
        raise UnsupportedInput(f"stratag reads PDF, .txt and .md files, not '{suffix or name}'", source=source)
    return build_document(pages, doc_id=hashlib.sha256(data).hexdigest(), source=source, language=language, extractor=extractor)


def document_from_text(text: str, *, doc_id: str, source: str = "", language: str | None = None) -> Document:
    """A one-page Document from plain text (the ``predict`` interface)."""
    return documents_from_texts([(doc_id, text, language)])[0]


def documents_from_texts(items: list[tuple[str, str, str | None]]) -> list[Document]:
    """One-page Documents from ``(id, text, language or None)``, detecting all passage languages in one call."""
    raw = [split_passages([Page(1, text)]) for _, text, _ in items]
    todo = [t for (_, _, lang), parts in zip(items, raw) if not lang for t, _, _ in parts]
    found = iter(detect_languages(todo))
    docs = []
    for (doc_id, text, lang), parts in zip(items, raw):
        if lang is not None and lang not in SUPPORTED:
            raise LanguageError(f"language '{lang}' is not supported (supported: {', '.join(SUPPORTED)})", source=str(doc_id))
        langs = [lang] * len(parts) if lang else [next(found) for _ in parts]
        docs.append(_assemble([Page(1, text)], parts, langs, doc_id=str(doc_id), source=str(doc_id), language=lang,
                              extractor="text", strict=False))
    return docs


def build_document(
    pages: list[Page], *, doc_id: str, source: str, language: str | None, extractor: str, strict: bool = True
) -> Document:
    """Split into passages, detect languages, and check that the result is something stratag can tag."""
    if language is not None and language not in SUPPORTED:
        raise LanguageError(f"language '{language}' is not supported (supported: {', '.join(SUPPORTED)})", source=source)
    warnings = tuple(p.warning for p in pages if p.warning)
    if strict and not any(p.text.strip() for p in pages):
        if any(p.method == "none" and p.warning for p in pages):
            raise NoTextLayer(
                "no page has a text layer (a scanned document?); install tesseract-ocr with the pol/ces/slk/hun "
                "language packs to OCR it",
                source=source,
            )
        raise EmptyDocument("the document contains no text", source=source)
    raw = split_passages(pages)
    if strict and language is None:
        screen_unsupported("\n".join(p.text for p in pages[:30]), source=source)
    langs = [language] * len(raw) if language else detect_languages([t for t, _, _ in raw])
    return _assemble(pages, raw, langs, doc_id=doc_id, source=source, language=language, extractor=extractor,
                     strict=strict, warnings=warnings)


def _assemble(pages, raw, langs, *, doc_id, source, language, extractor, strict, warnings=()) -> Document:
    doc_lang, shares = document_language(langs, [len(t) for t, _, _ in raw])
    if language:
        doc_lang = language
    if doc_lang == UNDETERMINED and raw:
        doc_lang = "en" if not strict else UNDETERMINED
    passages = tuple(
        Passage(i, text, start, end, lang if lang != UNDETERMINED else doc_lang)
        for i, ((text, start, end), lang) in enumerate(zip(raw, langs))
    )
    return Document(
        id=doc_id,
        source=source,
        language=doc_lang,
        pages=tuple(pages),
        passages=passages,
        language_shares=shares,
        warnings=warnings,
        extractor=extractor,
    )


def _pdf_pages(data: bytes, source: str, engine: str, use_ocr: bool | None, max_pages: int) -> tuple[list[Page], str]:
    try:
        raw = extract_raw_pages(data, engine=engine, max_pages=max_pages, source=source)
        extractor = engine
    except (InputTooLarge, UnsupportedInput):
        raise
    except Exception as exc:  # pdfium failed on a file pdfplumber may still read: fall back, then report
        if engine == "pdfplumber" or getattr(exc, "code", None) in {"encrypted_pdf", "not_a_pdf"}:
            raise
        log.warning("%s: pdfium failed (%s); falling back to pdfplumber", source, exc)
        raw = extract_raw_pages(data, engine="pdfplumber", max_pages=max_pages, source=source)
        extractor = "pdfplumber"
    texts = clean_pages([p.text for p in raw])
    can_ocr = ocr.ocr_available() if use_ocr is None else use_ocr and ocr.ocr_available()
    pages = []
    for rp, text in zip(raw, texts):
        if text.strip() or not rp.has_images:
            pages.append(Page(rp.number, text))
            continue
        if can_ocr:
            try:
                ocr_text = clean_pages([ocr.ocr_pdf_page(data, rp.number)])[0]
                pages.append(Page(rp.number, ocr_text, method="ocr"))
                continue
            except Exception as exc:  # one bad page must not sink the document
                pages.append(Page(rp.number, "", method="none", warning=f"page {rp.number}: OCR failed ({exc})"))
                continue
        pages.append(
            Page(
                rp.number,
                "",
                method="none",
                warning=f"page {rp.number} has no text layer; install tesseract-ocr (with pol/ces/slk/hun packs) to OCR it",
            )
        )
    if any(p.method == "ocr" for p in pages):
        extractor += "+ocr"
    return pages, extractor


def _text_pages(data: bytes, suffix: str, source: str) -> list[Page]:
    if b"\x00" in data[:4096]:
        raise UnsupportedInput("the file is binary, not text", source=source)
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if suffix in {".md", ".markdown"}:
        text = _MD_IMAGE.sub("", text)
    chunks = text.split("\f") if "\f" in text else [text]
    return [Page(i + 1, chunk.strip()) for i, chunk in enumerate(chunks)]
