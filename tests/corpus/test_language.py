import pytest

from corpus.errors import LanguageError
from corpus.language import detect_language, detect_languages
from corpus.read import document_from_text, read_document
from tests.conftest import TEXTS


@pytest.mark.parametrize("lang", list(TEXTS))
def test_language_detects_each_supported_language(lang):
    assert detect_language(TEXTS[lang]) == lang


def test_language_czech_and_slovak_short_passages():
    assert detect_language("Město připraví projekt revitalizace vnitrobloku a výsadby stromů.") == "cs"
    assert detect_language("Mesto pripraví projekt revitalizácie vnútrobloku a výsadby stromov.") == "sk"


def test_language_is_deterministic_and_batch_equals_single():
    texts = list(TEXTS.values())
    assert detect_languages(texts) == [detect_language(t) for t in texts] == detect_languages(texts)


def test_language_too_little_text_is_undetermined():
    assert detect_language("CO2 2030") == "und"


def test_language_unsupported_document_is_reported(tmp_path):
    german = ("Die Stadt plant die energetische Sanierung der Schulen und den Ausbau des Radverkehrs. "
              "Die Maßnahmen senken den Energieverbrauch und die Emissionen deutlich. ") * 3
    (tmp_path / "de.txt").write_text(german, encoding="utf-8")
    with pytest.raises(LanguageError) as info:
        read_document(tmp_path / "de.txt")
    assert info.value.code == "unsupported_language"
    assert "'de'" in info.value.message


def test_language_mixed_document_reports_shares():
    doc = document_from_text(TEXTS["pl"] + "\n\n" + TEXTS["en"], doc_id="x")
    assert set(doc.language_shares) == {"pl", "en"}
    assert {p.language for p in doc.passages} == {"pl", "en"}
