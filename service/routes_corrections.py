"""Reviewers' corrections: record them, list them, export them as corpus-schema JSONL for the next training run."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from service.corrections import export_records, validate_label
from service.deps import get_store, require_token
from service.schemas import CorrectionIn, CorrectionOut, ErrorResponse

router = APIRouter(prefix="/api/v1", tags=["corrections"])
_ERRORS = {status: {"model": ErrorResponse} for status in (401, 404, 422)}


@router.post("/documents/{doc_id}/corrections", response_model=CorrectionOut, status_code=201, responses=_ERRORS,
             dependencies=[Depends(require_token)], summary="Accept, reject or add a tag on a document or one passage")
def add_correction(doc_id: str, body: CorrectionIn, store=Depends(get_store)):
    validate_label(body.label)
    return store.add_correction(doc_id, body.label, body.action, body.passage_index, body.reviewer, body.note)


@router.get("/corrections", response_model=list[CorrectionOut], summary="All corrections, oldest first")
def list_corrections(document_id: str | None = None, store=Depends(get_store)):
    return store.list_corrections(document_id)


@router.get("/corrections/export", summary="Corrections as training data: corpus-schema JSONL, provenance 'user'",
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export_corrections(store=Depends(get_store)):
    body = "".join(r.to_json() + "\n" for r in export_records(store))
    return Response(body, media_type="application/x-ndjson",
                    headers={"Content-Disposition": 'attachment; filename="corrections.jsonl"'})
