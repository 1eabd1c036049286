"""Which files of a folder a batch reads: PDFs and text files found recursively, each with its content hash;
hidden files, links leading outside the folder, other file types and duplicate contents are skipped and said why."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from corpus.read import TEXT_SUFFIXES

DOCUMENT_SUFFIXES = frozenset({".pdf", *TEXT_SUFFIXES})

# Skip reasons, as written into the summary.
HIDDEN = "hidden"
OUTSIDE_LINK = "symlink_outside_folder"
BROKEN_LINK = "broken_symlink"
LINKED_FOLDER = "symlinked_folder"
OTHER_TYPE = "unsupported_type"
DUPLICATE = "duplicate"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Candidate:
    """A file to classify. ``source`` is its path relative to the batch folder, as written in the output."""

    path: Path
    source: str
    size: int
    document_id: str


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str
    detail: str = ""

    def to_dict(self) -> dict:
        return {"source": self.source, "reason": self.reason, **({"detail": self.detail} if self.detail else {})}


def find_documents(folder: Path, exclude: set[Path] = frozenset()) -> tuple[list[Candidate], list[Skipped]]:
    """Walk ``folder`` (resolved) and hash every document file; ``exclude`` holds the batch's own output files."""
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    first_with_id: dict[str, str] = {}
    # Real files before links, so that of a file and a link to it the file is read and the link is the duplicate.
    for path, source in sorted(_walk(folder, skipped, exclude), key=lambda found: (found[0].is_symlink(), found[1])):
        try:
            size = path.stat().st_size
            doc_id = _sha256(path)
        except OSError as exc:
            skipped.append(Skipped(source, UNREADABLE, exc.strerror or str(exc)))
            continue
        if doc_id in first_with_id:
            skipped.append(Skipped(source, DUPLICATE, f"same content as {first_with_id[doc_id]}"))
            continue
        first_with_id[doc_id] = source
        candidates.append(Candidate(path, source, size, doc_id))
    return candidates, skipped


def _walk(root: Path, skipped: list[Skipped], exclude: set[Path]):
    """Yield ``(path, source)`` of document files in a stable order, recording what is skipped on the way.

    Links to folders are not followed: one inside the folder is walked under its real path, one outside is out of
    bounds. A link to a file is read only when it resolves inside the folder.
    """
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            path = here / name
            source = path.relative_to(root).as_posix()
            if name.startswith("."):
                skipped.append(Skipped(source + "/", HIDDEN))
            elif path.is_symlink():
                inside = _is_inside(path.resolve(), root)
                skipped.append(Skipped(source + "/", LINKED_FOLDER if inside else OUTSIDE_LINK,
                                       f"points to {os.readlink(path)}"))
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = here / name
            if path in exclude:
                continue
            source = path.relative_to(root).as_posix()
            if name.startswith("."):
                skipped.append(Skipped(source, HIDDEN))
            elif path.is_symlink() and not path.exists():
                skipped.append(Skipped(source, BROKEN_LINK, f"points to {os.readlink(path)}"))
            elif path.is_symlink() and not _is_inside(path.resolve(), root):
                skipped.append(Skipped(source, OUTSIDE_LINK, f"points to {os.readlink(path)}"))
            elif path.suffix.lower() not in DOCUMENT_SUFFIXES:
                skipped.append(Skipped(source, OTHER_TYPE, "stratag reads PDF, .txt and .md files"))
            elif not path.is_file():
                skipped.append(Skipped(source, OTHER_TYPE, "not a regular file"))
            else:
                yield path, source


def _is_inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _sha256(path: Path) -> str:
    # The same digest as Document.id, which read_document takes over the file's bytes.
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
