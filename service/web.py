"""Server-rendered web pages (Jinja2): portal list, upload with progress, document view, V4 heatmap, partners,
evaluation reports. They read through the same store and functions as the API; no front-end build."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from classifier.taxonomy import default_taxonomy
from service.deps import check_token, get_jobs, get_settings, get_store, get_tagger
from service.errors import NotFound
from service.i18n import UI_LANGUAGES, choose_language, translator
from service.ingest import accept_upload
from service.partners import label_partners, rank_partners
from service.present import check_scheme, coverage_labels, tags_by_scheme
from service.reports import list_reports
from service.routes_documents import read_limited

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
V4 = ("PL", "CZ", "SK", "HU")


def highlight(text: str, terms) -> Markup:
    """The passage with its evidence words marked (whole words, any case)."""
    words = sorted({t for t in terms or () if t and len(t) > 1}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    out, at = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[at:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


def pages_of(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


templates.env.filters["highlight"] = highlight
templates.env.globals["pages_of"] = pages_of


def ui_language(request: Request) -> str:
    return choose_language(request.query_params.get("lang"), request.cookies.get("lang"), request.headers.get("accept-language"))


def _render(request: Request, name: str, status: int = 200, **context):
    lang = ui_language(request)
    taxonomy = default_taxonomy()
    response = templates.TemplateResponse(request, name, {
        "t": translator(lang), "lang": lang, "ui_languages": UI_LANGUAGES, "taxonomy": taxonomy,
        "label_name": lambda label_id: taxonomy[label_id].display_name(lang), **context,
    }, status_code=status)
    if request.query_params.get("lang") in UI_LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def render_error(request: Request, status: int, error: dict):
    return _render(request, "error.html", status=status, error=error)


@router.get("/")
def portal(request: Request, label: str | None = None, main: bool = False, scheme: str | None = None,
           country: str | None = None, city: str | None = None, language: str | None = None, year: str | None = None,
           q: str | None = None, store=Depends(get_store)):
    filters = {"label": label or None, "main": main, "scheme": scheme or None, "country": country or None, "city": city or None,
               "language": language or None, "year": int(year) if year and year.isdigit() else None, "q": q or None}
    if filters["label"]:
        default_taxonomy()[filters["label"]]
    check_scheme(filters["scheme"])
    found = store.list_documents(**filters, limit=200)
    return _render(request, "index.html", found=found, filters=filters, facets=store.facets())


@router.get("/upload")
def upload_form(request: Request, settings=Depends(get_settings)):
    return _render(request, "upload.html", token_required=bool(settings.token()))


@router.post("/upload")
def upload_submit(
    request: Request,
    file: Annotated[UploadFile, File()],
    title: Annotated[str | None, Form()] = None,
    city: Annotated[str | None, Form()] = None,
    country: Annotated[str | None, Form()] = None,
    year: Annotated[str | None, Form()] = None,
    doc_type: Annotated[str | None, Form()] = None,
    token: Annotated[str | None, Form()] = None,
    settings=Depends(get_settings), store=Depends(get_store), tagger=Depends(get_tagger), jobs=Depends(get_jobs),
):
    """The form without JavaScript: upload, then go to the document (or its progress page)."""
    check_token(settings, token)
    data = read_limited(request, file, settings.max_upload_bytes)
    meta = {"title": title, "city": city, "country": country, "year": int(year) if year and year.isdigit() else None,
            "doc_type": doc_type}
    outcome = accept_upload(data, file.filename or "upload", meta, tagger=tagger, store=store, jobs=jobs, settings=settings)
    return RedirectResponse(f"/documents/{outcome.document_id}", status_code=303)


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str, show_all: bool = Query(False, alias="all"), store=Depends(get_store),
                  settings=Depends(get_settings)):
    if not store.has_document(doc_id):
        job = store.active_job(doc_id, "ingest")
        if job is None:
            raise NotFound(f"no document with id '{doc_id}'", source=doc_id)
        return _render(request, "job.html", job=job)
    document = store.get_document(doc_id)
    rows = store.get_tags(doc_id)
    partners = rank_partners(doc_id, store.partner_candidates(), k=5)
    return _render(request, "document.html", doc=document, schemes=tags_by_scheme(rows, ui_language(request)), show_all=show_all,
                   partners=partners, token_required=bool(settings.token()))


@router.get("/compare")
def compare_page(request: Request, by: str = "country", scheme: str | None = None, store=Depends(get_store)):
    by = "city" if by == "city" else "country"
    scheme = scheme or None
    check_scheme(scheme)
    coverage = store.coverage(by, scheme)
    groups = coverage["groups"]
    if by == "country":  # the V4 first, in a fixed order, then any others
        groups = sorted(groups, key=lambda g: (V4.index(g["key"]) if g["key"] in V4 else len(V4), g["key"] or "~"))
    return _render(request, "compare.html", by=by, scheme=scheme, labels=coverage_labels(scheme), groups=groups)


@router.get("/partners")
def partners_page(request: Request, document: str | None = None, label: str | None = None, store=Depends(get_store)):
    candidates = store.partner_candidates()
    result = label_result = None
    if document:
        store.get_document(document)
        result = rank_partners(document, candidates, k=10)
    if label:
        default_taxonomy()[label]
        label_result = label_partners(label, candidates, k=10)
    return _render(request, "partners.html", candidates=candidates, document=document, label=label, result=result,
                   label_result=label_result)


@router.get("/reports")
def reports_page(request: Request, settings=Depends(get_settings), tagger=Depends(get_tagger)):
    return _render(request, "reports.html", reports=list_reports(settings.reports_path()), model=tagger.meta,
                   model_name=tagger.meta.get("name", tagger.name))
