"""Taxonomy, model information, evaluation reports, health, readiness and the OpenAPI document."""

from __future__ import annotations

import os
import time

import pytest

from service.errors import NotFound
from service.reports import report_file
from tests.service.test_api_support import client, make_client, store_url  # noqa: F401


def test_api_taxonomy_lists_schemes_and_labels_in_the_asked_language(client):
    data = client.get("/api/v1/taxonomy", params={"lang": "pl"}).json()
    assert [s["id"] for s in data["schemes"]] == ["sdg", "gd", "smart"]
    assert len(data["labels"]) == 32 and set(data["languages"]) == {"en", "pl", "cs", "sk", "hu"}
    sdg7 = next(label for label in data["labels"] if label["id"] == "sdg:7")
    assert sdg7["name"] == sdg7["names"]["pl"] and sdg7["names"]["en"] and sdg7["description"]["hu"]


def test_api_model_info_describes_the_loaded_model(client):
    data = client.get("/api/v1/model").json()
    assert data["name"] == "tiny" and data["mode"] == "fast" and data["n_labels"] == 32
    assert len(data["thresholds"]) == 32 and all(0 < t < 1 for t in data["thresholds"].values())
    assert "scikit-learn" in data["libraries"]


def test_api_health_and_readiness(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    ready = client.get("/api/v1/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "model": "tiny", "database": "ok", "documents": 0}


def test_api_openapi_documents_the_versioned_api(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/documents", "/api/v1/documents/{doc_id}/tags", "/api/v1/documents/{doc_id}/text",
                 "/api/v1/jobs/{job_id}", "/api/v1/compare", "/api/v1/documents/{doc_id}/partners",
                 "/api/v1/labels/{label_id}/partners", "/api/v1/documents/{doc_id}/corrections",
                 "/api/v1/corrections/export", "/api/v1/taxonomy", "/api/v1/model", "/api/v1/evaluation/reports",
                 "/api/v1/health", "/api/v1/ready"):
        assert path in paths, path
    assert not any(p.startswith("/documents") for p in paths), "web pages stay out of the API document"
    upload = paths["/api/v1/documents"]["post"]
    assert {"200", "201", "202", "413", "415", "422"} <= set(upload["responses"])


def test_api_evaluation_reports_are_listed_newest_first_and_served(make_client, tmp_path):
    reports = tmp_path / "data" / "reports"
    (reports / "2026-01").mkdir(parents=True)
    (reports / "old.json").write_text('{"micro_f1": 0.5}', encoding="utf-8")
    (reports / "2026-01" / "new.html").write_text("<h1>report</h1>", encoding="utf-8")
    (reports / "notes.txt").write_text("not a report", encoding="utf-8")
    past = time.time() - 3600
    os.utime(reports / "old.json", (past, past))
    client = make_client()
    listed = client.get("/api/v1/evaluation/reports").json()
    assert [r["name"] for r in listed] == ["2026-01/new.html", "old.json"]
    assert [r["kind"] for r in listed] == ["html", "json"]
    r = client.get(listed[0]["url"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "report" in r.text
    assert client.get("/api/v1/evaluation/reports/old.json").json() == {"micro_f1": 0.5}
    assert client.get("/api/v1/evaluation/reports/notes.txt").json()["error"]["code"] == "not_found"


def test_api_reports_outside_the_folder_are_not_found(tmp_path):
    (tmp_path / "secret.json").write_text("{}", encoding="utf-8")
    (tmp_path / "reports").mkdir()
    with pytest.raises(NotFound):
        report_file(tmp_path / "reports", "../secret.json")


def test_api_missing_model_stops_start_up_with_its_code(tmp_path):
    from fastapi.testclient import TestClient

    from corpus.errors import ModelMissing
    from service.app import create_app
    from service.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, database_url=None, model_dir=tmp_path / "no-model"))
    with pytest.raises(ModelMissing) as exc, TestClient(app):
        pass
    assert exc.value.code == "model_missing"
