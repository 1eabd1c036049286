"""Paragraph-based passages of bounded length, each with its page range."""

from __future__ import annotations

import re
import statistics

from corpus.document import Page

MIN_CHARS = 250
MAX_CHARS = 1500

_BULLET = re.compile(r"^\s*(?:[•●▪■◦\-–—*·]|\(?\d{1,2}[.)]|\(?[a-z][.)]|[IVX]{1,4}\.)\s+")
_SENTENCE_END = re.compile(r"[.!?:;…]['\")\]]?$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[\"'(\[]?[A-ZÁČĎÉĚÍĽĹŇÓÔŔŘŠŤÚŮÝŽĄĆĘŁŃŚŹŻÖŐÜŰ0-9])")


def paragraphs(text: str) -> list[str]:
    """Split page text into paragraphs: blank lines, bullets, and short lines that end a sentence."""
    lines = text.split("\n")
    lengths = [len(line) for line in lines if line.strip()]
    if not lengths:
        return []
    typical = statistics.median(lengths)
    paras: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if not stripped:
            paras.append([])
            continue
        prev = paras[-1][-1] if paras[-1] else None
        if prev is not None and (
            _BULLET.match(stripped)
            or (_SENTENCE_END.search(prev) and len(prev) < 0.8 * typical)
            or (len(prev) < 0.6 * typical and not _SENTENCE_END.search(prev) and stripped[:1].isupper())
        ):
            paras.append([])
        paras[-1].append(stripped)
    return [" ".join(p) for p in paras if p]


def _split_long(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    out, cur = [], ""
    for sentence in _SENTENCE_SPLIT.split(text):
        while len(sentence) > max_chars:  # no sentence boundary at all: cut at a space
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            if cur:
                out.append(cur)
                cur = ""
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if cur and len(cur) + 1 + len(sentence) > max_chars:
            out.append(cur)
            cur = sentence
        else:
            cur = f"{cur} {sentence}".strip()
    if cur:
        out.append(cur)
    return out


def split_passages(pages: list[Page], min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> list[tuple[str, int, int]]:
    """Passages as ``(text, page_start, page_end)``: short paragraphs merge with their neighbours (also across a
    page break), long ones split at sentence boundaries."""
    units: list[tuple[str, int]] = []
    for page in pages:
        for para in paragraphs(page.text):
            units.extend((piece, page.number) for piece in _split_long(para, max_chars))
    out: list[tuple[str, int, int]] = []
    buf, start, end = "", 0, 0
    for text, page in units:
        if buf and len(buf) + 1 + len(text) > max_chars:
            out.append((buf, start, end))
            buf = ""
        if not buf:
            buf, start, end = text, page, page
        else:
            buf, end = f"{buf}\n{text}", page
        if len(buf) >= min_chars:
            out.append((buf, start, end))
            buf = ""
    if buf:
        if out and len(out[-1][0]) + 1 + len(buf) <= max_chars:
            prev, s, _ = out.pop()
            out.append((f"{prev}\n{buf}", s, end))
        else:
            out.append((buf, start, end))
    return out
