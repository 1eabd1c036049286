"""Upload, tags with evidence, text per page, background jobs, list and search: the real app on a real database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import SAMPLE_WORDS
from tests.service.test_api_support import (  # noqa: F401  (fixtures)
    META,
    client,
    make_client,
    sha256,
    store_url,
    upload,
    upload_all,
    wait_for_job,
)


def test_api_upload_returns_content_hash_id_and_metadata(client, pdf_dir):
    r = upload(client, pdf_dir / "pl.pdf", **META["pl"], doc_type="strategy")
    assert r.status_code == 201
    body = r.json()
    assert body["document_id"] == sha256(pdf_dir / "pl.pdf")
    assert body["status"] == "done" and body["duplicate"] is False
    doc = client.get(f"/api/v1/documents/{body['document_id']}").json()
    assert doc["title"] == "Strategia Łodzi" and doc["city"] == "Łódź"
    assert doc["country"] == "PL" and doc["year"] == 2020 and doc["doc_type"] == "strategy"
    assert doc["language"] == "pl" and doc["n_pages"] == 2 and doc["source"] == "pl.pdf"
    assert "gd:energy" in doc["assigned"]


def test_api_tags_per_scheme_have_score_threshold_decision_and_evidence_pages(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    tags = client.get(f"/api/v1/documents/{doc_id}/tags").json()
    assert [s["scheme"] for s in tags["schemes"]] == ["sdg", "gd", "smart"]
    every = [t for s in tags["schemes"] for t in s["tags"]]
    assert len(every) == 32
    energy = next(t for t in every if t["label"] == "gd:energy")
    assert energy["assigned"] is True and energy["score"] >= energy["threshold"]
    assert energy["evidence"], "an assigned tag comes with evidence passages"
    for e in energy["evidence"]:
        assert 1 <= e["page_start"] <= e["page_end"] <= 2
        assert e["text"] and isinstance(e["terms"], list)
    assert all(t["score"] < t["threshold"] for t in every if not t["assigned"])
    # an evidence passage says whether the label is its own main label; each passage has at most one per scheme
    main_of = {}
    for scheme in tags["schemes"]:
        for t in scheme["tags"]:
            for e in t["evidence"]:
                assert isinstance(e["main"], bool)
                if e["main"]:
                    assert main_of.setdefault((scheme["scheme"], e["passage_index"]), t["label"]) == t["label"]
    assert main_of
    for scheme in tags["schemes"]:  # one main label in each scheme with an assigned label, and it is assigned
        mains = [t for t in scheme["tags"] if t["main"]]
        assert len(mains) == (1 if any(t["assigned"] for t in scheme["tags"]) else 0)
        assert all(t["assigned"] for t in mains)


def test_api_tags_filtered_by_scheme_and_named_in_polish(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    tags = client.get(f"/api/v1/documents/{doc_id}/tags", params={"scheme": "gd", "assigned_only": True, "lang": "pl"}).json()
    assert [s["scheme"] for s in tags["schemes"]] == ["gd"]
    assert tags["schemes"][0]["name"] == "Europejski Zielony Ład"
    assert all(t["assigned"] for t in tags["schemes"][0]["tags"])


def test_api_same_file_again_is_recognised_not_duplicated(client, pdf_dir):
    first = upload(client, pdf_dir / "cs.pdf", **META["cs"]).json()
    again = upload(client, pdf_dir / "cs.pdf", name="renamed-copy.pdf")
    assert again.status_code == 200
    assert again.json()["document_id"] == first["document_id"] and again.json()["duplicate"] is True
    assert client.get("/api/v1/documents").json()["total"] == 1


def test_api_text_per_page_and_download(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "sk.pdf").json()["document_id"]
    pages = client.get(f"/api/v1/documents/{doc_id}/pages").json()["pages"]
    assert [p["number"] for p in pages] == [1, 2]
    assert SAMPLE_WORDS["sk"] in pages[0]["text"]
    r = client.get(f"/api/v1/documents/{doc_id}/text")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.text.split("\f") == [p["text"] for p in pages]


def test_api_long_document_is_classified_by_a_background_job(make_client, pdf_dir):
    client = make_client(sync_max_pages=1)
    r = upload(client, pdf_dir / "pl.pdf")
    assert r.status_code == 202
    body = r.json()
    assert body["status"] in ("queued", "running") and body["job"]["kind"] == "ingest"
    assert r.headers["location"] == f"/api/v1/jobs/{body['job']['id']}"
    job = wait_for_job(client, body["job"]["id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert "gd:energy" in client.get(f"/api/v1/documents/{body['document_id']}").json()["assigned"]
    assert upload(client, pdf_dir / "pl.pdf").json()["duplicate"] is True


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"country": "CZ"}, {"cs", "en"}),
        ({"country": "slovensko"}, {"sk"}),
        ({"city": "plzen"}, {"cs"}),
        ({"city": "ŁÓDŹ"}, {"pl"}),
        ({"language": "hu"}, {"hu"}),
        ({"year": 2021}, {"cs", "sk", "en"}),
        ({"label": "gd:energy"}, {"pl"}),
        ({"scheme": "gd"}, {"pl"}),
        ({"country": "CZ", "year": 2021, "language": "en"}, {"en"}),
    ],
)
def test_api_list_filters(client, pdf_dir, params, expected):
    ids = upload_all(client, pdf_dir)
    found = client.get("/api/v1/documents", params=params).json()
    assert {i["id"] for i in found["items"]} == {ids[lang] for lang in expected}
    assert found["total"] == len(expected)


def test_api_list_filter_by_main_label(client, pdf_dir):
    ids = upload_all(client, pdf_dir)
    doc = client.get(f"/api/v1/documents/{ids['pl']}").json()
    assert doc["main"] and set(doc["main"]) <= set(doc["assigned"])
    not_main = [label for label in doc["assigned"] if label not in doc["main"]]
    assert not_main, "the Polish example has assigned labels besides its main ones"

    def listed(label, main):
        found = client.get("/api/v1/documents", params={"label": label, "main": main}).json()["items"]
        assert all(label in i["assigned"] and (not main or label in i["main"]) for i in found)
        return {i["id"] for i in found}

    for label in doc["main"]:
        assert ids["pl"] in listed(label, True)
    assert ids["pl"] in listed(not_main[0], False) and ids["pl"] not in listed(not_main[0], True)


@pytest.mark.parametrize("query, lang", [("tramvajové", "cs"), ("TRAMVAJOVE", "cs"), ("lodz", "pl"), ("Győr távhőrendszer", "hu")])
def test_api_full_text_search_over_passages_ignores_case_and_diacritics(client, pdf_dir, query, lang):
    ids = upload_all(client, pdf_dir)
    found = client.get("/api/v1/documents", params={"q": query}).json()
    assert [i["id"] for i in found["items"]] == [ids[lang]]
    match = found["items"][0]["matches"][0]
    assert match["page_start"] >= 1 and match["text"]


def test_api_search_treats_like_wildcards_literally(client, pdf_dir):
    upload_all(client, pdf_dir, langs=("pl", "en"))
    assert client.get("/api/v1/documents", params={"q": "%"}).json()["total"] == 0
    assert client.get("/api/v1/documents", params={"q": "_"}).json()["total"] == 0


def test_api_list_paginates_newest_first(client, pdf_dir):
    ids = upload_all(client, pdf_dir)
    page = client.get("/api/v1/documents", params={"limit": 2, "offset": 0}).json()
    rest = client.get("/api/v1/documents", params={"limit": 10, "offset": 2}).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and len(rest["items"]) == 3
    assert [i["id"] for i in page["items"] + rest["items"]] == [ids[lang] for lang in reversed(list(ids))]


def test_api_concurrent_uploads_store_each_document_once(client, pdf_dir):
    files = [pdf_dir / f"{lang}.pdf" for lang in ("pl", "cs", "sk", "hu", "en")] + [pdf_dir / "pl.pdf"] * 5
    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(lambda p: upload(client, p), files))
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert {r.json()["document_id"] for r in responses} == {sha256(p) for p in files}
    listed = client.get("/api/v1/documents").json()
    assert listed["total"] == 5 and len({i["id"] for i in listed["items"]}) == 5
