"""Clean-up of extracted page text: running headers and footers, page numbers, table-of-contents leaders,
and words hyphenated at line ends."""

from __future__ import annotations

import re
from collections import Counter

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:page|strona|str\.|strana|oldal|s\.)\s*)?\d{1,4}(?:\s*(?:/|of|z|ze|z\s+|zo)\s*\d{1,4})?"
    r"(?:\s*\.?\s*(?:oldal|strana|stránka))?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
# A table-of-contents entry: text, a run of dot leaders (or spaced dots / ellipses), a page number.
_TOC_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|(?:_\s?){5,}")
_TOC_LINE = re.compile(r"^.{0,200}?(?:(?:\.\s?){3,}|…+|(?:_\s?){5,})\s*\d{1,4}\s*$")
_TOC_ENTRY = re.compile(r"(?:\.\s?){3,}\s*\d{1,4}\b|…\s*\d{1,4}\b")
_HYPHEN_END = re.compile(r"(\w+)[-\u00ad\u2010]$")
_DIGITS = re.compile(r"\d+")
_EDGE_LINES = 2


def _signature(line: str) -> str:
    """Headers often carry the page number: compare lines with digits masked."""
    return _DIGITS.sub("#", line.strip().lower())


def find_running_lines(pages: list[list[str]], min_share: float = 0.5) -> set[str]:
    """Signatures of lines that recur at the top or bottom of many pages (running headers and footers)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        nonblank = [line for line in lines if line.strip()]
        edge = nonblank[:_EDGE_LINES] + nonblank[-_EDGE_LINES:]
        counts.update({_signature(line) for line in edge})
    threshold = max(3, min_share * len(pages))
    return {sig for sig, n in counts.items() if n >= threshold and len(sig) > 1}


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line)) and any(ch.isdigit() for ch in line)


def is_toc_line(line: str) -> bool:
    line = line.strip()
    return bool(_TOC_LINE.match(line)) or len(_TOC_ENTRY.findall(line)) >= 2


def join_hyphenated(lines: list[str], vocabulary: set[str] | None = None) -> list[str]:
    """Join a word split by a hyphen at a line end with its continuation on the next line.

    A compound with a real hyphen (``CO2-neutral``) is kept when the document spells the hyphenated form elsewhere;
    ``vocabulary`` holds the lower-cased words seen in the document.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        m = _HYPHEN_END.search(line)
        if m and i + 1 < len(lines):
            nxt = lines[i + 1].lstrip()
            head = m.group(1)
            tail_match = re.match(r"(\w+)(.*)$", nxt)
            if tail_match and tail_match.group(1)[:1].islower():
                tail = tail_match.group(1)
                keep_hyphen = vocabulary is not None and f"{head}-{tail}".lower() in vocabulary and (head + tail).lower() not in vocabulary
                joined = f"{head}-{tail}" if keep_hyphen else head + tail
                out.append(line[: m.start()] + joined + tail_match.group(2))
                i += 2
                continue
        out.append(line)
        i += 1
    return out


def clean_pages(texts: list[str]) -> list[str]:
    """Apply all clean-ups to the pages of one document; the page count is preserved."""
    pages = [t.replace("\u00a0", " ").replace("\x02", "-").split("\n") for t in texts]
    running = find_running_lines(pages)
    vocabulary = {w.lower() for t in texts for w in re.findall(r"\w+(?:-\w+)?", t)}
    cleaned = []
    for lines in pages:
        kept = [
            line
            for line in lines
            if not line.strip() or (not is_page_number(line) and not is_toc_line(line) and _signature(line) not in running)
        ]
        kept = [_TOC_LEADER.sub(" ", line) if _TOC_LEADER.search(line) and re.search(r"\d\s*$", line) else line for line in kept]
        cleaned.append("\n".join(join_hyphenated(kept, vocabulary)))
    return cleaned
