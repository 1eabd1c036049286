"""Documents, their tags and evidence, corrections and jobs in one SQL database (SQLite or PostgreSQL).

``Store(url)`` creates the tables it needs. Every write is one transaction, so a failure stores nothing; writes on
SQLite take the database lock up front (``BEGIN IMMEDIATE``) so concurrent writers queue instead of failing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import and_, case, create_engine, event, exists, func, insert, inspect, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from classifier.taxonomy import default_taxonomy
from service.errors import NotFound
from service.tables import corrections, documents, evidence, jobs, metadata, pages, passages, scores

log = logging.getLogger(__name__)

_COUNTRIES = {
    "pl": "PL", "poland": "PL", "polska": "PL",
    "cz": "CZ", "czechia": "CZ", "czech republic": "CZ", "česko": "CZ", "česká republika": "CZ",
    "sk": "SK", "slovakia": "SK", "slovensko": "SK",
    "hu": "HU", "hungary": "HU", "magyarország": "HU",
}
_FOLD_EXTRA = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss"})
_LIKE_SPECIAL = re.compile(r"([\\%_])")
SUMMARY_COLUMNS = [c for c in documents.c if c.name not in ("vector", "vector_method", "city_key")]


def fold(text: str) -> str:
    """Lower-case without diacritics, so ``lodz`` finds ``Łódź``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_country(value: str | None) -> str | None:
    """``Polska``/``poland``/``pl`` -> ``PL``; other names are kept as given (upper-cased two-letter codes)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    known = _COUNTRIES.get(value.casefold())
    if known:
        return known
    return value.upper() if len(value) <= 3 else value


def _normalise_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """The service's database. ``url`` is an SQLAlchemy URL (``sqlite:///path`` or ``postgresql://...``)."""

    def __init__(self, url: str):
        self.url = _normalise_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(self.url, connect_args={"timeout": 60, "check_same_thread": False})
            _configure_sqlite(self._engine)
        else:
            self._engine = create_engine(self.url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        metadata.create_all(self._engine)
        _add_missing_columns(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def ping(self) -> bool:
        with self._engine.connect() as conn:
            conn.execute(select(1))
        return True

    @contextmanager
    def _write(self):
        with self._engine.connect() as conn:
            conn = conn.execution_options(stratag_write=True)
            with conn.begin():
                yield conn

    # ---- documents -------------------------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first() is not None

    def save_document(self, doc, classification, meta: dict | None = None) -> str:
        """Store a read Document and its Classification in one transaction; a document already stored (same
        content hash) is left as it is. Returns the document id."""
        meta = normalise_meta(meta or {})
        try:
            with self._write() as conn:
                if conn.execute(select(documents.c.id).where(documents.c.id == doc.id)).first():
                    return doc.id
                conn.execute(insert(documents), [_document_row(doc, classification, meta)])
                _insert_many(conn, pages, [
                    {"document_id": doc.id, "number": p.number, "text": p.text, "method": p.method} for p in doc.pages
                ])
                _insert_many(conn, passages, [
                    {"document_id": doc.id, "idx": p.index, "text": p.text, "folded": fold(p.text),
                     "page_start": p.page_start, "page_end": p.page_end, "language": p.language}
                    for p in doc.passages
                ])
                _insert_many(conn, scores, [
                    {"document_id": doc.id, "label": s.label, "scheme": s.scheme, "score": s.score,
                     "threshold": s.threshold, "assigned": s.assigned, "main": s.main}
                    for s in classification.labels
                ])
                _insert_many(conn, evidence, [
                    {"document_id": doc.id, "label": s.label, "rank": r, "passage_index": e.passage_index,
                     "score": e.score, "terms": list(e.terms), "main": e.main}
                    for s in classification.labels for r, e in enumerate(s.evidence)
                ])
        except IntegrityError:
            # PostgreSQL: a concurrent upload of the same file committed first.
            if self.has_document(doc.id):
                return doc.id
            raise
        return doc.id

    def save_vector(self, doc_id: str, vector: bytes, method: str) -> None:
        with self._write() as conn:
            conn.execute(update(documents).where(documents.c.id == doc_id).values(vector=vector, vector_method=method))

    def get_document(self, doc_id: str) -> dict:
        with self._engine.connect() as conn:
            row = conn.execute(select(*SUMMARY_COLUMNS, documents.c.vector_method).where(documents.c.id == doc_id)).mappings().first()
            if row is None:
                raise NotFound(f"no document with id '{doc_id}'", source=doc_id)
            out = dict(row)
            out["assigned"] = _assigned_labels(conn, [doc_id]).get(doc_id, [])
            out["main"] = _assigned_labels(conn, [doc_id], scores.c.main).get(doc_id, [])
        return out

    def get_tags(self, doc_id: str, scheme: str | None = None) -> list[dict]:
        """Every label's score, threshold and decision with its evidence passages (text and pages)."""
        self.get_document(doc_id)
        with self._engine.connect() as conn:
            q = select(scores).where(scores.c.document_id == doc_id)
            if scheme:
                q = q.where(scores.c.scheme == scheme)
            rows = [dict(r) for r in conn.execute(q).mappings()]
            ev = conn.execute(
                select(evidence.c.label, evidence.c.rank, evidence.c.passage_index, evidence.c.score, evidence.c.terms,
                       evidence.c.main, passages.c.text, passages.c.page_start, passages.c.page_end)
                .join(passages, and_(passages.c.document_id == evidence.c.document_id,
                                     passages.c.idx == evidence.c.passage_index))
                .where(evidence.c.document_id == doc_id)
                .order_by(evidence.c.label, evidence.c.rank)
            ).mappings()
            by_label = defaultdict(list)
            for e in ev:
                by_label[e["label"]].append({**{k: e[k] for k in ("passage_index", "score", "terms", "text", "page_start", "page_end")},
                                             "main": bool(e["main"])})
            reviews = self._latest_reviews(conn, doc_id)
        for row in rows:
            row["main"] = bool(row["main"])  # NULL on documents stored before main labels
            row["evidence"] = by_label.get(row["label"], [])
            row["review"] = reviews.get(row["label"])
        return rows

    def _latest_reviews(self, conn, doc_id: str) -> dict:
        q = (select(corrections.c.label, corrections.c.action)
             .where(corrections.c.document_id == doc_id, corrections.c.passage_index.is_(None))
             .order_by(corrections.c.id))
        return {r.label: r.action for r in conn.execute(q)}

    def get_pages(self, doc_id: str) -> list[dict]:
        self.get_document(doc_id)
        with self._engine.connect() as conn:
            q = select(pages.c.number, pages.c.text, pages.c.method).where(pages.c.document_id == doc_id).order_by(pages.c.number)
            return [dict(r) for r in conn.execute(q).mappings()]

    def get_passages(self, doc_id: str, indices=None) -> dict[int, dict]:
        with self._engine.connect() as conn:
            q = select(passages).where(passages.c.document_id == doc_id)
            if indices is not None:
                q = q.where(passages.c.idx.in_(list(indices)))
            return {r["idx"]: dict(r) for r in conn.execute(q).mappings()}

    def count_documents(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(documents)).scalar_one()

    def list_documents(self, *, label=None, main: bool = False, scheme=None, country=None, city=None, language=None,
                       year=None, q=None, limit: int = 50, offset: int = 0) -> dict:
        """Documents matching every given filter, newest first; ``label`` with ``main``: only documents whose main
        label in its scheme is ``label``; ``q`` matches passages (all words, any case, diacritics optional) and each
        hit lists its matching passages with pages."""
        conds = []
        if label:
            conds.append(exists().where(scores.c.document_id == documents.c.id, scores.c.label == label, scores.c.assigned,
                                        *([scores.c.main.is_(True)] if main else [])))
        if scheme:
            conds.append(exists().where(scores.c.document_id == documents.c.id, scores.c.scheme == scheme, scores.c.assigned))
        if country:
            conds.append(documents.c.country == normalise_country(country))
        if city:
            conds.append(documents.c.city_key == fold(city.strip()))
        if language:
            conds.append(documents.c.language == language)
        if year:
            conds.append(documents.c.year == year)
        text_cond = _text_condition(q) if q and q.strip() else None
        if text_cond is not None:
            conds.append(exists().where(passages.c.document_id == documents.c.id, text_cond))
        with self._engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(documents).where(*conds)).scalar_one()
            rows = conn.execute(
                select(*SUMMARY_COLUMNS).where(*conds).order_by(documents.c.created_at.desc(), documents.c.id)
                .limit(limit).offset(offset)
            ).mappings().all()
            items = [dict(r) for r in rows]
            ids = [r["id"] for r in items]
            assigned = _assigned_labels(conn, ids)
            mains = _assigned_labels(conn, ids, scores.c.main)
            matches = _matching_passages(conn, ids, text_cond) if text_cond is not None else {}
        for item in items:
            item["assigned"] = assigned.get(item["id"], [])
            item["main"] = mains.get(item["id"], [])
            item["matches"] = matches.get(item["id"], [])
        return {"total": total, "items": items}

    def facets(self) -> dict:
        """Distinct countries, cities, languages and years, for filter menus."""
        out = {}
        with self._engine.connect() as conn:
            for name in ("country", "city", "language", "year"):
                col = documents.c[name]
                out[name] = [v for (v,) in conn.execute(select(col).where(col.is_not(None)).distinct().order_by(col))]
        return out

    # ---- comparison and partners ----------------------------------------------------------------------------

    def coverage(self, by: str = "country", scheme: str | None = None) -> dict:
        """Per group (country or city): number of documents, and per label the share of documents tagged with it
        and the mean score."""
        key = documents.c.country if by == "country" else documents.c.city
        cond = [scores.c.scheme == scheme] if scheme else []
        with self._engine.connect() as conn:
            counts = dict(conn.execute(select(key, func.count()).group_by(key)).all())
            q = (select(key.label("key"), scores.c.label, func.sum(case((scores.c.assigned, 1), else_=0)),
                        func.avg(scores.c.score))
                 .join(documents, documents.c.id == scores.c.document_id).where(*cond).group_by(key, scores.c.label))
            cells = defaultdict(dict)
            for k, label, n_assigned, mean in conn.execute(q):
                cells[k][label] = (int(n_assigned or 0), float(mean or 0.0))
        groups = []
        for k in sorted(counts, key=lambda v: (v is None, v or "")):
            n = counts[k]
            groups.append({
                "key": k,
                "n_documents": n,
                "coverage": {label: round(a / n, 4) for label, (a, _) in cells[k].items()},
                "mean_score": {label: round(m, 4) for label, (_, m) in cells[k].items()},
            })
        return {"by": by, "scheme": scheme, "groups": groups}

    def partner_candidates(self) -> list[dict]:
        """Every document's summary, partner vector (bytes or None) and label scores, for partner ranking."""
        with self._engine.connect() as conn:
            docs = [dict(r) for r in conn.execute(
                select(documents.c.id, documents.c.title, documents.c.source, documents.c.city, documents.c.country,
                       documents.c.language, documents.c.year, documents.c.vector, documents.c.vector_method)
            ).mappings()]
            profile = defaultdict(dict)
            assigned = defaultdict(list)
            for doc_id, label, score, is_assigned in conn.execute(
                select(scores.c.document_id, scores.c.label, scores.c.score, scores.c.assigned)
            ):
                profile[doc_id][label] = score
                if is_assigned:
                    assigned[doc_id].append(label)
        for d in docs:
            d["scores"] = profile.get(d["id"], {})
            d["assigned"] = assigned.get(d["id"], [])
        return docs

    # ---- corrections -----------------------------------------------------------------------------------------

    def add_correction(self, doc_id: str, label: str, action: str, passage_index: int | None = None,
                       reviewer: str | None = None, note: str | None = None) -> dict:
        row = {"document_id": doc_id, "label": label, "action": action, "passage_index": passage_index,
               "reviewer": reviewer, "note": note, "created_at": _now()}
        with self._write() as conn:
            if not conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first():
                raise NotFound(f"no document with id '{doc_id}'", source=doc_id)
            if passage_index is not None and not conn.execute(
                select(passages.c.idx).where(passages.c.document_id == doc_id, passages.c.idx == passage_index)
            ).first():
                raise NotFound(f"document '{doc_id}' has no passage {passage_index}", source=doc_id)
            row["id"] = conn.execute(insert(corrections).returning(corrections.c.id), [row]).scalar_one()
        return row

    def list_corrections(self, document_id: str | None = None) -> list[dict]:
        q = select(corrections).order_by(corrections.c.id)
        if document_id:
            q = q.where(corrections.c.document_id == document_id)
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def evidence_rows(self, doc_id: str) -> list[dict]:
        """(label, passage_index, assigned) of every evidence passage of a document."""
        q = (select(evidence.c.label, evidence.c.passage_index, scores.c.assigned)
             .join(scores, and_(scores.c.document_id == evidence.c.document_id, scores.c.label == evidence.c.label))
             .where(evidence.c.document_id == doc_id).order_by(evidence.c.label, evidence.c.rank))
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    # ---- jobs ------------------------------------------------------------------------------------------------

    def create_job(self, doc_id: str, kind: str) -> dict:
        now = _now()
        row = {"id": uuid.uuid4().hex, "document_id": doc_id, "kind": kind, "status": "queued", "stage": "queued",
               "progress": 0.0, "error_code": None, "error_message": None, "created_at": now, "updated_at": now}
        with self._write() as conn:
            conn.execute(insert(jobs), [row])
        return row

    def update_job(self, job_id: str, **values) -> None:
        with self._write() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(updated_at=_now(), **values))

    def get_job(self, job_id: str) -> dict:
        with self._engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise NotFound(f"no job with id '{job_id}'", source=job_id)
        return dict(row)

    def active_job(self, doc_id: str, kind: str = "ingest") -> dict | None:
        q = (select(jobs).where(jobs.c.document_id == doc_id, jobs.c.kind == kind, jobs.c.status.in_(("queued", "running")))
             .order_by(jobs.c.created_at))
        with self._engine.connect() as conn:
            row = conn.execute(q).mappings().first()
        return dict(row) if row else None

    def fail_unfinished_jobs(self, message: str) -> int:
        """Mark jobs a previous process left queued or running as failed (their input was only in memory)."""
        with self._write() as conn:
            result = conn.execute(
                update(jobs).where(jobs.c.status.in_(("queued", "running")))
                .values(status="failed", error_code="interrupted", error_message=message, updated_at=_now())
            )
        return result.rowcount


def normalise_meta(meta: dict) -> dict:
    """Upload metadata as stored: blank strings dropped, country as a code, year as an integer."""
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in meta.items()}
    out = {k: v for k, v in out.items() if v not in ("", None)}
    if "country" in out:
        out["country"] = normalise_country(out["country"])
    if "year" in out:
        out["year"] = int(out["year"])
    return out


def _document_row(doc, classification, meta: dict) -> dict:
    city = meta.get("city")
    return {
        "id": doc.id,
        "source": str(meta.get("source") or doc.source),
        "title": meta.get("title") or Path(doc.source).stem,
        "city": city,
        "city_key": fold(city) if city else None,
        "country": meta.get("country"),
        "year": meta.get("year"),
        "doc_type": meta.get("doc_type"),
        "language": doc.language,
        "n_pages": doc.n_pages,
        "n_passages": len(doc.passages),
        "model": classification.model,
        "extractor": doc.extractor,
        "language_shares": dict(doc.language_shares),
        "warnings": list(doc.warnings),
        "created_at": _now(),
    }


def _insert_many(conn, table, rows: list[dict]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def _text_condition(q: str):
    words = fold(q).split()
    return and_(*(passages.c.folded.like("%" + _LIKE_SPECIAL.sub(r"\\\1", w) + "%", escape="\\") for w in words))


def _assigned_labels(conn, ids: list[str], column=scores.c.assigned) -> dict[str, list[str]]:
    """Each document's assigned labels (or, with ``column=scores.c.main``, its main labels), in taxonomy order."""
    if not ids:
        return {}
    out = defaultdict(list)
    q = select(scores.c.document_id, scores.c.label).where(scores.c.document_id.in_(ids), column.is_(True))
    for doc_id, label in conn.execute(q):
        out[doc_id].append(label)
    order = {label: i for i, label in enumerate(default_taxonomy().ids)}
    return {doc_id: sorted(labels, key=lambda label: order.get(label, len(order))) for doc_id, labels in out.items()}


def _matching_passages(conn, ids: list[str], cond, per_document: int = 3) -> dict[str, list[dict]]:
    if not ids:
        return {}
    out = defaultdict(list)
    q = (select(passages.c.document_id, passages.c.idx, passages.c.text, passages.c.page_start, passages.c.page_end)
         .where(passages.c.document_id.in_(ids), cond).order_by(passages.c.document_id, passages.c.idx))
    for r in conn.execute(q).mappings():
        if len(out[r["document_id"]]) < per_document:
            out[r["document_id"]].append({"passage_index": r["idx"], "text": r["text"],
                                          "page_start": r["page_start"], "page_end": r["page_end"]})
    return out


def _add_missing_columns(engine) -> None:
    """Add the nullable columns a newer stratag defines to tables a database already has (``create_all`` creates
    only missing tables); rows stored before keep NULL there."""
    existing = inspect(engine)
    for table in metadata.sorted_tables:
        if not existing.has_table(table.name):
            continue
        have = {c["name"] for c in existing.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have and column.nullable:
                quote = engine.dialect.identifier_preparer.quote
                kind = column.type.compile(dialect=engine.dialect)
                try:
                    with engine.begin() as conn:
                        conn.execute(sql_text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))
                except (OperationalError, ProgrammingError):
                    # another process starting at the same time may have added it first
                    if column.name not in {c["name"] for c in inspect(engine).get_columns(table.name)}:
                        raise
                log.info("database: added column %s.%s", table.name, column.name)


def _configure_sqlite(engine) -> None:
    """WAL (readers never wait for the writer), foreign keys on, and write transactions that take the lock when
    they start: a deferred transaction that reads then writes can fail at once with 'database is locked'."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin hook emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("stratag_write") else "BEGIN")
