"""The HTTP edge: every request and response body of the API (and so its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. encrypted_pdf, too_large, not_found")
    message: str
    source: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class JobOut(BaseModel):
    id: str
    document_id: str
    kind: Literal["ingest", "partners"]
    status: Literal["queued", "running", "done", "failed"]
    stage: str | None = None
    progress: float = Field(ge=0, le=1)
    error_code: str | None = None
    error_message: str | None = None
    created_at: datetime
    updated_at: datetime


class UploadResult(BaseModel):
    document_id: str = Field(description="SHA-256 of the file: the same file always gets the same id")
    status: Literal["done", "queued", "running"]
    duplicate: bool = Field(description="the file was stored (or being classified) already")
    job: JobOut | None = Field(None, description="the background job classifying the document or computing partners")


class DocumentSummary(BaseModel):
    id: str
    title: str | None
    source: str
    city: str | None
    country: str | None
    year: int | None
    doc_type: str | None
    language: str
    n_pages: int
    n_passages: int
    model: str
    created_at: datetime
    assigned: list[str] = Field(description="label ids at or above their threshold")
    main: list[str] = Field([], description="the document's main label in each scheme with assigned labels")


class DocumentOut(DocumentSummary):
    extractor: str | None
    language_shares: dict[str, float]
    warnings: list[str]
    vector_method: str | None = Field(None, description="e5 once the partner vector is computed")


class PassageMatch(BaseModel):
    passage_index: int
    text: str
    page_start: int
    page_end: int


class DocumentHit(DocumentSummary):
    matches: list[PassageMatch] = Field(default_factory=list, description="passages matching q (at most 3)")


class DocumentList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[DocumentHit]


class EvidenceOut(BaseModel):
    passage_index: int
    page_start: int
    page_end: int
    score: float
    text: str
    terms: list[str] = Field(description="words of the passage that raised the label's score most")
    main: bool = Field(False, description="the label is this passage's main label in its scheme")


class TagOut(BaseModel):
    label: str
    name: str
    scheme: str
    score: float
    threshold: float
    assigned: bool
    main: bool = Field(False, description="the assigned label of its scheme the document is mainly about (one per "
                                          "scheme with assigned labels; false on documents stored before main labels)")
    review: Literal["accept", "reject", "add"] | None = Field(None, description="latest reviewer decision on the document")
    evidence: list[EvidenceOut]


class SchemeTags(BaseModel):
    scheme: str
    name: str
    tags: list[TagOut]


class DocumentTags(BaseModel):
    document_id: str
    schemes: list[SchemeTags]


class PageOut(BaseModel):
    number: int
    text: str
    method: str | None


class DocumentPages(BaseModel):
    document_id: str
    pages: list[PageOut]


class CoverageGroup(BaseModel):
    key: str | None = Field(description="country code or city; null for documents without one")
    n_documents: int
    coverage: dict[str, float] = Field(description="label -> share of the group's documents tagged with it")
    mean_score: dict[str, float]


class Coverage(BaseModel):
    by: Literal["country", "city"]
    scheme: str | None
    labels: list[str]
    groups: list[CoverageGroup]


class Partner(BaseModel):
    id: str
    title: str | None
    source: str
    city: str | None
    country: str | None
    language: str
    year: int | None
    similarity: float
    shared_labels: list[str]


class Partners(BaseModel):
    document_id: str | None = None
    label: str | None = None
    method: str = Field(description="e5 (passage embeddings), labels (label-profile cosine) or label-score")
    scope: str | None = None
    partners: list[Partner]


class CorrectionIn(BaseModel):
    label: str = Field(examples=["gd:energy"])
    action: Literal["accept", "reject", "add"]
    passage_index: int | None = Field(None, description="omit to correct the document's tag")
    reviewer: str | None = None
    note: str | None = None


class CorrectionOut(CorrectionIn):
    id: int
    document_id: str
    created_at: datetime


class LabelOut(BaseModel):
    id: str
    scheme: str
    short: str
    name: str
    names: dict[str, str]
    description: dict[str, str]


class SchemeOut(BaseModel):
    id: str
    name: str
    names: dict[str, str]


class TaxonomyOut(BaseModel):
    languages: list[str]
    schemes: list[SchemeOut]
    labels: list[LabelOut]


class ModelInfo(BaseModel):
    name: str
    created: str | None
    mode: str
    n_labels: int
    data_fingerprint: str | None
    libraries: dict[str, str]
    thresholds: dict[str, float]
    test_metrics: dict = Field(description="the training run's test-split metrics (model.json)")


class ReportOut(BaseModel):
    name: str
    kind: Literal["html", "json", "markdown"]
    size: int
    modified: datetime
    url: str


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    model: str | None
    database: str
    documents: int | None
