"""Request dependencies. Routes get the settings, store, tagger and job runner only through these, so tests can
override any of them (``app.dependency_overrides[get_tagger] = ...``)."""

from __future__ import annotations

import hmac

from fastapi import Depends, Request

from service.errors import NotReady, Unauthorized


def get_settings(request: Request):
    return request.app.state.settings


def get_store(request: Request):
    return request.app.state.store


def get_jobs(request: Request):
    return request.app.state.jobs


def get_tagger(request: Request):
    tagger = request.app.state.tagger
    if tagger is None:
        raise NotReady("the model is not loaded yet")
    return tagger


def check_token(settings, supplied: str | None) -> None:
    """Raise Unauthorized when an API token is configured and ``supplied`` is not it."""
    expected = settings.token()
    if expected and not (supplied and hmac.compare_digest(supplied.encode(), expected.encode())):
        raise Unauthorized("this operation needs the API token: send 'Authorization: Bearer <token>'")


def require_token(request: Request, settings=Depends(get_settings)) -> None:
    """Guard for write operations (a no-op when no ``STRATAG_API_TOKEN`` is set)."""
    header = request.headers.get("authorization", "")
    supplied = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("x-api-token")
    check_token(settings, supplied)
