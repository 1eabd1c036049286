import pytest

from corpus.clean import clean_pages, join_hyphenated
from corpus.pdf import extract_raw_pages
from corpus.read import read_document
from tests.conftest import DIACRITICS, SAMPLE_WORDS, TEXTS, make_pdf


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("lang", list(TEXTS))
def test_pdf_extracts_text_with_diacritics_per_page(pdf_dir, lang, engine):
    doc = read_document(pdf_dir / f"{lang}.pdf", engine=engine)
    assert doc.n_pages == 2
    assert [p.number for p in doc.pages] == [1, 2]
    text = doc.pages[0].text
    assert SAMPLE_WORDS[lang] in text
    for ch in DIACRITICS[lang]:
        assert ch in doc.text, f"{ch!r} lost in {lang}"
    assert doc.extractor == engine


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_pdf_two_columns_come_out_in_reading_order(tmp_path, font_path, engine):
    left = "Lewa kolumna zaczyna się tutaj. " + " ".join(f"alfa{i}" for i in range(60)) + " Koniec lewej kolumny."
    right = "Prawa kolumna zaczyna się tutaj. " + " ".join(f"beta{i}" for i in range(60)) + " Koniec prawej kolumny."
    path = make_pdf(tmp_path / "cols.pdf", [(left, right)], font_path)
    text = " ".join(extract_raw_pages(path.read_bytes(), engine=engine)[0].text.split())
    # every word of the left column comes before any word of the right one
    assert text.index("Koniec lewej kolumny") < text.index("Prawa kolumna zaczyna")
    assert text.index("alfa59") < text.index("beta0")
    assert "alfa0 alfa1 alfa2" in text


def test_pdf_running_headers_and_page_numbers_are_removed(tmp_path, font_path):
    pages = [TEXTS["cs"], TEXTS["sk"], TEXTS["cs"].replace("Plzeň", "Brno"), TEXTS["sk"].replace("Košice", "Nitra")]
    path = make_pdf(tmp_path / "hdr.pdf", pages, font_path, header="Strategie rozvoje města Plzně 2030")
    doc = read_document(path)
    assert doc.n_pages == 4
    for page in doc.pages:
        assert "Strategie rozvoje města Plzně 2030" not in page.text
        assert not any(line.strip().isdigit() for line in page.text.splitlines())
        assert "tramvajové" in page.text or "výsadbu" in page.text


def test_clean_joins_line_end_hyphenation_and_drops_toc_leaders():
    pages = ["Spis treści\n1. Wprowadzenie ........................ 3\n2. Diagnoza . . . . . . . . . 7\n"
             "Miasto planuje moderni-\nzację sieci ciepłowniczej.\nCO2-\nneutralne miasto i CO2-neutralne osiedla."]
    out = clean_pages(pages)[0]
    assert "modernizację" in out
    assert "........" not in out and "Wprowadzenie" not in out
    assert "CO2-neutralne miasto" in out  # a real hyphenated compound keeps its hyphen


def test_clean_keeps_hyphen_before_capitalised_word():
    assert join_hyphenated(["Program Czysto-", "Zielony"]) == ["Program Czysto-", "Zielony"]
