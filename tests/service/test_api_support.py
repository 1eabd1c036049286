"""Fixtures and helpers shared by the service's API and web tests (no tests here).

Every API test runs against the real app (``create_app``) with a real database: an SQLite file, and PostgreSQL
when ``STRATAG_TEST_POSTGRES_URL`` is set (``.ci/run`` starts one). The classifier dependency is the tiny model.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

POSTGRES_ENV = "STRATAG_TEST_POSTGRES_URL"

# Metadata of the generated test PDFs (tests/conftest.py TEXTS), as a user would type it.
META = {
    "pl": {"title": "Strategia Łodzi", "city": "Łódź", "country": "Polska", "year": "2020"},
    "cs": {"title": "Strategie Plzně", "city": "Plzeň", "country": "CZ", "year": "2021"},
    "sk": {"title": "Stratégia Košíc", "city": "Košice", "country": "Slovakia", "year": "2021"},
    "hu": {"title": "Győr stratégiája", "city": "Győr", "country": "HU", "year": "2022"},
    "en": {"title": "Brno strategy", "city": "Brno", "country": "cz", "year": "2021"},
}


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    from service.tables import metadata

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'stratag.sqlite'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set (CI sets it after starting PostgreSQL in .ci/run)")
    _reset_postgres(url)
    return url


@pytest.fixture
def make_client(store_url, tiny_model_dir, tiny_tagger, tmp_path):
    """``make_client(**settings)``: a TestClient on a fresh app; its lifespan (store, model, jobs) runs."""
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.deps import get_tagger
    from service.settings import Settings

    opened = []

    def make(tagger=None, **overrides):
        values = {"data_dir": tmp_path / "data", "database_url": store_url, "model_dir": tiny_model_dir,
                  "partner_method": "labels", "api_token": None, **overrides}
        app = create_app(Settings(**values))
        app.dependency_overrides[get_tagger] = lambda: tagger or tiny_tagger
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


def upload(client, path: Path | None = None, *, data: bytes | None = None, name: str | None = None,
           headers: dict | None = None, **meta):
    content = data if data is not None else Path(path).read_bytes()
    return client.post("/api/v1/documents", files={"file": (name or Path(path).name, content, "application/pdf")},
                       data={k: v for k, v in meta.items() if v is not None}, headers=headers or {})


def upload_all(client, pdf_dir: Path, langs=("pl", "cs", "sk", "hu", "en")) -> dict[str, str]:
    """Upload the generated PDFs with their metadata; returns language -> document id."""
    ids = {}
    for lang in langs:
        r = upload(client, pdf_dir / f"{lang}.pdf", **META[lang])
        assert r.status_code == 201, r.text
        ids[lang] = r.json()["document_id"]
    return ids


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def wait_for_job(client, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")
