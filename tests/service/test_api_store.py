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


def test_api_store_marks_the_main_label_of_each_scheme(store, pdf_dir, tiny_tagger):
    doc = read_document(pdf_dir / "pl.pdf")
    classification = tiny_tagger.classify(doc)
    store.save_document(doc, classification)
    tags = store.get_tags(doc.id)
    main = {t["scheme"]: t["label"] for t in tags if t["main"]}
    assert main == classification.main() and main
    assert all(t["assigned"] for t in tags if t["main"])


def test_api_store_adds_new_columns_to_a_database_written_before_them(store_url, pdf_dir, tiny_tagger):
    from sqlalchemy import create_engine, inspect, text

    doc = read_document(pdf_dir / "pl.pdf")
    old = Store(store_url)
    old.save_document(doc, tiny_tagger.classify(doc))
    old.close()
    engine = create_engine(store_url)
    with engine.begin() as conn:  # the tables as stratag wrote them before main labels existed
        conn.execute(text("ALTER TABLE scores DROP COLUMN main"))
        conn.execute(text("ALTER TABLE evidence DROP COLUMN main"))
    assert "main" not in {c["name"] for c in inspect(engine).get_columns("scores")}
    engine.dispose()

    s = Store(store_url)
    try:
        before = s.get_tags(doc.id)  # stored before: no main labels, evidence still there
        assert before and not any(t["main"] for t in before)
        assert any(t["evidence"] for t in before) and not any(e["main"] for t in before for e in t["evidence"])
        other = dataclasses.replace(doc, id="f" * 64, source="pl-copy.pdf")  # the same text uploaded again
        s.save_document(other, tiny_tagger.classify(other))
        after = s.get_tags(other.id)
        assert any(t["main"] for t in after) and any(e["main"] for t in after for e in t["evidence"])
        assert s.count_documents() == 2
    finally:
        s.close()
