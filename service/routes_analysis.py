"""``/api/v1/compare`` (label coverage per country or city) and partner search."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query

from classifier.taxonomy import default_taxonomy
from service.deps import get_store
from service.partners import SCOPES, label_partners, rank_partners
from service.present import check_scheme, coverage_labels
from service.schemas import Coverage, ErrorResponse, Partners
from service.store import normalise_country

router = APIRouter(prefix="/api/v1", tags=["comparison"])
_ERRORS = {status: {"model": ErrorResponse} for status in (404, 422)}


@router.get("/compare", response_model=Coverage, responses=_ERRORS,
            summary="Coverage of every label per country or per city (the V4 comparison)")
def compare(by: Literal["country", "city"] = "country", scheme: str | None = None, store=Depends(get_store)):
    check_scheme(scheme)
    return Coverage(labels=coverage_labels(scheme), **store.coverage(by, scheme))


@router.get("/documents/{doc_id}/partners", response_model=Partners, responses=_ERRORS,
            summary="The most similar documents from other cities and countries (cross-lingual)")
def document_partners(doc_id: str, k: int = Query(10, ge=1, le=100),
                      scope: Literal[SCOPES] = Query("other-countries", description=", ".join(SCOPES)),
                      store=Depends(get_store)):
    store.get_document(doc_id)
    return rank_partners(doc_id, store.partner_candidates(), k=k, scope=scope)


@router.get("/labels/{label_id}/partners", response_model=Partners, responses=_ERRORS,
            summary="The strongest documents on a label, one per city")
def label_partner_list(label_id: str, k: int = Query(10, ge=1, le=100), exclude_country: str | None = None,
                       exclude_city: str | None = None, store=Depends(get_store)):
    default_taxonomy()[label_id]
    return label_partners(label_id, store.partner_candidates(), k=k,
                          exclude_country=normalise_country(exclude_country), exclude_city=exclude_city)
