"""Evaluation reports: whatever HTML, JSON or Markdown files the evaluation commands left in the reports folder,
newest first (the history)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from service.errors import NotFound

KINDS = {".html": "html", ".htm": "html", ".json": "json", ".md": "markdown"}
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "json": "application/json", "markdown": "text/markdown; charset=utf-8"}


def list_reports(root: Path) -> list[dict]:
    if not root.is_dir():
        return []
    out = []
    for path in root.rglob("*"):
        kind = KINDS.get(path.suffix.lower())
        if kind and path.is_file():
            stat = path.stat()
            out.append({
                "name": path.relative_to(root).as_posix(),
                "kind": kind,
                "size": stat.st_size,
                "modified": datetime.fromtimestamp(stat.st_mtime, timezone.utc),
            })
    return sorted(out, key=lambda r: (r["modified"], r["name"]), reverse=True)


def report_file(root: Path, name: str) -> tuple[Path, str]:
    """The file of a listed report and its media type; names outside the folder are not found."""
    path = (root / name).resolve()
    kind = KINDS.get(path.suffix.lower())
    if kind is None or not path.is_file() or not path.is_relative_to(root.resolve()):
        raise NotFound(f"no evaluation report '{name}'", source=name)
    return path, MEDIA_TYPES[kind]
