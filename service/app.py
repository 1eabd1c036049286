"""``create_app(settings)``: the FastAPI application. The lifespan opens the store and loads the model once."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from service import routes_analysis, routes_corrections, routes_documents, routes_meta, web
from service.errors import install_error_handlers
from service.settings import Settings

log = logging.getLogger(__name__)

DESCRIPTION = """Tags strategy documents with UN SDG, European Green Deal and smart-city labels, with evidence passages
and page numbers; browse, search and compare them across the V4 countries.

Errors come as `{"error": {"code", "message"}}` with the stable codes of `corpus/errors.py`. Write operations need
`Authorization: Bearer <token>` when the server has `STRATAG_API_TOKEN` set."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service on ``settings`` (default: read from ``STRATAG_*`` environment variables)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from classifier.artifact import DEFAULT_MODEL_DIR, load_tagger
        from service.ingest import warm_up
        from service.jobs import JobRunner
        from service.store import Store

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(settings.store_url())
        stale = store.fail_unfinished_jobs("the server restarted before the job finished; upload the file again")
        if stale:
            log.warning("%d unfinished jobs from a previous run marked failed", stale)
        app.state.store = store
        app.state.jobs = JobRunner(store, settings)
        app.state.model_dir = settings.model_dir or DEFAULT_MODEL_DIR
        try:
            tagger = await run_in_threadpool(load_tagger, app.state.model_dir)
            if settings.warm_up:
                await run_in_threadpool(warm_up, tagger)
            app.state.tagger = tagger
            log.info("model %s loaded; database %s", tagger.meta.get("name"), store.url.split("@")[-1])
            yield
        finally:
            app.state.jobs.shutdown()
            store.close()

    app = FastAPI(title="stratag", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.tagger = None
    install_error_handlers(app, web.render_error)
    for module in (routes_documents, routes_analysis, routes_corrections, routes_meta, web):
        app.include_router(module.router)
    return app


def run_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``create_app(settings)`` with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
