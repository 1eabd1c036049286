"""Taxonomy, model information, evaluation reports, health and readiness."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse

from classifier.taxonomy import default_taxonomy
from service.deps import get_settings, get_store, get_tagger
from service.reports import list_reports, report_file
from service.schemas import ErrorResponse, Health, ModelInfo, Readiness, ReportOut, TaxonomyOut

router = APIRouter(prefix="/api/v1", tags=["service"])


@router.get("/taxonomy", response_model=TaxonomyOut, summary="Schemes and labels with names and descriptions")
def taxonomy(lang: str = "en"):
    t = default_taxonomy()
    return TaxonomyOut(
        languages=list(t.languages),
        schemes=[{"id": k, "name": v["name"].get(lang) or v["name"]["en"], "names": v["name"]} for k, v in t.schemes.items()],
        labels=[{"id": lb.id, "scheme": lb.scheme, "short": lb.short, "name": lb.display_name(lang), "names": lb.name,
                 "description": lb.description} for lb in t.labels],
    )


@router.get("/model", response_model=ModelInfo, responses={503: {"model": ErrorResponse}}, summary="The loaded model")
def model_info(tagger=Depends(get_tagger), settings=Depends(get_settings)):
    meta = tagger.meta
    return ModelInfo(
        name=meta.get("name", tagger.name),
        created=meta.get("created"),
        mode=settings.mode,
        n_labels=len(tagger.label_ids),
        data_fingerprint=meta.get("data_fingerprint"),
        libraries=meta.get("libraries", {}),
        thresholds=meta.get("thresholds", {}),
        test_metrics=meta.get("test", {}),
    )


@router.get("/model/card", response_class=PlainTextResponse, summary="The model card (Markdown)")
def model_card(request: Request):
    card = Path(request.app.state.model_dir) / "MODEL_CARD.md"
    return PlainTextResponse(card.read_text(encoding="utf-8") if card.is_file() else "", media_type="text/markdown")


@router.get("/evaluation/reports", response_model=list[ReportOut], tags=["evaluation"],
            summary="Evaluation reports (HTML/JSON/Markdown) in the reports folder, newest first")
def reports(settings=Depends(get_settings)):
    return [{**r, "url": f"/api/v1/evaluation/reports/{r['name']}"} for r in list_reports(settings.reports_path())]


@router.get("/evaluation/reports/{name:path}", tags=["evaluation"], responses={404: {"model": ErrorResponse}},
            summary="One evaluation report file")
def report(name: str, settings=Depends(get_settings)):
    path, media_type = report_file(settings.reports_path(), name)
    return FileResponse(path, media_type=media_type)


@router.get("/health", response_model=Health, summary="Liveness: the process answers")
def health():
    return Health(status="ok")


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}},
            summary="Readiness: model loaded and database reachable")
def ready(request: Request, store=Depends(get_store)):
    tagger = request.app.state.tagger
    try:
        documents, database = store.count_documents(), "ok"
    except Exception as exc:  # any driver error means not ready; report it instead of failing
        documents, database = None, f"error: {type(exc).__name__}"
    body = Readiness(status="ready" if tagger is not None and database == "ok" else "not_ready",
                     model=tagger.meta.get("name", tagger.name) if tagger is not None else None,
                     database=database, documents=documents)
    return JSONResponse(body.model_dump(), status_code=200 if body.status == "ready" else 503)
