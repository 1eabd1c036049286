import pytest

from classifier.taxonomy import default_taxonomy
from evaluation.agreement import _cell, agreement, cohen_kappa
from evaluation.devsets import DEVSETS, first_labels, load_devset, second_labels


def test_kappa_is_one_for_identical_and_zero_for_chance_level_labels():
    assert cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0
    assert cohen_kappa([], []) is None


def test_cell_counts_disagreements_within_a_scheme_only():
    first = {"a": ("sdg:7", "gd:energy"), "b": ("sdg:4",)}
    second = {"a": ("sdg:7", "gd:buildings"), "b": ("sdg:4", "sdg:8")}
    sdg = _cell(["a", "b"], first, second, {f"sdg:{i}" for i in range(1, 18)})
    assert sdg["micro_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1))
    assert sdg["same_label_set"] == 0.5
    gd = _cell(["a", "b"], first, second, {"gd:energy", "gd:buildings"})
    assert gd["micro_f1"] == 0.0 and gd["same_label_set"] == 0.5


@pytest.mark.parametrize("name", list(DEVSETS))
def test_second_annotation_covers_the_set_with_valid_labels(name):
    second = second_labels(name)
    if not second:
        pytest.skip(f"no second annotation of {name}")
    taxonomy = default_taxonomy()
    assert set(second) <= set(first_labels(name))
    for labels in second.values():
        taxonomy.validate(labels)
    result = agreement(name, taxonomy)
    assert result["passages"] == len(second)
    assert 0.0 <= result["all"]["all"]["micro_f1"] <= 1.0


@pytest.mark.shared_data
def test_b_set_keeps_texts_and_takes_the_second_labels(shared_data):
    records = load_devset("esif-titles-b", shared_data)
    second = second_labels("esif-titles")
    assert records and all(r.labels == second[r.id] for r in records)
    first = {r.id: r.text for r in load_devset("esif-titles", shared_data)}
    assert all(first[r.id] == r.text for r in records)
