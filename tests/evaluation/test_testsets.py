"""The real-text test set: how its passages are drawn, and that training never reads them."""

import random

import pytest

from classifier.taxonomy import default_taxonomy
from evaluation.devsets import (DEVSETS, TESTSETS, devset_refs, held_out_cities, held_out_esif_rows, load_devset)
from evaluation.sample_sets import candidate_units, draw_plan_passages, is_candidate, is_english, word_runs

PROSE = ("The municipality will renovate the district heating network and connect public buildings to it, which "
         "reduces emissions from heating by a third before the end of the decade and lowers the bills of tenants.")


def test_candidates_are_prose_lines_and_table_cells():
    markdown = "\n".join([
        "# " + PROSE,  # a heading
        PROSE,
        PROSE,  # the same text again is kept once
        f"| {PROSE.replace('tenants.', 'owners.')} | 12 |",  # a table cell
        "Contents .......... 12",
        "Short line.",
        PROSE[:-1],  # does not end like a sentence
        "2020 2021 2022 2023 " * 12 + "total.",  # numbers
    ])
    units = candidate_units(markdown)
    assert units == [PROSE, PROSE.replace("tenants.", "owners.")]
    assert not is_candidate("x" * 1300 + ".")


def test_english_check_rejects_other_languages():
    assert is_english(PROSE)
    assert not is_english("De gemeente zal het warmtenet van de stad vernieuwen en de openbare gebouwen aansluiten op "
                          "het net voor de komende jaren en de bewoners van de wijken.")


def test_one_passage_per_stratum_in_document_order():
    units = [PROSE.replace("third", f"third (measure {i})") for i in range(30)]
    drawn = draw_plan_passages("\n".join(units), 15, random.Random(1))
    assert [s for s, _ in drawn] == list(range(1, 16))
    positions = [units.index(u) for _, u in drawn]
    assert all(2 * (s - 1) <= p < 2 * s for (s, _), p in zip(drawn, positions))
    assert draw_plan_passages("\n".join(units), 15, random.Random(1)) == drawn  # reproducible


def test_word_runs_find_shared_template_text():
    assert word_runs(PROSE) & word_runs("Intro. " + PROSE.upper())
    assert not word_runs("too short to hold twelve words")


def test_held_out_sets_cover_dev_and_test_and_can_be_restricted():
    if not all(devset_refs(name) for name in (*DEVSETS, *TESTSETS)):
        pytest.skip("a hand-labelled set file is missing")
    dev_rows, all_rows = held_out_esif_rows(tuple(DEVSETS)), held_out_esif_rows()
    assert dev_rows < all_rows and {r["row"] for r in devset_refs("esif-titles-test")} == all_rows - dev_rows
    test_cities = {r["source"].split("/")[-1][:-3] for r in devset_refs("city-plans-test")}
    assert test_cities <= held_out_cities() and not test_cities & held_out_cities(tuple(DEVSETS))


@pytest.mark.parametrize("name", list(TESTSETS))
def test_test_set_rows_are_valid(name):
    refs = devset_refs(name)
    if not refs:
        pytest.skip(f"{name} has no reference file")
    ids = [r["id"] for r in refs]
    assert len(ids) == len(set(ids))
    valid = set(default_taxonomy().ids)
    assert all(set(r["labels"]) <= valid for r in refs)
    assert sum(bool(r["labels"]) for r in refs) >= 0.9 * len(refs)  # labelled, not just drawn


def test_test_texts_resolve_and_are_never_trained_on(shared_data):
    from corpus.sources import build_training_set

    test = [p for name in TESTSETS for p in load_devset(name)]  # raises on a hash mismatch
    assert len(test) == sum(len(devset_refs(name)) for name in TESTSETS)
    training = build_training_set(("esif", "ccc-weak"), exclude_esif_rows=held_out_esif_rows(),
                                  exclude_cities=held_out_cities())
    trained = {r.hash for r in training}
    assert not [p.id for p in test if p.hash in trained]
    cities = {p.id.split("-")[1] for p in test if p.id.startswith("ccct-")}
    assert not [r.id for r in training if r.id.startswith("ccc-") and r.id.split("-")[1] in cities]
    # without the exclusion they would have been read: plans of cities without a PDF are training's plans
    from corpus.weak import pdf_cities

    plans = {p.stem.lower() for p in (shared_data / "city-climate-contracts" / "md").glob("*.md")}
    assert cities <= plans - pdf_cities(shared_data)
