"""``/api/v1/documents`` and ``/api/v1/jobs``: upload, list and search, tags with evidence, text per page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import PlainTextResponse

from classifier.taxonomy import default_taxonomy
from corpus.errors import InputTooLarge
from service.deps import get_jobs, get_settings, get_store, get_tagger, require_token
from service.ingest import accept_upload
from service.present import check_scheme, tags_by_scheme
from service.schemas import (
    DocumentList,
    DocumentOut,
    DocumentPages,
    DocumentTags,
    ErrorResponse,
    JobOut,
    UploadResult,
)

router = APIRouter(prefix="/api/v1", tags=["documents"])
_ERRORS = {status: {"model": ErrorResponse} for status in (400, 401, 404, 413, 415, 422, 503)}
_MULTIPART_SLACK = 64 * 1024  # room for the form's other fields and boundaries


def read_limited(request: Request, file: UploadFile, max_bytes: int) -> bytes:
    """The uploaded bytes, refusing a body over the limit before reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + _MULTIPART_SLACK:
        raise InputTooLarge(f"the upload has {int(declared):,} bytes, more than the limit of {max_bytes:,}", source=file.filename)
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(f"the file is larger than the limit of {max_bytes:,} bytes", source=file.filename)
    return data


def upload_status(outcome) -> int:
    if outcome.duplicate and outcome.status == "done":
        return 200
    return 201 if outcome.status == "done" else 202


@router.post(
    "/documents",
    response_model=UploadResult,
    status_code=201,
    dependencies=[Depends(require_token)],
    responses={200: {"model": UploadResult, "description": "the same file was stored before"},
               202: {"model": UploadResult, "description": "classification runs as a background job"}, **_ERRORS},
    summary="Upload a PDF, .txt or .md document with optional metadata",
)
def upload_document(
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="PDF, .txt or .md")],
    title: Annotated[str | None, Form()] = None,
    city: Annotated[str | None, Form(description="city or region")] = None,
    country: Annotated[str | None, Form(description="PL, CZ, SK, HU (or the country's name)")] = None,
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
    doc_type: Annotated[str | None, Form(description="e.g. strategy, SECAP, development plan")] = None,
    settings=Depends(get_settings),
    store=Depends(get_store),
    tagger=Depends(get_tagger),
    jobs=Depends(get_jobs),
):
    """Short documents are classified in the request (201); longer ones than ``sync_max_pages`` by a background
    job (202, follow ``job``); a file stored before is recognised by its content hash (200)."""
    data = read_limited(request, file, settings.max_upload_bytes)
    meta = {"title": title, "city": city, "country": country, "year": year, "doc_type": doc_type}
    outcome = accept_upload(data, file.filename or "upload", meta, tagger=tagger, store=store, jobs=jobs, settings=settings)
    response.status_code = upload_status(outcome)
    if outcome.job:
        response.headers["Location"] = f"/api/v1/jobs/{outcome.job['id']}"
    return UploadResult(document_id=outcome.document_id, status=outcome.status, duplicate=outcome.duplicate, job=outcome.job)


@router.get("/documents", response_model=DocumentList, responses=_ERRORS, summary="List and search documents")
def list_documents(
    label: str | None = Query(None, description="only documents tagged with this label, e.g. gd:energy"),
    main: bool = Query(False, description="with label: only documents whose main label in its scheme is that label"),
    scheme: str | None = Query(None, description="only documents with a tag in this scheme (sdg, gd, smart)"),
    country: str | None = None,
    city: str | None = None,
    language: str | None = None,
    year: int | None = None,
    q: str | None = Query(None, description="words that must all occur in one passage (case and diacritics ignored)"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    store=Depends(get_store),
):
    if label:
        default_taxonomy()[label]
    check_scheme(scheme)
    found = store.list_documents(label=label, main=main, scheme=scheme, country=country, city=city, language=language, year=year,
                                 q=q, limit=limit, offset=offset)
    return DocumentList(limit=limit, offset=offset, **found)


@router.get("/documents/{doc_id}", response_model=DocumentOut, responses=_ERRORS, summary="A document's metadata")
def get_document(doc_id: str, store=Depends(get_store)):
    return store.get_document(doc_id)


@router.get("/documents/{doc_id}/tags", response_model=DocumentTags, responses=_ERRORS,
            summary="Every label per scheme: score, threshold, decision, evidence passages with pages")
def get_tags(doc_id: str, scheme: str | None = None, assigned_only: bool = False,
             lang: str = Query("en", description="language of label names: en, pl, cs, sk, hu"), store=Depends(get_store)):
    check_scheme(scheme)
    rows = store.get_tags(doc_id, scheme)
    if assigned_only:
        rows = [r for r in rows if r["assigned"]]
    return DocumentTags(document_id=doc_id, schemes=tags_by_scheme(rows, lang))


@router.get("/documents/{doc_id}/pages", response_model=DocumentPages, responses=_ERRORS, summary="Extracted text per page")
def get_pages(doc_id: str, store=Depends(get_store)):
    return DocumentPages(document_id=doc_id, pages=store.get_pages(doc_id))


@router.get("/documents/{doc_id}/text", response_class=PlainTextResponse, responses=_ERRORS,
            summary="Download the extracted text (pages separated by form feeds)")
def download_text(doc_id: str, store=Depends(get_store)):
    text = "\f".join(p["text"] for p in store.get_pages(doc_id))
    return PlainTextResponse(text, headers={"Content-Disposition": f'attachment; filename="{doc_id[:16]}.txt"'})


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_ERRORS, tags=["jobs"], summary="A background job's status")
def get_job(job_id: str, store=Depends(get_store)):
    return store.get_job(job_id)
