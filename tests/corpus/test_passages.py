from corpus.document import Page
from corpus.passages import MAX_CHARS, paragraphs, split_passages
from tests.conftest import TEXTS


def test_passages_are_bounded_and_keep_page_ranges():
    pages = [Page(i, "\n\n".join([TEXTS["pl"]] * 3)) for i in range(1, 6)]
    pages.append(Page(6, "Krótki akapit."))
    out = split_passages(pages)
    assert all(len(t) <= MAX_CHARS for t, _, _ in out)
    assert out[0][1] == 1 and out[-1][2] == 6
    assert all(s <= e for _, s, e in out)
    assert "".join(t for t, _, _ in out).count("Łódź") == 15


def test_passages_split_an_overlong_paragraph_at_sentences():
    long = " ".join([TEXTS["en"]] * 12)
    out = split_passages([Page(1, long)])
    assert len(out) > 1
    assert all(t.endswith(".") for t, _, _ in out)


def test_paragraphs_break_at_bullets():
    text = "Działania:\n• budowa ścieżek rowerowych\n• zakup autobusów elektrycznych"
    assert paragraphs(text) == ["Działania:", "• budowa ścieżek rowerowych", "• zakup autobusów elektrycznych"]
