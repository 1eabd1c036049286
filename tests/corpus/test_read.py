import pytest

from corpus import ocr
from corpus.errors import NoTextLayer, StratagError
from corpus.read import read_document
from tests.conftest import TEXTS, make_scanned_pdf


@pytest.mark.parametrize("code", ["corrupt_pdf", "encrypted_pdf", "not_a_pdf", "unsupported_type", "empty_document", "file_not_found"])
def test_read_bad_input_raises_its_stable_code(bad_files, code):
    with pytest.raises(StratagError) as info:
        read_document(bad_files[code])
    assert info.value.code == code
    assert info.value.message  # a message the user can act on
    assert str(bad_files[code].name) in str(info.value)


def test_read_too_large_is_refused(bad_files):
    with pytest.raises(StratagError) as info:
        read_document(bad_files["corrupt_pdf"], max_bytes=100)
    assert info.value.code == "too_large"


def test_read_plain_text_and_markdown(tmp_path):
    (tmp_path / "a.txt").write_text(TEXTS["hu"] + "\n\n" + TEXTS["hu"], encoding="utf-8")
    (tmp_path / "b.md").write_text("# Stratégia\n\n![img-0.jpeg](img-0.jpeg)\n\n" + TEXTS["sk"], encoding="utf-8")
    a = read_document(tmp_path / "a.txt")
    b = read_document(tmp_path / "b.md")
    assert a.language == "hu" and a.extractor == "text"
    assert b.language == "sk" and "img-0" not in b.text


def test_read_scanned_page_is_ocred_or_reported(tmp_path, font_path):
    path = make_scanned_pdf(tmp_path / "scan.pdf", TEXTS["pl"], font_path)
    if ocr.ocr_available():
        doc = read_document(path)
        assert doc.pages[0].method == "ocr"
        assert "termomodernizac" in doc.pages[0].text.lower()
        assert doc.language == "pl"
    else:
        with pytest.raises(NoTextLayer) as info:
            read_document(path)
        assert "tesseract" in info.value.message


def test_read_scanned_page_without_ocr_is_reported(tmp_path, font_path):
    path = make_scanned_pdf(tmp_path / "scan.pdf", TEXTS["pl"], font_path)
    with pytest.raises(NoTextLayer):
        read_document(path, use_ocr=False)


def test_read_document_id_is_content_hash(pdf_dir, tmp_path):
    a = read_document(pdf_dir / "pl.pdf")
    copy = tmp_path / "copy.pdf"
    copy.write_bytes((pdf_dir / "pl.pdf").read_bytes())
    assert read_document(copy).id == a.id
    assert read_document(pdf_dir / "cs.pdf").id != a.id
