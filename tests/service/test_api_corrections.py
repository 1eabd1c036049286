"""Corrections are stored, shown on the document, and exported as corpus-schema training data."""

from __future__ import annotations

import json

import pytest

from corpus.dataset import parse_record
from tests.service.test_api_support import client, make_client, store_url, upload  # noqa: F401


def _evidence(client, doc_id: str, label: str) -> list[dict]:
    tags = client.get(f"/api/v1/documents/{doc_id}/tags").json()
    return next(t for s in tags["schemes"] for t in s["tags"] if t["label"] == label)["evidence"]


def _correct(client, doc_id: str, **body):
    r = client.post(f"/api/v1/documents/{doc_id}/corrections", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _export(client) -> list:
    r = client.get("/api/v1/corrections/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    return [parse_record(json.loads(line)) for line in r.text.splitlines()]


def test_api_corrections_are_stored_and_shown_on_the_document(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    saved = _correct(client, doc_id, label="sdg:13", action="reject", reviewer="anna", note="about energy, not climate")
    assert saved["id"] and saved["document_id"] == doc_id and saved["passage_index"] is None
    _correct(client, doc_id, label="gd:energy", action="accept")
    listed = client.get("/api/v1/corrections", params={"document_id": doc_id}).json()
    assert [(c["label"], c["action"], c["reviewer"]) for c in listed] == [("sdg:13", "reject", "anna"), ("gd:energy", "accept", None)]
    tags = {t["label"]: t for s in client.get(f"/api/v1/documents/{doc_id}/tags").json()["schemes"] for t in s["tags"]}
    assert tags["sdg:13"]["review"] == "reject" and tags["gd:energy"]["review"] == "accept" and tags["sdg:1"]["review"] is None


def test_api_corrections_export_as_corpus_records_with_user_provenance(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    top = _evidence(client, doc_id, "gd:energy")[0]
    passage = top["passage_index"]
    _correct(client, doc_id, label="gd:energy", action="accept", passage_index=passage)
    _correct(client, doc_id, label="gd:buildings", action="reject", passage_index=passage)
    _correct(client, doc_id, label="smart:living", action="add", passage_index=passage)
    records = _export(client)
    assert len(records) == 1
    rec = records[0]
    assert rec.provenance == "user" and rec.language == "pl" and rec.group == doc_id
    assert "gd:energy" in rec.labels and "smart:living" in rec.labels and "gd:buildings" not in rec.labels
    assert set(rec.schemes) == {"gd", "smart"}, "only the schemes the reviewer acted on count as annotated"
    assert all(label.split(":")[0] in rec.schemes for label in rec.labels)
    assert rec.text == top["text"] and rec.id.endswith(f"-{passage}")


def test_api_document_level_rejection_applies_to_the_label_evidence(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    evidence = {e["passage_index"] for e in _evidence(client, doc_id, "sdg:13")}
    _correct(client, doc_id, label="sdg:13", action="reject")
    records = _export(client)
    assert {int(r.id.rsplit("-", 1)[1]) for r in records} == evidence
    assert all("sdg:13" not in r.labels and r.schemes == ("sdg",) for r in records)


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"label": "sdg:99", "action": "accept"}, 422, "unknown_label"),
        ({"label": "sdg:1", "action": "maybe"}, 422, "invalid_request"),
        ({"label": "sdg:1", "action": "add", "passage_index": 999}, 404, "not_found"),
    ],
)
def test_api_bad_corrections_have_codes(client, pdf_dir, body, status, code):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    r = client.post(f"/api/v1/documents/{doc_id}/corrections", json=body)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert client.get("/api/v1/corrections").json() == []


def test_api_correction_of_unknown_document_is_not_found(client):
    r = client.post("/api/v1/documents/" + "0" * 64 + "/corrections", json={"label": "sdg:1", "action": "add"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
