"""Server-rendered pages, as HTML: portal list with filters, document view, heatmap, partners, reports, languages.
They run on SQLite only: the pages read through the same store calls the API tests run on PostgreSQL too."""

from __future__ import annotations

import re

import pytest

from tests.service.test_api_support import (  # noqa: F401  (fixtures)
    META,
    client,
    make_client,
    sha256,
    upload,
    upload_all,
)


@pytest.fixture
def store_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'stratag.sqlite'}"


@pytest.mark.parametrize("path", ["/", "/upload", "/compare", "/compare?by=city&scheme=smart", "/partners", "/reports"])
def test_web_pages_render_on_an_empty_portal(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<main>" in r.text


@pytest.mark.parametrize(
    "params, headers, word",
    [({}, {}, "Documents"), ({"lang": "pl"}, {}, "Dokumenty"), ({}, {"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.8"}, "Dokumenty"),
     ({"lang": "en"}, {"Accept-Language": "pl"}, "Documents")],
)
def test_web_interface_language_from_query_or_accept_language(client, params, headers, word):
    r = client.get("/", params=params, headers=headers)
    assert f"<h1>{word}</h1>" in r.text


def test_web_language_choice_is_remembered(client):
    assert "<h1>Label coverage per country</h1>" in client.get("/compare").text
    client.get("/", params={"lang": "pl"})
    assert "<h1>Pokrycie etykiet według krajów</h1>" in client.get("/compare").text


def test_web_document_view_shows_bars_per_scheme_and_highlighted_evidence_with_pages(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf", **META["pl"]).json()["document_id"]
    html = client.get(f"/documents/{doc_id}").text
    assert "Strategia Łodzi" in html
    assert html.count('class="card scheme"') == 3
    assert 'data-label="gd:energy"' in html and 'class="bar assigned"' in html
    assert re.search(r'<blockquote class="passage" data-passage="\d+"><span class="page">p\. [12]</span>', html)
    assert "<mark>" in html
    # the main label of each scheme with assigned labels is marked, next to that label's name
    tags = client.get(f"/api/v1/documents/{doc_id}/tags").json()
    mains = [t["label"] for s in tags["schemes"] for t in s["tags"] if t["main"]]
    assert mains and html.count('class="main-label"') == len(mains) + sum(
        e["main"] for s in tags["schemes"] for t in s["tags"] if t["assigned"] for e in t["evidence"])
    for label in mains:
        assert re.search(rf'data-label="{label}">[^<]*\n\s*<span class="main-label"', html)
    # evidence passages mainly about their label carry the badge too
    passage_mains = sum(e["main"] for s in tags["schemes"] for t in s["tags"] if t["assigned"] for e in t["evidence"])
    assert passage_mains and html.count('</span><span class="main-label"') == passage_mains
    all_labels = client.get(f"/documents/{doc_id}", params={"all": True}).text
    assert all_labels.count('class="label-name') == 32 > html.count('class="label-name')


def test_web_document_view_in_polish(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "pl.pdf").json()["document_id"]
    html = client.get(f"/documents/{doc_id}", params={"lang": "pl"}).text
    assert "Europejski Zielony Ład" in html and "Uzasadnienie" in html and "s. 1" in html


def test_web_portal_list_marks_main_labels_and_filters_by_them(client, pdf_dir):
    ids = upload_all(client, pdf_dir)
    doc = client.get(f"/api/v1/documents/{ids['pl']}").json()
    html = client.get("/").text
    for label in doc["main"]:
        assert f'class="tag main" href="/?label={label}&amp;main=true"' in html
    other = next(label for label in doc["assigned"] if label not in doc["main"])
    assert "Strategia Łodzi" in client.get("/", params={"label": other}).text
    assert "Strategia Łodzi" not in client.get("/", params={"label": other, "main": "true"}).text
    assert "Strategia Łodzi" in client.get("/", params={"label": doc["main"][0], "main": "true"}).text


def test_web_portal_list_filters_and_search(client, pdf_dir):
    upload_all(client, pdf_dir)
    html = client.get("/", params={"country": "CZ"}).text
    assert "Strategie Plzně" in html and "Brno strategy" in html and "Strategia Łodzi" not in html
    html = client.get("/", params={"q": "tramvajové"}).text
    assert "Strategie Plzně" in html and "<mark>tramvajové</mark>" in html and "Brno strategy" not in html
    html = client.get("/", params={"label": "gd:energy"}).text
    assert "Strategia Łodzi" in html and "Győr stratégiája" not in html


def test_web_heatmap_has_a_row_per_country_and_a_cell_per_label(client, pdf_dir):
    upload_all(client, pdf_dir)
    html = client.get("/compare").text
    rows = re.findall(r'<tr data-key="([A-Z]*)">', html)
    assert rows == ["PL", "CZ", "SK", "HU"]
    assert len(re.findall(r'<td data-label="', html)) == 4 * 32
    city = client.get("/compare", params={"by": "city", "scheme": "gd"}).text
    assert len(re.findall(r'<td data-label="gd:', city)) == 5 * 9


def test_web_partner_suggestions(client, pdf_dir):
    ids = upload_all(client, pdf_dir)
    html = client.get("/partners", params={"document": ids["cs"], "label": "gd:energy"}).text
    assert html.count('<table class="partners">') == 2
    assert "Strategia Łodzi" in html and f'href="/documents/{ids["hu"]}"' in html
    doc_html = client.get(f"/documents/{ids['pl']}").text
    assert 'id="partners"' in doc_html and "Strategie Plzně" in doc_html


def test_web_reports_page_links_reports(make_client, tmp_path):
    reports = tmp_path / "data" / "reports"
    reports.mkdir(parents=True)
    (reports / "evaluation-2026.html").write_text("<p>ok</p>", encoding="utf-8")
    html = make_client().get("/reports").text
    assert 'href="/api/v1/evaluation/reports/evaluation-2026.html"' in html and "tiny" in html


def test_web_upload_form_without_javascript_redirects_to_the_document(client, pdf_dir):
    r = client.post("/upload", files={"file": ("hu.pdf", (pdf_dir / "hu.pdf").read_bytes(), "application/pdf")},
                    data={"city": "Győr", "country": "HU"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{sha256(pdf_dir / 'hu.pdf')}"
    assert "Győr" in client.get(r.headers["location"]).text


def test_web_errors_are_pages_with_the_code(client, bad_files):
    r = client.get("/documents/" + "0" * 64)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html") and 'id="error-code">not_found' in r.text
    r = client.post("/upload", files={"file": ("x.pdf", bad_files["encrypted_pdf"].read_bytes(), "application/pdf")})
    assert r.status_code == 422 and 'id="error-code">encrypted_pdf' in r.text


def test_web_upload_form_needs_the_token_when_one_is_set(make_client, pdf_dir):
    client = make_client(api_token="s3cret")
    assert 'name="token"' in client.get("/upload").text
    files = {"file": ("pl.pdf", (pdf_dir / "pl.pdf").read_bytes(), "application/pdf")}
    assert client.post("/upload", files=files).status_code == 401
    assert client.post("/upload", files=files, data={"token": "s3cret"}, follow_redirects=False).status_code == 303


def test_web_user_text_is_escaped(client, pdf_dir):
    doc_id = upload(client, pdf_dir / "en.pdf", title="<script>alert(1)</script>", city="<b>Brno</b>").json()["document_id"]
    for path in ("/", f"/documents/{doc_id}", "/compare?by=city"):
        html = client.get(path).text
        assert "<script>alert(1)</script>" not in html and "<b>Brno</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/documents/{doc_id}").text


class _WaitingTagger:
    """The tiny tagger, held back until the test lets it classify."""

    def __init__(self, tagger):
        import threading

        self.tagger, self.go = tagger, threading.Event()
        self.meta, self.name, self.label_ids = tagger.meta, tagger.name, tagger.label_ids

    def classify(self, doc, mode="fast"):
        assert self.go.wait(30)
        return self.tagger.classify(doc, mode=mode)


def test_web_document_being_classified_shows_its_progress_page(make_client, tiny_tagger, pdf_dir):
    from tests.service.test_api_support import wait_for_job

    tagger = _WaitingTagger(tiny_tagger)
    client = make_client(tagger=tagger, sync_max_pages=1)
    body = upload(client, pdf_dir / "pl.pdf").json()
    html = client.get(f"/documents/{body['document_id']}").text
    assert 'http-equiv="refresh"' in html and "<progress" in html
    tagger.go.set()
    assert wait_for_job(client, body["job"]["id"])["status"] == "done"
    assert 'class="card scheme"' in client.get(f"/documents/{body['document_id']}").text
