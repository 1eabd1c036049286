"""The database schema (SQLAlchemy Core), one definition for SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()



def _doc_fk() -> ForeignKey:
    return ForeignKey("documents.id", ondelete="CASCADE")

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the uploaded bytes
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("city", Text),
    Column("city_key", Text, index=True),  # folded city name, for case- and diacritic-insensitive filters
    Column("country", String(8), index=True),
    Column("year", Integer, index=True),
    Column("doc_type", Text),
    Column("language", String(8), index=True),
    Column("n_pages", Integer, nullable=False),
    Column("n_passages", Integer, nullable=False),
    Column("model", Text, nullable=False),
    Column("extractor", Text),
    Column("language_shares", JSON),
    Column("warnings", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("vector", LargeBinary),  # partner-search embedding (float32), filled by the background job
    Column("vector_method", String(16)),
)

pages = Table(
    "pages",
    metadata,
    Column("document_id", String(64), _doc_fk(), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("method", String(8)),
)

passages = Table(
    "passages",
    metadata,
    Column("document_id", String(64), _doc_fk(), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("folded", Text, nullable=False),  # lower-cased, diacritics stripped: what full-text search matches
    Column("page_start", Integer, nullable=False),
    Column("page_end", Integer, nullable=False),
    Column("language", String(8)),
)

scores = Table(
    "scores",
    metadata,
    Column("document_id", String(64), _doc_fk(), primary_key=True),
    Column("label", String(40), primary_key=True),
    Column("scheme", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("assigned", Boolean, nullable=False),
    Column("main", Boolean),  # the assigned label of its scheme the document is mainly about (None: stored before)
    Index("ix_scores_label_assigned", "label", "assigned"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("document_id", String(64), _doc_fk(), primary_key=True),
    Column("label", String(40), primary_key=True),
    Column("rank", Integer, primary_key=True),
    Column("passage_index", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("terms", JSON),
    Column("main", Boolean),  # the label is the passage's main label in its scheme (None: stored before)
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), _doc_fk(), nullable=False, index=True),
    Column("passage_index", Integer),  # None: a correction of the document's tag
    Column("label", String(40), nullable=False),
    Column("action", String(8), nullable=False),  # accept | reject | add
    Column("reviewer", Text),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("document_id", String(64), nullable=False, index=True),  # no FK: the document exists only when done
    Column("kind", String(16), nullable=False),  # ingest | partners
    Column("status", String(16), nullable=False),  # queued | running | done | failed
    Column("stage", String(32)),
    Column("progress", Float, nullable=False),
    Column("error_code", String(40)),
    Column("error_message", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
