"""What a batch writes: one JSON record per document in a journal that survives kill -9, a CSV rendered from it,
and a summary.

The journal is JSONL, appended one complete line at a time with an fsync after each, so a killed run loses at
most the documents in flight. A line half-written when the process died is cut off when the journal is opened
again. The CSV and the summary are written to a temporary file and renamed into place, never half-written.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import logging
import os
from collections import Counter
from pathlib import Path

from corpus.errors import BatchError, DataError, StratagError

log = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"


def document_record(source: str, classification, seconds: float) -> dict:
    """The output record of a classified document: assigned tags per scheme with scores and evidence pages."""
    tags: dict[str, list] = {}
    for s in classification.labels:
        tags.setdefault(s.scheme, [])
        if s.assigned:
            tags[s.scheme].append({"label": s.label, "score": s.score, "threshold": s.threshold, "main": s.main,
                                   "evidence_pages": [e.pages for e in s.evidence]})
    return {
        "source": source,
        "document_id": classification.document_id,
        "status": OK,
        "language": classification.language,
        "pages": classification.n_pages,
        "passages": classification.n_passages,
        "tags": tags,
        "main": classification.main(),
        "scores": {s.label: s.score for s in classification.labels},
        "warnings": list(classification.warnings),
        "model": classification.model,
        "seconds": round(seconds, 3),
    }


def error_record(source: str, document_id: str, error: StratagError, seconds: float) -> dict:
    return {
        "source": source,
        "document_id": document_id,
        "status": ERROR,
        "error": {"code": error.code, "message": error.message},
        "seconds": round(seconds, 3),
    }


class Journal:
    """The JSONL output, locked against a second batch writing it at the same time. ``records`` maps document
    ids to their records."""

    def __init__(self, path: Path, fd: int, records: dict[str, dict]):
        self.path = path
        self.records = records
        self._fd = fd

    @classmethod
    def open(cls, path: str | Path, *, start_over: bool = False, drop_failures: bool = False) -> Journal:
        """Open (or create) the journal and repair a half-written last line; ``start_over`` empties it,
        ``drop_failures`` forgets the failed documents so that they are tried again."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_locked(path)
        try:
            if start_over:
                os.ftruncate(fd, 0)
            records = _read_repairing(path, fd)
            if drop_failures and any(r["status"] == ERROR for r in records.values()):
                records = {k: r for k, r in records.items() if r["status"] != ERROR}
                _write_atomically(path, "".join(_line(r) for r in records.values()))
                old, fd = fd, _open_locked(path)
                os.close(old)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, records)

    def __contains__(self, document_id: str) -> bool:
        return document_id in self.records

    def append(self, record: dict) -> None:
        data = _line(record).encode("utf-8")
        while data:  # a regular file takes it in one write; the loop covers a short write
            data = data[os.write(self._fd, data):]
        os.fsync(self._fd)
        self.records[record["document_id"]] = record

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _open_locked(path: Path) -> int:
    existed = path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BatchError(f"another 'stratag batch' is writing {path}; wait for it to finish or choose another -o",
                         source=str(path)) from None
    if not existed:
        _fsync_folder(path.parent)
    return fd


def _read_repairing(path: Path, fd: int) -> dict[str, dict]:
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    tail = data[end:]
    records: dict[str, dict] = {}
    for n, line in enumerate(data[:end].splitlines(), 1):
        if not line.strip():
            continue
        record = _parse(line)
        if record is None:
            raise DataError(f"line {n} of {path} is not a batch record; was the file edited? Fix or delete the line, "
                            "or pass --overwrite to start again", source=str(path))
        records[record["document_id"]] = record
    if tail:
        record = _parse(tail)
        if record is None:  # the process died while writing this line: its document is simply done again
            log.warning("%s: dropping a half-written last line (%d bytes)", path, len(tail))
            os.ftruncate(fd, end)
        else:
            os.write(fd, b"\n")
            records[record["document_id"]] = record
        os.fsync(fd)
    return records


def _parse(line: bytes) -> dict | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not record.get("document_id") or record.get("status") not in (OK, ERROR):
        return None
    return record


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


CSV_FIELDS = ["source", "document_id", "status", "error_code", "error_message", "language", "pages"]


def write_csv(records: list[dict], path: Path) -> None:
    """One row per document: tags per scheme ("label score; ..."), the main label per scheme, their evidence pages,
    and every label's score."""
    ok = [r for r in records if r["status"] == OK]
    schemes = list(ok[0]["tags"]) if ok else []
    labels = list(ok[0]["scores"]) if ok else []
    header = CSV_FIELDS + [f"tags_{s}" for s in schemes] + [f"main_{s}" for s in schemes] + ["evidence_pages"] + labels
    rows = [header]
    for r in sorted(records, key=lambda r: r["source"]):
        error = r.get("error", {})
        row = [r["source"], r["document_id"], r["status"], error.get("code", ""), error.get("message", ""),
               r.get("language", ""), r.get("pages", "")]
        tags = r.get("tags", {})
        row += ["; ".join(f"{t['label']} {t['score']:.3f}" for t in tags.get(s, [])) for s in schemes]
        row += [r.get("main", {}).get(s, "") for s in schemes]  # journals written before main labels have none
        row.append("; ".join(f"{t['label']}: {', '.join(t['evidence_pages'])}" for s in schemes for t in tags.get(s, [])))
        scores = r.get("scores", {})
        row += [scores.get(label, "") for label in labels]
        rows.append(row)
    _write_atomically(path, _csv_text(rows))


def _csv_text(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def summarize(records: list[dict], skipped: list[dict], run: dict) -> dict:
    """Totals over everything in the output, what this run skipped, and this run's speed and memory."""
    ok = [r for r in records if r["status"] == OK]
    assigned = Counter(t["label"] for r in ok for tags in r["tags"].values() for t in tags)
    labels = list(ok[0]["scores"]) if ok else sorted(assigned)
    return {
        "documents": len(records),
        "classified": len(ok),
        "failed": len(records) - len(ok),
        "pages": sum(r["pages"] for r in ok),
        "languages": dict(Counter(r["language"] for r in ok).most_common()),
        "failures_by_code": dict(Counter(r["error"]["code"] for r in records if r["status"] == ERROR).most_common()),
        "labels_assigned": {label: assigned.get(label, 0) for label in labels},
        "skipped": skipped,
        "skipped_by_reason": dict(Counter(s["reason"] for s in skipped).most_common()),
        "run": run,
    }


def write_summary(summary: dict, path: Path) -> None:
    _write_atomically(path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def format_summary(summary: dict, top: int = 10) -> str:
    """A few lines for the terminal; the JSON summary has everything."""
    run = summary["run"]
    lines = [
        f"{summary['documents']} documents in the output ({summary['classified']} classified, {summary['failed']} failed), "
        f"{summary['pages']:,} pages",
        f"this run: {run['processed']} documents, {run['pages']:,} pages in {run['seconds']:.1f} s = "
        f"{run['pages_per_s']:.1f} pages/s ({run['backend']}, {run['workers']} workers); "
        f"{run['already_done']} already done; peak memory {run['peak_memory_mb']['total']:,.0f} MB"
        + (" (interrupted)" if run.get("interrupted") else ""),
    ]
    if summary["failures_by_code"]:
        lines.append("failures: " + ", ".join(f"{code} {n}" for code, n in summary["failures_by_code"].items()))
    if summary["skipped_by_reason"]:
        lines.append("skipped: " + ", ".join(f"{reason} {n}" for reason, n in summary["skipped_by_reason"].items()))
    common = sorted(((label, n) for label, n in summary["labels_assigned"].items() if n), key=lambda item: -item[1])
    if common:
        lines.append("most assigned: " + ", ".join(f"{label} {n}" for label, n in common[:top]))
    return "\n".join(lines)
