"""Every evaluation run, recorded in the project's store: table ``evaluation_runs`` of the database the HTTP
service uses (by default the SQLite file ``$STRATAG_DATA_DIR/stratag.sqlite``, ``STRATAG_DATA_DIR`` defaulting to
``./data``), through SQLAlchemy Core with a table of its own, so neither side depends on the other's schema.
``--db`` takes an SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``) or a file path.

A run keeps its summary metrics (for trends) and its gold matrix, probabilities and thresholds (compressed), so
two runs on the same data can be compared passage by passage later."""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.errors import DataError
from evaluation.report import Predictions, Report

DB_FILE = "stratag.sqlite"
TABLE = "evaluation_runs"


def data_dir() -> Path:
    return Path(os.environ.get("STRATAG_DATA_DIR") or "data")


def db_url(url: str | None = None) -> str:
    """An SQLAlchemy URL for ``url``: None means the default SQLite file, a plain path an SQLite file there."""
    if not url:
        return f"sqlite:///{(data_dir() / DB_FILE).resolve()}"
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).resolve()}"


def _table(metadata):
    from sqlalchemy import Column, Float, Index, Integer, LargeBinary, String, Table, Text

    return Table(
        TABLE, metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("created", String(40), nullable=False),
        Column("set_name", String(500), nullable=False),
        Column("data_fingerprint", String(64), nullable=False),
        Column("model_name", String(200), nullable=False),
        Column("model_dir", Text),
        Column("model_fingerprint", String(64), nullable=False),
        Column("mode", String(20), nullable=False),
        Column("n", Integer, nullable=False),
        Column("micro_f1", Float),
        Column("macro_f1", Float),
        Column("samples_f1", Float),
        Column("metrics", Text, nullable=False),
        Column("arrays", LargeBinary, nullable=False),
        Index(f"{TABLE}_set_created", "set_name", "created"),
    )


@dataclass(frozen=True, eq=False)
class Run:
    """A recorded evaluation run. ``Y``/``P``/``thresholds``/``languages`` are loaded only by ``History.get``."""

    id: int
    created: str
    set_name: str
    data_fingerprint: str
    model_name: str
    model_dir: str | None
    model_fingerprint: str
    mode: str
    n: int
    metrics: dict
    ids: tuple = ()
    languages: tuple = ()
    Y: np.ndarray | None = field(default=None, repr=False)
    predictions: Predictions | None = field(default=None, repr=False)


def _pack(ids, languages, Y: np.ndarray, predicted: Predictions) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, ids=np.array(ids, dtype=str), languages=np.array(languages, dtype=str), Y=Y.astype(np.int8),
                        P=predicted.P.astype(np.float32), thresholds=np.asarray(predicted.thresholds, dtype=np.float64))
    return buf.getvalue()


def _unpack(blob: bytes) -> dict:
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _trend_metrics(report: Report) -> dict:
    """What history keeps of a report: the language x scheme summaries (without calibration bins) and per-label F1."""
    cells = {}
    for lang, by_scheme in report.metrics.items():
        cells[lang] = {}
        for scheme, s in by_scheme.items():
            keep = {k: v for k, v in s.items() if k not in ("labels", "calibration")}
            keep["ece"] = s["calibration"]["ece"]
            cells[lang][scheme] = keep
    return {"cells": cells, "labels": {k: {m: v[m] for m in ("precision", "recall", "f1", "support")} for k, v in report.labels.items()},
            "languages": report.languages, "data_format": report.data_format}


class History:
    def __init__(self, url: str | None = None):
        self.url = db_url(url)
        self._engine = None

    def _connect(self):
        from sqlalchemy import MetaData, create_engine
        from sqlalchemy.engine import make_url

        if self._engine is None:
            parsed = make_url(self.url)
            if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(self.url)
            self._table = _table(MetaData())
            self._table.create(self._engine, checkfirst=True)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def record(self, report: Report, Y: np.ndarray, predicted: Predictions, *, ids, languages, created: str,
               model_fingerprint: str, model_dir: str | None = None) -> int:
        """Store one run; returns its id."""
        overall = report.metrics["all"]["all"]
        engine = self._connect()
        with engine.begin() as conn:
            result = conn.execute(self._table.insert().values(
                created=created, set_name=report.set_name, data_fingerprint=report.data_fingerprint, model_name=report.model,
                model_dir=model_dir, model_fingerprint=model_fingerprint, mode=report.mode, n=report.n,
                micro_f1=overall["micro_f1"], macro_f1=overall["macro_f1"], samples_f1=overall["samples_f1"],
                metrics=json.dumps(_trend_metrics(report), ensure_ascii=False), arrays=_pack(ids, languages, Y, predicted)))
            return int(result.inserted_primary_key[0])

    def runs(self, set_name: str | None = None) -> list[Run]:
        """Recorded runs, oldest first, optionally of one set (without their arrays)."""
        engine = self._connect()
        t = self._table
        q = t.select().with_only_columns(*[c for c in t.c if c.name != "arrays"]).order_by(t.c.created, t.c.id)
        if set_name:
            q = q.where(t.c.set_name == set_name)
        with engine.connect() as conn:
            return [self._run(r, arrays=False) for r in conn.execute(q).mappings()]

    def get(self, run_id: int) -> Run:
        """One run with its arrays; DataError when there is no such run."""
        engine = self._connect()
        with engine.connect() as conn:
            row = conn.execute(self._table.select().where(self._table.c.id == int(run_id))).mappings().first()
        if row is None:
            raise DataError(f"no evaluation run {run_id} in {self.url}; 'stratag evaluate history' lists them")
        return self._run(row, arrays=True)

    @staticmethod
    def _run(row, arrays: bool) -> Run:
        base = dict(id=row["id"], created=row["created"], set_name=row["set_name"], data_fingerprint=row["data_fingerprint"],
                    model_name=row["model_name"], model_dir=row["model_dir"], model_fingerprint=row["model_fingerprint"],
                    mode=row["mode"], n=row["n"], metrics=json.loads(row["metrics"]))
        if not arrays:
            return Run(**base)
        a = _unpack(row["arrays"])
        predicted = Predictions(a["P"].astype(np.float64), a["thresholds"], row["model_name"], row["mode"])
        return Run(**base, ids=tuple(a["ids"].tolist()), languages=tuple(a["languages"].tolist()), Y=a["Y"], predictions=predicted)


def format_history(runs: list[Run]) -> str:
    """The trend per set: one line per run, oldest first, with the change of micro-F1 against the previous run on
    the same data (same data fingerprint)."""
    if not runs:
        return "no evaluation runs recorded yet ('stratag evaluate --data SET' records one)"
    lines = []
    for set_name in sorted({r.set_name for r in runs}):
        rows = [r for r in runs if r.set_name == set_name]
        schemes = [s for s in rows[-1].metrics["cells"]["all"] if s != "all"]
        lines += ["", f"{set_name}",
                  f"{'run':>4} {'date':19} {'model':14} {'fingerprint':12} {'mode':8} {'n':>5} {'micro-F1':>8} {'change':>7} "
                  f"{'macro-F1':>8} " + " ".join(f"{s + ' μF1':>9}" for s in schemes) + "  model directory"]
        last: dict[str, float] = {}
        for r in rows:
            overall = r.metrics["cells"]["all"]["all"]
            prev = last.get(r.data_fingerprint)
            change = f"{overall['micro_f1'] - prev:+7.3f}" if prev is not None else f"{'':7}"
            last[r.data_fingerprint] = overall["micro_f1"]
            per_scheme = " ".join(f"{r.metrics['cells']['all'].get(s, {}).get('micro_f1', float('nan')):9.3f}" for s in schemes)
            lines.append(f"{r.id:4d} {r.created[:19]:19} {r.model_name[:14]:14} {r.model_fingerprint[:12]:12} {r.mode:8} {r.n:5d} "
                         f"{overall['micro_f1']:8.3f} {change} {overall['macro_f1']:8.3f} {per_scheme}  {r.model_dir or ''}")
    return "\n".join(lines[1:])
