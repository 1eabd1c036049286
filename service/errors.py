"""Service-level errors and the one place where errors become HTTP responses.

Every ``StratagError`` (from ``corpus/errors.py`` or below) is answered with its status code and the body
``{"error": {"code", "message", "source"?}}`` on ``/api/``, or with an HTML error page elsewhere.
"""

from __future__ import annotations

import logging

from corpus.errors import (
    DataError,
    ExtractionError,
    InputError,
    InputTooLarge,
    LanguageError,
    ModelError,
    NotAPdf,
    StratagError,
    TaxonomyError,
    UnsupportedInput,
)

log = logging.getLogger(__name__)


class NotFound(StratagError):
    """A document, passage, job or report that does not exist."""

    code = "not_found"


class Unauthorized(StratagError):
    code = "unauthorized"


class InvalidRequest(StratagError):
    """A request the API cannot act on (bad parameter, malformed body)."""

    code = "invalid_request"


class NotReady(StratagError):
    code = "not_ready"


# Most specific class first: the first match wins.
STATUS = (
    (NotFound, 404),
    (Unauthorized, 401),
    (InvalidRequest, 422),
    (NotReady, 503),
    (InputTooLarge, 413),
    (UnsupportedInput, 415),
    (NotAPdf, 415),
    (InputError, 400),
    (ExtractionError, 422),
    (LanguageError, 422),
    (TaxonomyError, 422),
    (DataError, 422),
    (ModelError, 503),
)


def status_for(exc: StratagError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def install_error_handlers(app, render_html_error) -> None:
    """Register the handlers. ``render_html_error(request, status, error_dict)`` draws the web pages' error page."""
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    def respond(request, status: int, error: dict, headers: dict | None = None):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": error}, status_code=status, headers=headers)
        return render_html_error(request, status, error)

    async def on_stratag_error(request, exc: StratagError):
        status = status_for(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return respond(request, status, exc.to_dict(), headers)

    async def on_validation_error(request, exc: RequestValidationError):
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return respond(request, 422, {"code": InvalidRequest.code, "message": details})

    async def on_http_error(request, exc: StarletteHTTPException):
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        return respond(request, exc.status_code, {"code": code, "message": str(exc.detail)}, getattr(exc, "headers", None))

    async def on_unexpected(request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return respond(request, 500, {"code": "internal_error", "message": "internal error; see the server log"})

    app.add_exception_handler(StratagError, on_stratag_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
