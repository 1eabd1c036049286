"""The store's contract (used by the API and by the batch command): idempotent saves, all-or-nothing writes."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError

from corpus.read import read_document
from service.store import Store, fold, normalise_country
from tests.service.test_api_support import store_url  # noqa: F401


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture
def classified(pdf_dir, tiny_tagger):
    doc = read_document(pdf_dir / "hu.pdf")
    return doc, tiny_tagger.classify(doc)


def test_api_store_save_document_is_idempotent_by_content_hash(store, classified):
    doc, classification = classified
    assert not store.has_document(doc.id)
    assert store.save_document(doc, classification, {"city": "Győr", "country": "Magyarország", "year": "2022"}) == doc.id
    assert store.save_document(doc, classification) == doc.id
    assert store.has_document(doc.id) and store.count_documents() == 1
    saved = store.get_document(doc.id)
    assert saved["country"] == "HU" and saved["year"] == 2022 and saved["n_passages"] == len(doc.passages)
    assert [p["number"] for p in store.get_pages(doc.id)] == [1, 2]
    tags = store.get_tags(doc.id)
    assert len(tags) == 32
    with_evidence = [t for t in tags if t["evidence"]]
    assert all(e["text"] and e["page_start"] for t in with_evidence for e in t["evidence"])


def test_api_store_failed_save_leaves_nothing_behind(store, classified):
    doc, classification = classified
    broken = dataclasses.replace(classification, labels=classification.labels + classification.labels[:1])
    with pytest.raises(IntegrityError):
        store.save_document(doc, broken)
    assert not store.has_document(doc.id)
    assert store.count_documents() == 0 and store.get_passages(doc.id) == {}


def test_api_store_accepts_extra_metadata_from_other_callers(store, classified):
    doc, classification = classified
    store.save_document(doc, classification, {"source": "folder/hu.pdf", "seconds": 0.2})
    assert store.get_document(doc.id)["source"] == "folder/hu.pdf"


@pytest.mark.parametrize("text, folded", [("Łódź", "lodz"), ("Győr", "gyor"), ("Plzeň", "plzen"), ("ĽUBOVŇA", "lubovna")])
def test_api_store_fold_ignores_case_and_diacritics(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("given, code", [("Polska", "PL"), ("czechia", "CZ"), ("Slovensko", "SK"), ("hu", "HU"), ("at", "AT"), ("", None)])
def test_api_store_country_names_become_codes(given, code):
    assert normalise_country(given) == code
