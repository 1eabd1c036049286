"""The model shipped in models/default: it loads, and it tags real and example documents sensibly."""

import pytest

from classifier.artifact import DEFAULT_MODEL_DIR, load_tagger
from classifier.taxonomy import default_taxonomy
from corpus.read import read_document
from corpus.shared import REPO_ROOT

EXAMPLE = REPO_ROOT / "corpus" / "examples" / "przyklad-strategia-pl.pdf"


@pytest.fixture(scope="module")
def shipped():
    return load_tagger(DEFAULT_MODEL_DIR)


def test_shipped_model_covers_the_taxonomy(shipped):
    assert shipped.label_ids == default_taxonomy().ids
    assert (shipped.thresholds > 0).all() and (shipped.thresholds < 1).all()
    assert shipped.meta["data_fingerprint"]


def test_shipped_model_tags_the_example_strategy(shipped):
    c = shipped.classify(read_document(EXAMPLE))
    assigned = {s.label for s in c.assigned()}
    assert {"sdg:7", "gd:energy", "gd:mobility", "smart:mobility"} <= assigned
    assert "sdg:14" not in assigned
    assert c.score("gd:mobility").evidence[0].page_start == 2


@pytest.mark.shared_data
def test_shipped_model_tags_a_real_city_climate_plan(shipped, shared_data):
    doc = read_document(shared_data / "city-climate-contracts" / "pdf" / "kranj.pdf")
    c = shipped.classify(doc)
    assigned = {s.label for s in c.assigned()}
    assert {"sdg:7", "sdg:11", "sdg:13"} <= assigned
    assert {"gd:energy", "gd:mobility"} <= assigned
    assert "sdg:14" not in assigned
    for label in ("sdg:7", "gd:energy", "gd:mobility"):
        ev = c.score(label).evidence
        assert ev and all(1 <= e.page_start <= doc.n_pages for e in ev)
    # a climate city contract is mainly about the climate, whatever else it assigns
    assert shipped.primary_head is not None
    assert c.main()["sdg"] == "sdg:13" and c.main()["gd"] == "gd:climate"
