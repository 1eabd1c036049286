"""Every error path answers with its status and stable code, and stores nothing."""

from __future__ import annotations

import pytest

from corpus.errors import ModelIncompatible
from tests.service.test_api_support import client, make_client, store_url, upload, wait_for_job  # noqa: F401


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def assert_nothing_stored(client) -> None:
    assert client.get("/api/v1/documents").json()["total"] == 0
    assert client.get("/api/v1/ready").json()["documents"] == 0


@pytest.mark.parametrize(
    "code, status",
    [("corrupt_pdf", 422), ("encrypted_pdf", 422), ("not_a_pdf", 415), ("unsupported_type", 415), ("empty_document", 422)],
)
def test_api_upload_bad_file_returns_its_code_and_stores_nothing(client, bad_files, code, status):
    r = upload(client, bad_files[code])
    assert_error(r, status, code)
    assert r.json()["error"]["message"]
    assert_nothing_stored(client)


def test_api_upload_over_the_byte_limit_is_too_large(make_client, pdf_dir):
    client = make_client(max_upload_bytes=1000)
    assert_error(upload(client, pdf_dir / "pl.pdf"), 413, "too_large")
    assert_nothing_stored(client)


def test_api_upload_over_the_page_limit_is_too_large(make_client, pdf_dir):
    client = make_client(max_pages=1)
    r = upload(client, pdf_dir / "pl.pdf")
    assert_error(r, 413, "too_large")
    assert "2 pages" in r.json()["error"]["message"]
    assert_nothing_stored(client)


def test_api_upload_without_a_file_is_an_invalid_request(client):
    assert_error(client.post("/api/v1/documents", data={"title": "x"}), 422, "invalid_request")


def test_api_upload_with_a_bad_year_is_an_invalid_request(client, pdf_dir):
    assert_error(upload(client, pdf_dir / "pl.pdf", year="1066"), 422, "invalid_request")
    assert_nothing_stored(client)


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/api/v1/documents/" + "0" * 64, 404, "not_found"),
        ("/api/v1/documents/" + "0" * 64 + "/tags", 404, "not_found"),
        ("/api/v1/documents/" + "0" * 64 + "/pages", 404, "not_found"),
        ("/api/v1/documents/" + "0" * 64 + "/partners", 404, "not_found"),
        ("/api/v1/jobs/nope", 404, "not_found"),
        ("/api/v1/no-such-route", 404, "not_found"),
        ("/api/v1/documents?label=sdg:99", 422, "unknown_label"),
        ("/api/v1/documents?scheme=esg", 422, "invalid_request"),
        ("/api/v1/documents?limit=0", 422, "invalid_request"),
        ("/api/v1/labels/sdg:99/partners", 422, "unknown_label"),
        ("/api/v1/compare?by=street", 422, "invalid_request"),
        ("/api/v1/evaluation/reports/../../etc/passwd.json", 404, "not_found"),
    ],
)
def test_api_read_errors_have_codes(client, path, status, code):
    assert_error(client.get(path), status, code)


def test_api_write_operations_need_the_token_when_one_is_set(make_client, pdf_dir):
    client = make_client(api_token="s3cret")
    assert_error(upload(client, pdf_dir / "pl.pdf"), 401, "unauthorized")
    assert_error(upload(client, pdf_dir / "pl.pdf", headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
    assert_nothing_stored(client)
    r = upload(client, pdf_dir / "pl.pdf", headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201
    doc_id = r.json()["document_id"]
    correction = {"label": "gd:energy", "action": "accept"}
    assert_error(client.post(f"/api/v1/documents/{doc_id}/corrections", json=correction), 401, "unauthorized")
    r = client.post(f"/api/v1/documents/{doc_id}/corrections", json=correction, headers={"X-API-Token": "s3cret"})
    assert r.status_code == 201
    assert client.get(f"/api/v1/documents/{doc_id}").status_code == 200, "reading needs no token"


class _BrokenTagger:
    """A classifier dependency whose model cannot be used."""

    meta = {"name": "broken"}
    name = "broken"
    label_ids: list = []

    def classify(self, doc, mode="fast"):
        raise ModelIncompatible("this model cannot tag documents; retrain it")


def test_api_failure_in_the_request_stores_nothing(make_client, pdf_dir):
    client = make_client(tagger=_BrokenTagger())
    assert_error(upload(client, pdf_dir / "pl.pdf"), 503, "model_incompatible")
    assert_nothing_stored(client)


def test_api_failed_background_job_reports_its_code_and_stores_nothing(make_client, pdf_dir):
    client = make_client(tagger=_BrokenTagger(), sync_max_pages=1)
    r = upload(client, pdf_dir / "pl.pdf")
    assert r.status_code == 202
    job = wait_for_job(client, r.json()["job"]["id"])
    assert job["status"] == "failed" and job["error_code"] == "model_incompatible" and job["error_message"]
    assert_nothing_stored(client)
