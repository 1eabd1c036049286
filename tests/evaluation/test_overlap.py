import pytest

from evaluation.devsets import load_devset
from evaluation.overlap import NEAR_DUPLICATE, max_overlap, title_words


def test_template_siblings_overlap_and_different_titles_do_not():
    train = ["Aktywizacja zawodowa osób bezrobotnych w powiecie nyskim (I)", "Budowa kanalizacji sanitarnej w gminie Nysa"]
    sibling = "Aktywizacja zawodowa osób bezrobotnych w powiecie kluczborskim (II)"
    other = "Termomodernizacja szkoły podstawowej w Opolu"
    near, far = max_overlap([sibling, other], train)
    assert near >= NEAR_DUPLICATE > far
    assert max_overlap(["Szkoła"], []) == [0.0]
    assert title_words("Projekt 2015: ŁÓDŹ-Widzew, ul. 3 Maja") == {"projekt", "łódź", "widzew", "maja"}  # no numbers, ≥ 3 letters


@pytest.mark.shared_data
def test_novel_titles_are_the_hand_labelled_titles_without_a_template_sibling(shared_data):
    every = load_devset("esif-titles", shared_data)
    novel = load_devset("esif-titles-novel", shared_data)
    assert {r.id for r in novel} < {r.id for r in every}
    assert {r.language for r in novel} == {"pl", "cs", "hu"}
    dropped = [r for r in every if r.id not in {n.id for n in novel}]
    assert len(dropped) >= 30  # the templates are real: about a quarter of the titles have a sibling
    assert all(n.labels == next(r.labels for r in every if r.id == n.id) for n in novel)
