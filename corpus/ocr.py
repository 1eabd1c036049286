"""OCR for pages without a text layer, with the tesseract command-line program when it is installed.

Debian: ``apt-get install tesseract-ocr tesseract-ocr-pol tesseract-ocr-ces tesseract-ocr-slk tesseract-ocr-hun``.
Each call runs one single-threaded tesseract process (OMP_THREAD_LIMIT=1), so parallel workers do not oversubscribe.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess

log = logging.getLogger(__name__)

_WANTED = ("pol", "ces", "slk", "hun", "eng")
OCR_DPI = 300
OCR_TIMEOUT_S = 120


@functools.lru_cache(maxsize=1)
def ocr_languages() -> tuple[str, ...]:
    """Tesseract language packs available among the five we read; empty when tesseract is not installed."""
    exe = shutil.which("tesseract")
    if not exe:
        return ()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    have = {line.strip() for line in out.splitlines()}
    return tuple(lang for lang in _WANTED if lang in have)


def ocr_available() -> bool:
    return bool(ocr_languages())


def ocr_pdf_page(data: bytes, page_number: int) -> str:
    """Render one page (1-based) at OCR_DPI and return tesseract's text; raises RuntimeError on failure."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[page_number - 1]
        image = page.render(scale=OCR_DPI / 72).to_pil()
        page.close()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "+".join(ocr_languages()), "--psm", "3"],
        input=buf.getvalue(),
        capture_output=True,
        env=env,
        timeout=OCR_TIMEOUT_S,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[:300])
    return proc.stdout.decode("utf-8", "replace")
