"""Labelled passages: one JSONL schema for every source, normalised-text dedup, fixed hash-based splits.

A line: ``{"id", "text", "language", "labels", "provenance", "split"?, "group"?, "schemes"?}``. ``schemes`` lists
the label schemes the source actually annotates (default: all); labels of other schemes are *unknown* for that
passage, not negative. ``split`` is derived from the content hash (or the parallel ``group``), so the same text
always lands in the same split, whichever source or run it comes from.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus.errors import DataError

SPLITS = ("train", "dev", "test")
_DEV_PERCENT = 10
_TEST_PERCENT = 10
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def assign_split(key: str) -> str:
    """Fixed split from a key's hash: 80% train, 10% dev, 10% test."""
    bucket = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < _TEST_PERCENT:
        return "test"
    if bucket < _TEST_PERCENT + _DEV_PERCENT:
        return "dev"
    return "train"


@dataclass(frozen=True)
class LabelledPassage:
    id: str
    text: str
    language: str
    labels: tuple[str, ...]
    provenance: str
    split: str = ""
    group: str | None = None
    schemes: tuple[str, ...] = ()
    kind: str | None = None
    unknown: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)
    primary: tuple[str, ...] = ()

    @property
    def hash(self) -> str:
        return text_hash(self.text)

    def with_split(self) -> "LabelledPassage":
        if self.split:
            return self
        key = self.group or self.hash
        return LabelledPassage(**{**asdict(self), "split": assign_split(key)})

    def to_json(self) -> str:
        d = {k: v for k, v in asdict(self).items() if v not in (None, (), {}, "")}
        d["labels"] = list(self.labels)
        return json.dumps(d, ensure_ascii=False)


def parse_record(obj: dict, where: str = "", default_provenance: str = "user") -> LabelledPassage:
    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}: missing or empty 'text'")
    labels = obj.get("labels", [])
    if isinstance(labels, str):
        labels = [x for x in re.split(r"[;,|\s]+", labels) if x]
    if not isinstance(labels, list):
        raise DataError(f"{where}: 'labels' must be a list of label ids")
    split = obj.get("split", "")
    if split and split not in SPLITS:
        raise DataError(f"{where}: split '{split}' is not one of {SPLITS}")
    return LabelledPassage(
        id=str(obj.get("id") or text_hash(text)[:16]),
        text=text,
        language=str(obj.get("language") or obj.get("lang") or ""),
        labels=tuple(labels),
        provenance=str(obj.get("provenance") or default_provenance),
        split=split,
        group=obj.get("group"),
        schemes=tuple(obj.get("schemes") or ()),
        kind=obj.get("kind"),
        unknown=tuple(obj.get("unknown") or ()),
        primary=_primary(obj.get("primary"), labels, where),
    )


def _primary(value, labels: list, where: str) -> tuple[str, ...]:
    """``primary``: the label (or labels, at most one per scheme) a passage is mainly about; each must be one of
    its labels."""
    if not value:
        return ()
    found = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
    if found is None or any(p not in labels for p in found):
        raise DataError(f"{where}: 'primary' must name one or more of the passage's labels")
    return found


def read_jsonl(path: str | Path, default_provenance: str = "user") -> list[LabelledPassage]:
    path = Path(path)
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
            out.append(parse_record(obj, f"{path}:{n}", default_provenance))
    return out


def write_jsonl(records, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(r.to_json() + "\n")
    tmp.replace(path)


def deduplicate(records: list[LabelledPassage]) -> list[LabelledPassage]:
    """Keep the first record of each normalised text (sources are given in priority order)."""
    seen: set[str] = set()
    out = []
    for r in records:
        h = r.hash
        if h not in seen:
            seen.add(h)
            out.append(r)
    return out
