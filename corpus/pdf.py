"""Text per page from PDF files, with two engines that share one column-detection step.

``pdfium`` (pypdfium2, the default) reads text and line boxes natively and is about two orders of magnitude faster
than ``pdfplumber``; ``pdfplumber`` (pdfminer) is the reference and the fallback when pdfium cannot read a page.
Pages without a text layer are handed to OCR when it is available (``corpus.ocr``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from corpus.errors import CorruptPdf, EncryptedPdf, InputTooLarge, NotAPdf
from corpus.layout import reading_regions

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
ENGINES = ("pdfium", "pdfplumber")


@dataclass(frozen=True)
class RawPage:
    number: int
    text: str
    has_images: bool


def looks_like_pdf(data: bytes) -> bool:
    # The header may be preceded by junk bytes; readers accept it within the first KiB.
    return PDF_MAGIC in data[:1024]


def extract_raw_pages(data: bytes, *, engine: str = "pdfium", max_pages: int | None = None, source: str = "") -> list[RawPage]:
    """Return the text of every page in reading order (columns detected), without any clean-up."""
    if not looks_like_pdf(data):
        raise NotAPdf("the file is not a PDF (no %PDF header); is it renamed from another format?", source=source)
    if engine == "pdfplumber":
        return _pdfplumber_pages(data, max_pages, source)
    return _pdfium_pages(data, max_pages, source)


def _open_pdfium(data: bytes, source: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf("the PDF is encrypted with a password; save an unprotected copy and retry", source=source) from exc
        raise CorruptPdf(f"the PDF is damaged and cannot be read ({exc})", source=source) from exc


def _check_pages(n: int, max_pages: int | None, source: str) -> None:
    if max_pages is not None and n > max_pages:
        raise InputTooLarge(f"the PDF has {n} pages, more than the limit of {max_pages}", source=source)


def _pdfium_pages(data: bytes, max_pages: int | None, source: str) -> list[RawPage]:
    import pypdfium2.raw as pdfium_c

    pdf = _open_pdfium(data, source)
    try:
        n = len(pdf)
        _check_pages(n, max_pages, source)
        if n == 0:
            raise CorruptPdf("the PDF has no pages", source=source)
        pages = []
        for i in range(n):
            page = pdf[i]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                boxes = []
                for r in range(textpage.count_rects()):
                    left, bottom, right, top = textpage.get_rect(r)
                    boxes.append((left, height - top, right, height - bottom))
                parts = []
                for x0, top, x1, bottom in reading_regions(boxes, width, height):
                    parts.append(textpage.get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top))
                text = "\n".join(p for p in parts if p).replace("\r\n", "\n").replace("\r", "\n")
                has_images = False
                if not text.strip():
                    has_images = any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
                pages.append(RawPage(i + 1, text, has_images))
            finally:
                page.close()
        return pages
    finally:
        pdf.close()


def _pdfplumber_pages(data: bytes, max_pages: int | None, source: str) -> list[RawPage]:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect as exc:
        raise EncryptedPdf("the PDF is encrypted with a password; save an unprotected copy and retry", source=source) from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises a zoo of exception types on damaged files
        if "password" in repr(exc).lower() or type(exc).__name__ == "PdfminerException" and "Password" in repr(exc.args):
            raise EncryptedPdf("the PDF is encrypted with a password; save an unprotected copy and retry", source=source) from exc
        raise CorruptPdf(f"the PDF is damaged and cannot be read ({type(exc).__name__})", source=source) from exc
    with pdf:
        _check_pages(len(pdf.pages), max_pages, source)
        pages = []
        for i, page in enumerate(pdf.pages):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            boxes = _line_segments(words)
            parts = []
            for bbox in reading_regions(boxes, float(page.width), float(page.height)):
                region = page.within_bbox(_clip(bbox, page), relative=False)
                parts.append(region.extract_text() or "")
            text = "\n".join(p for p in parts if p)
            pages.append(RawPage(i + 1, text, bool(page.images) and not text.strip()))
            page.flush_cache()
        return pages


def _line_segments(words: list[dict]) -> list[tuple[float, float, float, float]]:
    """Merge words into line segments (as pdfium's text rects are): a gap wider than the font size splits them, so
    aligned gaps between words of neighbouring lines are not mistaken for a column gutter."""
    segs: list[list[float]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if segs:
            last = segs[-1]
            same_line = abs(last[1] - w["top"]) < 2
            if same_line and 0 <= w["x0"] - last[2] < (w["bottom"] - w["top"]):
                last[2] = max(last[2], w["x1"])
                last[3] = max(last[3], w["bottom"])
                continue
        segs.append([w["x0"], w["top"], w["x1"], w["bottom"]])
    return [tuple(s) for s in segs]


def _clip(bbox, page):
    x0, top, x1, bottom = bbox
    px0, ptop, px1, pbottom = page.bbox
    return (max(x0, px0), max(top, ptop), min(x1, px1), min(bottom, pbottom))
